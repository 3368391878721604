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
import { createHmac, type Hmac, hash, randomBytes } from "node:crypto";
import type { Receipt, ReceiptUsage } from "./receipt.js";
import { RECEIPT_ID_RANDOM_BYTES, receiptId } from "./receipt-id.js";

export const RECEIPT_ID_HEADER = "overt-receipt-id";
export const RECEIPT_BLIND_HEADER = "overt-receipt-blind";

const BLIND_BYTES = 32;
/** The receipt id's random part, then the blind. */
const RANDOM_BYTES = RECEIPT_ID_RANDOM_BYTES + BLIND_BYTES;
/** Receipts per call to the CSPRNG: one call per request costs ~1.5 µs, most of it fixed. */
const POOLED = 128;
let pool = Buffer.alloc(0);
let poolOffset = 0;

/**
 * Where the next RANDOM_BYTES unused bytes from the CSPRNG are (in `pool`). A spent pool is replaced,
 * never refilled, so bytes handed out earlier (a blind still in use) are never
 * overwritten or reused.
 */
function freshRandom(): number {
  if (poolOffset + RANDOM_BYTES > pool.length) {
    pool = randomBytes(RANDOM_BYTES * POOLED);
    poolOffset = 0;
  }
  poolOffset += RANDOM_BYTES;
  return poolOffset - RANDOM_BYTES;
}

/**
 * Up to this size, a request body is MACed, and response text is kept and MACed,
 * in one call; beyond it (or for binary response chunks) an Hmac streams. Under
 * load, native objects per request (an Hmac, a Hash, a Buffer a digest returns)
 * cost several times the hashing itself, most of it in garbage collection.
 */
const ONE_SHOT_BYTES = 65_536;
/** At most 3 UTF-8 bytes per UTF-16 unit, so this much text fits in ONE_SHOT_BYTES. */
const ONE_SHOT_CHARS = 16_384;
const SHA256_BLOCK = 64;
const SHA256_BYTES = 32;
/** The inner and outer inputs are assembled here (single-threaded, synchronous: reusable). */
const INNER = Buffer.alloc(SHA256_BLOCK + ONE_SHOT_BYTES);
const OUTER = Buffer.alloc(SHA256_BLOCK + SHA256_BYTES);
const EMPTY = Buffer.alloc(0);

/**
 * HMAC-SHA-256 (RFC 2104) under the 32-byte blind at key[keyAt…]:
 * SHA-256((K ^ opad) || SHA-256((K ^ ipad) || m)), as two one-shot digests, where
 * `fill` writes m after the first block of INNER and returns its length (at most
 * ONE_SHOT_BYTES). `blindedHash` below, the verifier's, uses createHmac.
 */
function hmacOneShot(
  key: Uint8Array,
  keyAt: number,
  fill: (input: Buffer, offset: number) => number,
): string {
  for (let i = 0; i < SHA256_BLOCK; i++) {
    const k = i < BLIND_BYTES ? (key[keyAt + i] as number) : 0;
    INNER[i] = k ^ 0x36;
    OUTER[i] = k ^ 0x5c;
  }
  const length = fill(INNER, SHA256_BLOCK);
  // "binary" (latin1): the inner digest as a 32-character string, a byte per character (no Buffer).
  OUTER.write(hash("sha256", INNER.subarray(0, SHA256_BLOCK + length), "binary"), SHA256_BLOCK, "binary");
  return hash("sha256", OUTER, "hex");
}

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

const NO_FACTS: Partial<ReceiptFacts> = Object.freeze({});

/** The last time formatted: under load several receipts finish within one millisecond. */
let formattedAt = Number.NaN;
let formatted = "";

/** ISO 8601 UTC with milliseconds. */
function isoTime(time: number): string {
  if (time !== formattedAt) {
    formatted = new Date(time).toISOString();
    formattedAt = time;
  }
  return formatted;
}

export class ReceiptHandle {
  readonly id: string;
  readonly headers: Readonly<Record<string, string>>;
  /** The blind is BLIND_BYTES of this pool from #blindAt (never overwritten: see freshRandom). */
  readonly #pool: Buffer;
  readonly #blindAt: number;
  readonly #requestMac: string;
  /**
   * Response text not yet MACed, as runs of writes joined (one UTF-8 encoding per run,
   * not per event). The socket encodes each write on its own, so a surrogate pair split
   * across two writes would encode differently joined: after a write that ends in a high
   * surrogate, the next one starts a new run.
   */
  #runs: string[] = [];
  #endsHigh = false;
  #chars = 0;
  /** The streaming MAC, once the response outgrew ONE_SHOT_CHARS or had a binary chunk. */
  #response: Hmac | null = null;
  #facts: Partial<ReceiptFacts> = NO_FACTS;

  constructor(requestBody: Buffer | undefined) {
    const at = freshRandom();
    this.#pool = pool;
    this.#blindAt = at + RECEIPT_ID_RANDOM_BYTES;
    this.id = receiptId(Date.now(), pool, at);
    this.headers = {
      [RECEIPT_ID_HEADER]: this.id,
      [RECEIPT_BLIND_HEADER]: pool.toString("hex", this.#blindAt, this.#blindAt + BLIND_BYTES),
    };
    const body = requestBody ?? EMPTY;
    this.#requestMac =
      body.length <= ONE_SHOT_BYTES
        ? hmacOneShot(pool, this.#blindAt, (input, offset) => body.copy(input, offset))
        : createHmac("sha256", this.blind).update(body).digest("hex");
  }

  /** The per-request secret the hashes are keyed with (the client gets it in RECEIPT_BLIND_HEADER). */
  get blind(): Buffer {
    return this.#pool.subarray(this.#blindAt, this.#blindAt + BLIND_BYTES);
  }

  /** Every byte of the response body, in order. */
  write(chunk: string | Uint8Array): void {
    if (
      this.#response === null &&
      typeof chunk === "string" &&
      this.#chars + chunk.length <= ONE_SHOT_CHARS
    ) {
      const runs = this.#runs;
      if (this.#endsHigh || runs.length === 0) runs.push(chunk);
      else runs[runs.length - 1] += chunk;
      const last = chunk.charCodeAt(chunk.length - 1);
      this.#endsHigh = last >= 0xd800 && last <= 0xdbff;
      this.#chars += chunk.length;
      return;
    }
    if (this.#response === null) {
      this.#response = createHmac("sha256", this.blind);
      for (const run of this.#runs) this.#response.update(run);
      this.#runs = [];
    }
    this.#response.update(chunk);
  }

  #responseMac(): string {
    if (this.#response !== null) return this.#response.digest("hex");
    return hmacOneShot(this.#pool, this.#blindAt, (input, offset) => {
      let at = offset;
      for (const run of this.#runs) at += input.write(run, at, "utf8");
      return at - offset;
    });
  }

  settle(facts: Partial<ReceiptFacts>): void {
    this.#facts = this.#facts === NO_FACTS ? facts : { ...this.#facts, ...facts };
  }

  /** The receipt; call once, after the last byte was written. */
  finish(time: number, policy: number): Receipt {
    const f = this.#facts;
    return {
      id: this.id,
      time: isoTime(time),
      request: this.#requestMac,
      response: this.#responseMac(),
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
