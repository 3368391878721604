/**
 * The log's one sequencer (issue 5; DESIGN §8). Each run, holding the storage
 * lock (one writer across processes), it takes the entries waiting in this
 * process's memory and in the database queue, gives them the next indexes,
 * stores their RFC 6962 hashes (Go tlog's stored-hash layout) and signs a
 * checkpoint for the new size — all written in one transaction. Because every
 * checkpoint is computed from the one append-only hash store, at a size read or
 * confirmed under that lock, the relay can never sign two inconsistent
 * checkpoints. A store may do a run itself (LogStore.sequenceBatch: on an SQLite
 * file, on a worker thread); this class then only signs the checkpoint.
 *
 * Runs every `intervalMs`, off the request path. The default, half a second,
 * keeps the published maximum merge delay (1 s): an entry appended just after a
 * run began waits for the next one, one interval later, and then for that run to
 * commit. A run that leaves a backlog (more than BATCH entries were waiting) is
 * followed by another at once; with nothing waiting in memory, the timer runs at
 * most once a second.
 */

import type {
  LogEntryColumns,
  LogSequencerTx,
  LogStore,
  QueuedLogEntry,
  StoredCheckpoint,
} from "../storage/ports.js";
import { formatCheckpoint } from "./checkpoint.js";
import type { LogAppender } from "./log-appender.js";
import { entriesOf } from "./log-columns.js";
import { appendRecords, leafHash, subtreeIndexes } from "./merkle.js";

/** Most entries sequenced in one transaction (a backlog drains over several runs). */
const BATCH = 5_000;
/** Default interval: within a run of it, the maximum merge delay (1 s) holds with room for the run itself. */
export const SEQUENCER_INTERVAL_MS = 500;
/** With nothing waiting in memory, the timer runs (for entries queued in the database) at most this often. */
const IDLE_INTERVAL_MS = 1_000;

export interface CheckpointSigner {
  /** The log's origin line. */
  readonly origin: string;
  /** Signs a checkpoint body, returning the signed note. */
  sign(body: string): string;
}

export interface SequencerOptions {
  intervalMs?: number;
  now?: () => number;
  onError?: (error: unknown, waiting: number) => void;
}

export class LogSequencer {
  readonly #store: LogStore;
  readonly #appender: LogAppender;
  readonly #signer: CheckpointSigner;
  readonly #now: () => number;
  readonly #onError: (error: unknown, waiting: number) => void;
  readonly #timer: NodeJS.Timeout;
  #running: Promise<number> | null = null;
  #next: Promise<number> | null = null;
  #startedAt = Number.NEGATIVE_INFINITY;

  constructor(
    store: LogStore,
    appender: LogAppender,
    signer: CheckpointSigner,
    options: SequencerOptions = {},
  ) {
    this.#store = store;
    this.#appender = appender;
    this.#signer = signer;
    this.#now = options.now ?? Date.now;
    this.#onError = options.onError ?? (() => {});
    const interval = options.intervalMs ?? SEQUENCER_INTERVAL_MS;
    this.#timer = setInterval(() => {
      // With nothing in memory a run is mostly a write transaction that finds nothing: once a second
      // is enough for entries other processes queue in the database (admin actions from the CLI).
      const idle =
        this.#appender.size === 0 && Date.now() - this.#startedAt < Math.max(interval, IDLE_INTERVAL_MS);
      if (!idle) this.#drain().catch(() => {});
    }, interval);
    this.#timer.unref();
  }

  /** Runs until less than a full batch is left waiting in memory. */
  async #drain(): Promise<void> {
    do await this.run();
    while (this.#appender.size >= BATCH);
  }

  /**
   * A run that integrates everything appended before the call; resolves with the
   * log size after it. Concurrent callers share runs: while one is under way (it
   * may have taken its batch before this call), the caller gets the next one.
   */
  run(): Promise<number> {
    if (this.#running === null) return this.#start();
    this.#next ??= this.#running
      .catch(() => {})
      .then(() => {
        this.#next = null;
        // Another caller may have started one since: it began after this call too.
        return this.#running ?? this.#start();
      });
    return this.#next;
  }

  #start(): Promise<number> {
    this.#startedAt = Date.now();
    const running = this.#runOnce().finally(() => {
      this.#running = null;
    });
    this.#running = running;
    return running;
  }

  async #runOnce(): Promise<number> {
    const batch = this.#appender.take(BATCH);
    const queueLimit = Math.max(0, BATCH - batch.lengths.length);
    try {
      const size =
        this.#store.sequenceBatch !== undefined
          ? await this.#store.sequenceBatch(batch, queueLimit, (size, root) => this.#checkpoint(size, root))
          : await this.#store.sequenceLog((tx) => this.#sequence(tx, batch, queueLimit));
      this.#appender.integrated(batch);
      return size;
    } catch (error) {
      this.#appender.putBack(batch);
      this.#onError(error, this.#appender.size);
      throw error;
    }
  }

  async #sequence(tx: LogSequencerTx, batch: LogEntryColumns, queueLimit: number): Promise<number> {
    const queued = await tx.pending(queueLimit);
    const entries: QueuedLogEntry[] = [...queued, ...entriesOf(batch).map((e) => ({ ...e, id: -1 }))];
    // A checkpoint for every new size; an empty log gets one too, so verifiers always find one.
    if (entries.length === 0 && tx.size > 0) return tx.size;
    // Appending reads only the current tree's complete subtrees: one read per run.
    const peaks = await tx.readHashes(subtreeIndexes(0, tx.size));
    const { hashes, root } = appendRecords(
      tx.size,
      entries.map((e) => leafHash(e.data)),
      peaks,
    );
    if (entries.length > 0) await tx.append(entries, hashes);
    const size = tx.size + entries.length;
    await tx.saveCheckpoint(this.#checkpoint(size, root));
    return size;
  }

  #checkpoint(size: number, root: Buffer): StoredCheckpoint {
    const note = this.#signer.sign(
      formatCheckpoint({ origin: this.#signer.origin, size, root, extensions: [] }),
    );
    return { size, createdAt: this.#now(), note };
  }

  /** Stops the timer and integrates what is still waiting (until a run fails). */
  async close(): Promise<void> {
    clearInterval(this.#timer);
    if (this.#running) await this.#running.catch(() => {});
    while (this.#appender.size > 0) {
      try {
        await this.run();
      } catch {
        break;
      }
    }
  }
}
