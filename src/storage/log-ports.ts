/**
 * Port of the transparency log's storage (issue 5), re-exported by ports.ts.
 * Writers enqueue entries; one sequencer at a time (across processes: the lock
 * is the update of one state row) gives them indexes and stores their Merkle
 * hashes and a signed checkpoint in the same transaction.
 */

export type LogEntryKind = "receipt" | "policy" | "admin";

export interface NewLogEntry {
  kind: LogEntryKind;
  /** The receipt id (receipts), else null. */
  ref: string | null;
  /** The key that made the request (receipts only): who may read it back. */
  keyId: string | null;
  createdAt: number;
  /** The entry's bytes exactly as logged (a receipt's note text). */
  data: Buffer;
}

/**
 * Entries as columns, every entry's bytes back to back in one buffer: how a
 * batch goes from memory (integrity/log-appender.ts) to the sequencer, and on to
 * a worker thread without an object per entry.
 */
export interface LogEntryColumns {
  kinds: LogEntryKind[];
  refs: (string | null)[];
  keyIds: (string | null)[];
  createdAts: number[];
  /** Each entry's byte length, in order, within `data`. */
  lengths: number[];
  data: Uint8Array;
}

export interface QueuedLogEntry extends NewLogEntry {
  /** Queue order; entries are sequenced in this order. Negative: handed to the sequencer in memory. */
  id: number;
}

export interface LogEntryRecord extends NewLogEntry {
  index: number;
}

export interface StoredCheckpoint {
  size: number;
  createdAt: number;
  /** The signed note (tlog-checkpoint). */
  note: string;
}

/** What the sequencer sees and does while it holds the lock. */
export interface LogSequencerTx {
  /** Entries in the log. */
  readonly size: number;
  pending(limit: number): Promise<QueuedLogEntry[]>;
  /** Stored hashes by stored-hash index (Go tlog numbering). */
  readHashes(indexes: readonly number[]): Promise<Buffer[]>;
  /** Appends entries (indexes size, size+1, …), their new hashes, and drops them from the queue. */
  append(entries: readonly QueuedLogEntry[], hashes: ReadonlyMap<number, Buffer>): Promise<void>;
  saveCheckpoint(checkpoint: StoredCheckpoint): Promise<void>;
}

export interface LogStore {
  enqueueLogEntries(entries: readonly NewLogEntry[]): Promise<void>;
  /** Runs `work` as the only sequencer (waits for another process's run to finish). */
  sequenceLog<T>(work: (tx: LogSequencerTx) => Promise<T>): Promise<T>;
  /**
   * Optional: one sequencer run done by the store, where it can do the work off the
   * event loop (an SQLite file: sqlite-log-sequencing.ts). Up to `queueLimit` queued
   * entries, then `entries`, are appended with their stored hashes (what LogSequencer
   * does through sequenceLog otherwise), together with the checkpoint `sign` makes
   * for the new size and root, in one transaction under the lock; nothing is written
   * when a non-empty log has nothing new. Resolves with the log size after it.
   */
  sequenceBatch?(
    entries: LogEntryColumns,
    queueLimit: number,
    sign: (size: number, root: Buffer) => StoredCheckpoint,
  ): Promise<number>;
  logSize(): Promise<number>;
  readLogHashes(indexes: readonly number[]): Promise<Buffer[]>;
  /** Entries [start, start + count) in index order. */
  readLogEntries(start: number, count: number): Promise<LogEntryRecord[]>;
  /** A receipt (or any entry with this ref): sequenced, or still queued (index null). */
  findLogEntry(ref: string): Promise<(NewLogEntry & { index: number | null }) | undefined>;
  latestCheckpoint(): Promise<StoredCheckpoint | undefined>;
  /** The checkpoint signed at exactly this size, if one was. */
  checkpointAt(size: number): Promise<StoredCheckpoint | undefined>;
  /** Policy and admin entries, newest last, from `start`. */
  listLogEntriesOfKind(kind: LogEntryKind, start: number, limit: number): Promise<LogEntryRecord[]>;
}
