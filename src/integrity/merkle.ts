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
import { createHash } from "node:crypto";

export const HASH_SIZE = 32;
/** The largest tree whose stored hash indexes are all exact JavaScript integers. */
export const MAX_STORED_TREE_SIZE = 2 ** 52;

/** Reads hashes by stored hash index; must return one 32-byte hash per index, in order. */
export type HashReader = (indexes: readonly number[]) => Promise<Buffer[]>;

const LEAF_PREFIX = Buffer.from([0x00]);
const NODE_PREFIX = Buffer.from([0x01]);

/** MTH of one entry: SHA-256(0x00 || entry). */
export function leafHash(entry: Uint8Array): Buffer {
  return createHash("sha256").update(LEAF_PREFIX).update(entry).digest();
}

/** Interior node: SHA-256(0x01 || left || right). */
export function nodeHash(left: Uint8Array, right: Uint8Array): Buffer {
  return createHash("sha256").update(NODE_PREFIX).update(left).update(right).digest();
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
  checkCount("record index", n);
  if (n >= MAX_STORED_TREE_SIZE) throw new RangeError("record index exceeds MAX_STORED_TREE_SIZE");
  if (leaf.length !== HASH_SIZE) throw new RangeError("leaf hash must be 32 bytes");
  const closes = trailingOnes(n);
  // Left siblings of the subtrees being closed, highest level first (increasing index).
  const indexes: number[] = [];
  for (let level = closes - 1; level >= 0; level--) {
    indexes.push(storedHashIndex(level, shiftRight(n, level) - 1));
  }
  const siblings = await readHashes(read, indexes);
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
