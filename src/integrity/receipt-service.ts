/**
 * Receipts (issue 5; DESIGN §8): one per response, begun when the request
 * arrives (its id and blind go out in the headers), finished when the last byte
 * has been written, appended to the transparency log. With `signEach` the
 * receipt is also signed at once (an immediate promise, like a CT SCT); the
 * default is to prove it by inclusion under the next signed checkpoint.
 */
import type { LogAppender } from "./log-appender.js";
import { formatReceipt } from "./receipt.js";
import { ReceiptHandle } from "./receipt-handle.js";

export interface ReceiptServiceOptions {
  /** Signs a receipt's note text (returns the signed note); undefined: receipts are not signed one by one. */
  signEach?: (text: string) => string;
  /** Log index of the routing policy in force. */
  policyIndex: () => number;
  now?: () => number;
}

export type ReceiptLookup =
  | {
      /** The receipt exactly as logged (signed note text when receipts are signed). */
      text: string;
      /** Its log index, or null while it waits for the sequencer. */
      index: number | null;
    }
  /** The response is still being written: the receipt exists from its last byte on. */
  | { inFlight: true };

export interface ReceiptReader {
  findLogEntry(
    ref: string,
  ): Promise<{ kind: string; keyId: string | null; data: Buffer; index: number | null } | undefined>;
}

export class ReceiptService {
  readonly #log: LogAppender;
  readonly #options: ReceiptServiceOptions;
  readonly #now: () => number;
  /** Receipts begun and not yet finished, with the key that may read them. */
  readonly #inFlight = new Map<string, string>();

  constructor(log: LogAppender, options: ReceiptServiceOptions) {
    this.#log = log;
    this.#options = options;
    this.#now = options.now ?? Date.now;
  }

  begin(requestBody: Buffer | undefined, keyId: string): ReceiptHandle {
    const handle = new ReceiptHandle(requestBody);
    this.#inFlight.set(handle.id, keyId);
    return handle;
  }

  /** Freezes the receipt and queues it for the log; `keyId` is who may read it back. */
  finish(handle: ReceiptHandle, keyId: string): void {
    this.#inFlight.delete(handle.id);
    const now = this.#now();
    const text = formatReceipt(handle.finish(now, this.#options.policyIndex()));
    const data = this.#options.signEach ? this.#options.signEach(text) : text;
    this.#log.appendText("receipt", handle.id, keyId, now, data);
  }

  /** The receipt for its own key only; another key's receipt is "not found", as if it did not exist. */
  async get(store: ReceiptReader, id: string, keyId: string): Promise<ReceiptLookup | undefined> {
    if (this.#inFlight.get(id) === keyId) return { inFlight: true };
    const pending = this.#log.pending(id);
    if (pending)
      return pending.keyId === keyId ? { text: pending.data.toString("utf8"), index: null } : undefined;
    const entry = await store.findLogEntry(id);
    if (entry?.kind !== "receipt" || entry.keyId !== keyId) return undefined;
    return { text: entry.data.toString("utf8"), index: entry.index };
  }
}
