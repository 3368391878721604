/**
 * Receipt ids: `rcpt_` and 26 characters of Crockford base32
 * (https://www.crockford.com/base32.html) over 48 bits of the time in
 * milliseconds and 80 random bits — the layout of a ULID
 * (https://github.com/ulid/spec). Ids issued later sort later, so the log's index
 * on them grows at its end instead of at random pages (a B-tree insert per
 * receipt is most of the sequencer's cost); 80 random bits keep them unique.
 * An id is not a secret: a receipt is readable only with the key that made it.
 */

const RECEIPT_ID_PREFIX = "rcpt_";
/** The random part's bytes. */
export const RECEIPT_ID_RANDOM_BYTES = 10;
const ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
const TIME_CHARS = 10;
const RANDOM_CHARS = 16;

/** The id's characters are assembled here (synchronous, single-threaded: reusable). */
const SCRATCH = Buffer.from(RECEIPT_ID_PREFIX + "0".repeat(TIME_CHARS + RANDOM_CHARS), "latin1");
const CODES = Buffer.from(ALPHABET, "latin1");

/** The id for `time` (ms since the epoch) and 10 random bytes at `random[offset…]`. */
export function receiptId(time: number, random: Uint8Array, offset: number): string {
  let at = RECEIPT_ID_PREFIX.length;
  let rest = time;
  for (let i = TIME_CHARS - 1; i >= 0; i--) {
    SCRATCH[at + i] = CODES[rest % 32] as number;
    rest = Math.floor(rest / 32);
  }
  at += TIME_CHARS;
  // The random bytes as a bit string, five bits per character, most significant first.
  let bits = 0;
  let value = 0;
  for (let i = 0; i < RECEIPT_ID_RANDOM_BYTES; i++) {
    value = ((value << 8) | (random[offset + i] as number)) & 0x1fff;
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      SCRATCH[at++] = CODES[(value >> bits) & 31] as number;
    }
  }
  // One flat string (a concatenation per character would leave a rope to flatten when hashed).
  return SCRATCH.toString("latin1");
}
