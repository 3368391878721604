import { BUDGET_MS_PER_MB, type Options } from "./guard-options.js";
import type { RelayResult } from "./guard-relay.js";
import type { AdversarialResult, BodyResult, CorpusResult } from "./guard-scan.js";

// ---- report ----

export function table(head: string[], rows: string[][], numeric: boolean[]): string {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (numeric[i] ? c.padStart(widths[i]!) : c.padEnd(widths[i]!)))
      .join("  ")
      .trimEnd();
  return [line(head), line(widths.map((w) => "-".repeat(w))), ...rows.map(line)].join("\n");
}

export const f = (n: number, digits = 1): string => n.toFixed(digits);

export interface Report {
  config: Options & { destination: string };
  machine: { cpus: number; node: string; loadavg: number[] };
  detectors: CorpusResult[];
  headline: { corpus: string; mbPerS: number; target: number; met: boolean };
  adversarial: AdversarialResult[];
  bodies: BodyResult[];
  relay: { connections: number; results: RelayResult[] } | null;
}

export function render(r: Report): string {
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
