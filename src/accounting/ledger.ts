/**
 * A batch writer, and the usage ledger built on it: records are queued and written in batches off the hot
 * path (DESIGN §6), flushed every `intervalMs`, when `batchSize` records wait, and
 * on shutdown. A batch that cannot be written goes back to the head of the queue
 * and is retried on the next flush: records are never dropped while the process
 * lives. `onError` reports every failed write with the number of records waiting,
 * so an operator sees a stalled database long before memory matters.
 */
import type { UsageRecord, UsageStore } from "../storage/ports.js";

export type BatchSink<T> = (batch: T[]) => Promise<void>;

export interface LedgerOptions {
  batchSize?: number;
  intervalMs?: number;
  maxQueued?: number;
  /** Called when a write fails; `waiting` is the number of records queued for the next try. */
  onError?: (error: unknown, waiting: number) => void;
}

export class BatchWriter<T> {
  readonly #sink: BatchSink<T>;
  readonly #batchSize: number;
  readonly #maxQueued: number;
  readonly #onError: (error: unknown, waiting: number) => void;
  #queue: T[] = [];
  #flushing: Promise<void> | null = null;
  readonly #timer: NodeJS.Timeout;
  #closed = false;

  constructor(sink: BatchSink<T>, options: LedgerOptions = {}) {
    this.#sink = sink;
    this.#batchSize = options.batchSize ?? 200;
    this.#maxQueued = options.maxQueued ?? 50_000;
    this.#onError = options.onError ?? (() => {});
    this.#timer = setInterval(() => void this.flush(), options.intervalMs ?? 250);
    this.#timer.unref();
  }

  async record(record: T): Promise<void> {
    if (this.#closed) {
      await this.#sink([record]);
      return;
    }
    this.#queue.push(record);
    if (this.#queue.length >= this.#maxQueued) await this.flush();
    else if (this.#queue.length >= this.#batchSize && this.#flushing === null) void this.flush();
  }

  /** Writes everything queued so far; concurrent callers share one write. */
  async flush(): Promise<void> {
    while (this.#flushing) await this.#flushing;
    if (this.#queue.length === 0) return;
    const batch = this.#queue;
    this.#queue = [];
    this.#flushing = this.#write(batch);
    try {
      await this.#flushing;
    } finally {
      this.#flushing = null;
    }
  }

  async #write(batch: T[]): Promise<void> {
    try {
      await this.#sink(batch);
    } catch (error) {
      this.#queue = batch.concat(this.#queue);
      this.#onError(error, this.#queue.length);
    }
  }

  /** Flushes what is queued, retrying a failing store a few times before giving up on shutdown. */
  async close(): Promise<void> {
    this.#closed = true;
    clearInterval(this.#timer);
    for (let attempt = 0; attempt < 5; attempt++) {
      await this.flush();
      if (this.#queue.length === 0) return;
      await new Promise((resolve) => setTimeout(resolve, 100 * 2 ** attempt));
    }
  }

  /** Records waiting to be written. */
  get pending(): number {
    return this.#queue.length;
  }
}

/** The usage ledger: usage records written in batches off the hot path. */
export class UsageLedger extends BatchWriter<UsageRecord> {
  constructor(store: UsageStore, options: LedgerOptions = {}) {
    super((batch) => store.insertUsage(batch), options);
  }
}
