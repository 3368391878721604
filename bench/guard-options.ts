import { cpuUsage } from "node:process";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { COMMON_OPTIONS, exitOnHelp, numberOption } from "./cli.js";

export const MOCK = fileURLToPath(new URL("./mock-upstream.js", import.meta.url));
export const MB = 1 << 20;
export const TARGET_MB_S = 50;
export const BUDGET_MS_PER_MB = 200;
/** Abroad for the default tenant (no home jurisdiction): the protective defaults pseudonymize secrets and PII. */
export const DESTINATION = "US";
export const UPSTREAM_KEY = "sk-bench-upstream-0123456789abcdef0123456789abcdef";

export const USAGE = `usage: npm run bench:guard -- [--seconds S] [--size MB] [--requests N] [--skip-relay] [--json]
  --seconds S    CPU seconds per throughput measurement (default 1)
  --size MB      size of each generated corpus (default 1; the mixed one is twice that)
  --requests N   requests per relay variant and pass (default 3000, after as many unmeasured)
  --skip-relay   do not start Overt (no per-request share)
  --json         print one JSON document on stdout instead of the tables`;

export interface Options {
  seconds: number;
  size: number;
  requests: number;
  relay: boolean;
  json: boolean;
}

export function options(): Options {
  const { values } = parseArgs({
    options: {
      seconds: { type: "string", default: "1" },
      size: { type: "string", default: "1" },
      requests: { type: "string", default: "3000" },
      "skip-relay": { type: "boolean", default: false },
      ...COMMON_OPTIONS,
    },
  });
  exitOnHelp(values.help, USAGE);
  const num = numberOption(USAGE);
  return {
    seconds: num("seconds", values.seconds, 0.05),
    size: num("size", values.size, 0.05),
    requests: Math.round(num("requests", values.requests, 10)),
    relay: !values["skip-relay"],
    json: values.json,
  };
}

/** CPU µs (user + system, this process) of `fn`, repeated until `seconds` of CPU and `min` calls, after a warm-up. */
export function cpuTime(fn: () => void, seconds: number, min = 3): { calls: number; cpuUs: number } {
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

export function elapsed(since: NodeJS.CpuUsage): number {
  const used = cpuUsage(since);
  return used.user + used.system;
}
