/**
 * Runs the compiled `overt` CLI as a child process, the way an operator does:
 * its own cwd (a temp dir), an explicit environment (PATH and HOME only, plus
 * what the test adds), stdout/stderr captured. Nothing here reads ./data,
 * ./overt.yaml or the caller's *_API_KEY variables.
 */
import { type ChildProcessWithoutNullStreams, execFile, spawn } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/** dist/test/helpers/cli.js → dist/src/cli/main.js */
export const CLI = resolve(dirname(fileURLToPath(import.meta.url)), "../../src/cli/main.js");

export interface Sandbox {
  /** An empty temp dir used as cwd and HOME. */
  dir: string;
  /** Where the relay keeps its state by default when cwd = dir: ./data. */
  dataDir: string;
  /** PATH and HOME (= dir) plus `extra`; never the caller's environment. */
  env(extra?: Record<string, string>): Record<string, string>;
  remove(): void;
}

export function sandbox(): Sandbox {
  const dir = mkdtempSync(join(tmpdir(), "overt-cli-"));
  return {
    dir,
    dataDir: join(dir, "data"),
    env: (extra = {}) => ({ PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: dir, ...extra }),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `overt <args>` to completion. */
export function runCli(args: string[], cwd: string, env: Record<string, string>): Promise<CliResult> {
  return new Promise((done) => {
    execFile(process.execPath, [CLI, ...args], { cwd, env, timeout: 20_000 }, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === "number" ? error.code : -1;
      done({ code, stdout, stderr });
    });
  });
}

/** Runs a shell command line (the banner's curl) and returns what it printed. */
export function runShell(command: string, cwd: string, env: Record<string, string>): Promise<CliResult> {
  return new Promise((done) => {
    execFile("sh", ["-c", command], { cwd, env, timeout: 20_000 }, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === "number" ? error.code : -1;
      done({ code, stdout, stderr });
    });
  });
}

export interface Banner {
  baseUrl: string;
  storage: string;
  upstreams: string;
  models: string[];
  setupToken: string | null;
  firstKey: string | null;
  /** The ready-to-paste curl command, exactly as printed. */
  curl: string | null;
}

export function parseBanner(text: string): Banner {
  const baseUrl = /^Overt listening on (http:\/\/\S+)$/m.exec(text)?.[1];
  if (baseUrl === undefined) throw new Error(`no "Overt listening on" line in:\n${text}`);
  const curl = /^curl [^\n]*\\\n(?: {2}[^\n]*\\\n)* {2}-d '[^\n]*'$/m.exec(text)?.[0] ?? null;
  return {
    baseUrl,
    storage: /^ {2}storage: +(.*)$/m.exec(text)?.[1] ?? "",
    upstreams: /^ {2}upstreams: +(.*)$/m.exec(text)?.[1] ?? "",
    models: (/^ {2}models: +(.*)$/m.exec(text)?.[1] ?? "").split(", ").filter((m) => m !== ""),
    setupToken: /^Admin setup token[^\n]*\n {2}(\S+)$/m.exec(text)?.[1] ?? null,
    firstKey: /^First virtual key[^\n]*\n {2}(\S+)$/m.exec(text)?.[1] ?? null,
    curl,
  };
}

export interface Server {
  child: ChildProcessWithoutNullStreams;
  banner: Banner;
  /** Everything printed so far. */
  stdout(): string;
  stderr(): string;
  /** Sends `signal` and resolves with the exit code once the process is gone. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/** `overt serve <args>`; resolves once the whole banner is printed (the stdout goes quiet after it). */
export function startServe(args: string[], cwd: string, env: Record<string, string>): Promise<Server> {
  const child = spawn(process.execPath, [CLI, "serve", ...args], { cwd, env });
  let out = "";
  let err = "";
  const exited = new Promise<number | null>((done) => child.once("exit", (code) => done(code)));
  child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
    out += chunk;
  });
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
    err += chunk;
  });
  const server: Omit<Server, "banner"> = {
    child,
    stdout: () => out,
    stderr: () => err,
    async stop(signal = "SIGTERM") {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
  return new Promise((ready, reject) => {
    const deadline = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`serve did not start within 15 s\nstdout:\n${out}\nstderr:\n${err}`));
    }, 15_000);
    let settle: NodeJS.Timeout | undefined;
    const check = () => {
      if (!/^ {2}models: .*\n/m.test(out)) return;
      // The banner is one write; give a split pipe read a moment to deliver the rest.
      clearTimeout(settle);
      settle = setTimeout(() => {
        clearTimeout(deadline);
        child.stdout.off("data", check);
        try {
          ready({ ...server, banner: parseBanner(out) });
        } catch (error) {
          reject(error);
        }
      }, 50);
    };
    child.stdout.on("data", check);
    child.once("exit", (code) => {
      clearTimeout(deadline);
      clearTimeout(settle);
      reject(new Error(`serve exited with ${code} before printing its banner\nstderr:\n${err}`));
    });
  });
}

/** The names of files under `dir` (recursively) whose bytes contain `needle`. */
export function filesContaining(dir: string, needle: string): string[] {
  const found: string[] = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) found.push(...filesContaining(path, needle));
    else if (readFileSync(path).includes(needle)) found.push(path);
  }
  return found;
}

export function authed(key: string): Record<string, string> {
  return { authorization: `Bearer ${key}`, "content-type": "application/json" };
}
