/**
 * C2SP tlog-tiles (https://c2sp.org/tlog-tiles): tile coordinates, their paths,
 * which tiles a tree size needs, and tile bytes from stored hashes.
 *
 * A tile at level L holds up to 256 consecutive hashes of tree level 8·L; the
 * n-th tile at level L covers records [n·256^(L+1), (n+1)·256^(L+1)). Level -1
 * (ENTRIES_LEVEL) stands for the entry bundles at tile/entries/…, as Go's
 * tlog.Tile uses L = -1 for its data tiles. Paths match filippo.io/torchwood's
 * TilePath / ParseTilePath (Go's tlog.Tile.Path without the height element).
 */
import { VerificationError } from "./errors.js";
import {
  HASH_SIZE,
  type HashReader,
  nodeHash,
  readHashes,
  shiftRight,
  splitStoredHashIndex,
  storedHashIndex,
} from "./merkle.js";

export const TILE_HEIGHT = 8;
export const TILE_WIDTH = 256;
export const ENTRIES_LEVEL = -1;
const MAX_LEVEL = 63;

export interface Tile {
  /** 0..63 for hash tiles, ENTRIES_LEVEL (-1) for entry bundles. */
  readonly level: number;
  /** Tile number within its level. */
  readonly index: number;
  /** Number of hashes (or entries): 256 for a full tile, 1..255 for a partial one. */
  readonly width: number;
}

function checkTile(tile: Tile): void {
  const { level, index, width } = tile;
  if (!Number.isInteger(level) || level < ENTRIES_LEVEL || level > MAX_LEVEL) {
    throw new RangeError(`tile level ${level} is not -1..63`);
  }
  if (!Number.isSafeInteger(index) || index < 0)
    throw new RangeError(`tile index ${index} is not a safe integer`);
  if (!Number.isInteger(width) || width < 1 || width > TILE_WIDTH)
    throw new RangeError(`tile width ${width} is not 1..256`);
}

/** `tile/<L>/<N>[.p/<W>]` or `tile/entries/<N>[.p/<W>]`, N in 3-digit groups with all but the last x-prefixed. */
export function tilePath(tile: Tile): string {
  checkTile(tile);
  let n = tile.index;
  let digits = String(n % 1000).padStart(3, "0");
  while (n >= 1000) {
    n = Math.floor(n / 1000);
    digits = `x${String(n % 1000).padStart(3, "0")}/${digits}`;
  }
  const level = tile.level === ENTRIES_LEVEL ? "entries" : String(tile.level);
  const partial = tile.width === TILE_WIDTH ? "" : `.p/${tile.width}`;
  return `tile/${level}/${digits}${partial}`;
}

/** Parses a tile path, accepting only the canonical encoding tilePath produces. */
export function parseTilePath(path: string): Tile {
  const bad = () =>
    new VerificationError("malformed-tile-path", `malformed tile path ${JSON.stringify(path)}`);
  const parts = path.split("/");
  if (parts.length < 3 || parts[0] !== "tile") throw bad();
  let level: number;
  if (parts[1] === "entries") level = ENTRIES_LEVEL;
  else if (/^(?:0|[1-9][0-9]?)$/.test(parts[1]!) && Number(parts[1]) <= MAX_LEVEL) level = Number(parts[1]);
  else throw bad();
  let elements = parts.slice(2);
  let width = TILE_WIDTH;
  const beforeLast = elements.at(-2);
  if (beforeLast?.endsWith(".p")) {
    const w = elements.at(-1)!;
    if (!/^[1-9][0-9]{0,2}$/.test(w) || Number(w) >= TILE_WIDTH) throw bad();
    width = Number(w);
    elements = [...elements.slice(0, -2), beforeLast.slice(0, -2)];
  }
  let index = 0;
  for (const [i, element] of elements.entries()) {
    const last = i === elements.length - 1;
    if (!(last ? /^[0-9]{3}$/ : /^x[0-9]{3}$/).test(element)) throw bad();
    index = index * 1000 + Number(last ? element : element.slice(1));
  }
  if (!Number.isSafeInteger(index)) throw bad();
  const tile = { level, index, width };
  if (tilePath(tile) !== path) throw bad();
  return tile;
}

/**
 * The tiles to publish when the tree grows from `oldSize` to `newSize` records:
 * every full tile completed in between and the partial tile at the right edge
 * of each level (Go's tlog.NewTiles with height 8). newTiles(0, size) lists every
 * tile a tree of that size has.
 */
export function newTiles(oldSize: number, newSize: number): Tile[] {
  if (!Number.isSafeInteger(oldSize) || !Number.isSafeInteger(newSize) || oldSize < 0 || oldSize > newSize) {
    throw new RangeError(`cannot list tiles from size ${oldSize} to size ${newSize}`);
  }
  const tiles: Tile[] = [];
  for (let level = 0; shiftRight(newSize, TILE_HEIGHT * level) > 0; level++) {
    const oldN = shiftRight(oldSize, TILE_HEIGHT * level);
    const newN = shiftRight(newSize, TILE_HEIGHT * level);
    if (oldN === newN) continue;
    const lastFull = shiftRight(newN, TILE_HEIGHT);
    for (let n = shiftRight(oldN, TILE_HEIGHT); n < lastFull; n++)
      tiles.push({ level, index: n, width: TILE_WIDTH });
    const width = newN - lastFull * TILE_WIDTH;
    if (width > 0) tiles.push({ level, index: lastFull, width });
  }
  return tiles;
}

/** The entry bundles to publish when the tree grows from `oldSize` to `newSize` (one per level-0 tile). */
export function newEntryBundles(oldSize: number, newSize: number): Tile[] {
  return newTiles(oldSize, newSize)
    .filter((t) => t.level === 0)
    .map((t) => ({ ...t, level: ENTRIES_LEVEL }));
}

/** Where a stored hash lives: the narrowest tile holding it, and the hash range [start, end) within that tile to fold. */
export function locateStoredHash(storedIndex: number): { tile: Tile; start: number; end: number } {
  const split = splitStoredHashIndex(storedIndex);
  const level = Math.floor(split.level / TILE_HEIGHT);
  const within = split.level - level * TILE_HEIGHT; // tree levels above the tile's own hashes
  const span = 2 ** within; // tile hashes under this hash
  const index = shiftRight(split.n * span, TILE_HEIGHT);
  const n = split.n - (index * TILE_WIDTH) / span; // this hash's position among its level within the tile
  return { tile: { level, index, width: (n + 1) * span }, start: n * span, end: (n + 1) * span };
}

/** The narrowest tile holding a stored hash (Go's tlog.TileForIndex with height 8). */
export function tileForIndex(storedIndex: number): Tile {
  return locateStoredHash(storedIndex).tile;
}

/** MTH of 2^k consecutive tile hashes (of a whole full tile: its hash in the tile level above). */
export function tileHash(data: Buffer): Buffer {
  if (data.length === HASH_SIZE) return data;
  if (data.length < HASH_SIZE || data.length % (2 * HASH_SIZE) !== 0) {
    throw new RangeError("tile hashes must be a power of two of 32-byte hashes");
  }
  const half = data.length / 2;
  return nodeHash(tileHash(data.subarray(0, half)), tileHash(data.subarray(half)));
}

/** Reads the stored hash `storedIndex` out of `tile`'s bytes (that tile or a wider one of the same coordinates). */
export function hashFromTile(tile: Tile, data: Uint8Array, storedIndex: number): Buffer {
  checkTile(tile);
  if (tile.level === ENTRIES_LEVEL) throw new RangeError("entry bundles hold entries, not hashes");
  const bytes = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  if (bytes.length < tile.width * HASH_SIZE) {
    throw new VerificationError(
      "malformed-tile",
      `${bytes.length} bytes are too short for ${tilePath(tile)}`,
    );
  }
  const at = locateStoredHash(storedIndex);
  if (at.tile.level !== tile.level || at.tile.index !== tile.index || at.tile.width > tile.width) {
    throw new VerificationError(
      "malformed-tile",
      `stored hash ${storedIndex} is in ${tilePath(at.tile)}, not ${tilePath(tile)}`,
    );
  }
  return Buffer.from(tileHash(bytes.subarray(at.start * HASH_SIZE, at.end * HASH_SIZE)));
}

/** A tile's bytes: its `width` hashes of tree level 8·L, concatenated (Go's tlog.ReadTileData). */
export async function readTileData(tile: Tile, read: HashReader): Promise<Buffer> {
  checkTile(tile);
  if (tile.level === ENTRIES_LEVEL) throw new RangeError("entry bundles are built from entries, not hashes");
  const first = tile.index * TILE_WIDTH;
  const indexes: number[] = [];
  for (let i = 0; i < tile.width; i++) indexes.push(storedHashIndex(TILE_HEIGHT * tile.level, first + i));
  return Buffer.concat(await readHashes(read, indexes));
}
