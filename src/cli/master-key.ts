/**
 * `overt keys rotate-master` and `overt keys generate-master`: see docs/OPERATIONS.md
 * for the whole rotation procedure. Rotation re-wraps tenant data keys only; captured
 * content is never re-encrypted.
 */

import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { MasterKeyError } from "../crypto/errors.js";
import { GENERATED_MASTER_KEY_FILE, writeNewMasterKeyFile } from "../crypto/master-keys.js";
import { resealLogKeys } from "../integrity/log-identity.js";
import { openCore, openMasterKeys } from "../main.js";
import { fail, loadConfigOrExit } from "./load.js";

export interface RotateOptions {
  json?: boolean;
  config?: string;
}

export async function rotateMaster(options: RotateOptions): Promise<void> {
  const config = await loadConfigOrExit(options.config);
  const keys = openMasterKeys(config);
  const core = await openCore(config);
  try {
    const result = await core.keyring.rotateMaster("cli");
    if (options.json) {
      process.stdout.write(
        `${JSON.stringify({ ...result, previousKeyIds: keys.previous.map((k) => k.id) })}\n`,
      );
    } else {
      process.stdout.write(
        `Active master key ${result.activeKeyId}: ${result.rewrapped} data key(s) re-wrapped, ` +
          `${result.alreadyCurrent} already under it.\n`,
      );
    }
    if (result.unavailable.length > 0) {
      fail(
        `${result.unavailable.length} data key(s) are wrapped by master keys not configured here: ` +
          `${result.unavailable.slice(0, 10).join(", ")}; add those keys to OVERT_MASTER_KEY_PREVIOUS and re-run`,
      );
    }
    // The transparency log's signing keys are sealed under the master key too.
    await resealLogKeys(core.storage, core.masterKeys);
    if (!options.json && keys.previous.length > 0) {
      const generated = join(config.dataDir, GENERATED_MASTER_KEY_FILE);
      const leftover =
        existsSync(generated) && config.security.masterKey?.active ? ` and delete ${generated}` : "";
      process.stdout.write(
        `Every live data key is now under ${result.activeKeyId}. Re-seal any sealed config values made with an ` +
          `older key, then remove the previous key(s) (${keys.previous.map((k) => k.id).join(", ")}) ` +
          `from the configuration${leftover}.\n`,
      );
    }
  } finally {
    await core.storage.close();
  }
}

export interface GenerateOptions {
  out: string;
}

export async function generateMaster(options: GenerateOptions): Promise<void> {
  const path = resolve(process.cwd(), options.out);
  try {
    const key = writeNewMasterKeyFile(path);
    process.stdout.write(`Wrote master key ${key.id} to ${path} (mode 0600).\n`);
  } catch (error) {
    if (error instanceof MasterKeyError) fail(error.message);
    throw error;
  }
}
