/**
 * tlog-tiles entry bundles (https://c2sp.org/tlog-tiles#log-entries): the
 * entries of one level-0 tile, each as a big-endian uint16 length followed by
 * that many bytes. Entry i of bundle N is log entry N·256 + i, and its RFC 6962
 * leaf hash is hash i of level-0 tile N.
 */
import { VerificationError } from "./errors.js";
import { HASH_SIZE, leafHash } from "./merkle.js";
import { TILE_WIDTH } from "./tiles.js";

export const MAX_ENTRY_BYTES = 0xffff;

export function encodeEntryBundle(entries: readonly Uint8Array[]): Buffer {
  if (entries.length === 0 || entries.length > TILE_WIDTH)
    throw new RangeError("a bundle holds 1..256 entries");
  const parts: Buffer[] = [];
  for (const entry of entries) {
    if (entry.length > MAX_ENTRY_BYTES)
      throw new RangeError(`entry of ${entry.length} bytes exceeds ${MAX_ENTRY_BYTES}`);
    const length = Buffer.alloc(2);
    length.writeUInt16BE(entry.length);
    parts.push(length, Buffer.from(entry.buffer, entry.byteOffset, entry.byteLength));
  }
  return Buffer.concat(parts);
}

/** Splits a bundle into its entries; with `width`, the bundle must hold exactly that many. */
export function decodeEntryBundle(data: Uint8Array, width?: number): Buffer[] {
  const bytes = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  const entries: Buffer[] = [];
  let at = 0;
  while (at < bytes.length) {
    if (at + 2 > bytes.length)
      throw new VerificationError("malformed-entry-bundle", "entry bundle ends inside a length");
    const length = bytes.readUInt16BE(at);
    if (at + 2 + length > bytes.length) {
      throw new VerificationError(
        "malformed-entry-bundle",
        `entry ${entries.length} runs past the end of the bundle`,
      );
    }
    entries.push(bytes.subarray(at + 2, at + 2 + length));
    at += 2 + length;
  }
  if (entries.length > TILE_WIDTH)
    throw new VerificationError("malformed-entry-bundle", "entry bundle holds more than 256 entries");
  if (width !== undefined && entries.length !== width) {
    throw new VerificationError(
      "malformed-entry-bundle",
      `entry bundle holds ${entries.length} entries, want ${width}`,
    );
  }
  return entries;
}

/**
 * Checks a bundle's entries against the level-0 tile with the same index (whose
 * hashes a verifier has authenticated, e.g. through tileHashReader).
 */
export function checkEntryBundle(entries: readonly Uint8Array[], tileData: Uint8Array): void {
  if (tileData.length !== entries.length * HASH_SIZE) {
    throw new VerificationError(
      "malformed-entry-bundle",
      `bundle has ${entries.length} entries, tile has ${tileData.length / HASH_SIZE} hashes`,
    );
  }
  const tile = Buffer.from(tileData.buffer, tileData.byteOffset, tileData.byteLength);
  entries.forEach((entry, i) => {
    if (Buffer.compare(leafHash(entry), tile.subarray(i * HASH_SIZE, (i + 1) * HASH_SIZE)) !== 0) {
      throw new VerificationError("root-mismatch", `bundle entry ${i} does not hash to the tile's leaf hash`);
    }
  });
}
