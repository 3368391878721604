import type { FileConfig } from "../src/config/schema.js";
import { DEFAULT_MAX_SCAN_CHARS, resolveTenants } from "../src/config/tenants.js";
import type { TenantConfig } from "../src/config/types.js";
import { detect } from "../src/guard/detectors.js";
import { knownSecretsDetector } from "../src/guard/known-secrets.js";
import { scanBody } from "../src/guard/scan.js";
import type { Finding } from "../src/guard/types.js";
import { type GuardSettings, guardRequest, redactionsHeader } from "../src/pipeline/guard-stage.js";
import type { RequestBody } from "./corpus-requests.js";
import type { Corpus } from "./corpus-sets.js";
import { BUDGET_MS_PER_MB, cpuTime, DESTINATION, MB, UPSTREAM_KEY } from "./guard-options.js";

// ---- 1. detectors ----

export interface CorpusResult {
  name: string;
  mb: number;
  texts: number;
  mbPerS: number;
  findingsPerMb: number;
  plantedPerMb: number;
  byClass: Record<string, number>;
}

export function detectorRun(c: Corpus, seconds: number): CorpusResult {
  const byClass: Record<string, number> = {};
  let found = 0;
  for (const text of c.docs) {
    for (const f of detect(text)) {
      found++;
      byClass[f.kind] = (byClass[f.kind] ?? 0) + 1;
    }
  }
  const { calls, cpuUs } = cpuTime(() => {
    for (const text of c.docs) detect(text);
  }, seconds);
  const mb = c.bytes / MB;
  return {
    name: c.name,
    mb,
    texts: c.docs.length,
    mbPerS: (mb * calls) / (cpuUs / 1e6),
    findingsPerMb: found / mb,
    plantedPerMb: c.planted / mb,
    byClass,
  };
}

export interface AdversarialResult {
  name: string;
  mb: number;
  msPerMb: number;
  withinBudget: boolean;
}

export function adversarialRun(name: string, text: string, seconds: number): AdversarialResult {
  const { calls, cpuUs } = cpuTime(() => void detect(text), seconds / 2);
  const mb = text.length / MB;
  const msPerMb = cpuUs / 1000 / calls / mb;
  return { name, mb, msPerMb, withinBudget: msPerMb <= BUDGET_MS_PER_MB };
}

// ---- 2. request bodies ----

export function settingsFor(knownSecrets?: (text: string) => Finding[]): {
  settings: GuardSettings;
  tenant: TenantConfig;
} {
  const tenants = resolveTenants({} as FileConfig, null);
  const settings: GuardSettings = { maxScanChars: DEFAULT_MAX_SCAN_CHARS, tenants, knownSecrets };
  return { settings, tenant: tenants.default! };
}

/** The guard stage as the pipeline runs it for one destination: scan, refusal check, rewrite, header. */
export function guardStage(settings: GuardSettings, tenant: TenantConfig, body: Record<string, unknown>) {
  const guard = guardRequest(settings, tenant, body);
  if (guard.refusal(DESTINATION) !== null) throw new Error("the bench request was refused");
  const guarded = guard.apply(DESTINATION);
  redactionsHeader(guarded.outcomes);
  return guarded;
}

export interface BodyResult {
  name: string;
  kb: number;
  texts: number;
  findings: number;
  changed: boolean;
  scanUs: number;
  guardUs: number;
  mbPerS: number;
}

export function bodyRun(b: RequestBody, seconds: number): BodyResult {
  const { settings, tenant } = settingsFor(knownSecretsDetector([UPSTREAM_KEY]));
  const body = JSON.parse(b.raw) as Record<string, unknown>;
  const scan = scanBody(body, settings.maxScanChars, settings.knownSecrets);
  const guarded = guardStage(settings, tenant, body);
  const scanT = cpuTime(() => void scanBody(body, settings.maxScanChars, settings.knownSecrets), seconds / 2);
  const guardT = cpuTime(() => void guardStage(settings, tenant, body), seconds / 2);
  const bytes = Buffer.byteLength(b.raw);
  const guardUs = guardT.cpuUs / guardT.calls;
  return {
    name: b.name,
    kb: bytes / 1024,
    texts: scan.runs.length,
    findings: scan.hits.reduce((n, run) => n + run.findings.length, 0),
    changed: guarded.changed,
    scanUs: scanT.cpuUs / scanT.calls,
    guardUs,
    mbPerS: bytes / MB / (guardUs / 1e6),
  };
}
