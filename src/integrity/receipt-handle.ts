/**
 * One request's receipt while the response is being written (issue 5): its id
 * and blind go out in the response headers, every response byte goes through
 * the HMAC, and the pipeline adds what it did; `finish` freezes it.
 *
 * Blinding: both hashes are HMAC-SHA-256 keyed by a random per-request secret
 * that only the client receives (`overt-receipt-blind`), so a public receipt
 * reveals nothing about the content, yet the client can prove which bytes it sent
 * and got.
 */
import { createHmac, type Hmac, randomBytes } from "node:crypto";
import type { Receipt, ReceiptUsage } from "./receipt.js";

export const RECEIPT_ID_HEADER = "overt-receipt-id";
export const RECEIPT_BLIND_HEADER = "overt-receipt-blind";

/** What the pipeline knows about the request once it is settled. */
export interface ReceiptFacts {
  model: string;
  provider: string;
  endpoint: string;
  upstreamModel: string;
  upstreamResponseId: string;
  upstreamRequestId: string;
  upstreamUsage: ReceiptUsage | null;
  billed: Receipt["billed"];
  transformations: string[];
  status: string;
  httpStatus: number;
}

export class ReceiptHandle {
  readonly id: string;
  readonly blind: Buffer;
  readonly headers: Readonly<Record<string, string>>;
  readonly #requestMac: string;
  readonly #response: Hmac;
  #facts: Partial<ReceiptFacts> = {};

  constructor(requestBody: Buffer | undefined) {
    const random = randomBytes(48);
    this.id = `rcpt_${random.subarray(0, 16).toString("base64url")}`;
    this.blind = random.subarray(16);
    this.headers = Object.freeze({
      [RECEIPT_ID_HEADER]: this.id,
      [RECEIPT_BLIND_HEADER]: this.blind.toString("hex"),
    });
    this.#requestMac = createHmac("sha256", this.blind)
      .update(requestBody ?? Buffer.alloc(0))
      .digest("hex");
    this.#response = createHmac("sha256", this.blind);
  }

  /** Every byte of the response body, in order. */
  write(chunk: string | Uint8Array): void {
    this.#response.update(chunk);
  }

  settle(facts: Partial<ReceiptFacts>): void {
    this.#facts = { ...this.#facts, ...facts };
  }

  /** The receipt; call once, after the last byte was written. */
  finish(time: number, policy: number): Receipt {
    const f = this.#facts;
    return {
      id: this.id,
      time: new Date(time).toISOString(),
      request: this.#requestMac,
      response: this.#response.digest("hex"),
      model: f.model ?? "",
      provider: f.provider ?? "",
      endpoint: f.endpoint ?? "",
      upstreamModel: f.upstreamModel ?? "",
      upstreamResponseId: f.upstreamResponseId ?? "",
      upstreamRequestId: f.upstreamRequestId ?? "",
      upstreamUsage: f.upstreamUsage ?? null,
      billed: f.billed ?? null,
      transformations: f.transformations ?? [],
      policy,
      status: f.status ?? "error",
      httpStatus: f.httpStatus ?? 0,
    };
  }
}

/** HMAC-SHA-256 of `bytes` under `blind`, as a verifier recomputes it. */
export function blindedHash(blind: Uint8Array, bytes: Uint8Array): string {
  return createHmac("sha256", blind).update(bytes).digest("hex");
}
