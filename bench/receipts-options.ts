// Shared by the bench:receipts modules: options, constants and progress output (see receipts.ts).
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { COMMON_OPTIONS, exitOnHelp, numberOption } from "./cli.js";

export const ROOT = fileURLToPath(new URL("../../", import.meta.url));
export const MOCK = fileURLToPath(new URL("./mock-upstream.js", import.meta.url));
export const DEFAULT_REF = "d3e7716^";
/** Issue 5's quality bar: throughput with receipts and the log on (default mode) ≥ 0.85× without. */
export const TARGET_RATIO = 0.85;
/** The published maximum merge delay (LogService.MAX_MERGE_DELAY_SECONDS). */
export const MAX_MERGE_DELAY_MS = 1_000;
/** Wait after each throughput run before reading the relay's CPU, so batched work is charged to it. */
export const SETTLE_MS = 1_500;

export const USAGE = `usage: npm run bench:receipts -- [--baseline DIR | --ref REF] [--duration S] [--rounds N]
                                     [--connections N] [--warmup S] [--samples N] [--entries N]
                                     [--compare DIR] [--cpu-prof DIR] [--json]
  --baseline DIR   the relay without receipts: a source tree (built here if it has no dist/) or a build
  --ref REF        else build it from this git ref (default ${DEFAULT_REF}; cached in the temp directory)
  --compare DIR    also measure this build (a tree with dist/) in default mode, e.g. before an optimisation
  --duration S     seconds of each non-streaming throughput run (default 6; streaming and latency take S/2)
  --rounds N       interleaved rounds; the verdict is the median of the per-round ratios (default 5)
  --connections N  concurrency of the non-streaming runs (default 32; streaming uses N/2)
  --warmup S       seconds of unmeasured load per relay first (default 3)
  --samples N      receipts probed for integration per throughput run of each relay with receipts (default 6)
  --entries N      log entries per batch size in the in-process sequencer measurement (default 50000; 0: skip)
  --cpu-prof DIR   run the relays under node --cpu-prof, profiles written to DIR
  --json           print one JSON document on stdout instead of the tables`;

export interface Options {
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

export function options(): Options {
  const { values } = parseArgs({
    options: {
      baseline: { type: "string" },
      compare: { type: "string" },
      ref: { type: "string", default: DEFAULT_REF },
      duration: { type: "string", default: "6" },
      rounds: { type: "string", default: "5" },
      connections: { type: "string", default: "32" },
      warmup: { type: "string", default: "3" },
      samples: { type: "string", default: "6" },
      entries: { type: "string", default: "50000" },
      "cpu-prof": { type: "string" },
      ...COMMON_OPTIONS,
    },
  });
  exitOnHelp(values.help, USAGE);
  const num = numberOption(USAGE);
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
