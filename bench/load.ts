// Load phases run against one target: autocannon for throughput and one-in-flight latency (per-request
// hrtime from its 'response' events, not its 1 ms histogram), an undici client for streaming time to first byte.
import { setTimeout as sleep } from "node:timers/promises";
import autocannon from "autocannon";
import { Client } from "undici";
import { cpuMicros } from "./procs.js";

export const PATH = "/v1/chat/completions";
export type TargetName = "direct" | "bare" | "overt";

export interface Target {
  name: TargetName;
  /** Origin, e.g. http://127.0.0.1:41234 */
  url: string;
  pid: number;
  headers: Record<string, string>;
}

export interface Throughput {
  connections: number;
  seconds: number;
  ok: number;
  /** Non-2xx responses, connection errors and timeouts. */
  failed: number;
  rps: number;
  /** CPU time of the measured process per successful request. */
  cpuUsPerReq: number | null;
  /** The same for its main thread alone (without worker threads: SQLite writers, libuv's pool). */
  mainCpuUsPerReq: number | null;
  /** CPU the load generator (this process) used, as a share of one core. */
  loadgenCpu: number;
}

export interface Latency {
  n: number;
  failed: number;
  p50: number;
  p99: number;
  mean: number;
}

export interface Ttfb {
  n: number;
  failed: number;
  /** Request sent → first body byte, ms. */
  p50: number;
  p99: number;
  /** Request sent → end of stream, ms. */
  totalP50: number;
}

export function chatBody(stream: boolean): string {
  return JSON.stringify({
    model: "bench-model",
    messages: [
      { role: "system", content: "You are a terse assistant." },
      { role: "user", content: "Say something short about benchmarks." },
    ],
    max_tokens: 64,
    ...(stream ? { stream: true, stream_options: { include_usage: true } } : {}),
  });
}

function headersFor(target: Target): Record<string, string> {
  return { "content-type": "application/json", ...target.headers };
}

export function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * sorted.length) - 1;
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank))]!;
}

/**
 * Closed-loop load at `connections` for `seconds`, with the target's CPU time read before and after.
 * `settleMs`: wait this long after the load before the second CPU reading, so work the target batches off
 * the request path (usage rows, log sequencing) is charged to the requests that caused it.
 */
export async function throughput(
  target: Target,
  opts: { connections: number; seconds: number; stream: boolean; settleMs?: number },
): Promise<Throughput> {
  const cpu0 = cpuMicros(target.pid);
  const main0 = cpuMicros(target.pid, true);
  const load0 = process.cpuUsage();
  const wall0 = performance.now();
  const result = await autocannon({
    url: target.url + PATH,
    method: "POST",
    headers: headersFor(target),
    body: chatBody(opts.stream),
    connections: opts.connections,
    duration: opts.seconds,
    timeout: 10,
  });
  const wallUs = (performance.now() - wall0) * 1000;
  const load = process.cpuUsage(load0);
  if (opts.settleMs !== undefined) await sleep(opts.settleMs);
  const cpu1 = cpuMicros(target.pid);
  const main1 = cpuMicros(target.pid, true);
  const ok = result["2xx"];
  const seconds = result.duration || wallUs / 1e6;
  return {
    connections: opts.connections,
    seconds,
    ok,
    failed: result.non2xx + result.errors + result.timeouts,
    rps: ok / seconds,
    cpuUsPerReq: cpu0 === null || cpu1 === null || ok === 0 ? null : (cpu1 - cpu0) / ok,
    mainCpuUsPerReq: main0 === null || main1 === null || ok === 0 ? null : (main1 - main0) / ok,
    loadgenCpu: (load.user + load.system) / wallUs,
  };
}

/**
 * One request in flight at a time; every 2xx response time is kept so percentiles are exact
 * (and appended to `opts.times` when given, to pool several runs).
 */
export async function latency(target: Target, opts: { seconds: number; times?: number[] }): Promise<Latency> {
  const times: number[] = [];
  let failed = 0;
  const run = autocannon({
    url: target.url + PATH,
    method: "POST",
    headers: headersFor(target),
    body: chatBody(false),
    connections: 1,
    duration: opts.seconds,
    timeout: 10,
  });
  run.on("response", (_client, status, _bytes, ms) => {
    if (status >= 200 && status < 300) times.push(ms);
    else failed++;
  });
  const result = await run;
  failed += result.errors + result.timeouts;
  opts.times?.push(...times);
  const sorted = Float64Array.from(times).sort();
  const mean = times.reduce((a, b) => a + b, 0) / Math.max(1, times.length);
  return { n: sorted.length, failed, p50: percentile(sorted, 50), p99: percentile(sorted, 99), mean };
}

/** Streaming requests one at a time over one keep-alive connection: time to first body byte and to the end. */
export async function ttfb(target: Target, opts: { seconds: number; warmup?: number }): Promise<Ttfb> {
  const client = new Client(target.url, { pipelining: 1, keepAliveTimeout: 60_000 });
  const body = chatBody(true);
  const headers = headersFor(target);
  const first: number[] = [];
  const total: number[] = [];
  let failed = 0;
  let warm = opts.warmup ?? 20;
  const deadline = performance.now() + opts.seconds * 1000;
  try {
    while (performance.now() < deadline) {
      const t0 = performance.now();
      const res = await client.request({ path: PATH, method: "POST", headers, body });
      let t1 = 0;
      let tail = "";
      for await (const chunk of res.body) {
        if (t1 === 0) t1 = performance.now();
        tail = (tail + (chunk as Buffer).toString("latin1")).slice(-64);
      }
      const t2 = performance.now();
      if (res.statusCode !== 200 || !tail.includes("[DONE]")) failed++;
      else if (warm > 0) warm--;
      else {
        first.push(t1 - t0);
        total.push(t2 - t0);
      }
    }
  } finally {
    await client.close();
  }
  const sortedFirst = Float64Array.from(first).sort();
  const sortedTotal = Float64Array.from(total).sort();
  return {
    n: first.length,
    failed,
    p50: percentile(sortedFirst, 50),
    p99: percentile(sortedFirst, 99),
    totalP50: percentile(sortedTotal, 50),
  };
}

/** One request of each kind, checked for shape, so a broken target fails loudly instead of benchmarking errors. */
export async function smoke(target: Target): Promise<void> {
  for (const stream of [false, true]) {
    const res = await fetch(target.url + PATH, {
      method: "POST",
      headers: headersFor(target),
      body: chatBody(stream),
    });
    const text = await res.text();
    const ok = stream
      ? text.includes('"choices":[]') && text.includes("data: [DONE]")
      : text.includes('"usage"');
    if (res.status !== 200 || !ok) {
      throw new Error(
        `${target.name}: ${stream ? "streaming" : "plain"} request got ${res.status}: ${text.slice(0, 400)}`,
      );
    }
  }
}
