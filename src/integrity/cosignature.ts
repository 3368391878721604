/**
 * Ed25519 witness cosignatures (https://c2sp.org/tlog-cosignature, signature
 * type 0x04), as note signers and verifiers so openNote checks them alongside
 * the log's own signature. The signed message is
 *
 *   cosignature/v1\n
 *   time <POSIX seconds>\n
 *   <the checkpoint text>
 *
 * and the signature field is an 8-byte big-endian timestamp followed by the
 * 64-byte Ed25519 signature. (ML-DSA-44 cosignatures, type 0x06, are not
 * supported: node:crypto has no ML-DSA on Node 20.)
 */
import { VerificationError } from "./errors.js";
import {
  computeKeyId,
  ed25519PrivateKey,
  ed25519PublicKey,
  ed25519PublicKeyBytes,
  ed25519Sign,
  ed25519Verify,
  isValidKeyName,
  type NoteSigner,
  type NoteVerifier,
  parseKeyString,
} from "./note-keys.js";

export const SIG_COSIGNATURE_ED25519 = 0x04;
const TIMESTAMP_BYTES = 8;
const MAX_TIMESTAMP = 2n ** 63n - 1n;

function cosignedMessage(timestamp: bigint, checkpoint: Buffer): Buffer {
  return Buffer.concat([Buffer.from(`cosignature/v1\ntime ${timestamp}\n`), checkpoint]);
}

/** The timestamp (POSIX seconds) a cosignature's raw bytes (after the key ID) claim. */
export function cosignatureTimestamp(signature: Uint8Array): bigint {
  if (signature.length < TIMESTAMP_BYTES) throw new RangeError("cosignature is too short");
  return Buffer.from(signature.buffer, signature.byteOffset, signature.byteLength).readBigUInt64BE(0);
}

/** A verifier for a witness's type-0x04 vkey (`<name>+<id>+base64(0x04 || public key)`). */
export function newCosignatureVerifier(vkey: string): NoteVerifier {
  const { name, keyId, typedKey } = parseKeyString("cosignature verifier key", vkey);
  if (computeKeyId(name, typedKey) !== keyId) {
    throw new VerificationError("malformed-key", `cosignature key ${name}: key ID does not match the key`);
  }
  if (typedKey[0] !== SIG_COSIGNATURE_ED25519 || typedKey.length !== 33) {
    throw new VerificationError(
      "malformed-key",
      `cosignature key ${name}: not an Ed25519 cosignature (0x04) key`,
    );
  }
  const publicKey = ed25519PublicKey(typedKey.subarray(1));
  return {
    name,
    keyId,
    verify(message, signature) {
      if (signature.length !== TIMESTAMP_BYTES + 64) return false;
      const timestamp = cosignatureTimestamp(signature);
      if (timestamp > MAX_TIMESTAMP) return false;
      return ed25519Verify(
        publicKey,
        cosignedMessage(timestamp, message),
        signature.subarray(TIMESTAMP_BYTES),
      );
    },
  };
}

/** A witness signer from a 32-byte Ed25519 seed; `now` gives POSIX seconds (default: the clock). */
export function cosignerFromSeed(
  name: string,
  seed: Uint8Array,
  now: () => number = () => Math.floor(Date.now() / 1000),
): NoteSigner {
  if (!isValidKeyName(name)) throw new RangeError("invalid key name");
  const privateKey = ed25519PrivateKey(seed);
  const typedKey = Buffer.concat([Buffer.of(SIG_COSIGNATURE_ED25519), ed25519PublicKeyBytes(privateKey)]);
  return {
    name,
    keyId: computeKeyId(name, typedKey),
    sign(message) {
      const timestamp = BigInt(now());
      if (timestamp < 0n || timestamp > MAX_TIMESTAMP) throw new RangeError("cosignature time out of range");
      const prefix = Buffer.alloc(TIMESTAMP_BYTES);
      prefix.writeBigUInt64BE(timestamp);
      return Buffer.concat([prefix, ed25519Sign(privateKey, cosignedMessage(timestamp, message))]);
    },
  };
}
