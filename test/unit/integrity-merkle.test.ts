/**
 * The stored-hash tree against an independent RFC 6962 reference (the MTH,
 * PATH and PROOF recursions of §2.1, written directly over leaf hashes): roots,
 * inclusion and consistency proofs must be byte-identical for every size and
 * index up to 300, every proof must verify, and every flipped byte must fail.
 * Large trees (up to 2^52 records) use a virtual reader so the exact-integer
 * arithmetic is exercised where 32-bit operators would break.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { VerificationError } from "../../src/integrity/errors.js";
import { MemoryTree } from "../../src/integrity/memory-tree.js";
import {
  emptyRoot,
  type HashReader,
  leafHash,
  MAX_STORED_TREE_SIZE,
  nodeHash,
  splitStoredHashIndex,
  storedHashCount,
  storedHashIndex,
  treeHash,
} from "../../src/integrity/merkle.js";
import { checkRecord, checkTree, proveRecord, proveTree } from "../../src/integrity/merkle-proof.js";

// ---- RFC 6962 §2.1 reference, over a function giving MTH of any range -----------------------

type RangeHash = (lo: number, hi: number) => Buffer;

function split(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/** PATH(m, D[lo:hi]) of RFC 6962 §2.1.1. */
function refPath(m: number, lo: number, hi: number, mth: RangeHash): Buffer[] {
  if (hi - lo <= 1) return [];
  const k = split(hi - lo);
  return m < k
    ? [...refPath(m, lo, lo + k, mth), mth(lo + k, hi)]
    : [...refPath(m - k, lo + k, hi, mth), mth(lo, lo + k)];
}

/** SUBPROOF(m, D[lo:hi], b) of RFC 6962 §2.1.2. */
function refSubproof(m: number, lo: number, hi: number, complete: boolean, mth: RangeHash): Buffer[] {
  const n = hi - lo;
  if (m === n) return complete ? [] : [mth(lo, hi)];
  const k = split(n);
  return m <= k
    ? [...refSubproof(m, lo, lo + k, complete, mth), mth(lo + k, hi)]
    : [...refSubproof(m - k, lo + k, hi, false, mth), mth(lo, lo + k)];
}

function listMth(leaves: readonly Buffer[]): RangeHash {
  const memo = new Map<string, Buffer>();
  const mth: RangeHash = (lo, hi) => {
    const key = `${lo}:${hi}`;
    let h = memo.get(key);
    if (!h) {
      if (hi - lo === 1) h = leaves[lo]!;
      else {
        const k = split(hi - lo);
        h = nodeHash(mth(lo, lo + k), mth(lo + k, hi));
      }
      memo.set(key, h);
    }
    return h;
  };
  return mth;
}

function code(check: () => void): string {
  try {
    check();
    return "ok";
  } catch (error) {
    assert.ok(error instanceof VerificationError, String(error));
    return error.code;
  }
}

describe("integrity: hashing and the stored hash index", () => {
  it("hashes leaves and nodes with the RFC 6962 prefixes", () => {
    assert.equal(
      emptyRoot.toString("hex"),
      "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    );
    assert.equal(
      leafHash(Buffer.alloc(0)).toString("hex"),
      "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    );
    assert.equal(
      nodeHash(leafHash(Buffer.alloc(0)), leafHash(Buffer.from([0]))).toString("hex"),
      "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125", // RFC 6962 test tree, size 2
    );
  });

  it("lays out hashes in Go tlog's order", () => {
    // Appending records 0..3 stores: L0, L1, N(0-1), L2, L3, N(2-3), N(0-3).
    const layout = [
      [0, 0],
      [0, 1],
      [1, 0],
      [0, 2],
      [0, 3],
      [1, 1],
      [2, 0],
    ];
    layout.forEach(([level, n], index) => {
      assert.equal(storedHashIndex(level!, n!), index);
      assert.deepEqual(splitStoredHashIndex(index), { level, n });
    });
    assert.deepEqual([0, 1, 2, 3, 4, 5].map(storedHashCount), [0, 1, 3, 4, 7, 8]);
  });

  it("splitStoredHashIndex inverts storedHashIndex, small and near 2^52", () => {
    for (let level = 0; level < 12; level++) {
      for (let n = 0; n < 150; n++)
        assert.deepEqual(splitStoredHashIndex(storedHashIndex(level, n)), { level, n });
    }
    for (let i = 0; i < 300; i++) {
      const level = Math.floor(Math.random() * 40);
      const n = Math.floor(Math.random() * (MAX_STORED_TREE_SIZE / 2 ** level));
      assert.deepEqual(splitStoredHashIndex(storedHashIndex(level, n)), { level, n });
    }
    assert.equal(storedHashIndex(0, MAX_STORED_TREE_SIZE - 1), 2 ** 53 - 2 - 52);
    assert.throws(() => storedHashIndex(0, 2 ** 53), RangeError);
  });
});

describe("integrity: stored-hash tree vs the RFC 6962 reference, sizes 1..300", () => {
  const N = 300;
  const tree = new MemoryTree();
  const leaves: Buffer[] = [];
  const roots: Buffer[] = [emptyRoot];
  let mth: RangeHash;

  it("builds the tree and matches every root", async () => {
    assert.deepEqual(await tree.root(), emptyRoot);
    for (let i = 0; i < N; i++) {
      const entry = Buffer.from(`entry ${i}`);
      assert.equal(await tree.append(entry), i);
      leaves.push(leafHash(entry));
    }
    mth = listMth(leaves);
    for (let size = 1; size <= N; size++) {
      const root = await tree.root(size);
      assert.deepEqual(root, mth(0, size), `size ${size}`);
      roots.push(root);
    }
  });

  it("inclusion proofs equal the reference PATH, verify, and fail on any flipped byte", async () => {
    for (let size = 1; size <= N; size++) {
      for (let index = 0; index < size; index++) {
        const proof = await proveRecord(size, index, tree.reader);
        assert.deepEqual(proof, refPath(index, 0, size, mth), `size ${size} index ${index}`);
        checkRecord(proof, size, roots[size]!, index, leaves[index]!);
        if (size % 37 === 0 || size <= 9) {
          for (const [k, h] of proof.entries()) {
            const bad = proof.map((x) => Buffer.from(x));
            bad[k]![(index + k) % 32]! ^= 0x20;
            assert.equal(
              code(() => checkRecord(bad, size, roots[size]!, index, leaves[index]!)),
              "root-mismatch",
            );
            assert.equal(h.length, 32);
          }
          if (size > 1) {
            const other = (index + 1) % size;
            assert.notEqual(
              code(() => checkRecord(proof, size, roots[size]!, other, leaves[index]!)),
              "ok",
            );
          }
        }
      }
    }
  });

  it("consistency proofs equal the reference PROOF, verify, and fail on any flipped byte", async () => {
    for (let size = 1; size <= N; size++) {
      for (let old = 1; old <= size; old++) {
        if (size > 64 && old > 8 && old % 13 !== 0 && old < size - 1) continue;
        const proof = await proveTree(size, old, tree.reader);
        assert.deepEqual(proof, refSubproof(old, 0, size, true, mth), `${old} → ${size}`);
        checkTree(proof, size, roots[size]!, old, roots[old]!);
        for (const [k] of proof.entries()) {
          if (size > 16 && size % 17 !== 0) break;
          const bad = proof.map((x) => Buffer.from(x));
          bad[k]![k % 32]! ^= 1;
          assert.match(
            code(() => checkTree(bad, size, roots[size]!, old, roots[old]!)),
            /root-mismatch/,
          );
        }
        if (old < size) {
          assert.notEqual(
            code(() => checkTree(proof, size, roots[size]!, old, roots[old + 1]!)),
            "ok",
          );
          assert.notEqual(
            code(() => checkTree(proof, size, roots[old]!, old, roots[old]!)),
            "ok",
          );
        }
      }
    }
  });

  it("refuses to prove what does not exist", async () => {
    await assert.rejects(proveRecord(5, 5, tree.reader), RangeError);
    await assert.rejects(proveTree(5, 0, tree.reader), RangeError);
    await assert.rejects(proveTree(5, 6, tree.reader), RangeError);
    await assert.rejects(treeHash(N + 1, tree.reader), RangeError);
  });

  it("rejects a reader that breaks its contract", async () => {
    const short: HashReader = async (indexes) => indexes.slice(1).map(() => Buffer.alloc(32));
    await assert.rejects(treeHash(3, short), /returned 1 hashes for 2 indexes/);
    const wrong: HashReader = async (indexes) => indexes.map(() => Buffer.alloc(31));
    await assert.rejects(treeHash(3, wrong), /31-byte hash/);
  });
});

describe("integrity: trees of up to 2^52 records (virtual reader)", () => {
  // Every leaf is H("x") except one special leaf, so any complete subtree without it hashes
  // to uniform[level], and the few subtrees holding it are computed by recursion.
  const uniform = [leafHash(Buffer.from("x"))];
  for (let l = 1; l <= 60; l++) uniform.push(nodeHash(uniform[l - 1]!, uniform[l - 1]!));

  function virtualTree(special: number) {
    const specialLeaf = leafHash(Buffer.from("special"));
    const complete = (level: number, n: number): Buffer => {
      const lo = n * 2 ** level;
      if (special < lo || special >= lo + 2 ** level) return uniform[level]!;
      if (level === 0) return specialLeaf;
      return nodeHash(complete(level - 1, 2 * n), complete(level - 1, 2 * n + 1));
    };
    const mth: RangeHash = (lo, hi) => {
      const width = hi - lo;
      let level = 0;
      while (2 ** level < width) level++;
      if (2 ** level === width && lo % width === 0) return complete(level, lo / width);
      const k = split(width);
      return nodeHash(mth(lo, lo + k), mth(lo + k, hi));
    };
    const reader: HashReader = async (indexes) =>
      indexes.map((index) => {
        const { level, n } = splitStoredHashIndex(index);
        return complete(level, n);
      });
    return { specialLeaf, mth, reader };
  }

  it("proves and checks inclusion and consistency at random large sizes", async () => {
    const sizes = [2 ** 31 + 1, 2 ** 32, 2 ** 32 + 3, 2 ** 40 - 1, 2 ** 52 - 5, MAX_STORED_TREE_SIZE];
    for (let i = 0; i < 20; i++) sizes.push(2 + Math.floor(Math.random() * (MAX_STORED_TREE_SIZE - 2)));
    for (const size of sizes) {
      const special = Math.floor(Math.random() * size);
      const { specialLeaf, mth, reader } = virtualTree(special);
      const root = await treeHash(size, reader);
      assert.deepEqual(root, mth(0, size), `root of ${size}`);
      const proof = await proveRecord(size, special, reader);
      assert.deepEqual(proof, refPath(special, 0, size, mth));
      checkRecord(proof, size, root, special, specialLeaf);
      assert.notEqual(
        code(() => checkRecord(proof, size, root, special, uniform[0]!)),
        "ok",
      );
      const neighbour = special === 0 ? 1 : special - 1;
      assert.notEqual(
        code(() => checkRecord(proof, size, root, neighbour, specialLeaf)),
        "ok",
      );

      const old = 1 + Math.floor(Math.random() * size);
      const consistency = await proveTree(size, old, reader);
      assert.deepEqual(consistency, refSubproof(old, 0, size, true, mth));
      checkTree(consistency, size, root, old, mth(0, old));
      if (old < size)
        assert.notEqual(
          code(() => checkTree(consistency, size, root, old, mth(0, old + 1))),
          "ok",
        );
    }
  });

  it("checks proofs for sizes up to 2^53 − 1 without storage", () => {
    const size = Number.MAX_SAFE_INTEGER;
    const { specialLeaf, mth } = virtualTree(size - 1);
    checkRecord(refPath(size - 1, 0, size, mth), size, mth(0, size), size - 1, specialLeaf);
    assert.equal(
      code(() => checkRecord([], size + 1, specialLeaf, 0, specialLeaf)),
      "invalid-size",
    );
  });
});
