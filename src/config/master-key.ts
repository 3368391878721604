/**
 * Master-key settings and sealed values in the configuration.
 *
 *   security.masterKeyFile        OVERT_MASTER_KEY_FILE, or OVERT_MASTER_KEY (the key itself, base64 or hex)
 *   security.previousMasterKeyFiles  OVERT_MASTER_KEY_PREVIOUS (comma-separated keys),
 *                                    OVERT_MASTER_KEY_PREVIOUS_FILES (comma-separated paths)
 *
 * The file wins over the environment, as everywhere. A key value can only come
 * from the environment: a key written into overt.yaml would sit next to the
 * values it seals. Key values are checked here; key files are read when the keys
 * are needed (crypto/master-keys.ts), so a missing file is reported by path.
 */
import { resolve } from "node:path";
import { MasterKeyError } from "../crypto/errors.js";
import { loadMasterKeys, type MasterKeySet, parseMasterKeyText } from "../crypto/master-keys.js";
import { isSealed, SealedValueError, unsealValue } from "../crypto/sealed-value.js";
import { ConfigError } from "./errors.js";
import type { FileConfig } from "./schema.js";
import { Secret } from "./secret.js";
import type { Env } from "./substitute.js";
import type { MasterKeyConfig, MasterKeySource } from "./types.js";

function envValue(env: Env, name: string): string | undefined {
  const raw = env[name];
  return raw === undefined || raw.trim() === "" ? undefined : raw.trim();
}

function list(raw: string | undefined): string[] {
  return (raw ?? "")
    .split(",")
    .map((item) => item.trim())
    .filter((item) => item !== "");
}

function valueSource(text: string, origin: string): MasterKeySource {
  try {
    parseMasterKeyText(text, origin);
  } catch (error) {
    if (error instanceof MasterKeyError)
      throw new ConfigError(null, origin, error.message.slice(origin.length + 2));
    throw error;
  }
  return { kind: "value", value: new Secret(text), origin };
}

export function resolveMasterKeyConfig(cfg: FileConfig, env: Env, cwd: string): MasterKeyConfig {
  const fromFile = cfg.security?.masterKeyFile;
  const envKey = envValue(env, "OVERT_MASTER_KEY");
  const envKeyFile = envValue(env, "OVERT_MASTER_KEY_FILE");
  let active: MasterKeySource | null = null;
  if (fromFile !== undefined)
    active = { kind: "file", path: resolve(cwd, fromFile.trim()), origin: "security.masterKeyFile" };
  else if (envKey !== undefined && envKeyFile !== undefined)
    throw new ConfigError(null, "OVERT_MASTER_KEY", "is set together with OVERT_MASTER_KEY_FILE; set one");
  else if (envKey !== undefined) active = valueSource(envKey, "OVERT_MASTER_KEY");
  else if (envKeyFile !== undefined)
    active = { kind: "file", path: resolve(cwd, envKeyFile), origin: "OVERT_MASTER_KEY_FILE" };

  const previous: MasterKeySource[] = [];
  const files = cfg.security?.previousMasterKeyFiles;
  const file = (path: string, origin: string): MasterKeySource => ({
    kind: "file",
    path: resolve(cwd, path.trim()),
    origin,
  });
  if (files !== undefined) {
    for (const [i, path] of files.entries())
      previous.push(file(path, `security.previousMasterKeyFiles[${i}]`));
  } else {
    for (const [i, text] of list(envValue(env, "OVERT_MASTER_KEY_PREVIOUS")).entries())
      previous.push(valueSource(text, `OVERT_MASTER_KEY_PREVIOUS[${i}]`));
    for (const [i, path] of list(envValue(env, "OVERT_MASTER_KEY_PREVIOUS_FILES")).entries())
      previous.push(file(path, `OVERT_MASTER_KEY_PREVIOUS_FILES[${i}]`));
  }
  return { active, previous };
}

/** Where a configured value came from, for messages. */
export interface ValueOrigin {
  file: string | null;
  path: string;
}

/**
 * Returns a function that passes plain values through and opens `sealed:v1:` ones
 * with the master keys, read on first need (never created: a sealed value made by
 * `overt secrets seal` implies the key exists). Failures are ConfigErrors naming
 * the value's path, never the value.
 */
export function sealedValueOpener(
  masterKey: MasterKeyConfig,
  dataDir: string,
): (value: string, origin: ValueOrigin) => string {
  let keys: MasterKeySet | null | undefined;
  return (value, origin) => {
    if (!isSealed(value)) return value;
    try {
      keys ??= loadMasterKeys(masterKey, dataDir, { create: false });
      return unsealValue(keys, value);
    } catch (error) {
      if (error instanceof SealedValueError) throw new ConfigError(origin.file, origin.path, error.message);
      if (error instanceof MasterKeyError)
        throw new ConfigError(origin.file, origin.path, `is sealed, but ${error.message}`);
      throw error;
    }
  };
}
