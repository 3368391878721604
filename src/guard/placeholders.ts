/**
 * Placeholders that replace sensitive values. A redaction is typed and final
 * (`[REDACTED:pii.email]`); a pseudonym is reversible within one request
 * (`<PII_EMAIL_1>`): numbered per class in order of first appearance, so the
 * same value gets the same placeholder throughout a conversation (each turn
 * resends the history in the same order), which keeps upstream prompt caches and
 * signed thinking blocks stable across turns.
 */
import type { DataClass } from "./types.js";

export function redactionOf(kind: DataClass): string {
  return `[REDACTED:${kind}]`;
}

export function pseudonymStem(kind: DataClass): string {
  return kind.replace(".", "_").toUpperCase();
}

/** Hands out pseudonyms for one request and remembers what each stands for. */
export class PseudonymVault {
  /** placeholder → original value */
  readonly values = new Map<string, string>();
  readonly #byValue = new Map<string, string>();
  readonly #counters = new Map<string, number>();
  readonly #taken: (candidate: string) => boolean;

  /** `taken` says whether a candidate already occurs in the request's own text (never reuse it). */
  constructor(taken: (candidate: string) => boolean) {
    this.#taken = taken;
  }

  pseudonym(kind: DataClass, value: string): string {
    const known = this.#byValue.get(`${kind}\u0000${value}`);
    if (known !== undefined) return known;
    const stem = pseudonymStem(kind);
    let n = this.#counters.get(stem) ?? 0;
    let candidate: string;
    do {
      n++;
      candidate = `<${stem}_${n}>`;
    } while (this.#taken(candidate));
    this.#counters.set(stem, n);
    this.#byValue.set(`${kind}\u0000${value}`, candidate);
    this.values.set(candidate, value);
    return candidate;
  }

  get size(): number {
    return this.values.size;
  }
}
