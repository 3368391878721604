/**
 * The cross-border transfer ledger (issue 4): every request attempt sent to an
 * upstream outside the tenant's home jurisdiction is recorded — when, tenant,
 * key, destination provider and jurisdiction, the data classes found and what
 * the guard did with them — never the values. Identifiers (ID numbers, phones,
 * emails, cards, passports) are kept only as keyed fingerprints, so the
 * cross-border report can count distinct individuals (the unit of China's 2024
 * cross-border data rules) without the ledger holding anyone's data.
 */
import { createHmac, hkdfSync } from "node:crypto";
import { BatchWriter, type LedgerOptions } from "../accounting/ledger.js";
import type { TenantConfig } from "../config/types.js";
import type { TransferRecord, TransferStore, TransferSubject } from "../storage/ports.js";
import { isAbroad } from "./policy.js";
import type { GuardedBody } from "./request-guard.js";
import type { DataClass } from "./types.js";

/** Classes that identify a person; `sensitive` per PIPL art. 28 (ID documents, financial accounts). */
const IDENTIFIERS: ReadonlyMap<DataClass, { sensitive: boolean }> = new Map([
  ["pii.cn_resident_id", { sensitive: true }],
  ["pii.passport", { sensitive: true }],
  ["pii.bank_card", { sensitive: true }],
  ["pii.cn_mobile", { sensitive: false }],
  ["pii.phone_intl", { sensitive: false }],
  ["pii.email", { sensitive: false }],
  ["pii.cn_license_plate", { sensitive: false }],
]);

/** The same identifier written differently (`138-0013-8000`, `+86 13800138000`) is one person. */
function normalise(kind: DataClass, value: string): string {
  if (kind === "pii.email") return value.toLowerCase();
  if (kind === "pii.passport") return value.toUpperCase();
  if (kind === "pii.cn_license_plate") return value.replace(/[·• -]/g, "").toUpperCase();
  let digits = value.replace(/[^0-9Xx]/g, "").toUpperCase();
  if (kind === "pii.cn_mobile" && digits.length === 13 && digits.startsWith("86")) digits = digits.slice(2);
  return digits;
}

export class SubjectFingerprints {
  readonly #key: Buffer;

  /** `secret`: the server pepper; a dedicated key is derived from it (HKDF, RFC 5869). */
  constructor(secret: Buffer) {
    this.#key = Buffer.from(hkdfSync("sha256", secret, "overt", "overt transfer subjects v1", 32));
  }

  of(kind: DataClass, value: string): string {
    return createHmac("sha256", this.#key)
      .update(`${kind}\u0000${normalise(kind, value)}`)
      .digest("hex")
      .slice(0, 32);
  }
}

export interface TransferInput {
  requestId: string;
  attempt: number;
  tenant: TenantConfig;
  keyId: string;
  provider: string;
  jurisdiction: string;
  guarded: GuardedBody;
}

export class TransferLedger extends BatchWriter<TransferRecord> {
  readonly #fingerprints: SubjectFingerprints;

  constructor(store: TransferStore, fingerprints: SubjectFingerprints, options: LedgerOptions = {}) {
    super((batch) => store.insertTransfers(batch), options);
    this.#fingerprints = fingerprints;
  }

  /** The record for one attempt, or null when its destination is at home. */
  build(input: TransferInput, now = Date.now()): TransferRecord | null {
    const home = input.tenant.homeJurisdiction;
    if (!isAbroad(input.jurisdiction, home)) return null;
    const actions = new Map(input.guarded.outcomes.map((o) => [o.kind, o.action]));
    const subjects: TransferSubject[] = [];
    for (const [kind, values] of input.guarded.values) {
      const identifier = IDENTIFIERS.get(kind);
      if (identifier === undefined) continue;
      const action = actions.get(kind) ?? "allow";
      const seen = new Set<string>();
      for (const value of values) {
        const fingerprint = this.#fingerprints.of(kind, value);
        if (seen.has(fingerprint)) continue;
        seen.add(fingerprint);
        subjects.push({ kind, fingerprint, sensitive: identifier.sensitive, action });
      }
    }
    return {
      requestId: input.requestId,
      attempt: input.attempt,
      createdAt: now,
      tenantId: input.tenant.id,
      keyId: input.keyId,
      provider: input.provider,
      jurisdiction: input.jurisdiction,
      home,
      classes: input.guarded.outcomes.map((o) => ({ kind: o.kind, action: o.action, occurrences: o.count })),
      subjects,
    };
  }
}
