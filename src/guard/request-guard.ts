/**
 * One request's guard (DESIGN §2: scan → allow | redact | pseudonymize | block,
 * per data class × destination jurisdiction). The body is scanned once; each
 * destination the routing loop tries gets its own decisions, applied to a copy
 * of the body, so a failover to an upstream elsewhere is guarded for where it is.
 */
import type { GuardAction, TenantConfig } from "../config/types.js";
import { PseudonymVault, redactionOf } from "./placeholders.js";
import { decide, jurisdictionRefusal } from "./policy.js";
import { collectRuns, type Run, type ScanResult } from "./scan.js";
import type { DataClass, Finding } from "./types.js";

/** What the guard did with one data class for one destination. */
export interface ClassOutcome {
  kind: DataClass;
  action: GuardAction;
  /** Occurrences found. */
  count: number;
}

export interface GuardedBody {
  /** The body to send: the original object when nothing had to change. */
  body: Record<string, unknown>;
  changed: boolean;
  /** Pseudonyms to restore in the response (empty when none were used). */
  vault: PseudonymVault;
  /** Classes found, with the action taken (allowed ones included). */
  outcomes: ClassOutcome[];
  /** Distinct values found, by class (for counting individuals; never stored as such). */
  values: Map<DataClass, Set<string>>;
}

export type Refusal =
  | { reason: "blocked"; kind: DataClass; path: string; policy: string }
  | { reason: "jurisdiction"; policy: string; allowed: readonly string[] };

export class RequestGuard {
  readonly #body: Record<string, unknown>;
  readonly #scan: ScanResult;
  readonly #tenant: TenantConfig;
  readonly #applied = new Map<string, GuardedBody>();

  constructor(body: Record<string, unknown>, scan: ScanResult, tenant: TenantConfig) {
    this.#body = body;
    this.#scan = scan;
    this.#tenant = tenant;
  }

  get tenant(): TenantConfig {
    return this.#tenant;
  }

  /** Why `destination` may not receive this request, or null when it may. */
  refusal(destination: string): Refusal | null {
    const policy = jurisdictionRefusal(this.#tenant, destination);
    if (policy !== null)
      return { reason: "jurisdiction", policy, allowed: this.#tenant.guard.allowedJurisdictions ?? [] };
    for (const run of this.#scan.hits) {
      for (const finding of run.findings) {
        const decision = decide(this.#tenant, finding.kind, destination);
        if (decision.action === "block") {
          return {
            reason: "blocked",
            kind: finding.kind,
            path: pathAt(run, finding),
            policy: decision.rule.source,
          };
        }
      }
    }
    return null;
  }

  /** The body as `destination` may receive it (call refusal() first). */
  apply(destination: string): GuardedBody {
    let done = this.#applied.get(destination);
    if (done === undefined) {
      done = this.#rewrite(destination);
      this.#applied.set(destination, done);
    }
    return done;
  }

  #rewrite(destination: string): GuardedBody {
    const hits = this.#scan.hits;
    const outcomes = new Map<DataClass, ClassOutcome>();
    const values = new Map<DataClass, Set<string>>();
    const vault = new PseudonymVault((candidate) => this.#scan.runs.some((r) => r.text.includes(candidate)));
    if (hits.length === 0) return { body: this.#body, changed: false, vault, outcomes: [], values };

    const edits = new Map<number, { finding: Finding; replacement: string }[]>();
    for (const run of hits) {
      for (const finding of run.findings) {
        const { action } = decide(this.#tenant, finding.kind, destination);
        const value = run.text.slice(finding.start, finding.end);
        const outcome = outcomes.get(finding.kind) ?? { kind: finding.kind, action, count: 0 };
        outcome.count++;
        outcomes.set(finding.kind, outcome);
        const seen = values.get(finding.kind) ?? new Set<string>();
        values.set(finding.kind, seen);
        seen.add(value);
        if (action !== "redact" && action !== "pseudonymize") continue;
        const replacement =
          action === "redact" ? redactionOf(finding.kind) : vault.pseudonym(finding.kind, value);
        const list = edits.get(run.index) ?? [];
        edits.set(run.index, list);
        list.push({ finding, replacement });
      }
    }
    const result = { changed: edits.size > 0, vault, outcomes: [...outcomes.values()], values };
    if (edits.size === 0) return { body: this.#body, ...result };

    // Edit a copy walked the same way, so run indexes line up with the scan's.
    const copy = structuredClone(this.#body);
    const { runs, commit } = collectRuns(copy, Number.POSITIVE_INFINITY);
    for (const [index, list] of edits) {
      const run = runs[index];
      if (run !== undefined) rewriteRun(run, list);
    }
    commit();
    return { body: copy, ...result };
  }
}

function pathAt(run: Run, finding: Finding): string {
  let offset = 0;
  for (const slot of run.slots) {
    if (finding.start < offset + slot.text.length) return slot.path;
    offset += slot.text.length;
  }
  return run.slots[run.slots.length - 1]?.path ?? "";
}

/**
 * Replaces each finding's span across the run's slots: the placeholder goes
 * where the value starts; the rest of a value split across parts is removed
 * from the parts it continues into.
 */
function rewriteRun(run: Run, edits: readonly { finding: Finding; replacement: string }[]): void {
  let offset = 0;
  for (const slot of run.slots) {
    const start = offset;
    const end = offset + slot.text.length;
    offset = end;
    let out = "";
    let cursor = start;
    for (const { finding, replacement } of edits) {
      if (finding.end <= start || finding.start >= end) continue;
      const from = Math.max(finding.start, start);
      out += run.text.slice(cursor, from);
      if (finding.start >= start) out += replacement;
      cursor = Math.min(finding.end, end);
    }
    if (cursor === start) continue;
    out += run.text.slice(cursor, end);
    slot.set(out);
  }
}
