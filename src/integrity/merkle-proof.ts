/**
 * RFC 6962 inclusion ("audit path", §2.1.1) and consistency (§2.1.2) proofs,
 * built from a HashReader and checked against roots. Proofs are byte-for-byte
 * those of Go's tlog.ProveRecord / tlog.ProveTree (and so of RFC 6962/9162
 * logs); checks accept exactly what tlog.CheckRecord / tlog.CheckTree accept,
 * but say which check failed (VerificationError.code).
 *
 * Both walk the RFC 6962 recursion top-down (split at the largest power of two
 * below the range width), record which side the target is on, and list the
 * sibling ranges. A proof lists those siblings bottom-up: leaf's sibling first.
 */
import { VerificationError } from "./errors.js";
import { HASH_SIZE, type HashReader, nodeHash, rangeHashes, splitPoint } from "./merkle.js";

type Range = readonly [number, number];

interface InclusionPath {
  /** Top-down: true where the target lies in the left part. */
  goesLeft: boolean[];
  /** Top-down: the sibling range not taken at each step. */
  siblings: Range[];
}

function inclusionPath(size: number, index: number): InclusionPath {
  const goesLeft: boolean[] = [];
  const siblings: Range[] = [];
  let lo = 0;
  let hi = size;
  while (hi - lo > 1) {
    const k = splitPoint(hi - lo);
    if (index < lo + k) {
      goesLeft.push(true);
      siblings.push([lo + k, hi]);
      hi = lo + k;
    } else {
      goesLeft.push(false);
      siblings.push([lo, lo + k]);
      lo += k;
    }
  }
  return { goesLeft, siblings };
}

interface ConsistencyPath extends InclusionPath {
  /** The old tree's right edge is a subtree of its own, [lo, hi), sent as the proof's first hash; absent when the old tree is a complete left subtree the verifier already knows. */
  base: Range | undefined;
}

function consistencyPath(size: number, oldSize: number): ConsistencyPath {
  const goesLeft: boolean[] = [];
  const siblings: Range[] = [];
  let lo = 0;
  let hi = size;
  while (oldSize !== hi) {
    const k = splitPoint(hi - lo);
    if (oldSize <= lo + k) {
      goesLeft.push(true);
      siblings.push([lo + k, hi]);
      hi = lo + k;
    } else {
      goesLeft.push(false);
      siblings.push([lo, lo + k]);
      lo += k;
    }
  }
  return { goesLeft, siblings, base: lo === 0 ? undefined : [lo, hi] };
}

function checkSafe(what: string, n: number): void {
  if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`${what} must be a non-negative safe integer`);
}

/** The inclusion proof of record `index` in the tree of the first `size` records. */
export async function proveRecord(size: number, index: number, read: HashReader): Promise<Buffer[]> {
  checkSafe("tree size", size);
  checkSafe("index", index);
  if (index >= size) throw new RangeError(`index ${index} is not in a tree of size ${size}`);
  const { siblings } = inclusionPath(size, index);
  return rangeHashes(siblings.reverse(), read);
}

/** The consistency proof that the tree of `size` records extends the tree of its first `oldSize`. */
export async function proveTree(size: number, oldSize: number, read: HashReader): Promise<Buffer[]> {
  checkSafe("tree size", size);
  checkSafe("old tree size", oldSize);
  if (oldSize < 1 || oldSize > size)
    throw new RangeError(`cannot prove size ${oldSize} against size ${size}`);
  const { siblings, base } = consistencyPath(size, oldSize);
  const ranges = siblings.reverse();
  if (base) ranges.unshift(base);
  return rangeHashes(ranges, read);
}

function checkHashes(what: string, hashes: readonly Uint8Array[]): void {
  hashes.forEach((h, i) => {
    if (h.length !== HASH_SIZE) {
      throw new VerificationError(
        "malformed-hash",
        `${what} hash ${i} has ${h.length} bytes, want ${HASH_SIZE}`,
      );
    }
  });
}

function sameHash(a: Uint8Array, b: Uint8Array): boolean {
  return Buffer.compare(a, b) === 0;
}

function validSize(n: number): boolean {
  return Number.isSafeInteger(n) && n >= 0;
}

/**
 * Checks that `proof` shows record `index`, with leaf hash `leaf`, is in the tree
 * of `size` records whose root is `root`. Throws VerificationError:
 * invalid-size, malformed-hash, proof-length or root-mismatch.
 */
export function checkRecord(
  proof: readonly Uint8Array[],
  size: number,
  root: Uint8Array,
  index: number,
  leaf: Uint8Array,
): void {
  if (!validSize(size) || !validSize(index) || index >= size) {
    throw new VerificationError("invalid-size", `index ${index} is not in a tree of size ${size}`);
  }
  checkHashes("leaf", [leaf]);
  const { goesLeft } = inclusionPath(size, index);
  if (proof.length !== goesLeft.length) {
    throw new VerificationError(
      "proof-length",
      `inclusion proof has ${proof.length} hashes, want ${goesLeft.length} for index ${index} in a tree of size ${size}`,
    );
  }
  checkHashes("proof", proof);
  let h: Uint8Array = leaf;
  proof.forEach((sibling, i) => {
    h = goesLeft[goesLeft.length - 1 - i] ? nodeHash(h, sibling) : nodeHash(sibling, h);
  });
  if (!sameHash(h, root)) {
    throw new VerificationError(
      "root-mismatch",
      `inclusion proof for index ${index} does not lead to the root`,
    );
  }
}

/**
 * Checks that `proof` shows the tree of `size` records with root `root` extends
 * the tree of its first `oldSize` records with root `oldRoot`. As in Go's
 * tlog.CheckTree, oldSize must be at least 1: every tree extends the empty tree,
 * so there is nothing to prove. Throws VerificationError: invalid-size,
 * malformed-hash, proof-length, old-root-mismatch or root-mismatch.
 */
export function checkTree(
  proof: readonly Uint8Array[],
  size: number,
  root: Uint8Array,
  oldSize: number,
  oldRoot: Uint8Array,
): void {
  if (!validSize(size) || !validSize(oldSize) || oldSize < 1 || oldSize > size) {
    throw new VerificationError(
      "invalid-size",
      `cannot check consistency of size ${oldSize} with size ${size} (need 1 ≤ old size ≤ size)`,
    );
  }
  const { goesLeft, base } = consistencyPath(size, oldSize);
  const want = goesLeft.length + (base ? 1 : 0);
  if (proof.length !== want) {
    throw new VerificationError(
      "proof-length",
      `consistency proof has ${proof.length} hashes, want ${want} from size ${oldSize} to size ${size}`,
    );
  }
  checkHashes("proof", proof);
  // oldHash and newHash: the subtree being climbed, as it is in the old tree and in the new one.
  let oldHash: Uint8Array = base ? proof[0]! : oldRoot;
  let newHash: Uint8Array = oldHash;
  const rest = base ? proof.slice(1) : proof;
  rest.forEach((sibling, i) => {
    if (goesLeft[goesLeft.length - 1 - i]) {
      // The old tree ends inside the left part: the right sibling is new data only.
      newHash = nodeHash(newHash, sibling);
    } else {
      oldHash = nodeHash(sibling, oldHash);
      newHash = nodeHash(sibling, newHash);
    }
  });
  if (!sameHash(oldHash, oldRoot)) {
    throw new VerificationError(
      "old-root-mismatch",
      `consistency proof does not lead to the size-${oldSize} root`,
    );
  }
  if (!sameHash(newHash, root)) {
    throw new VerificationError("root-mismatch", `consistency proof does not lead to the size-${size} root`);
  }
}
