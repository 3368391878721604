// What the benchmark commands (run.ts, receipts.ts, guard.ts) share as command-line programs: usage errors,
// number options, progress on stderr, and a main that always stops the child processes it started.
import { killAllNow, stopAll } from "./procs.js";

/** A mistake on the command line: printed without a stack. */
export class UsageError extends Error {}

export const progress = (line: string): void => void process.stderr.write(line + "\n");

/** The options every benchmark command has: `--json` output and `--help`. */
export const COMMON_OPTIONS = {
  json: { type: "boolean", default: false },
  help: { type: "boolean", short: "h", default: false },
} as const;

/** Prints `usage` and exits when `--help` was given. */
export function exitOnHelp(help: boolean | undefined, usage: string): void {
  if (!help) return;
  process.stdout.write(usage + "\n");
  process.exit(0);
}

/** Parses `--name` as a number ≥ min, or throws a UsageError that shows `usage`. */
export function numberOption(usage: string): (name: string, text: string, min: number) => number {
  return (name, text, min) => {
    const value = Number(text);
    if (!Number.isFinite(value) || value < min)
      throw new UsageError(`--${name} must be a number ≥ ${min}\n${usage}`);
    return value;
  };
}

/** Runs `main` (its result is the exit code); children are stopped on exit, on a signal and on failure. */
export function runMain(main: () => Promise<number>): void {
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
}
