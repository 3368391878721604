/**
 * AES-256-GCM with one versioned, self-describing ciphertext format (DESIGN §5):
 *
 *   offset 0   1 byte    format version (1)
 *          1   4 bytes   key version, big-endian (the tenant data key's version; 0 when a master key seals)
 *          5  12 bytes   random nonce
 *         17   n bytes   ciphertext
 *       17+n  16 bytes   GCM tag
 *
 * The associated data is the 5-byte header followed by the caller's binding
 * (purpose, tenant, row id…), each part length-prefixed so no two bindings can
 * encode alike. Changing any header byte, any binding part, or any ciphertext
 * byte makes `open` fail.
 */
import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import { IntegrityError } from "./errors.js";

export const FORMAT_VERSION = 1;
export const KEY_BYTES = 32;
const HEADER_BYTES = 5;
const NONCE_BYTES = 12;
const TAG_BYTES = 16;
const MIN_BYTES = HEADER_BYTES + NONCE_BYTES + TAG_BYTES;
const MAX_KEY_VERSION = 0xffff_ffff;

/** What a ciphertext is bound to: a purpose (e.g. "overt.capture.v1") and the parts that identify its place. */
export interface Binding {
  purpose: string;
  parts?: readonly string[];
}

function encodeBinding(header: Buffer, binding: Binding): Buffer {
  const chunks: Buffer[] = [header];
  for (const part of [binding.purpose, ...(binding.parts ?? [])]) {
    const bytes = Buffer.from(part, "utf8");
    const length = Buffer.alloc(4);
    length.writeUInt32BE(bytes.length);
    chunks.push(length, bytes);
  }
  return Buffer.concat(chunks);
}

function checkKey(key: Uint8Array): void {
  if (key.length !== KEY_BYTES) throw new RangeError(`AES-256-GCM needs a ${KEY_BYTES}-byte key`);
}

export function seal(key: Uint8Array, keyVersion: number, plaintext: Uint8Array, binding: Binding): Buffer {
  checkKey(key);
  if (!Number.isInteger(keyVersion) || keyVersion < 0 || keyVersion > MAX_KEY_VERSION) {
    throw new RangeError("key version must be a 32-bit unsigned integer");
  }
  const header = Buffer.alloc(HEADER_BYTES);
  header.writeUInt8(FORMAT_VERSION, 0);
  header.writeUInt32BE(keyVersion, 1);
  const nonce = randomBytes(NONCE_BYTES);
  const cipher = createCipheriv("aes-256-gcm", key, nonce, { authTagLength: TAG_BYTES });
  cipher.setAAD(encodeBinding(header, binding));
  const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return Buffer.concat([header, nonce, body, cipher.getAuthTag()]);
}

/** The key version a ciphertext says it was sealed with (not yet authenticated: `open` checks it). */
export function keyVersionOf(blob: Uint8Array): number {
  const buf = Buffer.from(blob.buffer, blob.byteOffset, blob.byteLength);
  if (buf.length < MIN_BYTES) throw new IntegrityError("ciphertext is truncated");
  const format = buf.readUInt8(0);
  if (format !== FORMAT_VERSION) throw new IntegrityError(`unknown ciphertext format version ${format}`);
  return buf.readUInt32BE(1);
}

export function open(key: Uint8Array, blob: Uint8Array, binding: Binding): Buffer {
  checkKey(key);
  keyVersionOf(blob);
  const buf = Buffer.from(blob.buffer, blob.byteOffset, blob.byteLength);
  const header = buf.subarray(0, HEADER_BYTES);
  const nonce = buf.subarray(HEADER_BYTES, HEADER_BYTES + NONCE_BYTES);
  const body = buf.subarray(HEADER_BYTES + NONCE_BYTES, buf.length - TAG_BYTES);
  const tag = buf.subarray(buf.length - TAG_BYTES);
  const decipher = createDecipheriv("aes-256-gcm", key, nonce, { authTagLength: TAG_BYTES });
  decipher.setAAD(encodeBinding(header, binding));
  decipher.setAuthTag(tag);
  try {
    return Buffer.concat([decipher.update(body), decipher.final()]);
  } catch {
    // One message for every cause: which byte or binding differed is nobody's business.
    throw new IntegrityError(
      `ciphertext failed authentication (altered, or not sealed for this ${binding.purpose} binding)`,
    );
  }
}
