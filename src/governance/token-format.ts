/**
 * Relay credentials (DESIGN §5): `<prefix>_` + 32 random bytes in base62 (43
 * characters) + a 6-character base62 CRC-32 checksum, so secret scanners and the
 * relay itself can reject a mistyped or truncated key without a lookup.
 * Virtual keys use `ovt_`, admin tokens `ovta_`, setup tokens `ovts_`.
 */
import { createHmac, randomBytes } from "node:crypto";
import { crc32 } from "node:zlib";

const ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
const BODY_LENGTH = 43;
const CHECKSUM_LENGTH = 6;

export type TokenPrefix = "ovt" | "ovta" | "ovts";

function toBase62(value: bigint, width: number): string {
  let out = "";
  let rest = value;
  while (rest > 0n) {
    out = ALPHABET[Number(rest % 62n)] + out;
    rest /= 62n;
  }
  return out.padStart(width, "0");
}

function checksum(prefix: TokenPrefix, body: string): string {
  // CRC-32 fits a double exactly: plain number arithmetic, no BigInt on the hot path.
  let rest = crc32(`${prefix}_${body}`);
  let out = "";
  for (let i = 0; i < CHECKSUM_LENGTH; i++) {
    out = ALPHABET[rest % 62] + out;
    rest = Math.floor(rest / 62);
  }
  return out;
}

export function generateToken(prefix: TokenPrefix): string {
  const body = toBase62(BigInt(`0x${randomBytes(32).toString("hex")}`), BODY_LENGTH);
  return `${prefix}_${body}${checksum(prefix, body)}`;
}

const SHAPES: Record<TokenPrefix, RegExp> = {
  ovt: /^ovt_([0-9A-Za-z]{43})([0-9A-Za-z]{6})$/,
  ovta: /^ovta_([0-9A-Za-z]{43})([0-9A-Za-z]{6})$/,
  ovts: /^ovts_([0-9A-Za-z]{43})([0-9A-Za-z]{6})$/,
};

/** True when `token` has the exact shape and a matching checksum. Runs in time linear in a bounded input. */
export function isWellFormedToken(token: string, prefix: TokenPrefix): boolean {
  if (token.length !== prefix.length + 1 + BODY_LENGTH + CHECKSUM_LENGTH) return false;
  const match = SHAPES[prefix].exec(token);
  if (!match) return false;
  return checksum(prefix, match[1] ?? "") === match[2];
}

/** The stored form: HMAC-SHA-256 under the server pepper. Lookup is by this digest, so timing reveals nothing. */
export function tokenDigest(pepper: Buffer, token: string): string {
  return createHmac("sha256", pepper).update(token).digest("hex");
}

/** What may be shown of a token later: its prefix and the first 6 characters of the body. */
export function displayPrefix(token: string): string {
  const underscore = token.indexOf("_");
  return `${token.slice(0, underscore + 7)}…`;
}
