/**
 * C2SP tlog-tiles: path vectors (the spec's and Go tlog's, at height 8), the
 * tiles a tree size has (the spec's 70,000 and 256 examples), tile bytes from
 * stored hashes, entry bundles, and the tile-backed HashReader a remote auditor
 * uses: it must rebuild every proof and refuse any tampered tile.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { checkEntryBundle, decodeEntryBundle, encodeEntryBundle } from "../../src/integrity/entry-bundle.js";
import { VerificationError } from "../../src/integrity/errors.js";
import { MemoryTree } from "../../src/integrity/memory-tree.js";
import { leafHash, storedHashCount, storedHashIndex, treeHash } from "../../src/integrity/merkle.js";
import { checkRecord, checkTree, proveRecord, proveTree } from "../../src/integrity/merkle-proof.js";
import { tileHashReader } from "../../src/integrity/tile-reader.js";
import {
  ENTRIES_LEVEL,
  hashFromTile,
  newEntryBundles,
  newTiles,
  parseTilePath,
  readTileData,
  type Tile,
  tileForIndex,
  tilePath,
} from "../../src/integrity/tiles.js";

async function treeOf(size: number): Promise<MemoryTree> {
  const tree = new MemoryTree();
  for (let i = 0; i < size; i++) await tree.append(Buffer.from(`record ${i}`));
  return tree;
}

async function publishedTiles(tree: MemoryTree): Promise<Map<string, Buffer>> {
  const out = new Map<string, Buffer>();
  for (const tile of newTiles(0, tree.size)) out.set(tilePath(tile), await readTileData(tile, tree.reader));
  return out;
}

describe("integrity: tile paths", () => {
  const good: [string, Tile][] = [
    ["tile/0/000", { level: 0, index: 0, width: 256 }],
    ["tile/0/001", { level: 0, index: 1, width: 256 }],
    ["tile/0/001.p/5", { level: 0, index: 1, width: 5 }],
    ["tile/5/x123/x456/078", { level: 5, index: 123456078, width: 256 }],
    ["tile/5/x123/x456/078.p/2", { level: 5, index: 123456078, width: 2 }],
    ["tile/0/x001/x234/067", { level: 0, index: 1234067, width: 256 }], // the spec's example
    ["tile/63/999", { level: 63, index: 999, width: 256 }],
    ["tile/1/x001/000.p/255", { level: 1, index: 1000, width: 255 }],
    ["tile/entries/x003/x057/500", { level: ENTRIES_LEVEL, index: 3057500, width: 256 }],
    ["tile/entries/000.p/1", { level: ENTRIES_LEVEL, index: 0, width: 1 }],
    ["tile/0/x009/x007/x199/x254/x740/991", { level: 0, index: Number.MAX_SAFE_INTEGER, width: 256 }],
  ];
  for (const [path, tile] of good) {
    it(`${path} round-trips`, () => {
      assert.equal(tilePath(tile), path);
      assert.deepEqual(parseTilePath(path), tile);
    });
  }

  const bad = [
    "tile/5/123/456/078", // inner elements without x
    "tile/-1/000",
    "tile/64/000",
    "tile/01/000",
    "tile/data/000",
    "tile/0/000.p/256",
    "tile/0/000.p/0",
    "tile/0/000.p/05",
    "tile/0/x000/001", // non-canonical: leading zero group
    "tile/0/1",
    "tile/0/0001",
    "tile/0/x001",
    "tile/0/001/",
    "tile/0/001.p",
    "tile/8/0/001", // Go's sumdb form with a height element
    "tile/entries/x001",
    "tiles/0/000",
    "tile/0/x009/x007/x199/x254/x740/992",
    "",
  ];
  for (const path of bad) {
    it(`${JSON.stringify(path)} is rejected`, () => {
      assert.throws(
        () => parseTilePath(path),
        (e) => e instanceof VerificationError && e.code === "malformed-tile-path",
      );
    });
  }
});

describe("integrity: which tiles a tree has", () => {
  const summary = (tiles: Tile[]) => tiles.map((t) => `${t.level}:${t.width}`).join(" ");

  it("a tree of 70,000: 273 full + 1×112 at level 0, 1 full + 1×17 at level 1, 1×1 at level 2 (spec)", () => {
    const tiles = newTiles(0, 70_000);
    const level0 = tiles.filter((t) => t.level === 0);
    assert.equal(level0.filter((t) => t.width === 256).length, 273);
    assert.deepEqual(level0.at(-1), { level: 0, index: 273, width: 112 });
    assert.equal(summary(tiles.filter((t) => t.level > 0)), "1:256 1:17 2:1");
  });

  it("a tree of 256: one full level-0 tile and a level-1 tile of width 1 (spec)", () => {
    assert.equal(summary(newTiles(0, 256)), "0:256 1:1");
    assert.deepEqual(newTiles(0, 0), []);
  });

  it("new tiles are the full tiles completed and the new right edge", () => {
    assert.deepEqual(newTiles(256, 256), []);
    assert.equal(summary(newTiles(255, 257)), "0:256 0:1 1:1");
    assert.equal(summary(newTiles(256, 257)), "0:1");
    assert.equal(summary(newTiles(65_535, 65_536)), "0:256 1:256 2:1");
    assert.deepEqual(newEntryBundles(250, 300).map(tilePath), ["tile/entries/000", "tile/entries/001.p/44"]);
  });
});

describe("integrity: tile bytes from stored hashes", () => {
  it("every stored hash can be read back from its tile, for trees up to 600", async () => {
    const tree = new MemoryTree();
    const tiles = new Map<string, Buffer>();
    let stored: Buffer[] = [];
    for (let size = 1; size <= 600; size++) {
      await tree.append(Buffer.from(`record ${size - 1}`));
      for (const tile of newTiles(size - 1, size))
        tiles.set(tilePath(tile), await readTileData(tile, tree.reader));
      const count = storedHashCount(size);
      const indexes = Array.from({ length: count - stored.length }, (_, i) => stored.length + i);
      stored = stored.concat(await tree.reader(indexes));
      for (const index of indexes) {
        const tile = tileForIndex(index);
        const data = tiles.get(tilePath(tile));
        assert.ok(data, `${tilePath(tile)} published by size ${size}`);
        assert.deepEqual(hashFromTile(tile, data, index), stored[index], `hash ${index}`);
      }
    }
    // A level-1 tile holds the roots of full level-0 tiles.
    const level1 = tiles.get("tile/1/000.p/2")!;
    assert.deepEqual(level1.subarray(0, 32), await treeHash(256, tree.reader));
    assert.throws(
      () => hashFromTile({ level: 0, index: 1, width: 256 }, tiles.get("tile/0/000")!, 0),
      VerificationError,
    );
  });
});

describe("integrity: tile-backed hash reader", () => {
  it("rebuilds every inclusion and consistency proof from tiles", async () => {
    for (const size of [1, 2, 7, 255, 256, 257, 259, 511, 512, 513, 700]) {
      const tree = await treeOf(size);
      const tiles = await publishedTiles(tree);
      const root = await tree.root();
      const fetched: string[] = [];
      const reader = tileHashReader({ size, root }, async (path) => {
        fetched.push(path);
        const data = tiles.get(path);
        if (!data) throw new Error(`no tile ${path}`);
        return data;
      });
      const step = Math.max(1, Math.floor(size / 37));
      for (let index = 0; index < size; index += step) {
        const proof = await proveRecord(size, index, reader);
        assert.deepEqual(proof, await proveRecord(size, index, tree.reader));
        checkRecord(proof, size, root, index, leafHash(Buffer.from(`record ${index}`)));
      }
      for (let old = 1; old <= size; old += step) {
        const proof = await proveTree(size, old, reader);
        checkTree(proof, size, root, old, await tree.root(old));
        assert.deepEqual(await treeHash(old, reader), await tree.root(old));
      }
      assert.equal(new Set(fetched).size, fetched.length, "authenticated tiles are cached");
      await assert.rejects(reader([storedHashIndex(0, size)]), RangeError);
    }
  });

  it("refuses any tile with a flipped byte, or of the wrong length", async () => {
    const size = 600;
    const tree = await treeOf(size);
    const tiles = await publishedTiles(tree);
    const root = await tree.root();
    for (const [path, data] of tiles) {
      for (const offset of [0, 31, 32 * Math.floor(data.length / 64) + 5, data.length - 1]) {
        const bad = new Map(tiles);
        const copy = Buffer.from(data);
        copy[offset]! ^= 0x80;
        bad.set(path, copy);
        const reader = tileHashReader({ size, root }, async (p) => bad.get(p)!);
        // Ask for hashes that need this tile: every leaf it covers, plus the tree root.
        const tile = parseTilePath(path);
        const first = tile.index * 256 ** (tile.level + 1);
        const indexes = [storedHashIndex(0, Math.min(first + 3, size - 1))];
        await assert.rejects(
          Promise.all([reader(indexes), treeHash(size, reader)]),
          (e) => e instanceof VerificationError && e.code === "inconsistent-tile",
          `${path} byte ${offset}`,
        );
      }
      const shortened = new Map(tiles).set(path, data.subarray(32));
      const reader = tileHashReader({ size, root }, async (p) => shortened.get(p)!);
      const tile = parseTilePath(path);
      const leaf = Math.min(tile.index * 256 ** (tile.level + 1), size - 1);
      await assert.rejects(
        Promise.all([reader([storedHashIndex(0, leaf)]), treeHash(size, reader)]),
        (e) => e instanceof VerificationError && e.code === "malformed-tile",
      );
    }
  });

  it("authenticates a full tile whose parent also holds the root's other subtrees (size 259, leaf 5)", async () => {
    // Go's TileHashReader skips this check (its loop starts at len(stx) = 3 while only 2 tiles hold them).
    const tree = await treeOf(259);
    const tiles = await publishedTiles(tree);
    const forged = Buffer.from(tiles.get("tile/0/000")!);
    forged.set(leafHash(Buffer.from("forged")), 5 * 32);
    const reader = tileHashReader({ size: 259, root: await tree.root() }, async (p) =>
      p === "tile/0/000" ? forged : tiles.get(p)!,
    );
    await assert.rejects(
      reader([storedHashIndex(0, 5)]),
      (e) => e instanceof VerificationError && e.code === "inconsistent-tile",
    );
  });

  it("refuses tiles that do not match the trusted root", async () => {
    const tree = await treeOf(300);
    const tiles = await publishedTiles(tree);
    const reader = tileHashReader({ size: 300, root: await tree.root(299) }, async (p) => tiles.get(p)!);
    await assert.rejects(
      reader([0]),
      (e) => e instanceof VerificationError && e.code === "inconsistent-tile",
    );
  });
});

describe("integrity: entry bundles", () => {
  it("encodes uint16 length-prefixed entries", () => {
    const bundle = encodeEntryBundle([Buffer.alloc(0), Buffer.from("a"), Buffer.alloc(300, 7)]);
    assert.equal(bundle.subarray(0, 5).toString("hex"), "0000000161");
    assert.equal(bundle.subarray(5, 7).toString("hex"), "012c");
    assert.equal(bundle.length, 2 + 3 + 2 + 300);
    assert.deepEqual(decodeEntryBundle(bundle, 3), [Buffer.alloc(0), Buffer.from("a"), Buffer.alloc(300, 7)]);
    assert.throws(() => encodeEntryBundle([Buffer.alloc(65_536)]), RangeError);
    assert.deepEqual(decodeEntryBundle(encodeEntryBundle([Buffer.alloc(65_535, 1)]))[0]!.length, 65_535);
  });

  it("rejects truncated bundles and the wrong count", () => {
    const bundle = encodeEntryBundle([Buffer.from("hello"), Buffer.from("world")]);
    const malformed = (e: unknown) => e instanceof VerificationError && e.code === "malformed-entry-bundle";
    for (let cut = 1; cut < bundle.length; cut++) {
      if (cut === 7) continue; // a whole first entry: a valid one-entry bundle
      assert.throws(() => decodeEntryBundle(bundle.subarray(0, cut)), malformed, `cut at ${cut}`);
    }
    assert.throws(() => decodeEntryBundle(bundle.subarray(0, 7), 2), malformed);
    assert.throws(() => decodeEntryBundle(bundle, 3), malformed);
  });

  it("matches the level-0 tile it belongs to", async () => {
    const tree = await treeOf(300);
    for (const bundleTile of newEntryBundles(0, 300)) {
      const entries = Array.from({ length: bundleTile.width }, (_, i) =>
        tree.entry(bundleTile.index * 256 + i),
      );
      const decoded = decodeEntryBundle(encodeEntryBundle(entries), bundleTile.width);
      const tile = await readTileData({ ...bundleTile, level: 0 }, tree.reader);
      checkEntryBundle(decoded, tile);
      decoded[decoded.length - 1] = Buffer.from("swapped");
      assert.throws(() => checkEntryBundle(decoded, tile), VerificationError);
    }
  });
});
