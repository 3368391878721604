/**
 * The usage ledger writer: records are queued and written in batches off the hot
 * path (DESIGN §6), flushed every `intervalMs`, when `batchSize` records wait, and
 * on shutdown. The queue is bounded; when storage stalls past the bound, callers
 * wait (back-pressure) instead of records being dropped.
 */
import type { UsageRecord, UsageStore } from "../storage/ports.js";

export interface LedgerOptions {
  batchSize?: number;
  intervalMs?: number;
  maxQueued?: number;
  onError?: (error: unknown, lost: number) => void;
}

export class UsageLedger {
  readonly #store: UsageStore;
  readonly #batchSize: number;
  readonly #maxQueued: number;
  readonly #onError: (error: unknown, lost: number) => void;
  #queue: UsageRecord[] = [];
  #flushing: Promise<void> | null = null;
  readonly #timer: NodeJS.Timeout;
  #closed = false;

  constructor(store: UsageStore, options: LedgerOptions = {}) {
    this.#store = store;
    this.#batchSize = options.batchSize ?? 200;
    this.#maxQueued = options.maxQueued ?? 50_000;
    this.#onError = options.onError ?? (() => {});
    this.#timer = setInterval(() => void this.flush(), options.intervalMs ?? 250);
    this.#timer.unref();
  }

  async record(record: UsageRecord): Promise<void> {
    if (this.#closed) {
      await this.#store.insertUsage([record]);
      return;
    }
    this.#queue.push(record);
    if (this.#queue.length >= this.#maxQueued) await this.flush();
    else if (this.#queue.length >= this.#batchSize) void this.flush();
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

  async #write(batch: UsageRecord[]): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        await this.#store.insertUsage(batch);
        return;
      } catch (error) {
        if (attempt >= 5) {
          this.#onError(error, batch.length);
          return;
        }
        await new Promise((resolve) => setTimeout(resolve, 50 * 2 ** attempt));
      }
    }
  }

  async close(): Promise<void> {
    this.#closed = true;
    clearInterval(this.#timer);
    await this.flush();
  }
}
