// Child processes for the benchmark: start, wait until ready, read CPU time and RSS from /proc, clean up.
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { createServer } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";

export interface Proc {
  name: string;
  pid: number;
  url: string;
  child: ChildProcess;
  /** The last lines the process wrote to stdout and stderr, shown when something goes wrong. */
  log: string[];
}

export interface StartOptions {
  env?: NodeJS.ProcessEnv;
  /** GET this path until it answers 200 before declaring the process ready. */
  healthPath?: string;
  timeoutMs?: number;
}

const READY = /listening on (https?:\/\/[\w.\-[\]:]+)/;
const LOG_LINES = 40;
const live = new Set<ChildProcess>();

function remember(log: string[], chunk: Buffer, onLine: (line: string) => void): void {
  for (const line of chunk.toString("utf8").split("\n")) {
    if (line.trim() === "") continue;
    log.push(line);
    if (log.length > LOG_LINES) log.shift();
    onLine(line);
  }
}

async function waitHealthy(url: string, deadline: number): Promise<void> {
  let last = "no answer";
  while (Date.now() < deadline) {
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(2_000) });
      await res.arrayBuffer();
      if (res.status === 200) return;
      last = `HTTP ${res.status}`;
    } catch (err) {
      last = err instanceof Error ? err.message : String(err);
    }
    await sleep(100);
  }
  throw new Error(`${url} not healthy: ${last}`);
}

/** Spawns `node <args>` and resolves once it prints `listening on URL` (and, if asked, is healthy). */
export async function startNode(name: string, args: string[], opts: StartOptions = {}): Promise<Proc> {
  const child = spawn(process.execPath, args, {
    env: opts.env ?? process.env,
    stdio: ["pipe", "pipe", "pipe"],
  });
  live.add(child);
  child.once("exit", () => live.delete(child));
  const log: string[] = [];
  const deadline = Date.now() + (opts.timeoutMs ?? 30_000);
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`${name}: not listening after ${opts.timeoutMs ?? 30_000} ms`)),
      deadline - Date.now(),
    );
    const onLine = (line: string): void => {
      const match = READY.exec(line);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!.replace(/\/$/, ""));
      }
    };
    child.stdout?.on("data", (chunk: Buffer) => remember(log, chunk, onLine));
    child.stderr?.on("data", (chunk: Buffer) => remember(log, chunk, () => {}));
    child.once("error", (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.once("exit", (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`${name} exited (${signal ?? code}) before listening:\n  ${log.join("\n  ")}`));
    });
  });
  if (opts.healthPath !== undefined) await waitHealthy(url + opts.healthPath, deadline);
  if (child.pid === undefined) throw new Error(`${name}: no pid`);
  return { name, pid: child.pid, url, child, log };
}

/** Runs `node <args>` to completion and returns its stdout; throws with its output on a non-zero exit. */
export function runNode(args: string[], env?: NodeJS.ProcessEnv): string {
  try {
    return execFileSync(process.execPath, args, {
      env: env ?? process.env,
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
      timeout: 60_000,
    });
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string; message: string };
    throw new Error(`node ${args.join(" ")} failed: ${e.message}\n${e.stdout ?? ""}${e.stderr ?? ""}`.trim());
  }
}

/** Stops every child still running: SIGTERM, then SIGKILL after a grace period. */
export async function stopAll(graceMs = 3_000): Promise<void> {
  const children = [...live];
  const exited = children.map(
    (child) =>
      new Promise<void>((resolve) =>
        child.exitCode !== null ? resolve() : child.once("exit", () => resolve()),
      ),
  );
  for (const child of children) child.kill("SIGTERM");
  const timer = setTimeout(() => {
    for (const child of children)
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  }, graceMs);
  await Promise.all(exited);
  clearTimeout(timer);
}

/** Last resort from a synchronous 'exit' handler. */
export function killAllNow(): void {
  for (const child of live) child.kill("SIGKILL");
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = address !== null && typeof address === "object" ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

let ticksPerSecond: number | undefined;
function clockTicks(): number {
  if (ticksPerSecond === undefined) {
    try {
      ticksPerSecond = Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100;
    } catch {
      ticksPerSecond = 100;
    }
  }
  return ticksPerSecond;
}

/**
 * User + system CPU time of a process (all its threads), in µs, from /proc/<pid>/stat; null off Linux.
 * With `mainThread`, of its main thread only (/proc/<pid>/task/<pid>/stat): the event loop that serves requests.
 */
export function cpuMicros(pid: number, mainThread = false): number | null {
  try {
    const stat = readFileSync(mainThread ? `/proc/${pid}/task/${pid}/stat` : `/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    // After "pid (comm) ", field 3 (state) is index 0, so utime (14) is index 11 and stime (15) index 12.
    const ticks = Number(fields[11]) + Number(fields[12]);
    return (ticks * 1e6) / clockTicks();
  } catch {
    return null;
  }
}

/** Resident and peak resident set size in KiB from /proc/<pid>/status; nulls off Linux. */
export function memoryKiB(pid: number): { rss: number | null; peak: number | null } {
  try {
    const status = readFileSync(`/proc/${pid}/status`, "utf8");
    const field = (name: string): number | null => {
      const match = new RegExp(`^${name}:\\s+(\\d+) kB`, "m").exec(status);
      return match ? Number(match[1]) : null;
    };
    return { rss: field("VmRSS"), peak: field("VmHWM") };
  } catch {
    return { rss: null, peak: null };
  }
}
