// Turns the measurements into ratios against the bare forwarder, a verdict against the targets, and a table.
import type { Latency, TargetName, Throughput, Ttfb } from "./load.js";

export const TARGET_THROUGHPUT_RATIO = 0.5;
export const TARGET_ADDED_P50_MS = 1;

export interface TargetResult {
  name: TargetName;
  plain: Throughput;
  stream: Throughput;
  latency: Latency;
  ttfb: Ttfb;
  rssKiB: number | null;
  peakRssKiB: number | null;
}

export interface Ratios {
  /** Overt ÷ bare. */
  throughput: number;
  streamThroughput: number;
  cpuPerReq: number | null;
  streamCpuPerReq: number | null;
  rss: number | null;
  /** Overt − bare and Overt − direct, ms. */
  addedP50VsBare: number;
  addedP99VsBare: number;
  addedP50VsDirect: number | null;
  addedP99VsDirect: number | null;
  addedTtfbVsBare: number;
  addedTtfbVsDirect: number | null;
  /** What the bare forwarder itself adds over direct, for scale. */
  bareP50VsDirect: number | null;
}

export interface Verdict {
  status: "PASS" | "FAIL" | "UNKNOWN";
  lines: string[];
}

const ratio = (a: number | null, b: number | null): number | null =>
  a === null || b === null || b === 0 ? null : a / b;

export function ratios(results: TargetResult[]): Ratios | null {
  const overt = results.find((r) => r.name === "overt");
  const bare = results.find((r) => r.name === "bare");
  const direct = results.find((r) => r.name === "direct");
  if (!overt || !bare) return null;
  const minus = (a: number, b: number | undefined): number | null => (b === undefined ? null : a - b);
  return {
    throughput: overt.plain.rps / bare.plain.rps,
    streamThroughput: overt.stream.rps / bare.stream.rps,
    cpuPerReq: ratio(overt.plain.cpuUsPerReq, bare.plain.cpuUsPerReq),
    streamCpuPerReq: ratio(overt.stream.cpuUsPerReq, bare.stream.cpuUsPerReq),
    rss: ratio(overt.rssKiB, bare.rssKiB),
    addedP50VsBare: overt.latency.p50 - bare.latency.p50,
    addedP99VsBare: overt.latency.p99 - bare.latency.p99,
    addedP50VsDirect: minus(overt.latency.p50, direct?.latency.p50),
    addedP99VsDirect: minus(overt.latency.p99, direct?.latency.p99),
    addedTtfbVsBare: overt.ttfb.p50 - bare.ttfb.p50,
    addedTtfbVsDirect: minus(overt.ttfb.p50, direct?.ttfb.p50),
    bareP50VsDirect: minus(bare.latency.p50, direct?.latency.p50),
  };
}

export function verdict(results: TargetResult[], r: Ratios | null, overtError: string | null): Verdict {
  if (r === null) {
    return {
      status: "UNKNOWN",
      lines: [overtError ?? "needs both the bare forwarder and Overt (no --only)"],
    };
  }
  const overt = results.find((x) => x.name === "overt")!;
  const failures = overt.plain.failed + overt.stream.failed + overt.latency.failed + overt.ttfb.failed;
  const tp = r.throughput >= TARGET_THROUGHPUT_RATIO;
  const lat = r.addedP50VsBare <= TARGET_ADDED_P50_MS;
  const lines = [
    `${tp ? "PASS" : "FAIL"} throughput ${fmt(r.throughput, 2)}× bare (target ≥ ${TARGET_THROUGHPUT_RATIO}×, non-streaming)`,
    `${lat ? "PASS" : "FAIL"} added p50 ${fmt(r.addedP50VsBare, 3)} ms vs bare at 1 in flight (target ≤ ${TARGET_ADDED_P50_MS} ms)`,
  ];
  if (failures > 0) lines.push(`FAIL Overt answered ${failures} requests with errors`);
  return { status: tp && lat && failures === 0 ? "PASS" : "FAIL", lines };
}

function fmt(value: number | null, digits: number): string {
  return value === null || Number.isNaN(value) ? "-" : value.toFixed(digits);
}

function signed(value: number | null, digits: number): string {
  return value === null || Number.isNaN(value) ? "-" : (value >= 0 ? "+" : "") + value.toFixed(digits);
}

function mib(kib: number | null): string {
  return kib === null ? "-" : (kib / 1024).toFixed(1);
}

function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[]): string =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join("  ");
  return [line(header), widths.map((w) => "-".repeat(w)).join("  "), ...rows.map(line)].join("\n");
}

export function render(results: TargetResult[], r: Ratios | null, v: Verdict, note: string): string {
  const out: string[] = [note, ""];
  out.push(
    table(
      [
        "target",
        "req/s",
        "CPU µs/req",
        "p50 ms",
        "p99 ms",
        "stream req/s",
        "stream µs/req",
        "TTFB p50",
        "TTFB p99",
        "RSS MiB",
        "peak MiB",
        "errors",
      ],
      results.map((t) => [
        t.name,
        fmt(t.plain.rps, 0),
        fmt(t.plain.cpuUsPerReq, 0),
        fmt(t.latency.p50, 3),
        fmt(t.latency.p99, 3),
        fmt(t.stream.rps, 0),
        fmt(t.stream.cpuUsPerReq, 0),
        fmt(t.ttfb.p50, 3),
        fmt(t.ttfb.p99, 3),
        mib(t.rssKiB),
        mib(t.peakRssKiB),
        String(t.plain.failed + t.stream.failed + t.latency.failed + t.ttfb.failed),
      ]),
    ),
  );
  out.push(
    "",
    `load generator CPU (share of one core) during non-streaming runs: ${results.map((t) => `${t.name} ${fmt(t.plain.loadgenCpu, 2)}`).join(", ")}`,
  );
  if (r !== null) {
    out.push(
      "",
      "Overt relative to the bare forwarder:",
      table(
        ["measure", "value"],
        [
          ["throughput, non-streaming (× bare)", fmt(r.throughput, 2)],
          ["throughput, streaming (× bare)", fmt(r.streamThroughput, 2)],
          ["CPU µs/request, non-streaming (× bare)", fmt(r.cpuPerReq, 2)],
          ["CPU µs/request, streaming (× bare)", fmt(r.streamCpuPerReq, 2)],
          ["RSS after run (× bare)", fmt(r.rss, 2)],
          ["added p50 at 1 in flight, vs bare (ms)", signed(r.addedP50VsBare, 3)],
          ["added p99 at 1 in flight, vs bare (ms)", signed(r.addedP99VsBare, 3)],
          ["added p50 at 1 in flight, vs direct (ms)", signed(r.addedP50VsDirect, 3)],
          ["added p99 at 1 in flight, vs direct (ms)", signed(r.addedP99VsDirect, 3)],
          ["added stream TTFB p50, vs bare (ms)", signed(r.addedTtfbVsBare, 3)],
          ["added stream TTFB p50, vs direct (ms)", signed(r.addedTtfbVsDirect, 3)],
          ["(bare forwarder's own p50 over direct, ms)", signed(r.bareP50VsDirect, 3)],
        ],
      ),
    );
  }
  out.push("", `${v.status}`, ...v.lines.map((l) => `  ${l}`));
  return out.join("\n");
}
