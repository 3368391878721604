/**
 * Entries on their way into the log (issue 5). The request path only appends to
 * memory; this process's sequencer takes them on its next run (at most a second
 * later) and writes them with their Merkle hashes in one transaction, so the hot
 * path does no database write for its receipt. Entries from processes without a
 * sequencer (the CLI) go through the database queue instead (LogStore).
 */
import type { NewLogEntry } from "../storage/ports.js";

export class LogAppender {
  #queue: NewLogEntry[] = [];
  /** Receipts not yet in the log, by id, so they can be read back at once. */
  readonly #byRef = new Map<string, NewLogEntry>();

  /** Never drops an entry; a stalled database shows as a growing `size` in the sequencer's error log. */
  append(entry: NewLogEntry): void {
    this.#queue.push(entry);
    if (entry.ref !== null) this.#byRef.set(entry.ref, entry);
  }

  /** Takes up to `limit` entries for a sequencer run. */
  take(limit: number): NewLogEntry[] {
    const batch = this.#queue.slice(0, limit);
    this.#queue = this.#queue.slice(batch.length);
    return batch;
  }

  /** A run failed: the entries go back to the front, in order. */
  putBack(batch: readonly NewLogEntry[]): void {
    this.#queue = [...batch, ...this.#queue];
  }

  /** A run committed: the entries are readable from the log now. */
  integrated(batch: readonly NewLogEntry[]): void {
    for (const entry of batch) if (entry.ref !== null) this.#byRef.delete(entry.ref);
  }

  pending(ref: string): NewLogEntry | undefined {
    return this.#byRef.get(ref);
  }

  get size(): number {
    return this.#queue.length;
  }
}
