import { setTimeout as sleep } from "node:timers/promises";
import { progress } from "./cli.js";
import { type Latency, latency, percentile, type Target, type Throughput, throughput } from "./load.js";
import { memoryKiB } from "./procs.js";
import { type Options, SETTLE_MS } from "./receipts-options.js";
import { type Probe, probeDuring, type Variant, type VariantName } from "./receipts-relays.js";

// ---- measuring --------------------------------------------------------------------------------

export interface Pooled {
  ok: number;
  failed: number;
  seconds: number;
  cpuUs: number | null;
  mainCpuUs: number | null;
  loadgenCpu: number[];
  /** This variant's req/s in each round, for the spread of the ratios. */
  rounds: number[];
}

export function pool(runs: Throughput[]): Pooled {
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

export interface VariantResult {
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

export async function logSize(v: Variant): Promise<number | null> {
  try {
    const res = await fetch(`${v.target.url}/log/checkpoint`);
    const text = await res.text();
    return res.status === 200 ? Number(text.split("\n")[1]) : null;
  } catch {
    return null;
  }
}

export function rotate<T>(items: readonly T[], by: number): T[] {
  const k = by % items.length;
  return [...items.slice(k), ...items.slice(0, k)];
}

export async function measure(variants: Variant[], direct: Target, opts: Options): Promise<VariantResult[]> {
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
