// `npm run bench:receipts`: what receipts and the transparency log (issue 5) cost. The same load as
// `npm run bench` goes, interleaved in one run so the machine's noise is shared, to three relays in front of
// one loopback mock upstream:
//   before     the relay built from the commit before receipts (default ref d3e7716^; built once into a
//              temporary directory with `git archive` + tsc, or given with --baseline DIR)
//   receipts   this build, default mode: blinded HMACs on the hot path, log sequencing batched off it
//   signed     this build with OVERT_SIGN_RECEIPTS=1: every receipt also Ed25519-signed at response time
//   compare    optionally (--compare DIR), another build with receipts in default mode, e.g. before a change
// and reports throughput (non-streaming, streaming), CPU µs/request and p50/p99 added latency of each, with
// ratios to `before`; that receipts are provable within the maximum merge delay under load (sampled receipt
// ids, /v1/receipts/{id}/proof polled); and the sequencer's own cost (entries/s, CPU per entry) in-process.
// See docs/BENCHMARK.md.
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { availableParallelism, loadavg, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { LogAppender } from "../src/integrity/log-appender.js";
import { signNote } from "../src/integrity/note.js";
import { signerFromSeed } from "../src/integrity/note-keys.js";
import { formatReceipt } from "../src/integrity/receipt.js";
import { ReceiptHandle } from "../src/integrity/receipt-handle.js";
import { LogSequencer } from "../src/integrity/sequencer.js";
import { openStorage } from "../src/storage/open.js";
import {
  chatBody,
  type Latency,
  latency,
  PATH,
  percentile,
  type Target,
  type Throughput,
  throughput,
} from "./load.js";
import { type OvertTarget, startOvert } from "./overt.js";
import { cpuMicros, killAllNow, memoryKiB, startNode, stopAll } from "./procs.js";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const MOCK = fileURLToPath(new URL("./mock-upstream.js", import.meta.url));
const DEFAULT_REF = "d3e7716^";
/** Issue 5's quality bar: throughput with receipts and the log on (default mode) ≥ 0.85× without. */
const TARGET_RATIO = 0.85;
/** The published maximum merge delay (LogService.MAX_MERGE_DELAY_SECONDS). */
const MAX_MERGE_DELAY_MS = 1_000;
/** Wait after each throughput run before reading the relay's CPU, so batched work is charged to it. */
const SETTLE_MS = 1_500;

const USAGE = `usage: npm run bench:receipts -- [--baseline DIR | --ref REF] [--duration S] [--rounds N]
                                     [--connections N] [--warmup S] [--samples N] [--entries N]
                                     [--compare DIR] [--cpu-prof DIR] [--json]
  --baseline DIR   the relay without receipts: a source tree (built here if it has no dist/) or a build
  --ref REF        else build it from this git ref (default ${DEFAULT_REF}; cached in the temp directory)
  --compare DIR    also measure this build (a tree with dist/) in default mode, e.g. before an optimisation
  --duration S     seconds of each non-streaming throughput run (default 6; streaming and latency take S/2)
  --rounds N       interleaved rounds; figures pool all rounds (default 3)
  --connections N  concurrency of the non-streaming runs (default 32; streaming uses N/2)
  --warmup S       seconds of unmeasured load per relay first (default 3)
  --samples N      receipts probed for integration per throughput run of each relay with receipts (default 6)
  --entries N      log entries per batch size in the in-process sequencer measurement (default 50000; 0: skip)
  --cpu-prof DIR   run the relays under node --cpu-prof, profiles written to DIR
  --json           print one JSON document on stdout instead of the tables`;

/** A mistake on the command line: printed without a stack. */
class UsageError extends Error {}

interface Options {
  baseline: string | null;
  compare: string | null;
  ref: string;
  duration: number;
  rounds: number;
  connections: number;
  warmup: number;
  samples: number;
  entries: number;
  cpuProf: string | null;
  json: boolean;
}

function options(): Options {
  const { values } = parseArgs({
    options: {
      baseline: { type: "string" },
      compare: { type: "string" },
      ref: { type: "string", default: DEFAULT_REF },
      duration: { type: "string", default: "6" },
      rounds: { type: "string", default: "3" },
      connections: { type: "string", default: "32" },
      warmup: { type: "string", default: "3" },
      samples: { type: "string", default: "6" },
      entries: { type: "string", default: "50000" },
      "cpu-prof": { type: "string" },
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
    baseline: values.baseline ?? null,
    compare: values.compare === undefined ? null : resolve(values.compare),
    ref: values.ref,
    duration: num("duration", values.duration, 1),
    rounds: Math.round(num("rounds", values.rounds, 1)),
    connections: Math.round(num("connections", values.connections, 1)),
    warmup: num("warmup", values.warmup, 0),
    samples: Math.round(num("samples", values.samples, 0)),
    entries: Math.round(num("entries", values.entries, 0)),
    cpuProf: values["cpu-prof"] === undefined ? null : resolve(values["cpu-prof"]),
    json: values.json,
  };
}

const progress = (line: string): void => void process.stderr.write(line + "\n");

// ---- the baseline build -----------------------------------------------------------------------

function git(args: string[]): string {
  return execFileSync("git", ["-C", ROOT, ...args], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
}

/** Compiles a source tree with this checkout's TypeScript and node_modules (linked in when it has none). */
function compile(dir: string): void {
  if (!existsSync(join(dir, "node_modules")))
    symlinkSync(join(ROOT, "node_modules"), join(dir, "node_modules"));
  progress(`building ${dir}`);
  execFileSync(process.execPath, [join(ROOT, "node_modules/typescript/bin/tsc"), "-p", dir], {
    stdio: ["ignore", "inherit", "inherit"],
  });
}

interface Baseline {
  label: string;
  cli: string;
}

/** The CLI of the relay without receipts: --baseline DIR, or `ref` archived and built in the temp directory. */
function baseline(opts: Options): Baseline {
  if (opts.baseline !== null) {
    const dir = resolve(opts.baseline);
    const cli = join(dir, "dist/src/cli/main.js");
    if (!existsSync(cli)) {
      if (!existsSync(join(dir, "tsconfig.json")))
        throw new UsageError(`${dir} has neither dist/ nor tsconfig.json`);
      compile(dir);
    }
    return { label: dir, cli };
  }
  let sha: string;
  try {
    sha = git(["rev-parse", "--verify", `${opts.ref}^{commit}`]).trim();
  } catch {
    throw new UsageError(`--ref ${opts.ref} is not a commit of ${ROOT}`);
  }
  const dir = join(tmpdir(), `overt-bench-base-${sha.slice(0, 12)}`);
  const cli = join(dir, "dist/src/cli/main.js");
  const stamp = join(dir, ".bench-built");
  if (!(existsSync(cli) && existsSync(stamp) && readFileSync(stamp, "utf8") === sha)) {
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    const tar = join(dir, "source.tar");
    git(["archive", "--format=tar", "-o", tar, sha]);
    execFileSync("tar", ["-xf", tar, "-C", dir]);
    rmSync(tar);
    compile(dir);
    writeFileSync(stamp, sha);
  }
  return { label: `${opts.ref} = ${sha.slice(0, 7)}`, cli };
}

// ---- the relays -------------------------------------------------------------------------------

type VariantName = "before" | "receipts" | "signed" | "compare";

interface Variant {
  name: VariantName;
  label: string;
  overt: OvertTarget;
  target: Target;
}

async function startVariant(
  name: VariantName,
  label: string,
  upstream: string,
  cli: string | undefined,
  env: NodeJS.ProcessEnv,
  opts: Options,
): Promise<Variant> {
  const nodeArgs =
    opts.cpuProf === null
      ? []
      : ["--cpu-prof", `--cpu-prof-dir=${opts.cpuProf}`, `--cpu-prof-name=${name}.cpuprofile`];
  const overt = await startOvert(upstream, { cli, env, nodeArgs });
  const target: Target = {
    name: "overt",
    url: overt.proc.url,
    pid: overt.proc.pid,
    headers: { authorization: `Bearer ${overt.key}` },
  };
  return { name, label, overt, target };
}

/** Each relay answers, with a receipt exactly when it should have one, signed exactly when it should be. */
async function smoke(v: Variant): Promise<void> {
  for (const stream of [false, true]) {
    const res = await fetch(v.target.url + PATH, {
      method: "POST",
      headers: { "content-type": "application/json", ...v.target.headers },
      body: chatBody(stream),
    });
    const text = await res.text();
    const ok = stream ? text.includes("data: [DONE]") : text.includes('"usage"');
    if (res.status !== 200 || !ok)
      throw new Error(
        `${v.name}: ${stream ? "streaming" : "plain"} request got ${res.status}: ${text.slice(0, 300)}`,
      );
    const id = res.headers.get("overt-receipt-id");
    if (v.name === "before") {
      if (id !== null) throw new Error(`${v.label} sends receipts: it is not the build before receipts`);
      continue;
    }
    if (id === null) throw new Error(`${v.name}: no overt-receipt-id header`);
    // 409 while the relay is still finishing the receipt (a moment after the last byte).
    let receipt = await fetch(`${v.target.url}/v1/receipts/${id}`, { headers: v.target.headers });
    for (let tries = 0; receipt.status === 409 && tries < 50; tries++) {
      await receipt.body?.cancel();
      await sleep(20);
      receipt = await fetch(`${v.target.url}/v1/receipts/${id}`, { headers: v.target.headers });
    }
    const note = await receipt.text();
    const signed = note.includes("\n\n\u2014 ");
    if (receipt.status !== 200 || !note.startsWith("overt.receipt/v1\n") || signed !== (v.name === "signed"))
      throw new Error(
        `${v.name}: receipt ${id} read back as ${receipt.status} (signed: ${signed}): ${note.slice(0, 200)}`,
      );
  }
}

// ---- merge delay under load -------------------------------------------------------------------

interface Probe {
  /** Response end → first 200 from /v1/receipts/{id}/proof, ms; null when not integrated within 5 s. */
  delays: (number | null)[];
  failed: number;
}

/** One request whose receipt is then polled for its proof every 20 ms. */
async function probeOne(v: Variant, out: Probe): Promise<void> {
  try {
    const res = await fetch(v.target.url + PATH, {
      method: "POST",
      headers: { "content-type": "application/json", ...v.target.headers },
      body: chatBody(false),
    });
    await res.arrayBuffer();
    const answered = performance.now();
    const id = res.headers.get("overt-receipt-id");
    if (res.status !== 200 || id === null) {
      out.failed++;
      return;
    }
    while (performance.now() - answered < 5_000) {
      const proof = await fetch(`${v.target.url}/v1/receipts/${id}/proof`, { headers: v.target.headers });
      const text = await proof.text();
      if (proof.status === 200 && text.startsWith("c2sp.org/tlog-proof@v1\n")) {
        out.delays.push(performance.now() - answered);
        return;
      }
      if (proof.status !== 409) {
        out.failed++;
        return;
      }
      await sleep(20);
    }
    out.delays.push(null);
  } catch {
    out.failed++;
  }
}

/** `samples` probes spread over a load run of `seconds`. */
async function probeDuring(v: Variant, seconds: number, samples: number, out: Probe): Promise<void> {
  const probes: Promise<void>[] = [];
  const gap = (seconds * 1000 * 0.8) / Math.max(1, samples);
  for (let i = 0; i < samples; i++) {
    // Jitter, so probes land anywhere in the sequencer's cycle.
    await sleep(gap * (0.5 + Math.random()));
    probes.push(probeOne(v, out));
  }
  await Promise.all(probes);
}

// ---- measuring --------------------------------------------------------------------------------

interface Pooled {
  ok: number;
  failed: number;
  seconds: number;
  cpuUs: number | null;
  mainCpuUs: number | null;
  loadgenCpu: number[];
  /** This variant's req/s in each round, for the spread of the ratios. */
  rounds: number[];
}

function pool(runs: Throughput[]): Pooled {
  const ok = runs.reduce((a, r) => a + r.ok, 0);
  const total = (per: (r: Throughput) => number | null): number | null =>
    runs.every((r) => per(r) !== null) ? runs.reduce((a, r) => a + (per(r) as number) * r.ok, 0) : null;
  return {
    ok,
    failed: runs.reduce((a, r) => a + r.failed, 0),
    seconds: runs.reduce((a, r) => a + r.seconds, 0),
    cpuUs: total((r) => r.cpuUsPerReq),
    mainCpuUs: total((r) => r.mainCpuUsPerReq),
    loadgenCpu: runs.map((r) => r.loadgenCpu),
    rounds: runs.map((r) => r.rps),
  };
}

interface VariantResult {
  name: VariantName;
  label: string;
  rps: number;
  cpuUsPerReq: number | null;
  /** The relay's main thread alone: what bounds its throughput (worker threads can use another core). */
  mainCpuUsPerReq: number | null;
  streamRps: number;
  streamCpuUsPerReq: number | null;
  streamMainCpuUsPerReq: number | null;
  /** Pooled over all rounds, ms. */
  p50: number;
  p99: number;
  /** Minus the mock upstream's own p50 / p99 at one in flight: what the relay adds. */
  addedP50: number;
  addedP99: number;
  failed: number;
  maxLoadgenCpu: number;
  roundRps: number[];
  roundStreamRps: number[];
  rssKiB: number | null;
  /** Log growth (signed checkpoint sizes before and after each non-streaming run) per second of load. */
  integratedPerSecond: number | null;
  /** That growth ÷ the receipts issued in those runs: 1 when everything was integrated by the end of the settle. */
  integratedShare: number | null;
  mergeDelay: Probe | null;
}

async function logSize(v: Variant): Promise<number | null> {
  try {
    const res = await fetch(`${v.target.url}/log/checkpoint`);
    const text = await res.text();
    return res.status === 200 ? Number(text.split("\n")[1]) : null;
  } catch {
    return null;
  }
}

function rotate<T>(items: readonly T[], by: number): T[] {
  const k = by % items.length;
  return [...items.slice(k), ...items.slice(0, k)];
}

async function measure(variants: Variant[], direct: Target, opts: Options): Promise<VariantResult[]> {
  const half = opts.duration / 2;
  const streamConnections = Math.max(1, Math.round(opts.connections / 2));
  if (opts.warmup > 0) {
    for (const v of variants) {
      progress(`[${v.name}] warm-up ${opts.warmup}s`);
      await throughput(v.target, { connections: opts.connections, seconds: opts.warmup, stream: false });
      await throughput(v.target, { connections: streamConnections, seconds: opts.warmup / 2, stream: true });
    }
    await sleep(SETTLE_MS);
  }
  const plain = new Map<VariantName, Throughput[]>(variants.map((v) => [v.name, []]));
  const stream = new Map<VariantName, Throughput[]>(variants.map((v) => [v.name, []]));
  const times = new Map<VariantName, number[]>(variants.map((v) => [v.name, []]));
  const lat = new Map<VariantName, Latency[]>(variants.map((v) => [v.name, []]));
  const probes = new Map<VariantName, Probe>(variants.map((v) => [v.name, { delays: [], failed: 0 }]));
  const integrated = new Map<VariantName, { entries: number; seconds: number; issued: number }>(
    variants.map((v) => [v.name, { entries: 0, seconds: 0, issued: 0 }]),
  );
  const directTimes: number[] = [];
  for (let round = 0; round < opts.rounds; round++) {
    // The order rotates every round, so no relay always runs first or last.
    const order = rotate(variants, round);
    const tag = `round ${round + 1}/${opts.rounds}`;
    for (const v of order) {
      progress(`[${tag} ${v.name}] non-streaming, ${opts.connections} connections, ${opts.duration}s`);
      const size0 = v.name === "before" ? null : await logSize(v);
      const probe =
        v.name === "before" || opts.samples === 0
          ? Promise.resolve()
          : probeDuring(v, opts.duration, opts.samples, probes.get(v.name)!);
      const run = throughput(v.target, {
        connections: opts.connections,
        seconds: opts.duration,
        stream: false,
        settleMs: SETTLE_MS,
      });
      const probed = probes.get(v.name)!.delays.length + probes.get(v.name)!.failed;
      const [result] = await Promise.all([run, probe]);
      plain.get(v.name)!.push(result);
      const size1 = v.name === "before" ? null : await logSize(v);
      if (size0 !== null && size1 !== null) {
        const acc = integrated.get(v.name)!;
        acc.entries += size1 - size0;
        acc.seconds += result.seconds;
        // Every answered request has a receipt: the load's and the probes' (failed ones included).
        const probes1 = probes.get(v.name)!.delays.length + probes.get(v.name)!.failed;
        acc.issued += result.ok + result.failed + (probes1 - probed);
      }
    }
    for (const v of order) {
      progress(`[${tag} ${v.name}] streaming, ${streamConnections} connections, ${half}s`);
      stream.get(v.name)!.push(
        await throughput(v.target, {
          connections: streamConnections,
          seconds: half,
          stream: true,
          settleMs: SETTLE_MS,
        }),
      );
    }
    progress(`[${tag} direct] non-streaming, 1 in flight, ${half}s`);
    await latency(direct, { seconds: half, times: directTimes });
    for (const v of order) {
      progress(`[${tag} ${v.name}] non-streaming, 1 in flight, ${half}s`);
      lat.get(v.name)!.push(await latency(v.target, { seconds: half, times: times.get(v.name)! }));
    }
  }
  const sortedDirect = Float64Array.from(directTimes).sort();
  const directP50 = percentile(sortedDirect, 50);
  const directP99 = percentile(sortedDirect, 99);
  return variants.map((v) => {
    const p = pool(plain.get(v.name)!);
    const s = pool(stream.get(v.name)!);
    const sorted = Float64Array.from(times.get(v.name)!).sort();
    const p50 = percentile(sorted, 50);
    const p99 = percentile(sorted, 99);
    const acc = integrated.get(v.name)!;
    return {
      name: v.name,
      label: v.label,
      rps: p.ok / p.seconds,
      cpuUsPerReq: p.cpuUs === null ? null : p.cpuUs / p.ok,
      mainCpuUsPerReq: p.mainCpuUs === null ? null : p.mainCpuUs / p.ok,
      streamRps: s.ok / s.seconds,
      streamCpuUsPerReq: s.cpuUs === null ? null : s.cpuUs / s.ok,
      streamMainCpuUsPerReq: s.mainCpuUs === null ? null : s.mainCpuUs / s.ok,
      p50,
      p99,
      addedP50: p50 - directP50,
      addedP99: p99 - directP99,
      failed: p.failed + s.failed + lat.get(v.name)!.reduce((a, l) => a + l.failed, 0),
      maxLoadgenCpu: Math.max(...p.loadgenCpu),
      roundRps: p.rounds,
      roundStreamRps: s.rounds,
      rssKiB: memoryKiB(v.target.pid).rss,
      integratedPerSecond: acc.seconds > 0 ? acc.entries / acc.seconds : null,
      integratedShare: acc.issued > 0 ? acc.entries / acc.issued : null,
      mergeDelay: v.name === "before" ? null : probes.get(v.name)!,
    };
  });
}

// ---- the sequencer on its own -----------------------------------------------------------------

interface SequencerResult {
  batch: number;
  runs: number;
  entries: number;
  /** Entries integrated per second of wall time, one core (this process, nothing else running in it). */
  entriesPerSecond: number;
  /** All threads (the main thread and, for a database file, the SQLite worker). */
  cpuUsPerEntry: number;
  /** The main thread alone (hashing, signing, handing rows over): what the relay's event loop pays. */
  mainCpuUsPerEntry: number | null;
  /** Mean duration of one sequencer run (lock, hashes, inserts, checkpoint signature, commit), ms. */
  runMs: number;
}

function sampleReceipt(): Buffer {
  const handle = new ReceiptHandle(Buffer.from(chatBody(false)));
  handle.write(randomBytes(400));
  handle.settle({
    model: "bench-model",
    provider: "bench",
    endpoint: "127.0.0.1:41234",
    upstreamModel: "bench-model",
    upstreamResponseId: "chatcmpl-bench0000000000000000000001",
    upstreamRequestId: "",
    upstreamUsage: { input: 12, cached: 0, cacheWrite: 0, output: 20, reasoning: 0 },
    billed: {
      input: 12,
      cached: 0,
      cacheWrite: 0,
      output: 20,
      reasoning: 0,
      source: "upstream",
      costNano: "0",
      currency: "USD",
    },
    transformations: [],
    status: "ok",
    httpStatus: 200,
  });
  return Buffer.from(formatReceipt(handle.finish(Date.now(), 0)), "utf8");
}

/**
 * The relay's own sequencer code on a fresh SQLite file: `perBatch` receipts appended, then one run
 * (what the relay's 1 s timer does), repeated until `entries` were integrated. Appending is the request
 * path's cost and is not timed; the run is, in wall and CPU time.
 */
async function sequencerCost(perBatch: number, entries: number): Promise<SequencerResult> {
  const dir = mkdtempSync(join(tmpdir(), "overt-bench-log-"));
  const storage = await openStorage({ driver: "sqlite", path: join(dir, "log.db") });
  try {
    const origin = "bench.example/log";
    const signer = signerFromSeed(origin, randomBytes(32));
    const appender = new LogAppender();
    const sequencer = new LogSequencer(
      storage,
      appender,
      { origin, sign: (text) => signNote(text, [signer]) },
      { intervalMs: 3_600_000 },
    );
    const data = sampleReceipt();
    const fill = (n: number): void => {
      for (let i = 0; i < n; i++) {
        // Real ids (time-ordered, as the relay issues them): the log's index on them is part of the cost.
        const ref = new ReceiptHandle(undefined).id;
        appender.append({ kind: "receipt", ref, keyId: "key_bench", createdAt: Date.now(), data });
      }
    };
    // Warm-up: JIT, prepared statements, the first checkpoint.
    for (let i = 0; i < 3; i++) {
      fill(Math.min(perBatch, 1000));
      await sequencer.run();
    }
    let wall = 0;
    let cpu = 0;
    let main: number | null = 0;
    let runs = 0;
    let done = 0;
    while (done < entries) {
      const n = Math.min(perBatch, entries - done);
      fill(n);
      const m0 = cpuMicros(process.pid, true);
      const c0 = process.cpuUsage();
      const t0 = performance.now();
      await sequencer.run();
      wall += performance.now() - t0;
      const c = process.cpuUsage(c0);
      const m1 = cpuMicros(process.pid, true);
      cpu += c.user + c.system;
      main = main === null || m0 === null || m1 === null ? null : main + (m1 - m0);
      if (appender.size !== 0) throw new Error(`sequencer left ${appender.size} entries waiting`);
      done += n;
      runs++;
    }
    await sequencer.close();
    return {
      batch: perBatch,
      runs,
      entries: done,
      entriesPerSecond: done / (wall / 1000),
      cpuUsPerEntry: cpu / done,
      mainCpuUsPerEntry: main === null ? null : main / done,
      runMs: wall / runs,
    };
  } finally {
    await storage.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

// ---- the report -------------------------------------------------------------------------------

function fmt(value: number | null, digits: number): string {
  return value === null || Number.isNaN(value) ? "-" : value.toFixed(digits);
}

function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[]): string =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join("  ");
  return [line(header), widths.map((w) => "-".repeat(w)).join("  "), ...rows.map(line)].join("\n");
}

interface Ratios {
  name: VariantName;
  throughput: number;
  streamThroughput: number;
  cpuPerReq: number | null;
  mainCpuPerReq: number | null;
  streamCpuPerReq: number | null;
  streamMainCpuPerReq: number | null;
  /** Per-round throughput ratios (same round, same position in the rotation), min and max. */
  roundRange: [number, number];
  streamRoundRange: [number, number];
}

function ratiosOf(results: VariantResult[]): Ratios[] {
  const before = results.find((r) => r.name === "before")!;
  const div = (a: number | null, b: number | null): number | null =>
    a === null || b === null || b === 0 ? null : a / b;
  const range = (a: number[], b: number[]): [number, number] => {
    const each = a.map((x, i) => x / b[i]!);
    return [Math.min(...each), Math.max(...each)];
  };
  return results.map((r) => ({
    name: r.name,
    throughput: r.rps / before.rps,
    streamThroughput: r.streamRps / before.streamRps,
    cpuPerReq: div(r.cpuUsPerReq, before.cpuUsPerReq),
    mainCpuPerReq: div(r.mainCpuUsPerReq, before.mainCpuUsPerReq),
    streamCpuPerReq: div(r.streamCpuUsPerReq, before.streamCpuUsPerReq),
    streamMainCpuPerReq: div(r.streamMainCpuUsPerReq, before.streamMainCpuUsPerReq),
    roundRange: range(r.roundRps, before.roundRps),
    streamRoundRange: range(r.roundStreamRps, before.roundStreamRps),
  }));
}

function delays(p: Probe): { n: number; p50: number; max: number; late: number } {
  const done = p.delays.filter((d): d is number => d !== null);
  const sorted = Float64Array.from(done).sort();
  return {
    n: p.delays.length,
    p50: percentile(sorted, 50),
    max: sorted.length > 0 ? sorted[sorted.length - 1]! : Number.NaN,
    late: p.delays.length - done.length + done.filter((d) => d > MAX_MERGE_DELAY_MS).length,
  };
}

function render(
  results: VariantResult[],
  ratios: Ratios[],
  sequencer: SequencerResult[],
  note: string,
  opts: Options,
): string {
  const out: string[] = [note, ""];
  out.push(
    table(
      [
        "relay",
        "req/s",
        "CPU µs/req",
        "main µs/req",
        "stream req/s",
        "stream µs/req",
        "stream main",
        "p50 ms",
        "p99 ms",
        "+p50 ms",
        "+p99 ms",
        "RSS MiB",
        "errors",
      ],
      results.map((r) => [
        r.name,
        fmt(r.rps, 0),
        fmt(r.cpuUsPerReq, 0),
        fmt(r.mainCpuUsPerReq, 0),
        fmt(r.streamRps, 0),
        fmt(r.streamCpuUsPerReq, 0),
        fmt(r.streamMainCpuUsPerReq, 0),
        fmt(r.p50, 3),
        fmt(r.p99, 3),
        fmt(r.addedP50, 3),
        fmt(r.addedP99, 3),
        r.rssKiB === null ? "-" : (r.rssKiB / 1024).toFixed(1),
        String(r.failed),
      ]),
    ),
    "",
    `CPU: all threads of the relay process; main: its main thread (the event loop) alone. before = ${results[0]!.label}` +
      (results.some((r) => r.name === "compare")
        ? `; compare = ${results.find((r) => r.name === "compare")!.label}`
        : ""),
    "+p50/+p99: at 1 in flight, minus the mock upstream's own (what the relay adds).",
    `load generator CPU, most in one non-streaming run: ${results.map((r) => `${r.name} ${fmt(r.maxLoadgenCpu, 2)}`).join(", ")}`,
    "",
    "relative to before (pooled over all rounds; per-round throughput ratios min–max):",
    table(
      [
        "relay",
        "throughput",
        "rounds",
        "stream throughput",
        "rounds",
        "CPU µs/req",
        "main",
        "stream CPU µs/req",
        "stream main",
        "Δ p50 ms",
        "Δ p99 ms",
      ],
      ratios.map((q) => {
        const r = results.find((x) => x.name === q.name)!;
        const before = results.find((x) => x.name === "before")!;
        return [
          q.name,
          `${fmt(q.throughput, 3)}×`,
          `${fmt(q.roundRange[0], 2)}–${fmt(q.roundRange[1], 2)}`,
          `${fmt(q.streamThroughput, 3)}×`,
          `${fmt(q.streamRoundRange[0], 2)}–${fmt(q.streamRoundRange[1], 2)}`,
          `${fmt(q.cpuPerReq, 3)}×`,
          `${fmt(q.mainCpuPerReq, 3)}×`,
          `${fmt(q.streamCpuPerReq, 3)}×`,
          `${fmt(q.streamMainCpuPerReq, 3)}×`,
          fmt(r.p50 - before.p50, 3),
          fmt(r.p99 - before.p99, 3),
        ];
      }),
    ),
  );
  const withLog = results.filter((r) => r.mergeDelay !== null);
  if (withLog.length > 0) {
    out.push(
      "",
      `integration under load (non-streaming runs; sampled receipts, /v1/receipts/{id}/proof polled every 20 ms):`,
      table(
        [
          "relay",
          "entries/s integrated",
          "of receipts issued",
          "receipts sampled",
          "p50 ms",
          "max ms",
          `> ${MAX_MERGE_DELAY_MS} ms`,
          "probe errors",
        ],
        withLog.map((r) => {
          const d = delays(r.mergeDelay!);
          return [
            r.name,
            fmt(r.integratedPerSecond, 0),
            r.integratedShare === null ? "-" : `${(100 * r.integratedShare).toFixed(1)}%`,
            String(d.n),
            fmt(d.p50, 0),
            fmt(d.max, 0),
            String(d.late),
            String(r.mergeDelay!.failed),
          ];
        }),
      ),
    );
  }
  if (sequencer.length > 0) {
    out.push(
      "",
      `the sequencer in this process (its own code on a fresh SQLite file, ${opts.entries} receipts per batch size):`,
      table(
        ["entries per run", "runs", "entries/s", "CPU µs/entry", "main thread µs/entry", "ms per run"],
        sequencer.map((s) => [
          String(s.batch),
          String(s.runs),
          fmt(s.entriesPerSecond, 0),
          fmt(s.cpuUsPerEntry, 1),
          fmt(s.mainCpuUsPerEntry, 1),
          fmt(s.runMs, 1),
        ]),
      ),
    );
  }
  const def = ratios.find((q) => q.name === "receipts");
  const signed = ratios.find((q) => q.name === "signed");
  if (def && signed) {
    const pass = def.throughput >= TARGET_RATIO;
    const late = withLog
      .filter((r) => r.name !== "compare")
      .reduce((a, r) => a + delays(r.mergeDelay!).late, 0);
    out.push(
      "",
      `${pass ? "PASS" : "FAIL"} receipts (default) ${fmt(def.throughput, 3)}× before-receipts throughput (target ≥ ${TARGET_RATIO}×, non-streaming); with per-receipt signatures ${fmt(signed.throughput, 3)}×`,
      `${late === 0 ? "PASS" : "FAIL"} every sampled receipt provable within ${MAX_MERGE_DELAY_MS} ms under load${late === 0 ? "" : ` (${late} late)`}`,
      `(steadier: CPU per request ${fmt(def.cpuPerReq, 3)}× before-receipts, main thread ${fmt(def.mainCpuPerReq, 3)}×; signed ${fmt(signed.cpuPerReq, 3)}× and ${fmt(signed.mainCpuPerReq, 3)}×)`,
    );
  }
  return out.join("\n");
}

// ---- main -------------------------------------------------------------------------------------

async function main(): Promise<number> {
  const opts = options();
  const base = baseline(opts);
  if (opts.cpuProf !== null) mkdirSync(opts.cpuProf, { recursive: true });
  const mock = await startNode("mock upstream", [MOCK], { healthPath: "/healthz" });
  const direct: Target = { name: "direct", url: mock.url, pid: mock.pid, headers: {} };
  const plainEnv = { ...process.env };
  delete plainEnv.OVERT_SIGN_RECEIPTS;
  const variants = [
    await startVariant("before", base.label, mock.url, base.cli, plainEnv, opts),
    await startVariant("receipts", "this build", mock.url, undefined, plainEnv, opts),
    await startVariant(
      "signed",
      "this build, OVERT_SIGN_RECEIPTS=1",
      mock.url,
      undefined,
      { ...plainEnv, OVERT_SIGN_RECEIPTS: "1" },
      opts,
    ),
  ];
  if (opts.compare !== null) {
    const cli = join(opts.compare, "dist/src/cli/main.js");
    if (!existsSync(cli)) throw new UsageError(`${opts.compare} has no dist/src/cli/main.js`);
    variants.push(await startVariant("compare", opts.compare, mock.url, cli, plainEnv, opts));
  }
  for (const v of variants) await smoke(v);
  const load0 = loadavg();
  const results = await measure(variants, direct, opts);
  await stopAll();
  const sequencer: SequencerResult[] = [];
  if (opts.entries > 0) {
    for (const batch of [500, 2500, 5000]) {
      progress(`[sequencer] ${opts.entries} entries, ${batch} per run`);
      sequencer.push(await sequencerCost(batch, opts.entries));
    }
  }
  const ratios = ratiosOf(results);
  const machine = {
    cpus: availableParallelism(),
    node: process.version,
    loadavgBefore: load0,
    loadavgAfter: loadavg(),
  };
  if (opts.json) {
    process.stdout.write(
      JSON.stringify({ config: opts, baseline: base, machine, results, ratios, sequencer }, null, 2) + "\n",
    );
  } else {
    const note =
      `${machine.cpus} CPUs, node ${machine.node}, load ${load0.map((l) => l.toFixed(2)).join(" ")} before the runs; ` +
      `${opts.rounds} interleaved rounds of ${opts.duration}s non-streaming (${opts.connections} connections), ` +
      `${opts.duration / 2}s streaming (${Math.max(1, Math.round(opts.connections / 2))}) and ${opts.duration / 2}s at 1 in flight per relay`;
    process.stdout.write(render(results, ratios, sequencer, note, opts) + "\n");
  }
  return 0;
}

process.on("exit", killAllNow);
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    progress(`${signal}: stopping child processes`);
    void stopAll(1_000).finally(() => process.exit(130));
  });
}
main().then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    const plain = err instanceof UsageError || !(err instanceof Error);
    progress(plain ? String(err instanceof Error ? err.message : err) : (err.stack ?? err.message));
    void stopAll(1_000).finally(() => process.exit(1));
  },
);
