// bench:guard part 3: the guard's share of the relay's per-request CPU (timed from /proc, and under the sampling profiler).
import { once } from "node:events";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Pool } from "undici";
import { knownSecretsDetector } from "../src/guard/known-secrets.js";
import { progress } from "./cli.js";
import { typicalRequest } from "./corpus-requests.js";
import { cpuTime, DESTINATION, MOCK, type Options, UPSTREAM_KEY } from "./guard-options.js";
import { guardStage, settingsFor } from "./guard-scan.js";
import { chatBody, PATH } from "./load.js";
import { startOvert } from "./overt.js";
import { cpuMicros, type Proc, startNode, stopAll } from "./procs.js";

// ---- 3. share of the relay's per-request CPU ----

export interface Variant {
  name: string;
  raw: string;
  /** Findings the guard must act on (checked on every response's overt-redactions header). */
  expectRedactions: boolean;
}

export interface RelayResult {
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

export interface CpuProfile {
  nodes: { id: number; callFrame: { functionName: string; url: string }; children?: number[] }[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

/** The guard's code: src/guard/* and the pipeline's guard stage (JSON.parse, structuredClone… they call count). */
export const GUARD_CODE = /\/src\/(?:guard\/[^/]+|pipeline\/guard-stage)\.js$/;

/** For each [from, to] window (µs, CLOCK_MONOTONIC): busy samples, and the share with a guard frame on the stack. */
export function guardShares(
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

export const monotonicUs = (): number => Number(process.hrtime.bigint() / 1000n);

export async function stopOne(proc: Proc): Promise<void> {
  if (proc.child.exitCode !== null) return;
  const exited = once(proc.child, "exit");
  proc.child.kill("SIGTERM");
  await exited;
}

export async function drive(
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

export async function relayRun(opts: Options): Promise<{ results: RelayResult[]; connections: number }> {
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
