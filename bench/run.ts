// `npm run bench`: starts a loopback mock upstream, a bare undici forwarder and Overt (each its own process),
// drives the same load at each with autocannon and prints absolute figures, ratios to the bare forwarder
// and a verdict against the targets. See docs/BENCHMARK.md.
import { availableParallelism, loadavg } from "node:os";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { COMMON_OPTIONS, exitOnHelp, numberOption, progress, runMain, UsageError } from "./cli.js";
import { latency, smoke, type Target, type TargetName, throughput, ttfb } from "./load.js";
import { startOvert } from "./overt.js";
import { memoryKiB, startNode, stopAll } from "./procs.js";
import { ratios, render, type TargetResult, verdict } from "./report.js";

const MOCK = fileURLToPath(new URL("./mock-upstream.js", import.meta.url));
const BARE = fileURLToPath(new URL("./bare-forwarder.js", import.meta.url));
const NAMES: readonly TargetName[] = ["direct", "bare", "overt"];

interface Options {
  duration: number;
  connections: number;
  warmup: number;
  json: boolean;
  only: TargetName | null;
}

const USAGE = `usage: npm run bench -- [--duration S] [--connections N] [--warmup S] [--only direct|bare|overt] [--json]
  --duration S     seconds of each non-streaming throughput run (default 10; the other runs take S/2)
  --connections N  concurrency of the non-streaming throughput run (default 32; streaming uses N/2)
  --warmup S       seconds of unmeasured load per target first (default 2)
  --only T         measure one target (the mock upstream always runs)
  --json           print one JSON document on stdout instead of the table`;

function options(): Options {
  const { values } = parseArgs({
    options: {
      duration: { type: "string", default: "10" },
      connections: { type: "string", default: "32" },
      warmup: { type: "string", default: "2" },
      only: { type: "string" },
      ...COMMON_OPTIONS,
    },
  });
  exitOnHelp(values.help, USAGE);
  const num = numberOption(USAGE);
  const only = values.only ?? null;
  if (only !== null && !NAMES.includes(only as TargetName))
    throw new UsageError(`--only must be one of ${NAMES.join(", ")}`);
  return {
    duration: num("duration", values.duration, 1),
    connections: Math.round(num("connections", values.connections, 1)),
    warmup: num("warmup", values.warmup, 0),
    json: values.json,
    only: only as TargetName | null,
  };
}

async function startTargets(opts: Options): Promise<{ targets: Target[]; overtError: string | null }> {
  const wanted = (name: TargetName): boolean => opts.only === null || opts.only === name;
  const mock = await startNode("mock upstream", [MOCK], { healthPath: "/healthz" });
  let overtError: string | null = null;
  let headers: Record<string, string> = { authorization: "Bearer bench-no-key" };
  let overtTarget: Target | null = null;
  if (wanted("overt")) {
    try {
      const overt = await startOvert(mock.url);
      headers = { authorization: `Bearer ${overt.key}` };
      overtTarget = { name: "overt", url: overt.proc.url, pid: overt.proc.pid, headers };
    } catch (err) {
      overtError = `Overt did not start: ${err instanceof Error ? err.message : String(err)}`;
      if (opts.only === "overt") throw new Error(overtError);
      progress(overtError);
    }
  }
  // Every target receives the same bytes, the Authorization header included.
  const targets: Target[] = [];
  if (wanted("direct")) targets.push({ name: "direct", url: mock.url, pid: mock.pid, headers });
  if (wanted("bare")) {
    const bare = await startNode("bare forwarder", [BARE, mock.url], { healthPath: "/healthz" });
    targets.push({ name: "bare", url: bare.url, pid: bare.pid, headers });
  }
  if (overtTarget) targets.push(overtTarget);
  for (const target of [...targets]) {
    try {
      await smoke(target);
    } catch (err) {
      if (target.name !== "overt" || opts.only === "overt") throw err;
      overtError = `Overt answered wrongly: ${err instanceof Error ? err.message : String(err)}`;
      progress(overtError);
      targets.splice(targets.indexOf(target), 1);
    }
  }
  return { targets, overtError };
}

async function measure(targets: Target[], opts: Options): Promise<TargetResult[]> {
  const half = opts.duration / 2;
  const streamConnections = Math.max(1, Math.round(opts.connections / 2));
  if (opts.warmup > 0) {
    for (const t of targets) {
      progress(`[${t.name}] warm-up ${opts.warmup}s`);
      await throughput(t, { connections: opts.connections, seconds: opts.warmup, stream: false });
      await throughput(t, { connections: streamConnections, seconds: opts.warmup / 2, stream: true });
    }
  }
  // Phases are interleaved across targets so slow drift on a noisy machine hits all of them alike.
  const plain = new Map<TargetName, TargetResult["plain"]>();
  const lat = new Map<TargetName, TargetResult["latency"]>();
  const first = new Map<TargetName, TargetResult["ttfb"]>();
  const stream = new Map<TargetName, TargetResult["stream"]>();
  for (const t of targets) {
    progress(`[${t.name}] non-streaming, ${opts.connections} connections, ${opts.duration}s`);
    plain.set(
      t.name,
      await throughput(t, { connections: opts.connections, seconds: opts.duration, stream: false }),
    );
  }
  for (const t of targets) {
    progress(`[${t.name}] non-streaming, 1 in flight, ${half}s`);
    lat.set(t.name, await latency(t, { seconds: half }));
  }
  for (const t of targets) {
    progress(`[${t.name}] streaming time to first byte, 1 in flight, ${half}s`);
    first.set(t.name, await ttfb(t, { seconds: half }));
  }
  for (const t of targets) {
    progress(`[${t.name}] streaming, ${streamConnections} connections, ${half}s`);
    stream.set(t.name, await throughput(t, { connections: streamConnections, seconds: half, stream: true }));
  }
  return targets.map((t) => {
    const memory = memoryKiB(t.pid);
    return {
      name: t.name,
      plain: plain.get(t.name)!,
      latency: lat.get(t.name)!,
      ttfb: first.get(t.name)!,
      stream: stream.get(t.name)!,
      rssKiB: memory.rss,
      peakRssKiB: memory.peak,
    };
  });
}

async function main(): Promise<number> {
  const opts = options();
  const { targets, overtError } = await startTargets(opts);
  const results = await measure(targets, opts);
  await stopAll();
  const r = ratios(results);
  const v = verdict(results, r, overtError);
  const machine = { cpus: availableParallelism(), node: process.version, loadavg: loadavg() };
  if (opts.json) {
    const config = { ...opts, streamConnections: Math.max(1, Math.round(opts.connections / 2)) };
    process.stdout.write(JSON.stringify({ config, machine, results, ratios: r, verdict: v }, null, 2) + "\n");
  } else {
    const note =
      `${machine.cpus} CPUs, node ${machine.node}, load ${machine.loadavg.map((l) => l.toFixed(2)).join(" ")}; ` +
      `autocannon@8 in this process; times in ms; one run, so compare ratios, not absolutes`;
    process.stdout.write(render(results, r, v, note) + "\n");
  }
  return overtError !== null && opts.only === null ? 1 : 0;
}

runMain(main);
