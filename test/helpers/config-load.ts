/** Loading configurations from a temporary directory, for the provider config tests. */
import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after } from "node:test";
import { ConfigError, loadConfig } from "../../src/config/load.js";
import type { RelayConfig, ResolvedProvider } from "../../src/config/types.js";

const dirs: string[] = [];
after(async () => {
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

export type Env = Record<string, string | undefined>;

export async function load(yaml: string | null, env: Env = {}): Promise<RelayConfig> {
  const cwd = await mkdtemp(join(tmpdir(), "overt-providers-"));
  dirs.push(cwd);
  if (yaml !== null) await writeFile(join(cwd, "overt.yaml"), yaml);
  return loadConfig({ env, cwd });
}

export async function loadError(yaml: string | null, env: Env = {}): Promise<ConfigError> {
  try {
    await load(yaml, env);
  } catch (error) {
    assert.ok(error instanceof ConfigError, `expected ConfigError, got ${String(error)}`);
    return error;
  }
  return assert.fail("expected a ConfigError");
}

export function only(c: RelayConfig): ResolvedProvider {
  assert.equal(c.providers.length, 1, `expected one provider, got ${c.providers.map((p) => p.id).join(",")}`);
  const [p] = c.providers;
  assert.ok(p);
  return p;
}
