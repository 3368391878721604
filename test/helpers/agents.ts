/**
 * Helpers for running the real coding agents from npm (Claude Code, Codex CLI,
 * Gemini CLI) non-interactively against a relay on 127.0.0.1:
 *
 * - `findAgent` locates an agent installed as a devDependency under node_modules
 *   (or says why it cannot, so the test skips with that reason);
 * - `createAgentSandbox` makes a throw-away HOME and working directory, an `example`
 *   command on PATH (the simulators call the first tool with the argument "example",
 *   so a shell tool runs this command and its output is a marker the test can find),
 *   and an egress trap: HTTP(S)_PROXY points at a loopback server that refuses and
 *   records every proxied connection, so a stray call to the internet fails fast
 *   and shows up in `egress`;
 * - `startAgentRelay` is startTestRelay with a record of every request the relay
 *   answered (method, path, status, and the body of any error);
 * - `runAgent` runs the agent with a bounded time and collects its output.
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { createRelay } from "../../src/main.js";
import { createLogger } from "../../src/observability/logger.js";
import { type TestRelay, type TestRelayOptions, testConfig, usageRecords } from "./relay.js";

/** The repository root: the nearest directory above this file with the project's package.json. */
export function repoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const manifest = join(dir, "package.json");
    if (existsSync(manifest)) {
      try {
        if ((JSON.parse(readFileSync(manifest, "utf8")) as { name?: string }).name === "overt") return dir;
      } catch {
        // keep walking up
      }
    }
    const parent = dirname(dir);
    if (parent === dir) throw new Error("repository root not found above " + fileURLToPath(import.meta.url));
    dir = parent;
  }
}

export type AgentName = "claude-code" | "codex" | "gemini-cli";

export interface AgentBinary {
  name: AgentName;
  /** The npm package and its installed version, e.g. "@openai/codex@0.171.0". */
  package: string;
  command: string;
  /** Arguments that come before the agent's own (e.g. the script for `node`). */
  prefix: string[];
}

const PACKAGES: Record<AgentName, string> = {
  "claude-code": "@anthropic-ai/claude-code",
  codex: "@openai/codex",
  "gemini-cli": "@google/gemini-cli",
};

function isMusl(): boolean {
  if (process.platform !== "linux") return false;
  const report = process.report?.getReport() as { header?: { glibcVersionRuntime?: string } } | undefined;
  return report !== undefined && report.header?.glibcVersionRuntime === undefined;
}

function isBinary(path: string): boolean {
  // Claude Code's bin/claude.exe is a 500-byte shell stub until its postinstall copies the native binary.
  return existsSync(path) && statSync(path).size > 1024 * 1024;
}

/**
 * The installed agent, or a sentence saying why it is not usable here (the test
 * skips with it). Nothing is downloaded: the agents are devDependencies.
 */
export function findAgent(name: AgentName): AgentBinary | string {
  const root = repoRoot();
  const pkg = PACKAGES[name];
  const dir = join(root, "node_modules", ...pkg.split("/"));
  const manifest = join(dir, "package.json");
  if (!existsSync(manifest)) {
    return `${pkg} is not installed (npm install --save-dev --save-exact ${pkg}@<version>)`;
  }
  const version = (JSON.parse(readFileSync(manifest, "utf8")) as { version: string }).version;
  const label = `${pkg}@${version}`;
  const platform = `${process.platform}-${process.arch}`;
  switch (name) {
    case "claude-code": {
      const exe = process.platform === "win32" ? "claude.exe" : "claude";
      const key = platform + (isMusl() ? "-musl" : "");
      const native = join(root, "node_modules", "@anthropic-ai", `claude-code-${key}`, exe);
      if (isBinary(native)) return { name, package: label, command: native, prefix: [] };
      const placed = join(dir, "bin", "claude.exe");
      if (isBinary(placed)) return { name, package: label, command: placed, prefix: [] };
      return `${label} has no native binary for ${key} (optional dependency @anthropic-ai/claude-code-${key} missing)`;
    }
    case "codex": {
      const native = join(root, "node_modules", "@openai", `codex-${platform}`);
      if (!existsSync(native))
        return `${label} has no native binary for ${platform} (@openai/codex-${platform})`;
      return { name, package: label, command: process.execPath, prefix: [join(dir, "bin", "codex.js")] };
    }
    case "gemini-cli": {
      const bundle = join(dir, "bundle", "gemini.js");
      if (!existsSync(bundle)) return `${label} has no bundle/gemini.js`;
      return { name, package: label, command: process.execPath, prefix: [bundle] };
    }
  }
}

export interface AgentSandbox {
  root: string;
  /** HOME for the agent: no user configuration is read. */
  home: string;
  /** The agent's working directory. */
  work: string;
  /** What the `example` command prints: proof that the agent ran the tool call. */
  marker: string;
  /** Base environment: HOME, PATH (with `example`), proxies to the trap, nothing else of the host's. */
  env: Record<string, string>;
  /** Every connection an agent tried through the proxy (e.g. "CONNECT api.anthropic.com:443"). */
  egress: string[];
  close(): Promise<void>;
}

export async function createAgentSandbox(): Promise<AgentSandbox> {
  const root = mkdtempSync(join(tmpdir(), "overt-agent-"));
  const home = join(root, "home");
  const work = join(root, "work");
  const bin = join(root, "bin");
  for (const dir of [home, work, bin]) mkdirSync(dir, { recursive: true });
  const marker = `overt-e2e-tool-ran-${randomBytes(6).toString("hex")}`;
  const example = join(bin, "example");
  writeFileSync(example, `#!/bin/sh\necho "${marker}"\n`);
  chmodSync(example, 0o755);
  // Codex runs commands in a login shell, which resets PATH from /etc/profile; HOME's profile puts bin back.
  const profile = `export PATH="${bin}:$PATH"\n`;
  writeFileSync(join(home, ".bash_profile"), profile);
  writeFileSync(join(home, ".profile"), profile);

  const egress: string[] = [];
  const trap = createServer((req, res) => {
    egress.push(`${req.method} ${req.url}`);
    res.writeHead(403, { connection: "close" });
    res.end();
  });
  trap.on("connect", (req, socket) => {
    socket.on("error", () => {});
    egress.push(`CONNECT ${req.url}`);
    socket.end("HTTP/1.1 403 Forbidden\r\nconnection: close\r\n\r\n");
  });
  await new Promise<void>((resolve) => trap.listen(0, "127.0.0.1", resolve));
  const proxy = `http://127.0.0.1:${(trap.address() as AddressInfo).port}`;
  const noProxy = "127.0.0.1,localhost,::1";

  const env: Record<string, string> = {
    HOME: home,
    USER: process.env["USER"] ?? "overt",
    PATH: `${bin}:${process.env["PATH"] ?? "/usr/bin:/bin"}`,
    SHELL: existsSync("/bin/bash") ? "/bin/bash" : "/bin/sh",
    LANG: "C.UTF-8",
    TERM: "dumb",
    NO_COLOR: "1",
    TMPDIR: root,
    XDG_CONFIG_HOME: join(home, ".config"),
    XDG_CACHE_HOME: join(home, ".cache"),
    XDG_DATA_HOME: join(home, ".local", "share"),
    HTTPS_PROXY: proxy,
    HTTP_PROXY: proxy,
    ALL_PROXY: proxy,
    https_proxy: proxy,
    http_proxy: proxy,
    all_proxy: proxy,
    NO_PROXY: noProxy,
    no_proxy: noProxy,
  };
  return {
    root,
    home,
    work,
    marker,
    env,
    egress,
    async close() {
      trap.closeAllConnections();
      await new Promise<void>((resolve) => trap.close(() => resolve()));
      rmSync(root, { recursive: true, force: true });
    },
  };
}

export interface RelayRequestRecord {
  method: string;
  url: string;
  status: number;
  /** The answer's body when the status is 400 or more (the relay's error envelope). */
  error?: string;
}

export interface AgentRelay extends TestRelay {
  /** Every request the relay answered, in order. */
  requests: RelayRequestRecord[];
}

/** startTestRelay, plus a record of every request the relay answered. */
export async function startAgentRelay(options: TestRelayOptions): Promise<AgentRelay> {
  const dataDir = mkdtempSync(join(tmpdir(), "overt-test-"));
  const relay = await createRelay(testConfig(dataDir, options), { logger: createLogger("silent") });
  const requests: RelayRequestRecord[] = [];
  const errors = new WeakMap<object, string>();
  relay.app.addHook("onSend", async (request, reply, payload) => {
    if (reply.statusCode >= 400 && (typeof payload === "string" || Buffer.isBuffer(payload))) {
      errors.set(request, payload.toString().slice(0, 2000));
    }
    return payload;
  });
  relay.app.addHook("onResponse", async (request, reply) => {
    const record: RelayRequestRecord = { method: request.method, url: request.url, status: reply.statusCode };
    const error = errors.get(request);
    if (error !== undefined) record.error = error;
    requests.push(record);
  });
  const baseUrl = await relay.app.listen({ host: "127.0.0.1", port: 0 });
  const created = await relay.keys.create({
    name: "agents",
    models: options.keyModels ?? ["*"],
    expiresAt: null,
    actor: "test",
  });
  return {
    relay,
    baseUrl,
    key: created.key,
    dataDir,
    requests,
    async close() {
      await relay.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export interface AgentRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  timedOut: boolean;
  stdout: string;
  stderr: string;
  ms: number;
}

const OUTPUT_CAP = 1024 * 1024;

/** Runs the agent with no stdin, in `cwd`, killing its whole process group after `timeoutMs`. */
export function runAgent(
  agent: AgentBinary,
  args: string[],
  options: { cwd: string; env: Record<string, string>; timeoutMs: number },
): Promise<AgentRun> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(agent.command, [...agent.prefix, ...args], {
      cwd: options.cwd,
      env: options.env,
      stdio: ["ignore", "pipe", "pipe"],
      detached: process.platform !== "win32",
    });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (d: string) => {
      if (stdout.length < OUTPUT_CAP) stdout += d;
    });
    child.stderr.setEncoding("utf8").on("data", (d: string) => {
      if (stderr.length < OUTPUT_CAP) stderr += d;
    });
    let timedOut = false;
    const kill = () => {
      try {
        if (child.pid !== undefined && process.platform !== "win32") process.kill(-child.pid, "SIGKILL");
        else child.kill("SIGKILL");
      } catch {
        // already gone
      }
    };
    const timer = setTimeout(() => {
      timedOut = true;
      kill();
    }, options.timeoutMs);
    child.on("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      kill(); // anything the agent left running in its group
      resolve({ code, signal, timedOut, stdout, stderr, ms: Date.now() - started });
    });
  });
}

/** A failure message with what the agent printed and what the relay answered. */
export function explain(run: AgentRun, relay: AgentRelay, sandbox?: AgentSandbox): string {
  const tail = (s: string) => (s.length > 4000 ? "…" + s.slice(-4000) : s);
  return [
    `exit ${run.code}${run.signal ? ` (${run.signal})` : ""}${run.timedOut ? " — timed out" : ""} after ${run.ms} ms`,
    "relay requests:",
    ...relay.requests.map((r) => `  ${r.method} ${r.url} → ${r.status}${r.error ? ` ${r.error}` : ""}`),
    ...(sandbox && sandbox.egress.length > 0
      ? ["egress attempts:", ...sandbox.egress.map((e) => `  ${e}`)]
      : []),
    "stdout:",
    tail(run.stdout),
    "stderr:",
    tail(run.stderr),
  ].join("\n");
}

/** Every request the relay answered was ledgered as a successful stream. */
export async function assertLedgered(relay: AgentRelay): Promise<void> {
  const rows = await usageRecords(relay.relay, relay.requests.length);
  const seen = rows.map((r) => `${r.status}${r.stream ? "/stream" : ""}`).join(", ");
  assert.equal(rows.length, relay.requests.length, `ledger: ${seen}`);
  assert.ok(
    rows.every((r) => r.status === "ok" && r.stream),
    `ledger: ${seen}`,
  );
}
