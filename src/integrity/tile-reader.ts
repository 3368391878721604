/**
 * A HashReader backed by tiles fetched from a (possibly hostile) tlog-tiles
 * server, for verifiers such as `overt log audit`: with it, treeHash,
 * proveRecord and proveTree rebuild any hash or proof of a tree whose signed
 * checkpoint (size and root) the verifier already trusts.
 *
 * Every tile used is authenticated before any hash leaves the reader: the tiles
 * holding the tree's top-level subtrees must hash to the trusted root, and each
 * other full tile must hash to its entry in its (authenticated) parent tile.
 * Same plan as Go's tlog.TileHashReader (https://research.swtch.com/tlog#authenticating_tiles),
 * except that here every non-root tile is checked against its parent; Go's loop
 * starts at len(stx) and so can skip a child tile when two top-level subtrees
 * share one tile (e.g. tree size 259, leaf 5).
 */
import { VerificationError } from "./errors.js";
import { HASH_SIZE, type HashReader, nodeHash, storedHashIndex, subtreeIndexes } from "./merkle.js";
import {
  hashFromTile,
  locateStoredHash,
  TILE_HEIGHT,
  TILE_WIDTH,
  type Tile,
  tileHash,
  tilePath,
} from "./tiles.js";

/** Fetches one tile by its path (e.g. `tile/0/x001/234.p/7`), relative to the log's prefix. */
export type TileFetcher = (path: string) => Promise<Uint8Array>;

/** A tree head the verifier already trusts (from a verified checkpoint). */
export interface TrustedTree {
  readonly size: number;
  readonly root: Uint8Array;
}

/**
 * The k-th ancestor of `tile` in a tree of `size` records, with its width cut to
 * what that tree has; undefined if the tree has no such tile.
 */
function tileParent(tile: Tile, k: number, size: number): Tile | undefined {
  const level = tile.level + k;
  const index = Math.floor(tile.index / 2 ** (TILE_HEIGHT * k));
  const available = Math.floor(size / 2 ** (TILE_HEIGHT * level)); // hashes the tree has at tree level 8·level
  const first = index * TILE_WIDTH;
  if (first >= available) return undefined;
  return { level, index, width: Math.min(TILE_WIDTH, available - first) };
}

/**
 * Returns a HashReader over the trusted tree, fetching tiles with `fetchTile`.
 * Authenticated tiles are cached for the reader's lifetime (they cannot change
 * for a fixed tree size), so repeated proofs cost no further fetches.
 */
export function tileHashReader(tree: TrustedTree, fetchTile: TileFetcher): HashReader {
  const { size } = tree;
  if (!Number.isSafeInteger(size) || size < 0)
    throw new RangeError("tree size must be a non-negative safe integer");
  if (tree.root.length !== HASH_SIZE) throw new RangeError("tree root must be 32 bytes");
  const cache = new Map<string, Buffer>();
  const limit = size === 0 ? 0 : storedHashIndex(0, size);

  return async (indexes) => {
    for (const x of indexes) {
      if (!Number.isSafeInteger(x) || x < 0 || x >= limit) {
        throw new RangeError(`stored hash ${x} is not in a tree of size ${size}`);
      }
    }
    if (indexes.length === 0) return [];

    // Plan: first the tiles holding the top-level subtrees (they authenticate against the root),
    // then, for each requested hash, its tile and any ancestors not yet planned, parents first.
    const tiles: Tile[] = [];
    const position = new Map<string, number>();
    const plan = (tile: Tile): number => {
      const key = tilePath(tile);
      let at = position.get(key);
      if (at === undefined) {
        at = tiles.length;
        position.set(key, at);
        tiles.push(tile);
      }
      return at;
    };
    const top = subtreeIndexes(0, size);
    const topTiles = top.map((x) => plan(tileParent(locateStoredHash(x).tile, 0, size)!));
    const rootTileCount = tiles.length;
    const indexTiles = indexes.map((x) => {
      const own = locateStoredHash(x).tile;
      const ancestor = (k: number): Tile => {
        const tile = tileParent(own, k, size);
        if (!tile) throw new Error(`tile math: stored hash ${x} has no planned ancestor in size ${size}`);
        return tile;
      };
      let k = 0;
      while (!position.has(tilePath(ancestor(k)))) k++;
      let at = position.get(tilePath(ancestor(k)))!;
      for (k--; k >= 0; k--) {
        const child = ancestor(k);
        if (child.width !== TILE_WIDTH)
          throw new Error(`tile math: ${tilePath(child)} has a parent but is partial`);
        at = plan(child);
      }
      return at;
    });

    const data = await Promise.all(
      tiles.map(async (tile) => {
        const path = tilePath(tile);
        const bytes = cache.get(path) ?? Buffer.from(await fetchTile(path));
        if (bytes.length !== tile.width * HASH_SIZE) {
          throw new VerificationError(
            "malformed-tile",
            `${path} has ${bytes.length} bytes, want ${tile.width * HASH_SIZE}`,
          );
        }
        return bytes;
      }),
    );

    // Authenticate: the top-level subtree hashes must fold to the trusted root…
    let root = hashFromTile(tiles[topTiles.at(-1)!]!, data[topTiles.at(-1)!]!, top.at(-1)!);
    for (let i = top.length - 2; i >= 0; i--) {
      root = nodeHash(hashFromTile(tiles[topTiles[i]!]!, data[topTiles[i]!]!, top[i]!), root);
    }
    if (Buffer.compare(root, tree.root) !== 0) {
      throw new VerificationError("inconsistent-tile", `tiles for tree size ${size} do not hash to its root`);
    }
    // …and every other tile must match its hash in its parent, which was planned (and so checked) before it.
    for (let i = rootTileCount; i < tiles.length; i++) {
      const tile = tiles[i]!;
      const parent = tileParent(tile, 1, size)!;
      const p = position.get(tilePath(parent))!;
      const expected = hashFromTile(
        parent,
        data[p]!,
        storedHashIndex(TILE_HEIGHT * parent.level, tile.index),
      );
      if (Buffer.compare(expected, tileHash(data[i]!)) !== 0) {
        throw new VerificationError("inconsistent-tile", `${tilePath(tile)} does not match its parent tile`);
      }
    }
    for (const [i, tile] of tiles.entries()) cache.set(tilePath(tile), data[i]!);

    return indexes.map((x, i) => hashFromTile(tiles[indexTiles[i]!]!, data[indexTiles[i]!]!, x));
  };
}
