/**
 * Reading the routing-policy history out of the log (issue 5; `overt log
 * audit`): each `overt.policy/v1` entry (see policy-entry.ts) summarised as its
 * routes, providers and hosts, and what changed since the policy before it.
 * Works on untrusted JSON: anything missing or of the wrong type reads as
 * absent, never as an exception.
 */
import { createHash } from "node:crypto";

export const POLICY_PREFIX = "overt.policy/v1\n";
export const ADMIN_PREFIX = "overt.admin/v1\n";
export const RECEIPT_PREFIX = "overt.receipt/v1\n";

export interface PolicyRecord {
  /** Log index of the entry. */
  readonly index: number;
  /** When the policy says it took effect, if it says so. */
  readonly time: string | null;
  /** SHA-256 of the entry (hex), to recognise a policy seen before. */
  readonly digest: string;
  readonly summary: string;
  readonly changes: readonly string[];
}

type Json = Record<string, unknown>;

function object(value: unknown): Json {
  return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Json) : {};
}

function text(value: unknown): string {
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  if (value === null || value === undefined) return "-";
  return JSON.stringify(value);
}

/** A route's deployments as `provider/model` (with `×weight` when not 1). */
function deployments(value: unknown): string {
  if (!Array.isArray(value)) return text(value);
  return value
    .map((d: unknown) => {
      if (!Array.isArray(d)) return text(d);
      const [provider, model, weight] = d as unknown[];
      return `${text(provider)}/${text(model)}${weight === 1 || weight === undefined ? "" : `×${text(weight)}`}`;
    })
    .join(" + ");
}

function describeProvider(id: string, value: unknown): string {
  const p = object(value);
  return `${id} (${text(p.type)} at ${text(p.host)}, ${text(p.jurisdiction)})`;
}

/** Parses an `overt.policy/v1` entry's JSON; undefined when it is not JSON. */
export function parsePolicyEntry(entry: string): Json | undefined {
  if (!entry.startsWith(POLICY_PREFIX)) return undefined;
  try {
    return object(JSON.parse(entry.slice(POLICY_PREFIX.length)));
  } catch {
    return undefined;
  }
}

export function summarisePolicy(doc: Json): string {
  const routes = object(doc.routes);
  const providers = object(doc.providers);
  const hosts = [...new Set(Object.values(providers).map((p) => text(object(p).host)))].sort();
  const routeText = Object.entries(routes)
    .map(([name, d]) => `${name} → ${deployments(d)}`)
    .join("; ");
  const providerText = Object.entries(providers)
    .map(([id, p]) => describeProvider(id, p))
    .join("; ");
  const tenants = Object.keys(object(doc.tenants)).length;
  return [
    `${count(Object.keys(routes).length, "route")}${routeText ? ` (${routeText})` : ""}`,
    `${count(Object.keys(providers).length, "provider")}${providerText ? ` (${providerText})` : ""}`,
    `hosts ${hosts.join(", ") || "-"}`,
    count(tenants, "tenant"),
  ].join("; ");
}

function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? "" : "s"}`;
}

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** What changed from one section of the policy (a map of named items) to the next. */
function diffMap(
  noun: string,
  before: Json,
  after: Json,
  describe: (name: string, old: unknown, now: unknown) => string[],
): string[] {
  const changes: string[] = [];
  for (const name of Object.keys(after).sort()) {
    if (!(name in before)) changes.push(`${noun} ${name} added`);
    else if (!same(before[name], after[name])) changes.push(...describe(name, before[name], after[name]));
  }
  for (const name of Object.keys(before).sort()) {
    if (!(name in after)) changes.push(`${noun} ${name} removed`);
  }
  return changes;
}

const PROVIDER_FIELDS: readonly [string, string][] = [
  ["type", "type"],
  ["host", "host"],
  ["region", "region"],
  ["jurisdiction", "jurisdiction"],
  ["wildcard", "wildcard"],
  ["currency", "currency"],
];

/** The changes from `before` to `after`, one line each. */
export function diffPolicies(before: Json, after: Json): string[] {
  const changes = diffMap("route", object(before.routes), object(after.routes), (name, old, now) => [
    `route ${name}: ${deployments(old)} → ${deployments(now)}`,
  ]);
  changes.push(
    ...diffMap("provider", object(before.providers), object(after.providers), (id, oldValue, nowValue) => {
      const old = object(oldValue);
      const now = object(nowValue);
      const lines = PROVIDER_FIELDS.filter(([field]) => !same(old[field], now[field])).map(
        ([field, label]) => `provider ${id}: ${label} ${text(old[field])} → ${text(now[field])}`,
      );
      if (!same(old.key, now.key)) lines.push(`provider ${id}: upstream key changed (fingerprint)`);
      if (!same(old.prices, now.prices)) lines.push(`provider ${id}: prices changed`);
      return lines.length > 0 ? lines : [`provider ${id} changed`];
    }),
  );
  changes.push(
    ...diffMap("tenant", object(before.tenants), object(after.tenants), (id, oldValue, nowValue) => {
      const old = object(oldValue);
      const now = object(nowValue);
      const fields = ["home", "rules", "allowedJurisdictions", "capture"].filter(
        (f) => !same(old[f], now[f]),
      );
      return [`tenant ${id}: ${fields.join(", ") || "settings"} changed`];
    }),
  );
  if (!same(before.guard, after.guard))
    changes.push(`guard settings: ${text(before.guard)} → ${text(after.guard)}`);
  return changes;
}

/**
 * One policy entry as a history record; `previous` is the document of the
 * policy before it (undefined for the first one the auditor has seen).
 */
export function policyRecord(
  index: number,
  entry: Buffer,
  previous: Json | undefined,
): { record: PolicyRecord; document: Json | undefined } {
  const digest = createHash("sha256").update(entry).digest("hex");
  const doc = parsePolicyEntry(entry.toString("utf8"));
  if (doc === undefined) {
    return {
      record: { index, time: null, digest, summary: "not valid policy JSON", changes: [] },
      document: undefined,
    };
  }
  const time = typeof doc.at === "string" ? doc.at : typeof doc.time === "string" ? doc.time : null;
  const changes = previous === undefined ? ["first policy seen"] : diffPolicies(previous, doc);
  return {
    record: {
      index,
      time,
      digest,
      summary: summarisePolicy(doc),
      changes: changes.length > 0 ? changes : ["no change (logged again)"],
    },
    document: doc,
  };
}

/** The admin action named by an `overt.admin/v1` entry, or "unreadable". */
export function adminAction(entry: Buffer): string {
  try {
    const action = object(JSON.parse(entry.subarray(ADMIN_PREFIX.length).toString("utf8"))).action;
    return typeof action === "string" && action !== "" ? action : "unreadable";
  } catch {
    return "unreadable";
  }
}
