/**
 * RFC 6962 Merkle tree hashing (https://www.rfc-editor.org/rfc/rfc6962#section-2.1)
 * and the "stored hash index" layout of Go's golang.org/x/mod/sumdb/tlog: every
 * hash of a complete subtree gets one position in a flat, append-only array, in
 * the order the hashes become known as records are appended (Crosby & Wallach,
 * "Efficient Data Structures for Tamper-Evident Logging", §3.3). A database can
 * store that array as rows keyed by index; every proof and tile is computed from
 * it through a HashReader.
 *
 * Sizes and indexes are JavaScript numbers, so all arithmetic here avoids the
 * 32-bit bitwise operators. Verification works for any size up to 2^53 − 1;
 * stored hash indexes are about twice the record index, so the storage layout
 * works for trees of up to 2^52 records (MAX_STORED_TREE_SIZE).
 */
import { createHash, hash } from "node:crypto";

export const HASH_SIZE = 32;
/** The largest tree whose stored hash indexes are all exact JavaScript integers. */
export const MAX_STORED_TREE_SIZE = 2 ** 52;

/** Reads hashes by stored hash index; must return one 32-byte hash per index, in order. */
export type HashReader = (indexes: readonly number[]) => Promise<Buffer[]>;

const LEAF_PREFIX = Buffer.from([0x00]);
const NODE_PREFIX = Buffer.from([0x01]);

// Inputs are assembled in these buffers and hashed in one call: a log run hashes thousands of
// entries, and a Hash object per hash costs more than the hashing (single-threaded, so reusable).
const LEAF_INPUT = Buffer.alloc(1 + 8192); // [0] stays 0x00
const NODE_INPUT = Buffer.alloc(1 + 2 * HASH_SIZE);
NODE_INPUT[0] = 0x01;

/** MTH of one entry: SHA-256(0x00 || entry). */
export function leafHash(entry: Uint8Array): Buffer {
  if (entry.length >= LEAF_INPUT.length)
    return createHash("sha256").update(LEAF_PREFIX).update(entry).digest();
  LEAF_INPUT.set(entry, 1);
  return hash("sha256", LEAF_INPUT.subarray(0, 1 + entry.length), "buffer");
}

/** Interior node: SHA-256(0x01 || left || right). */
export function nodeHash(left: Uint8Array, right: Uint8Array): Buffer {
  if (left.length !== HASH_SIZE || right.length !== HASH_SIZE)
    return createHash("sha256").update(NODE_PREFIX).update(left).update(right).digest();
  NODE_INPUT.set(left, 1);
  NODE_INPUT.set(right, 1 + HASH_SIZE);
  return hash("sha256", NODE_INPUT, "buffer");
}

/** MTH of the empty tree: SHA-256 of the empty string. */
export const emptyRoot: Buffer = createHash("sha256").digest();

// ---- exact integer helpers for numbers up to 2^53 -------------------------------------------

/** floor(n / 2^k) */
export function shiftRight(n: number, k: number): number {
  return Math.floor(n / 2 ** k);
}

/** Number of trailing 1 bits of n (equivalently, trailing zeros of n + 1). */
export function trailingOnes(n: number): number {
  let count = 0;
  for (let m = n; m % 2 === 1; m = (m - 1) / 2) count++;
  return count;
}

function popCount(n: number): number {
  let count = 0;
  for (let m = n; m > 0; m = Math.floor(m / 2)) count += m % 2;
  return count;
}

/** The largest power of two strictly below n (n ≥ 2): RFC 6962's split point k. */
export function splitPoint(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/** The largest power of two at most n (n ≥ 1), with its exponent. */
function largestPowerAtMost(n: number): { k: number; level: number } {
  let k = 1;
  let level = 0;
  while (k * 2 <= n) {
    k *= 2;
    level++;
  }
  return { k, level };
}

function checkCount(what: string, n: number): void {
  if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`${what} must be a non-negative safe integer`);
}

// ---- stored hash index ----------------------------------------------------------------------

/**
 * Position of the hash of the n-th complete subtree at `level` (2^level records
 * wide) in the flat array. The level-L hash n is stored right after the level-0
 * hash of its last record, (n + 1)·2^L − 1, which sits at Σ floor(m / 2^i).
 */
export function storedHashIndex(level: number, n: number): number {
  if (!Number.isInteger(level) || level < 0 || level > 63) throw new RangeError("level must be 0..63");
  checkCount("n", n);
  const m = (n + 1) * 2 ** level - 1;
  const index = 2 * m - popCount(m) + level;
  if (!Number.isSafeInteger(m) || !Number.isSafeInteger(index)) {
    throw new RangeError(`stored hash index of (${level}, ${n}) exceeds 2^53`);
  }
  return index;
}

/** Inverse of storedHashIndex. */
export function splitStoredHashIndex(index: number): { level: number; n: number } {
  checkCount("stored hash index", index);
  // storedHashIndex(0, n) ≤ 2n, so the record that wrote `index` is at least index / 2.
  let n = Math.floor(index / 2);
  let indexN = storedHashIndex(0, n);
  for (;;) {
    // Record n + 1 starts after record n's leaf and the 1 + trailingOnes(n) hashes it wrote.
    const next = indexN + 1 + trailingOnes(n);
    if (next > index) break;
    n++;
    indexN = next;
  }
  const level = index - indexN;
  return { level, n: shiftRight(n, level) };
}

/** How many hashes the flat array holds once `size` records have been appended. */
export function storedHashCount(size: number): number {
  checkCount("tree size", size);
  if (size === 0) return 0;
  return storedHashIndex(0, size - 1) + 1 + trailingOnes(size - 1);
}

/** Calls `read` and checks it kept its contract (one 32-byte hash per index). */
export async function readHashes(read: HashReader, indexes: readonly number[]): Promise<Buffer[]> {
  if (indexes.length === 0) return [];
  const hashes = await read(indexes);
  if (hashes.length !== indexes.length) {
    throw new Error(`hash reader returned ${hashes.length} hashes for ${indexes.length} indexes`);
  }
  for (const h of hashes) {
    if (h.length !== HASH_SIZE) throw new Error(`hash reader returned a ${h.length}-byte hash`);
  }
  return hashes;
}

/**
 * The hashes to append to the flat array when record `n` (0-based) with the
 * given leaf hash is added: the leaf hash, then one hash per complete subtree
 * the record closes (as many as n has trailing 1 bits). Reads at most log2(n)
 * earlier hashes.
 */
export async function storedHashesForRecord(
  n: number,
  leaf: Uint8Array,
  read: HashReader,
): Promise<Buffer[]> {
  const indexes = recordSiblingIndexes(n, leaf);
  return closeSubtrees(leaf, await readHashes(read, indexes));
}

/** Left siblings of the subtrees record `n` closes, highest level first (increasing index). */
function recordSiblingIndexes(n: number, leaf: Uint8Array): number[] {
  checkCount("record index", n);
  if (n >= MAX_STORED_TREE_SIZE) throw new RangeError("record index exceeds MAX_STORED_TREE_SIZE");
  if (leaf.length !== HASH_SIZE) throw new RangeError("leaf hash must be 32 bytes");
  const closes = trailingOnes(n);
  const indexes: number[] = [];
  for (let level = closes - 1; level >= 0; level--) {
    indexes.push(storedHashIndex(level, shiftRight(n, level) - 1));
  }
  return indexes;
}

/** The leaf, then the hash of each subtree it closes with its left siblings (highest level first). */
function closeSubtrees(leaf: Uint8Array, siblings: readonly Buffer[]): Buffer[] {
  const closes = siblings.length;
  let h: Buffer = Buffer.from(leaf);
  const out = [h];
  for (let level = 0; level < closes; level++) {
    h = nodeHash(siblings[closes - 1 - level]!, h);
    out.push(h);
  }
  return out;
}

// ---- ranges of records as complete subtrees -------------------------------------------------

/** Stored hash indexes of the complete subtrees that make up records [lo, hi), left to right. */
export function subtreeIndexes(lo: number, hi: number): number[] {
  const out: number[] = [];
  let start = lo;
  while (start < hi) {
    const { k, level } = largestPowerAtMost(hi - start);
    if (start % k !== 0) throw new Error(`range [${lo}, ${hi}) is not aligned to complete subtrees`);
    out.push(storedHashIndex(level, start / k));
    start += k;
  }
  return out;
}

/** MTH of a range from its complete-subtree hashes (as listed by subtreeIndexes). */
export function foldSubtrees(hashes: readonly Buffer[]): Buffer {
  if (hashes.length === 0) throw new Error("no subtree hashes to fold");
  let h = hashes[hashes.length - 1]!;
  for (let i = hashes.length - 2; i >= 0; i--) h = nodeHash(hashes[i]!, h);
  return h;
}

/**
 * Appends many records at once (a log sequencer's run): the stored hashes that
 * records with these leaf hashes add to a tree of `size`, by stored hash index,
 * and the new tree's root — what storedHashesForRecord for each record and then
 * treeHash give, without a read per record. `peaks` are the tree's complete
 * subtree hashes (subtreeIndexes(0, size), in order): the only earlier hashes
 * appending needs, since every other sibling is a hash of the new records.
 */
export function appendRecords(
  size: number,
  leaves: readonly Uint8Array[],
  peaks: readonly Buffer[],
): { hashes: Map<number, Buffer>; root: Buffer } {
  checkCount("tree size", size);
  const peakIndexes = subtreeIndexes(0, size);
  if (peaks.length !== peakIndexes.length) {
    throw new Error(`a tree of size ${size} has ${peakIndexes.length} subtree hashes, got ${peaks.length}`);
  }
  const known = new Map<number, Buffer>();
  for (const [i, index] of peakIndexes.entries()) {
    const h = peaks[i]!;
    if (h.length !== HASH_SIZE) throw new Error(`hash reader returned a ${h.length}-byte hash`);
    known.set(index, h);
  }
  const get = (index: number): Buffer => {
    const h = known.get(index);
    if (h === undefined) throw new Error(`stored hash ${index} is missing`);
    return h;
  };
  const hashes = new Map<number, Buffer>();
  let next = storedHashIndex(0, size);
  for (const [i, leaf] of leaves.entries()) {
    for (const h of closeSubtrees(leaf, recordSiblingIndexes(size + i, leaf).map(get))) {
      known.set(next, h);
      hashes.set(next, h);
      next++;
    }
  }
  const end = size + leaves.length;
  const root = end === 0 ? Buffer.from(emptyRoot) : foldSubtrees(subtreeIndexes(0, end).map(get));
  return { hashes, root };
}

/**
 * Computes the MTH of each record range with one read: the union of the needed
 * stored hashes is requested once, in increasing order.
 */
export async function rangeHashes(ranges: readonly (readonly [number, number])[], read: HashReader) {
  const perRange = ranges.map(([lo, hi]) => subtreeIndexes(lo, hi));
  const unique = [...new Set(perRange.flat())].sort((a, b) => a - b);
  const hashes = await readHashes(read, unique);
  const byIndex = new Map(unique.map((index, i) => [index, hashes[i]!]));
  return perRange.map((indexes) => foldSubtrees(indexes.map((index) => byIndex.get(index)!)));
}

/** Root hash of the tree of the first `size` records. */
export async function treeHash(size: number, read: HashReader): Promise<Buffer> {
  checkCount("tree size", size);
  if (size === 0) return Buffer.from(emptyRoot);
  const [root] = await rangeHashes([[0, size]], read);
  return root!;
}
