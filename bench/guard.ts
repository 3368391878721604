// `npm run bench:guard`: what the data-protection guard (src/guard, issue 4) costs. One run reports
//  1. detector throughput on one core (MB/s) over generated corpora, findings per MB, and ms per MB on the
//     security catalogue's H1 adversarial inputs;
//  2. scanBody and the whole guard stage (scan, policy, rewrite of a copy) on realistic request bodies;
//  3. the guard's share of the relay's per-request CPU: Overt (its own process, in front of the loopback mock
//     upstream) is timed per request from /proc and compared with the guard stage alone on the same body in
//     this process; then a second Overt runs under the sampling profiler, which gives the share of its busy
//     samples that have guard code on the stack (the guard as it runs in the relay, caches and JIT included).
// All inputs are generated deterministically (guard-corpus.ts). See docs/BENCHMARK.md.
import { once } from "node:events";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { availableParallelism, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { cpuUsage } from "node:process";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { Pool } from "undici";
import type { FileConfig } from "../src/config/schema.js";
import { DEFAULT_MAX_SCAN_CHARS, resolveTenants } from "../src/config/tenants.js";
import type { TenantConfig } from "../src/config/types.js";
import { detect } from "../src/guard/detectors.js";
import { knownSecretsDetector } from "../src/guard/known-secrets.js";
import { scanBody } from "../src/guard/scan.js";
import type { Finding } from "../src/guard/types.js";
import { type GuardSettings, guardRequest, redactionsHeader } from "../src/pipeline/guard-stage.js";
import {
  adversarial,
  agentContext,
  anthropicTools,
  type Corpus,
  corpora,
  openAiChat,
  type RequestBody,
  Rng,
  typicalRequest,
} from "./guard-corpus.js";
import { chatBody, PATH } from "./load.js";
import { startOvert } from "./overt.js";
import { cpuMicros, killAllNow, type Proc, startNode, stopAll } from "./procs.js";

const MOCK = fileURLToPath(new URL("./mock-upstream.js", import.meta.url));
const MB = 1 << 20;
const TARGET_MB_S = 50;
const BUDGET_MS_PER_MB = 200;
/** Abroad for the default tenant (no home jurisdiction): the protective defaults pseudonymize secrets and PII. */
const DESTINATION = "US";
const UPSTREAM_KEY = "sk-bench-upstream-0123456789abcdef0123456789abcdef";

const USAGE = `usage: npm run bench:guard -- [--seconds S] [--size MB] [--requests N] [--skip-relay] [--json]
  --seconds S    CPU seconds per throughput measurement (default 1)
  --size MB      size of each generated corpus (default 1; the mixed one is twice that)
  --requests N   requests per relay variant and pass (default 3000, after as many unmeasured)
  --skip-relay   do not start Overt (no per-request share)
  --json         print one JSON document on stdout instead of the tables`;

/** A mistake on the command line: printed without a stack. */
class UsageError extends Error {}

interface Options {
  seconds: number;
  size: number;
  requests: number;
  relay: boolean;
  json: boolean;
}

function options(): Options {
  const { values } = parseArgs({
    options: {
      seconds: { type: "string", default: "1" },
      size: { type: "string", default: "1" },
      requests: { type: "string", default: "3000" },
      "skip-relay": { type: "boolean", default: false },
      json: { type: "boolean", default: false },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  if (values.help) {
    process.stdout.write(USAGE + "\n");
    process.exit(0);
  }
  const num = (name: string, text: string, min: number): number => {
    const value = Number(text);
    if (!Number.isFinite(value) || value < min)
      throw new UsageError(`--${name} must be a number ≥ ${min}\n${USAGE}`);
    return value;
  };
  return {
    seconds: num("seconds", values.seconds, 0.05),
    size: num("size", values.size, 0.05),
    requests: Math.round(num("requests", values.requests, 10)),
    relay: !values["skip-relay"],
    json: values.json,
  };
}

const progress = (line: string): void => void process.stderr.write(line + "\n");

/** CPU µs (user + system, this process) of `fn`, repeated until `seconds` of CPU and `min` calls, after a warm-up. */
function cpuTime(fn: () => void, seconds: number, min = 3): { calls: number; cpuUs: number } {
  const warm = cpuUsage();
  do fn();
  while (elapsed(warm) < Math.min(200_000, seconds * 2e5));
  const t0 = cpuUsage();
  let calls = 0;
  do {
    fn();
    calls++;
  } while (calls < min || elapsed(t0) < seconds * 1e6);
  return { calls, cpuUs: elapsed(t0) };
}

function elapsed(since: NodeJS.CpuUsage): number {
  const used = cpuUsage(since);
  return used.user + used.system;
}

// ---- 1. detectors ----

interface CorpusResult {
  name: string;
  mb: number;
  texts: number;
  mbPerS: number;
  findingsPerMb: number;
  plantedPerMb: number;
  byClass: Record<string, number>;
}

function detectorRun(c: Corpus, seconds: number): CorpusResult {
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

interface AdversarialResult {
  name: string;
  mb: number;
  msPerMb: number;
  withinBudget: boolean;
}

function adversarialRun(name: string, text: string, seconds: number): AdversarialResult {
  const { calls, cpuUs } = cpuTime(() => void detect(text), seconds / 2);
  const mb = text.length / MB;
  const msPerMb = cpuUs / 1000 / calls / mb;
  return { name, mb, msPerMb, withinBudget: msPerMb <= BUDGET_MS_PER_MB };
}

// ---- 2. request bodies ----

function settingsFor(knownSecrets?: (text: string) => Finding[]): {
  settings: GuardSettings;
  tenant: TenantConfig;
} {
  const tenants = resolveTenants({} as FileConfig, null);
  const settings: GuardSettings = { maxScanChars: DEFAULT_MAX_SCAN_CHARS, tenants, knownSecrets };
  return { settings, tenant: tenants.default! };
}

/** The guard stage as the pipeline runs it for one destination: scan, refusal check, rewrite, header. */
function guardStage(settings: GuardSettings, tenant: TenantConfig, body: Record<string, unknown>) {
  const guard = guardRequest(settings, tenant, body);
  if (guard.refusal(DESTINATION) !== null) throw new Error("the bench request was refused");
  const guarded = guard.apply(DESTINATION);
  redactionsHeader(guarded.outcomes);
  return guarded;
}

interface BodyResult {
  name: string;
  kb: number;
  texts: number;
  findings: number;
  changed: boolean;
  scanUs: number;
  guardUs: number;
  mbPerS: number;
}

function bodyRun(b: RequestBody, seconds: number): BodyResult {
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

// ---- 3. share of the relay's per-request CPU ----

interface Variant {
  name: string;
  raw: string;
  /** Findings the guard must act on (checked on every response's overt-redactions header). */
  expectRedactions: boolean;
}

interface RelayResult {
  name: string;
  kb: number;
  requests: number;
  /** Overt's CPU (all threads, /proc) per request, unprofiled. */
  relayUs: number;
  /** The guard stage on the same body, in this process. */
  guardUs: number;
  /** guardUs ÷ relayUs. */
  share: number;
  /** Share of Overt's busy CPU samples with a guard frame on the stack (second, profiled relay). */
  profiledShare: number | null;
  profiledSamples: number;
  redactions: string | null;
}

interface CpuProfile {
  nodes: { id: number; callFrame: { functionName: string; url: string }; children?: number[] }[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

/** The guard's code: src/guard/* and the pipeline's guard stage (JSON.parse, structuredClone… they call count). */
const GUARD_CODE = /\/src\/(?:guard\/[^/]+|pipeline\/guard-stage)\.js$/;

/** For each [from, to] window (µs, CLOCK_MONOTONIC): busy samples, and the share with a guard frame on the stack. */
function guardShares(
  profile: CpuProfile,
  windows: [number, number][],
): { busy: number; share: number | null }[] {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const guard = new Set<number>();
  const idle = new Set<number>();
  const visit = (id: number, inGuard: boolean): void => {
    const node = byId.get(id)!;
    const here = inGuard || GUARD_CODE.test(node.callFrame.url);
    if (here) guard.add(id);
    if (node.callFrame.functionName === "(idle)") idle.add(id);
    for (const child of node.children ?? []) visit(child, here);
  };
  visit(profile.nodes[0]!.id, false);
  const counts = windows.map(() => ({ busy: 0, guard: 0 }));
  let t = profile.startTime;
  profile.samples.forEach((id, i) => {
    t += profile.timeDeltas[i] ?? 0;
    if (idle.has(id)) return;
    const w = windows.findIndex(([from, to]) => t >= from && t <= to);
    if (w < 0) return;
    counts[w]!.busy++;
    if (guard.has(id)) counts[w]!.guard++;
  });
  return counts.map((c) => ({ busy: c.busy, share: c.busy === 0 ? null : c.guard / c.busy }));
}

const monotonicUs = (): number => Number(process.hrtime.bigint() / 1000n);

async function stopOne(proc: Proc): Promise<void> {
  if (proc.child.exitCode !== null) return;
  const exited = once(proc.child, "exit");
  proc.child.kill("SIGTERM");
  await exited;
}

async function drive(
  pool: Pool,
  key: string,
  v: Variant,
  n: number,
  connections: number,
): Promise<string | null> {
  let left = n;
  let header: string | null = null;
  const worker = async (): Promise<void> => {
    while (left > 0) {
      left--;
      const res = await pool.request({
        path: PATH,
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${key}` },
        body: v.raw,
      });
      const text = await res.body.text();
      const redactions = res.headers["overt-redactions"];
      header = typeof redactions === "string" ? redactions : null;
      if (res.statusCode !== 200 || !text.includes('"usage"'))
        throw new Error(`${v.name}: HTTP ${res.statusCode}: ${text.slice(0, 300)}`);
      if (v.expectRedactions !== (header !== null))
        throw new Error(`${v.name}: overt-redactions ${header ?? "missing"}, expected the opposite`);
    }
  };
  await Promise.all(Array.from({ length: connections }, worker));
  return header;
}

async function relayRun(opts: Options): Promise<{ results: RelayResult[]; connections: number }> {
  const connections = 4;
  const variants: Variant[] = [
    { name: "tiny chat request (npm run bench's)", raw: chatBody(false), expectRedactions: false },
    { name: "4 KB prompt, nothing to protect", raw: typicalRequest(false), expectRedactions: false },
    { name: "4 KB prompt, email + mobile", raw: typicalRequest(true), expectRedactions: true },
  ];
  // Overt's per-request CPU takes a few thousand requests to settle (JIT tiers): warm up with as many as are measured.
  const warmup = opts.requests;
  const relay = { jurisdiction: DESTINATION, apiKey: UPSTREAM_KEY };
  progress("starting the mock upstream and Overt");
  const mock = await startNode("mock upstream", [MOCK], { healthPath: "/healthz" });
  const cpu = new Map<string, { us: number; n: number; header: string | null }>();
  const windows: [number, number][] = [];
  let profile: CpuProfile | null = null;
  try {
    // Pass 1: CPU per request from /proc, no profiler.
    const overt = await startOvert(mock.url, relay);
    const pool = new Pool(overt.proc.url, { connections, pipelining: 1, keepAliveTimeout: 60_000 });
    for (const v of variants) await drive(pool, overt.key, v, warmup, connections);
    // Three rounds, variants interleaved, so drift on a shared machine hits every variant alike.
    const rounds = 3;
    for (let round = 0; round < rounds; round++) {
      for (const v of variants) {
        progress(`[relay] round ${round + 1}/${rounds}: ${v.name}`);
        const n = Math.ceil(opts.requests / rounds);
        const before = cpuMicros(overt.proc.pid);
        const header = await drive(pool, overt.key, v, n, connections);
        const after = cpuMicros(overt.proc.pid);
        if (before === null || after === null)
          throw new Error("no /proc/<pid>/stat: the relay share needs Linux");
        const sum = cpu.get(v.name) ?? { us: 0, n: 0, header: null };
        cpu.set(v.name, { us: sum.us + after - before, n: sum.n + n, header });
      }
    }
    await pool.close();
    await stopOne(overt.proc);
    // Pass 2: a second Overt under the sampling profiler; the guard's share of its busy samples per variant.
    const dir = mkdtempSync(join(tmpdir(), "overt-guard-prof-"));
    process.once("exit", () => rmSync(dir, { recursive: true, force: true }));
    const profiled = await startOvert(mock.url, {
      ...relay,
      nodeArgs: ["--cpu-prof", `--cpu-prof-dir=${dir}`, "--cpu-prof-interval=250"],
    });
    const pool2 = new Pool(profiled.proc.url, { connections, pipelining: 1, keepAliveTimeout: 60_000 });
    for (const v of variants) await drive(pool2, profiled.key, v, warmup, connections);
    for (const v of variants) {
      progress(`[relay, profiled] ${v.name}`);
      const from = monotonicUs();
      await drive(pool2, profiled.key, v, opts.requests, connections);
      windows.push([from, monotonicUs()]);
    }
    await pool2.close();
    await stopOne(profiled.proc);
    const file = readdirSync(dir).find((f) => f.endsWith(".cpuprofile"));
    if (file !== undefined) profile = JSON.parse(readFileSync(join(dir, file), "utf8")) as CpuProfile;
    else progress("the profiled relay wrote no .cpuprofile; no profiled share");
  } finally {
    await stopAll();
  }
  const inProfile =
    profile !== null && windows.every(([from, to]) => from >= profile.startTime && to <= profile.endTime);
  if (profile !== null && !inProfile)
    progress("the profile's clock does not cover the load windows; no profiled share");
  const shares = inProfile && profile !== null ? guardShares(profile, windows) : null;
  // The same bodies through the guard stage here, configured as the relay was (default tenant, one upstream key).
  const { settings, tenant } = settingsFor(knownSecretsDetector([UPSTREAM_KEY]));
  return {
    connections,
    results: variants.map((v, i) => {
      const body = JSON.parse(v.raw) as Record<string, unknown>;
      const t = cpuTime(() => void guardStage(settings, tenant, body), opts.seconds / 2);
      const guardUs = t.cpuUs / t.calls;
      const measured = cpu.get(v.name)!;
      const relayUs = measured.us / measured.n;
      return {
        name: v.name,
        kb: Buffer.byteLength(v.raw) / 1024,
        requests: measured.n,
        relayUs,
        guardUs,
        share: guardUs / relayUs,
        profiledShare: shares?.[i]?.share ?? null,
        profiledSamples: shares?.[i]?.busy ?? 0,
        redactions: measured.header,
      };
    }),
  };
}

// ---- report ----

function table(head: string[], rows: string[][], numeric: boolean[]): string {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (numeric[i] ? c.padStart(widths[i]!) : c.padEnd(widths[i]!)))
      .join("  ")
      .trimEnd();
  return [line(head), line(widths.map((w) => "-".repeat(w))), ...rows.map(line)].join("\n");
}

const f = (n: number, digits = 1): string => n.toFixed(digits);

interface Report {
  config: Options & { destination: string };
  machine: { cpus: number; node: string; loadavg: number[] };
  detectors: CorpusResult[];
  headline: { corpus: string; mbPerS: number; target: number; met: boolean };
  adversarial: AdversarialResult[];
  bodies: BodyResult[];
  relay: { connections: number; results: RelayResult[] } | null;
}

function render(r: Report): string {
  const out: string[] = [
    `guard benchmark: ${r.machine.cpus} CPUs, node ${r.machine.node}, load ${r.machine.loadavg.map((l) => l.toFixed(2)).join(" ")}; ` +
      "times are CPU time (user + system) of this process, whose JS is one thread; MB = 2^20 bytes of UTF-8; " +
      "one run, so compare ratios, not absolutes",
    "",
    "1. detect() on one core",
    table(
      ["corpus", "MB", "texts", "MB/s", "findings/MB", "planted/MB"],
      r.detectors.map((d) => [
        d.name,
        f(d.mb, 2),
        String(d.texts),
        f(d.mbPerS),
        f(d.findingsPerMb),
        f(d.plantedPerMb),
      ]),
      [false, true, true, true, true, true],
    ),
    `mixed corpus: ${f(r.headline.mbPerS)} MB/s (target ≥ ${r.headline.target}) ${r.headline.met ? "PASS" : "FAIL"}`,
    "",
    `H1 adversarial inputs (budget ${BUDGET_MS_PER_MB} ms/MB)`,
    table(
      ["input", "ms/MB", ""],
      r.adversarial.map((a) => [a.name, f(a.msPerMb), a.withinBudget ? "ok" : "OVER BUDGET"]),
      [false, true, false],
    ),
    "",
    `2. guard stage on request bodies (destination ${r.config.destination}: secrets and PII pseudonymized)`,
    table(
      ["body", "KB", "texts", "findings", "scan µs", "guard µs", "MB/s"],
      r.bodies.map((b) => [
        b.name,
        f(b.kb),
        String(b.texts),
        String(b.findings),
        f(b.scanUs, 0),
        f(b.guardUs, 0),
        f(b.mbPerS),
      ]),
      [false, true, true, true, true, true, true],
    ),
  ];
  if (r.relay !== null) {
    out.push(
      "",
      `3. share of the relay's CPU per request (Overt: ${r.relay.connections} connections, CPU from /proc; guard: the same body in-process)`,
      table(
        [
          "request",
          "KB",
          "requests",
          "relay µs/req",
          "guard µs",
          "share",
          "share (profile)",
          "overt-redactions",
        ],
        r.relay.results.map((x) => [
          x.name,
          f(x.kb),
          String(x.requests),
          f(x.relayUs, 0),
          f(x.guardUs, 1),
          `${f(x.share * 100)}%`,
          x.profiledShare === null ? "-" : `${f(x.profiledShare * 100)}% of ${x.profiledSamples}`,
          x.redactions ?? "-",
        ]),
        [false, true, true, true, true, true, true, false],
      ),
    );
  }
  return out.join("\n");
}

async function main(): Promise<void> {
  const opts = options();
  const size = opts.size * MB;
  progress("generating corpora");
  const detectors: CorpusResult[] = [];
  for (const c of corpora(size)) {
    progress(`[detect] ${c.name}`);
    detectors.push(detectorRun(c, opts.seconds));
  }
  const adv: AdversarialResult[] = [];
  for (const [name, text] of adversarial()) {
    progress(`[H1] ${name}`);
    adv.push(adversarialRun(name, text, opts.seconds));
  }
  const r = new Rng(11);
  const bodies: BodyResult[] = [];
  for (const b of [openAiChat(r), anthropicTools(r), agentContext(r)]) {
    progress(`[body] ${b.name}`);
    bodies.push(bodyRun(b, opts.seconds));
  }
  const relay = opts.relay ? await relayRun(opts) : null;
  const mixed = detectors.find((d) => d.name === "mixed")!;
  const report: Report = {
    config: { ...opts, destination: DESTINATION },
    machine: { cpus: availableParallelism(), node: process.version, loadavg: loadavg() },
    detectors,
    headline: {
      corpus: mixed.name,
      mbPerS: mixed.mbPerS,
      target: TARGET_MB_S,
      met: mixed.mbPerS >= TARGET_MB_S,
    },
    adversarial: adv,
    bodies,
    relay,
  };
  process.stdout.write((opts.json ? JSON.stringify(report, null, 2) : render(report)) + "\n");
}

process.on("exit", killAllNow);
main().catch((err: unknown) => {
  const plain = err instanceof UsageError || !(err instanceof Error);
  progress(plain ? String(err instanceof Error ? err.message : err) : (err.stack ?? err.message));
  void stopAll(1_000).finally(() => process.exit(1));
});
