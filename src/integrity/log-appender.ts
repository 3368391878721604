/**
 * Entries on their way into the log (issue 5). The request path only appends to
 * memory; this process's sequencer takes them on its next run (at most a second
 * later) and writes them with their Merkle hashes in one transaction, so the hot
 * path does no database write for its receipt. Entries from processes without a
 * sequencer (the CLI) go through the database queue instead (LogStore).
 *
 * Kept as columns, every entry's bytes written straight into one growing buffer,
 * not as an object and a Buffer per entry: thousands of entries wait between two
 * runs, and each young object they hold makes the relay's minor garbage
 * collections slower (a Map of waiting receipts by id alone cost ~8 µs of
 * scavenging per request at 7 000 requests/s). A receipt read back before it is
 * integrated (clients poll for it) is found through a column of 32-bit hashes of
 * the ids — small integers, nothing for the collector to trace — and one string
 * comparison per match: comparing the ids themselves, which share their leading
 * time characters, cost up to 0.2 ms per lookup over a second of receipts.
 */
import type { LogEntryColumns, LogEntryKind, NewLogEntry } from "../storage/ports.js";

const INITIAL_BYTES = 1 << 20;
/** At most 3 UTF-8 bytes per UTF-16 unit. */
const UTF8_PER_UNIT = 3;

/** A waiting entry found by its ref: who may read it, and its bytes. */
export interface PendingEntry {
  keyId: string | null;
  data: Buffer;
}

export class LogAppender {
  #kinds: LogEntryKind[] = [];
  #refs: (string | null)[] = [];
  /** refHash of each ref (0 for none), for lookups. */
  #refHashes: number[] = [];
  #keyIds: (string | null)[] = [];
  #createdAts: number[] = [];
  #lengths: number[] = [];
  #data = Buffer.allocUnsafeSlow(INITIAL_BYTES);
  #used = 0;
  /** Batches a sequencer run has taken and not yet committed or put back. */
  readonly #taken = new Set<TakenBatch>();

  /** Never drops an entry; a stalled database shows as a growing `size` in the sequencer's error log. */
  append(entry: NewLogEntry): void {
    this.#room(entry.data.length);
    entry.data.copy(this.#data, this.#used);
    this.#push(entry.kind, entry.ref, entry.keyId, entry.createdAt, entry.data.length);
  }

  /** An entry whose bytes are `text` as UTF-8 (a receipt's note), encoded straight into the buffer. */
  appendText(
    kind: LogEntryKind,
    ref: string | null,
    keyId: string | null,
    createdAt: number,
    text: string,
  ): void {
    this.#room(text.length * UTF8_PER_UNIT);
    this.#push(kind, ref, keyId, createdAt, this.#data.write(text, this.#used, "utf8"));
  }

  #room(bytes: number): void {
    if (this.#used + bytes <= this.#data.length) return;
    const grown = Buffer.allocUnsafeSlow(Math.max(this.#data.length * 2, this.#used + bytes));
    this.#data.copy(grown, 0, 0, this.#used);
    this.#data = grown;
  }

  #push(
    kind: LogEntryKind,
    ref: string | null,
    keyId: string | null,
    createdAt: number,
    length: number,
  ): void {
    this.#kinds.push(kind);
    this.#refs.push(ref);
    this.#refHashes.push(ref === null ? 0 : refHash(ref));
    this.#keyIds.push(keyId);
    this.#createdAts.push(createdAt);
    this.#lengths.push(length);
    this.#used += length;
  }

  /** Takes up to `limit` entries for a sequencer run, their bytes copied into a buffer of their own. */
  take(limit: number): TakenBatch {
    const count = Math.min(limit, this.#lengths.length);
    let bytes = 0;
    for (let i = 0; i < count; i++) bytes += this.#lengths[i] as number;
    const data = Buffer.allocUnsafeSlow(bytes);
    this.#data.copy(data, 0, 0, bytes);
    this.#data.copyWithin(0, bytes, this.#used);
    this.#used -= bytes;
    const batch: TakenBatch = {
      kinds: this.#kinds.splice(0, count),
      refs: this.#refs.splice(0, count),
      refHashes: this.#refHashes.splice(0, count),
      keyIds: this.#keyIds.splice(0, count),
      createdAts: this.#createdAts.splice(0, count),
      lengths: this.#lengths.splice(0, count),
      data,
    };
    this.#taken.add(batch);
    return batch;
  }

  /** A run failed: the entries go back to the front, in order. */
  putBack(batch: TakenBatch): void {
    this.#taken.delete(batch);
    const waiting = Buffer.from(this.#data.subarray(0, this.#used));
    this.#data = Buffer.allocUnsafeSlow(Math.max(INITIAL_BYTES, batch.data.length + this.#used));
    this.#data.set(batch.data, 0);
    waiting.copy(this.#data, batch.data.length);
    this.#used += batch.data.length;
    this.#kinds = [...batch.kinds, ...this.#kinds];
    this.#refs = [...batch.refs, ...this.#refs];
    this.#refHashes = [...batch.refHashes, ...this.#refHashes];
    this.#keyIds = [...batch.keyIds, ...this.#keyIds];
    this.#createdAts = [...batch.createdAts, ...this.#createdAts];
    this.#lengths = [...batch.lengths, ...this.#lengths];
  }

  /** A run committed: the entries are readable from the log now. */
  integrated(batch: TakenBatch): void {
    this.#taken.delete(batch);
  }

  /** The entry with this ref that is waiting for the sequencer (in memory or in a run under way). */
  pending(ref: string): PendingEntry | undefined {
    const hash = refHash(ref);
    const waiting = findRef(this.#refHashes, this.#refs, this.#lengths, this.#keyIds, this.#data, ref, hash);
    if (waiting !== undefined) return waiting;
    for (const batch of this.#taken) {
      const inRun = findRef(batch.refHashes, batch.refs, batch.lengths, batch.keyIds, batch.data, ref, hash);
      if (inRun !== undefined) return inRun;
    }
    return undefined;
  }

  get size(): number {
    return this.#lengths.length;
  }
}

/** A batch as taken, with the hashes of its refs for lookups while its run is under way. */
export interface TakenBatch extends LogEntryColumns {
  refHashes: number[];
}

/** FNV-1a, 32 bits, of the UTF-16 units: cheap, and only ever confirmed by comparing the strings. */
function refHash(ref: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < ref.length; i++) hash = Math.imul(hash ^ ref.charCodeAt(i), 0x01000193);
  return hash | 1;
}

function findRef(
  hashes: readonly number[],
  refs: readonly (string | null)[],
  lengths: readonly number[],
  keyIds: readonly (string | null)[],
  data: Uint8Array,
  ref: string,
  hash: number,
): PendingEntry | undefined {
  for (let index = hashes.length - 1; index >= 0; index--) {
    if (hashes[index] !== hash || refs[index] !== ref) continue;
    let at = 0;
    for (let i = 0; i < index; i++) at += lengths[i] as number;
    return {
      keyId: keyIds[index] ?? null,
      data: Buffer.from(data.subarray(at, at + (lengths[index] as number))),
    };
  }
  return undefined;
}
