/**
 * Master keys (DESIGN §5): 32 bytes that wrap every tenant data key and seal
 * configuration secrets. Given as OVERT_MASTER_KEY (base64 or hex), as a key file
 * (security.masterKeyFile / OVERT_MASTER_KEY_FILE: base64, hex or 32 raw bytes), or,
 * with neither, generated once into <dataDir>/master-key with mode 0600 so the
 * embedded default needs no configuration. Previous keys (rotation) are accepted
 * for unwrapping only.
 *
 * A master key is known by an id derived from it (`mk_` + 16 hex digits of an
 * HMAC), so wrapped rows can say which key wrapped them without revealing it.
 */
import { createHmac, hkdfSync, randomBytes } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { MasterKeyConfig, MasterKeySource } from "../config/types.js";
import { KEY_BYTES } from "./aead.js";
import { MasterKeyError } from "./errors.js";

export const GENERATED_MASTER_KEY_FILE = "master-key";

export interface MasterKey {
  id: string;
  /** The raw 32 bytes; use `subkey` rather than this directly. */
  key: Buffer;
}

export interface MasterKeySet {
  /** The key new wraps and seals use. */
  active: MasterKey;
  /** Keys still accepted for unwrapping, oldest last. Never includes the active key. */
  previous: MasterKey[];
  /** The file the active key was generated into on this start, or null. */
  generatedAt: string | null;
}

const HEX_KEY = /^[0-9a-fA-F]{64}$/;
const BASE64_KEY = /^[A-Za-z0-9+/_-]{43}={0,1}$/;

/** A key written as 64 hex digits or as base64 (standard or URL-safe) of 32 bytes. */
export function parseMasterKeyText(text: string, origin: string): Buffer {
  const trimmed = text.trim();
  if (HEX_KEY.test(trimmed)) return Buffer.from(trimmed, "hex");
  if (BASE64_KEY.test(trimmed)) {
    const bytes = Buffer.from(trimmed.replaceAll("-", "+").replaceAll("_", "/"), "base64");
    if (bytes.length === KEY_BYTES) return bytes;
  }
  throw new MasterKeyError(`${origin}: must be 32 bytes written as 64 hex digits or base64 (44 characters)`);
}

/** A key file: 32 raw bytes, or the text forms above. */
export function parseMasterKeyFile(bytes: Buffer, origin: string): Buffer {
  if (bytes.length === KEY_BYTES) return Buffer.from(bytes);
  return parseMasterKeyText(bytes.toString("utf8"), origin);
}

export function masterKeyId(key: Uint8Array): string {
  return `mk_${createHmac("sha256", key).update("overt master key id v1").digest("hex").slice(0, 16)}`;
}

/** A key for one purpose derived from a master key (HKDF-SHA-256), so purposes never share a key. */
export function subkey(master: MasterKey, purpose: string): Buffer {
  return Buffer.from(hkdfSync("sha256", master.key, Buffer.alloc(0), `overt/${purpose}`, KEY_BYTES));
}

function readSource(source: MasterKeySource): MasterKey {
  let key: Buffer;
  if (source.kind === "value") key = parseMasterKeyText(source.value.reveal(), source.origin);
  else {
    let bytes: Buffer;
    try {
      bytes = readFileSync(source.path);
    } catch (error) {
      const code = (error as { code?: unknown }).code;
      throw new MasterKeyError(
        `${source.origin}: key file ${source.path} cannot be read${typeof code === "string" ? ` (${code})` : ""}`,
      );
    }
    key = parseMasterKeyFile(bytes, `${source.origin} (${source.path})`);
  }
  return { id: masterKeyId(key), key };
}

/** The generated key in dataDir; created (mode 0600, never overwritten) when `create` is set. */
function generatedKey(dataDir: string, create: boolean): { key: MasterKey; created: boolean } | null {
  const path = join(dataDir, GENERATED_MASTER_KEY_FILE);
  const source: MasterKeySource = { kind: "file", path, origin: "generated master key" };
  if (existsSync(path)) return { key: readSource(source), created: false };
  if (!create) return null;
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const key = randomBytes(KEY_BYTES);
  try {
    writeFileSync(path, `${key.toString("base64")}\n`, { mode: 0o600, flag: "wx" });
  } catch (error) {
    // Another process (the CLI, a second server) created it first: use theirs.
    if ((error as { code?: unknown }).code === "EEXIST") return generatedKey(dataDir, false);
    throw error;
  }
  chmodSync(path, 0o600);
  return { key: { id: masterKeyId(key), key }, created: true };
}

/** Writes a fresh key file for rotation; refuses to overwrite anything. */
export function writeNewMasterKeyFile(path: string): MasterKey {
  const key = randomBytes(KEY_BYTES);
  try {
    writeFileSync(path, `${key.toString("base64")}\n`, { mode: 0o600, flag: "wx" });
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (code === "EEXIST") throw new MasterKeyError(`${path} already exists; choose another file`);
    throw error;
  }
  chmodSync(path, 0o600);
  return { id: masterKeyId(key), key };
}

/**
 * Reads the configured master keys. With no active key configured, the generated
 * one in dataDir is used (and created when `create` is set; otherwise null is
 * returned when it does not exist yet).
 */
export function loadMasterKeys(
  config: MasterKeyConfig | undefined,
  dataDir: string,
  options: { create: boolean },
): MasterKeySet | null {
  let active: MasterKey;
  let generatedAt: string | null = null;
  if (config?.active) active = readSource(config.active);
  else {
    const found = generatedKey(dataDir, options.create);
    if (found === null) return null;
    active = found.key;
    if (found.created) generatedAt = join(dataDir, GENERATED_MASTER_KEY_FILE);
  }
  const previous: MasterKey[] = [];
  const accept = (key: MasterKey) => {
    if (key.id !== active.id && !previous.some((p) => p.id === key.id)) previous.push(key);
  };
  for (const source of config?.previous ?? []) accept(readSource(source));
  // Moving off the generated key: it stays accepted for unwrapping while the file exists, so
  // `overt keys rotate-master` can re-wrap its rows; delete the file once that has run.
  if (config?.active) {
    const leftover = generatedKey(dataDir, false);
    if (leftover !== null) accept(leftover.key);
  }
  return { active, previous, generatedAt };
}

/** The key with this id, if this set has it. */
export function findMasterKey(set: MasterKeySet, id: string): MasterKey | undefined {
  return set.active.id === id ? set.active : set.previous.find((k) => k.id === id);
}
