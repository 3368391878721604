/**
 * The log's identity (issue 5): its origin and its Ed25519 note keys. Both are
 * created on first start and kept in the settings store, the signer keys sealed
 * under the master key (DESIGN §5), so every node of a PostgreSQL deployment
 * signs as the same log. Rotation adds a key: the newest signs, every earlier
 * verifier key stays published so old checkpoints and receipts still verify.
 */
import { randomBytes } from "node:crypto";
import type { MasterKeySet } from "../crypto/master-keys.js";
import { isSealed, sealValue, unsealValue } from "../crypto/sealed-value.js";
import type { SettingsStore } from "../storage/ports.js";
import { generateNoteKey, isValidKeyName, type NoteSigner, newSigner } from "./note-keys.js";

const ORIGIN_SETTING = "log.origin";
const KEYS_SETTING = "log.keys";

interface StoredKey {
  /** The signer key (`PRIVATE+KEY+…`), sealed under the master key. */
  sealed: string;
  verifierKey: string;
  createdAt: number;
}

export interface LogIdentity {
  origin: string;
  signer: NoteSigner;
  /** Every verifier key the log has signed with, oldest first; the last one signs now. */
  verifierKeys: string[];
}

export class LogIdentityError extends Error {}

async function storedKeys(settings: SettingsStore): Promise<StoredKey[]> {
  const raw = await settings.getSetting(KEYS_SETTING);
  return raw === undefined ? [] : (JSON.parse(raw) as StoredKey[]);
}

async function resolveOrigin(settings: SettingsStore, configured: string | null): Promise<string> {
  let origin = await settings.getSetting(ORIGIN_SETTING);
  if (origin === undefined) {
    const proposed = configured ?? `overt.log/${randomBytes(6).toString("hex")}`;
    if (!isValidKeyName(proposed))
      throw new LogIdentityError("integrity.origin must not contain spaces or '+'");
    // Another process may have created it since the read: theirs wins, for every process.
    origin = await settings.initSetting(ORIGIN_SETTING, proposed);
  }
  if (configured !== null && configured !== origin) {
    throw new LogIdentityError(
      `integrity.origin is ${configured}, but this log was created as ${origin}; a log's origin never changes`,
    );
  }
  return origin;
}

/** Loads the identity, creating the origin and the first key when the log is new. */
export async function loadLogIdentity(
  settings: SettingsStore,
  masterKeys: MasterKeySet,
  configuredOrigin: string | null,
): Promise<LogIdentity> {
  const origin = await resolveOrigin(settings, configuredOrigin);
  let keys = await storedKeys(settings);
  if (keys.length === 0) {
    // When several nodes start together, the first key stored is the one every node signs with
    // (a plain write would let a later node replace a key an earlier one already signs with).
    const first = JSON.stringify([newStoredKey(masterKeys, origin)]);
    keys = JSON.parse(await settings.initSetting(KEYS_SETTING, first)) as StoredKey[];
  }
  const newest = keys[keys.length - 1] as StoredKey;
  const signer = newSigner(unsealValue(masterKeys, newest.sealed));
  await resealLogKeys(settings, masterKeys);
  return { origin, signer, verifierKeys: keys.map((k) => k.verifierKey) };
}

/**
 * Moves every log key off retired master keys (run by `overt keys rotate-master`
 * and at start), so rotating the master key never strands the log's keys.
 * Returns how many were re-sealed.
 */
export async function resealLogKeys(settings: SettingsStore, masterKeys: MasterKeySet): Promise<number> {
  const keys = await storedKeys(settings);
  const stale = keys.filter((k) => !k.sealed.includes(`:${masterKeys.active.id}:`));
  if (stale.length === 0) return 0;
  const resealed = keys.map((k) => ({
    ...k,
    sealed: sealValue(masterKeys, unsealValue(masterKeys, k.sealed)),
  }));
  await settings.setSetting(KEYS_SETTING, JSON.stringify(resealed));
  return stale.length;
}

/** A new Ed25519 note key for the log, its signer key sealed under the master key. */
function newStoredKey(masterKeys: MasterKeySet, origin: string): StoredKey {
  const { signerKey, verifierKey } = generateNoteKey(origin);
  return { sealed: sealValue(masterKeys, signerKey), verifierKey, createdAt: Date.now() };
}

async function addKey(
  settings: SettingsStore,
  masterKeys: MasterKeySet,
  origin: string,
  keys: StoredKey[],
): Promise<StoredKey[]> {
  const next = [...keys, newStoredKey(masterKeys, origin)];
  await settings.setSetting(KEYS_SETTING, JSON.stringify(next));
  return next;
}

/** `overt log rotate-key`: a new signing key; the old verifier keys stay published. */
export async function rotateLogKey(settings: SettingsStore, masterKeys: MasterKeySet): Promise<LogIdentity> {
  const origin = await resolveOrigin(settings, null);
  const keys = await addKey(settings, masterKeys, origin, await storedKeys(settings));
  const newest = keys[keys.length - 1] as StoredKey;
  if (!isSealed(newest.sealed)) throw new LogIdentityError("log key was not sealed");
  return {
    origin,
    signer: newSigner(unsealValue(masterKeys, newest.sealed)),
    verifierKeys: keys.map((k) => k.verifierKey),
  };
}
