/**
 * A small in-memory prompt cache. Every block carrying `cache_control` is a
 * breakpoint; its key is a hash of the model and every prompt unit up to and
 * including it (tools → system → messages, the documented prefix order). The
 * longest breakpoint prefix seen before is read from cache; the units between
 * it and the last breakpoint are written (cache_creation_input_tokens, split
 * by the breakpoint's ttl); the rest is plain input. No minimum cacheable
 * length is enforced, unlike the real API.
 */
import { createHash } from "node:crypto";
import type { PromptSegment } from "./request.js";

export interface CacheUsage {
  /** Tokens neither read from nor written to the cache. */
  input: number;
  read: number;
  creation: number;
  creation5m: number;
  creation1h: number;
}

const DEFAULT_LIMIT = 512;

export class PromptCache {
  readonly #entries = new Map<string, number>();
  readonly #limit: number;

  constructor(limit = DEFAULT_LIMIT) {
    this.#limit = limit;
  }

  /** Accounts a prompt and records its breakpoints (call once per answered request). */
  account(segments: readonly PromptSegment[]): CacheUsage {
    const total = segments.reduce((sum, s) => sum + s.tokens, 0);
    const breakpoints: { key: string; prefixTokens: number; ttl: "5m" | "1h" }[] = [];
    const hash = createHash("sha256");
    let prefixTokens = 0;
    for (const segment of segments) {
      hash.update(segment.canonical).update("\u0000");
      prefixTokens += segment.tokens;
      if (segment.cache !== null) {
        breakpoints.push({ key: hash.copy().digest("hex"), prefixTokens, ttl: segment.cache });
      }
    }
    const usage: CacheUsage = { input: total, read: 0, creation: 0, creation5m: 0, creation1h: 0 };
    if (breakpoints.length === 0) return usage;

    let hitAt = -1;
    for (let i = breakpoints.length - 1; i >= 0; i--) {
      if (this.#entries.has(breakpoints[i]?.key ?? "")) {
        hitAt = i;
        break;
      }
    }
    usage.read = hitAt >= 0 ? (breakpoints[hitAt]?.prefixTokens ?? 0) : 0;
    let covered = usage.read;
    for (const bp of breakpoints.slice(hitAt + 1)) {
      const written = bp.prefixTokens - covered;
      covered = bp.prefixTokens;
      if (bp.ttl === "1h") usage.creation1h += written;
      else usage.creation5m += written;
    }
    usage.creation = usage.creation5m + usage.creation1h;
    usage.input = total - usage.read - usage.creation;
    for (const bp of breakpoints) this.#remember(bp.key);
    return usage;
  }

  #remember(key: string): void {
    this.#entries.delete(key);
    this.#entries.set(key, Date.now());
    while (this.#entries.size > this.#limit) {
      const oldest = this.#entries.keys().next().value;
      if (oldest === undefined) break;
      this.#entries.delete(oldest);
    }
  }
}
