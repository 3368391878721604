/**
 * What the relay publishes about its log (issue 5): the latest signed
 * checkpoint, tiles and entry bundles (c2sp.org/tlog-tiles) up to that
 * checkpoint, inclusion proofs (c2sp.org/tlog-proof@v1) and the verifier keys.
 * Everything served is immutable once the checkpoint covering it is signed.
 */
import type { LogStore } from "../storage/ports.js";
import { encodeEntryBundle } from "./entry-bundle.js";
import type { LogIdentity } from "./log-identity.js";
import type { HashReader } from "./merkle.js";
import { proveRecord } from "./merkle-proof.js";
import { formatProof } from "./proof.js";
import { ENTRIES_LEVEL, parseTilePath, readTileData, TILE_HEIGHT, TILE_WIDTH, type Tile } from "./tiles.js";

export const MAX_MERGE_DELAY_SECONDS = 1;

export class LogService {
  readonly #store: LogStore;
  readonly #identity: LogIdentity;
  readonly #read: HashReader;

  constructor(store: LogStore, identity: LogIdentity) {
    this.#store = store;
    this.#identity = identity;
    this.#read = (indexes) => store.readLogHashes(indexes);
  }

  get identity(): LogIdentity {
    return this.#identity;
  }

  async checkpoint(): Promise<{ size: number; note: string } | undefined> {
    return this.#store.latestCheckpoint();
  }

  /** A tile's bytes, or null when the path is malformed or beyond the latest checkpoint. */
  async tile(path: string): Promise<Buffer | null> {
    let tile: Tile;
    try {
      tile = parseTilePath(path);
    } catch {
      return null;
    }
    const latest = await this.#store.latestCheckpoint();
    if (!latest) return null;
    const level = tile.level === ENTRIES_LEVEL ? 0 : tile.level;
    const records = (tile.index * TILE_WIDTH + tile.width) * 2 ** (TILE_HEIGHT * level);
    if (records > latest.size) return null;
    if (tile.level !== ENTRIES_LEVEL) return readTileData(tile, this.#read);
    const entries = await this.#store.readLogEntries(tile.index * TILE_WIDTH, tile.width);
    return encodeEntryBundle(entries.map((e) => e.data));
  }

  /** c2sp.org/tlog-proof@v1 for the entry at `index`, under the latest checkpoint (null until covered). */
  async proof(index: number): Promise<string | null> {
    const latest = await this.#store.latestCheckpoint();
    if (!latest || index >= latest.size) return null;
    const proof = await proveRecord(latest.size, index, this.#read);
    return formatProof({ index, proof, checkpoint: latest.note });
  }

  /** /.well-known/overt.json */
  wellKnown(options: { signedReceipts: boolean }): Record<string, unknown> {
    return {
      log: {
        origin: this.#identity.origin,
        verifierKeys: this.#identity.verifierKeys,
        maxMergeDelaySeconds: MAX_MERGE_DELAY_SECONDS,
        checkpoint: "/log/checkpoint",
        tiles: "/log/",
        hashing: "RFC 6962 (SHA-256)",
        formats: [
          "c2sp.org/tlog-tiles",
          "c2sp.org/tlog-checkpoint",
          "c2sp.org/signed-note",
          "c2sp.org/tlog-proof@v1",
        ],
      },
      receipts: {
        header: "overt-receipt-id",
        blindHeader: "overt-receipt-blind",
        get: "/v1/receipts/{id}",
        proof: "/v1/receipts/{id}/proof",
        signedIndividually: options.signedReceipts,
      },
    };
  }
}
