/**
 * Strict text encodings shared by the C2SP formats.
 *
 * Buffer.from(s, "base64") accepts URL-safe characters, missing padding and
 * garbage, so it must not see untrusted text unchecked. The check below is the
 * standard padded alphabet of RFC 4648 §4, as Go's base64.StdEncoding decodes it.
 */

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const DECIMAL = /^(?:0|[1-9][0-9]*)$/;

/**
 * Decodes standard padded base64, or returns undefined when `text` is not
 * exactly the canonical encoding of some bytes. Stricter than Go's
 * StdEncoding, which ignores non-zero trailing bits (RFC 4648 §3.5 lets
 * decoders reject them): this keeps every signature, hash and proof line
 * non-malleable. Go only ever emits canonical base64, so nothing Go writes is
 * refused.
 */
export function decodeBase64(text: string): Buffer | undefined {
  if (!BASE64.test(text)) return undefined;
  const bytes = Buffer.from(text, "base64");
  return bytes.toString("base64") === text ? bytes : undefined;
}

export function encodeBase64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("base64");
}

/**
 * Parses a non-negative ASCII decimal with no leading zeros (the C2SP rule for
 * sizes and indexes). Returns undefined when malformed or above 2^53 − 1, the
 * largest integer a JavaScript number holds exactly.
 */
export function parseDecimal(text: string): number | undefined {
  if (!DECIMAL.test(text)) return undefined;
  const n = Number(text);
  return Number.isSafeInteger(n) ? n : undefined;
}
