/**
 * Signed-note keys (https://c2sp.org/signed-note#verifier-keys), Ed25519 only
 * (signature type 0x01), in the text formats of Go's golang.org/x/mod/sumdb/note:
 *
 *   verifier key  <name>+<hex key ID>+base64(0x01 || 32-byte public key)
 *   signer key    PRIVATE+KEY+<name>+<hex key ID>+base64(0x01 || 32-byte seed)
 *
 * key ID = first 4 bytes (big-endian) of SHA-256(name || "\n" || 0x01 || public key).
 * Keys are node:crypto KeyObjects built from the raw 32 bytes via fixed DER
 * prefixes (RFC 8410), so no key material passes through anything else.
 */
import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  type KeyObject,
  sign,
  verify,
} from "node:crypto";
import { decodeBase64, encodeBase64 } from "./encoding.js";
import { VerificationError } from "./errors.js";

export const SIG_ED25519 = 0x01;
const ED25519_BYTES = 32;
const ED25519_SIGNATURE_BYTES = 64;
// DER prefixes of an RFC 8410 PKCS#8 private key and SPKI public key for Ed25519 (OID 1.3.101.112).
const PKCS8_PREFIX = Buffer.from("302e020100300506032b657004220420", "hex");
const SPKI_PREFIX = Buffer.from("302a300506032b6570032100", "hex");

/** Verifies note signatures by one key; `verify` gets the note text and the signature after its 4-byte key ID. */
export interface NoteVerifier {
  readonly name: string;
  readonly keyId: number;
  verify(message: Buffer, signature: Buffer): boolean;
}

/** Signs note text with one key; the returned bytes follow the 4-byte key ID in the signature line. */
export interface NoteSigner {
  readonly name: string;
  readonly keyId: number;
  sign(message: Buffer): Buffer;
}

// Go's unicode.IsSpace: Latin-1 spaces plus the Unicode White_Space property (not U+FEFF, unlike \s).
const SPACE = /[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]/u;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** Key names must be non-empty, valid UTF-8, without Unicode spaces or "+" (signed-note §Format). */
export function isValidKeyName(name: string): boolean {
  return name !== "" && !LONE_SURROGATE.test(name) && !SPACE.test(name) && !name.includes("+");
}

/** SHA-256(name || "\n" || type || key)[:4] as a big-endian uint32. */
export function computeKeyId(name: string, typedKey: Uint8Array): number {
  return createHash("sha256").update(name, "utf8").update("\n").update(typedKey).digest().readUInt32BE(0);
}

function hex8(n: number): string {
  return n.toString(16).padStart(8, "0");
}

export function ed25519PrivateKey(seed: Uint8Array): KeyObject {
  if (seed.length !== ED25519_BYTES) throw new RangeError("an Ed25519 seed is 32 bytes");
  return createPrivateKey({ key: Buffer.concat([PKCS8_PREFIX, seed]), format: "der", type: "pkcs8" });
}

export function ed25519PublicKey(publicKey: Uint8Array): KeyObject {
  if (publicKey.length !== ED25519_BYTES) throw new RangeError("an Ed25519 public key is 32 bytes");
  return createPublicKey({ key: Buffer.concat([SPKI_PREFIX, publicKey]), format: "der", type: "spki" });
}

export function ed25519PublicKeyBytes(privateKey: KeyObject): Buffer {
  const spki = createPublicKey(privateKey).export({ format: "der", type: "spki" });
  return spki.subarray(SPKI_PREFIX.length);
}

export function ed25519Sign(privateKey: KeyObject, message: Uint8Array): Buffer {
  return sign(null, message, privateKey);
}

export function ed25519Verify(publicKey: KeyObject, message: Uint8Array, signature: Uint8Array): boolean {
  return signature.length === ED25519_SIGNATURE_BYTES && verify(null, message, publicKey, signature);
}

/** Splits `<name>+<hex id>+<base64 type||key>` and checks the ID; returns the typed key bytes. */
export function parseKeyString(
  what: string,
  text: string,
): { name: string; keyId: number; typedKey: Buffer } {
  const bad = (why: string) => new VerificationError("malformed-key", `malformed ${what}: ${why}`);
  // The base64 key may itself contain "+": only the first two separate fields.
  const first = text.indexOf("+");
  const second = first < 0 ? -1 : text.indexOf("+", first + 1);
  if (second < 0) throw bad("want name+id+key");
  const name = text.slice(0, first);
  const id = text.slice(first + 1, second);
  const key = text.slice(second + 1);
  if (!isValidKeyName(name)) throw bad("invalid key name");
  if (!/^[0-9a-f]{8}$/i.test(id)) throw bad("key ID is not 8 hex digits");
  const typedKey = decodeBase64(key);
  if (!typedKey || typedKey.length === 0) throw bad("key is not base64");
  return { name, keyId: Number.parseInt(id, 16), typedKey };
}

/** Builds a verifier from an Ed25519 vkey (as Go's note.NewVerifier). */
export function newVerifier(vkey: string): NoteVerifier {
  const { name, keyId, typedKey } = parseKeyString("verifier key", vkey);
  if (computeKeyId(name, typedKey) !== keyId) {
    throw new VerificationError("malformed-key", `verifier key ${name}: key ID does not match the key`);
  }
  if (typedKey[0] !== SIG_ED25519) {
    throw new VerificationError(
      "malformed-key",
      `verifier key ${name}: unknown signature type ${typedKey[0]}`,
    );
  }
  if (typedKey.length !== 1 + ED25519_BYTES) {
    throw new VerificationError("malformed-key", `verifier key ${name}: Ed25519 key is not 32 bytes`);
  }
  const publicKey = ed25519PublicKey(typedKey.subarray(1));
  return { name, keyId, verify: (message, signature) => ed25519Verify(publicKey, message, signature) };
}

/** A signer for `name` from a 32-byte Ed25519 seed. */
export function signerFromSeed(name: string, seed: Uint8Array): NoteSigner {
  if (!isValidKeyName(name)) throw new RangeError("invalid key name");
  const privateKey = ed25519PrivateKey(seed);
  const keyId = computeKeyId(
    name,
    Buffer.concat([Buffer.of(SIG_ED25519), ed25519PublicKeyBytes(privateKey)]),
  );
  return { name, keyId, sign: (message) => ed25519Sign(privateKey, message) };
}

/** Builds a signer from a `PRIVATE+KEY+…` string (as Go's note.NewSigner). The key ID must match the derived public key. */
export function newSigner(skey: string): NoteSigner {
  if (!skey.startsWith("PRIVATE+KEY+"))
    throw new VerificationError("malformed-key", "signer key must start with PRIVATE+KEY+");
  const { name, keyId, typedKey } = parseKeyString("signer key", skey.slice("PRIVATE+KEY+".length));
  if (typedKey[0] !== SIG_ED25519) {
    throw new VerificationError("malformed-key", `signer key ${name}: unknown signature type ${typedKey[0]}`);
  }
  if (typedKey.length !== 1 + ED25519_BYTES) {
    throw new VerificationError("malformed-key", `signer key ${name}: Ed25519 seed is not 32 bytes`);
  }
  const signer = signerFromSeed(name, typedKey.subarray(1));
  if (signer.keyId !== keyId)
    throw new VerificationError("malformed-key", `signer key ${name}: key ID does not match the key`);
  return signer;
}

/** The vkey for a raw public key (as Go's note.NewEd25519VerifierKey, or another signature type byte). */
export function verifierKeyFor(name: string, publicKey: Uint8Array, type: number = SIG_ED25519): string {
  if (!isValidKeyName(name)) throw new RangeError("invalid key name");
  if (publicKey.length !== ED25519_BYTES) throw new RangeError("an Ed25519 public key is 32 bytes");
  const typedKey = Buffer.concat([Buffer.of(type), publicKey]);
  return `${name}+${hex8(computeKeyId(name, typedKey))}+${encodeBase64(typedKey)}`;
}

/** A fresh Ed25519 key pair as Go's note.GenerateKey formats it. The signer key is secret. */
export function generateNoteKey(name: string): { signerKey: string; verifierKey: string } {
  if (!isValidKeyName(name)) throw new RangeError("invalid key name");
  const { privateKey } = generateKeyPairSync("ed25519");
  const pkcs8 = privateKey.export({ format: "der", type: "pkcs8" });
  const seed = pkcs8.subarray(PKCS8_PREFIX.length);
  const verifierKey = verifierKeyFor(name, ed25519PublicKeyBytes(privateKey));
  const keyId = verifierKey.split("+")[1]!;
  const signerKey = `PRIVATE+KEY+${name}+${keyId}+${encodeBase64(Buffer.concat([Buffer.of(SIG_ED25519), seed]))}`;
  return { signerKey, verifierKey };
}
