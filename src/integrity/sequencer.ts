/**
 * The log's one sequencer (issue 5; DESIGN §8). Each run, holding the storage
 * lock (one writer across processes), it takes the entries waiting in this
 * process's memory and in the database queue, gives them the next indexes,
 * stores their RFC 6962 hashes (Go tlog's stored-hash layout) and signs a
 * checkpoint for the new size — all in one transaction. Because every
 * checkpoint is computed from the one append-only hash store under that lock,
 * the relay can never sign two inconsistent checkpoints.
 *
 * Runs every `intervalMs` (default 1 s: the published maximum merge delay, and
 * checkpoints at most a second apart), off the request path.
 */
import type { LogSequencerTx, LogStore, NewLogEntry, QueuedLogEntry } from "../storage/ports.js";
import type { LogAppender } from "./log-appender.js";
import { type HashReader, leafHash, storedHashesForRecord, storedHashIndex, treeHash } from "./merkle.js";

/** Most entries sequenced in one transaction (a backlog drains over several runs). */
const BATCH = 5_000;

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

/** Reads stored hashes from this run's new hashes first, then from the store (memoised). */
function runReader(tx: LogSequencerTx, fresh: Map<number, Buffer>): HashReader {
  return async (indexes) => {
    const missing = indexes.filter((i) => !fresh.has(i));
    if (missing.length > 0) {
      const found = await tx.readHashes(missing);
      for (const [i, index] of missing.entries()) fresh.set(index, found[i] as Buffer);
    }
    return indexes.map((i) => fresh.get(i) as Buffer);
  };
}

export function checkpointBody(origin: string, size: number, root: Buffer): string {
  return `${origin}\n${size}\n${root.toString("base64")}\n`;
}

export class LogSequencer {
  readonly #store: LogStore;
  readonly #appender: LogAppender;
  readonly #signer: CheckpointSigner;
  readonly #now: () => number;
  readonly #onError: (error: unknown, waiting: number) => void;
  readonly #timer: NodeJS.Timeout;
  #running: Promise<number> | null = null;

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
    this.#timer = setInterval(() => {
      this.run().catch(() => {});
    }, options.intervalMs ?? 1_000);
    this.#timer.unref();
  }

  /** One run (concurrent callers share it); resolves with the log size after it. */
  run(): Promise<number> {
    this.#running ??= this.#runOnce().finally(() => {
      this.#running = null;
    });
    return this.#running;
  }

  async #runOnce(): Promise<number> {
    const batch = this.#appender.take(BATCH);
    try {
      const size = await this.#store.sequenceLog((tx) => this.#sequence(tx, batch));
      this.#appender.integrated(batch);
      return size;
    } catch (error) {
      this.#appender.putBack(batch);
      this.#onError(error, this.#appender.size);
      throw error;
    }
  }

  async #sequence(tx: LogSequencerTx, batch: readonly NewLogEntry[]): Promise<number> {
    const queued = await tx.pending(Math.max(0, BATCH - batch.length));
    const entries: QueuedLogEntry[] = [...queued, ...batch.map((e) => ({ ...e, id: -1 }))];
    const fresh = new Map<number, Buffer>();
    const read = runReader(tx, fresh);
    const written = new Map<number, Buffer>();
    for (let i = 0; i < entries.length; i++) {
      const n = tx.size + i;
      const hashes = await storedHashesForRecord(n, leafHash((entries[i] as QueuedLogEntry).data), read);
      const first = storedHashIndex(0, n);
      for (const [j, hash] of hashes.entries()) {
        fresh.set(first + j, hash);
        written.set(first + j, hash);
      }
    }
    const size = tx.size + entries.length;
    if (entries.length > 0) await tx.append(entries, written);
    // A checkpoint for every new size; an empty log gets one too, so verifiers always find one.
    if (entries.length > 0 || size === 0) {
      const root = await treeHash(size, read);
      const note = this.#signer.sign(checkpointBody(this.#signer.origin, size, root));
      await tx.saveCheckpoint({ size, createdAt: this.#now(), note });
    }
    return size;
  }

  /** Stops the timer and integrates what is still waiting. */
  async close(): Promise<void> {
    clearInterval(this.#timer);
    if (this.#running) await this.#running.catch(() => {});
    if (this.#appender.size > 0) await this.run().catch(() => {});
  }
}
