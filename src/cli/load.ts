/** Shared CLI plumbing: load the configuration or exit non-zero with a readable message. */
import { ConfigError } from "../config/errors.js";
import { loadConfig } from "../config/load.js";
import type { RelayConfig } from "../config/types.js";

export async function loadConfigOrExit(path: string | undefined): Promise<RelayConfig> {
  try {
    return await loadConfig({ path, env: process.env, cwd: process.cwd() });
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`overt: invalid configuration: ${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
}

export function fail(message: string): never {
  process.stderr.write(`overt: ${message}\n`);
  process.exit(1);
}
