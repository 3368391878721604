/**
 * Sealed configuration values, so overt.yaml need not hold plaintext upstream keys:
 *
 *   sealed:v1:<master key id>:<base64url of an aead.ts ciphertext>
 *
 * sealed under a key derived from the master key for this purpose only (never a
 * tenant's), made by `overt secrets seal` and opened once at start by the config
 * loader. The master key id says which key to use, so a wrong or missing key is
 * reported as such rather than as a corrupted value.
 */
import { type Binding, open, seal } from "./aead.js";
import { IntegrityError } from "./errors.js";
import { findMasterKey, type MasterKeySet, subkey } from "./master-keys.js";

export const SEALED_PREFIX = "sealed:v1:";
const PURPOSE = "config-secret.v1";
const BINDING: Binding = { purpose: "overt.config-secret.v1" };
const SHAPE = /^sealed:v1:(mk_[0-9a-f]{16}):([A-Za-z0-9_-]+)$/;

/** Why a sealed value did not open; the message never contains the value. */
export class SealedValueError extends Error {
  override readonly name = "SealedValueError";
}

export function isSealed(value: string): boolean {
  return value.trim().startsWith("sealed:");
}

export function sealValue(keys: MasterKeySet, plaintext: string): string {
  const blob = seal(subkey(keys.active, PURPOSE), 0, Buffer.from(plaintext, "utf8"), BINDING);
  return `${SEALED_PREFIX}${keys.active.id}:${blob.toString("base64url")}`;
}

export function unsealValue(keys: MasterKeySet | null, value: string): string {
  const match = SHAPE.exec(value.trim());
  if (match === null) {
    throw new SealedValueError("is not a well-formed sealed:v1 value (re-run `overt secrets seal`)");
  }
  const id = match[1]!;
  if (keys === null) {
    throw new SealedValueError(
      `was sealed with master key ${id}, but no master key is configured ` +
        "(set OVERT_MASTER_KEY or security.masterKeyFile, or keep <dataDir>/master-key)",
    );
  }
  const master = findMasterKey(keys, id);
  if (master === undefined) {
    throw new SealedValueError(
      `was sealed with master key ${id}, which is not configured (active: ${keys.active.id}); ` +
        "add it to OVERT_MASTER_KEY_PREVIOUS or re-seal the value with the current key",
    );
  }
  try {
    return open(subkey(master, PURPOSE), Buffer.from(match[2]!, "base64url"), BINDING).toString("utf8");
  } catch (error) {
    if (error instanceof IntegrityError)
      throw new SealedValueError(`does not open with master key ${id} (altered or truncated)`);
    throw error;
  }
}
