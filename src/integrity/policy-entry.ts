/**
 * The routing policy in force, as a log entry (issue 5): which model names go
 * to which deployments, each upstream's host, jurisdiction and prices, and the
 * data-protection settings (guard rules, allowed jurisdictions, capture and
 * retention). Logged at start whenever it differs from the last one logged, so
 * the log holds the policy history and every receipt names the policy it was
 * served under. No credentials: an upstream key appears only as a fingerprint.
 */
import { createHash } from "node:crypto";
import type { ResolvedProvider, TenantConfig } from "../config/types.js";
import type { Route } from "../routing/catalogue.js";
import type { LogStore, SettingsStore } from "../storage/ports.js";

export const POLICY_HEADER = "overt.policy/v1";
const LAST_POLICY = "log.policy";
/** tlog-tiles entry bundles hold entries of at most 65535 bytes. */
const MAX_ENTRY = 65_535;

export interface PolicyInputs {
  routes: readonly Route[];
  providers: readonly ResolvedProvider[];
  tenants: Readonly<Record<string, TenantConfig>>;
  maxScanChars: number;
}

/** Canonical JSON: object keys sorted, so the same policy always has the same bytes. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
  if (typeof value === "object" && value !== null) {
    const record = value as Record<string, unknown>;
    return `{${Object.keys(record)
      .sort()
      .filter((k) => record[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${canonical(record[k])}`)
      .join(",")}}`;
  }
  return JSON.stringify(value);
}

function fingerprint(secret: string): string {
  return `sha256:${createHash("sha256").update(secret).digest("hex").slice(0, 16)}`;
}

export function policyDocument(inputs: PolicyInputs, withPrices = true): Record<string, unknown> {
  const providers: Record<string, unknown> = {};
  for (const p of inputs.providers) {
    const prices = Object.fromEntries(
      [...p.prices].map(([model, price]) => [
        model,
        [price.inputPerMTok, price.cachedInputPerMTok ?? null, price.outputPerMTok],
      ]),
    );
    providers[p.id] = {
      type: p.descriptor.id,
      host: p.baseUrl.host,
      region: p.region,
      jurisdiction: p.jurisdiction,
      wildcard: p.wildcard,
      key: p.apiKey === null ? null : fingerprint(p.apiKey.reveal()),
      currency: p.currency,
      prices: withPrices ? prices : `sha256:${createHash("sha256").update(canonical(prices)).digest("hex")}`,
    };
  }
  const routes = Object.fromEntries(
    inputs.routes.map((r) => [
      r.publicName,
      r.deployments.map((d) => [d.provider.id, d.upstreamModel, d.weight]),
    ]),
  );
  const tenants = Object.fromEntries(
    Object.values(inputs.tenants).map((t) => [
      t.id,
      {
        home: t.homeJurisdiction,
        rules: t.guard.rules.map((r) => [r.data, r.to, r.action]),
        allowedJurisdictions: t.guard.allowedJurisdictions,
        capture: t.capture.enabled ? { retentionDays: t.capture.retentionDays } : false,
      },
    ]),
  );
  return { routes, providers, guard: { maxScanChars: inputs.maxScanChars }, tenants };
}

/** The entry text; price tables are replaced by their digests if the whole would not fit in one entry. */
export function policyEntry(inputs: PolicyInputs): string {
  const full = `${POLICY_HEADER}\n${canonical(policyDocument(inputs))}\n`;
  if (Buffer.byteLength(full) <= MAX_ENTRY) return full;
  return `${POLICY_HEADER}\n${canonical(policyDocument(inputs, false))}\n`;
}

/**
 * Logs the policy if it changed since the last one logged (then waits for the
 * sequencer), and returns the log index of the policy in force.
 */
export async function logPolicy(
  store: LogStore & SettingsStore,
  entry: string,
  sequence: () => Promise<unknown>,
): Promise<number> {
  const digest = createHash("sha256").update(entry).digest("hex");
  const last = await store.getSetting(LAST_POLICY);
  if (last !== undefined) {
    const [index, lastDigest] = last.split(" ");
    if (lastDigest === digest) return Number(index);
  }
  const ref = `policy:${digest}`;
  await store.enqueueLogEntries([
    { kind: "policy", ref, keyId: null, createdAt: Date.now(), data: Buffer.from(entry, "utf8") },
  ]);
  await sequence();
  const logged = await store.findLogEntry(ref);
  if (logged?.index === null || logged === undefined) throw new Error("the policy entry was not sequenced");
  await store.setSetting(LAST_POLICY, `${logged.index} ${digest}`);
  return logged.index;
}
