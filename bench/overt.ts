// Starts Overt for the benchmark: a throwaway config and data directory, one virtual key, `overt serve`.
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { freePort, type Proc, runNode, startNode } from "./procs.js";

/** dist/bench/overt.js → dist/src/cli/main.js */
export const CLI = fileURLToPath(new URL("../src/cli/main.js", import.meta.url));

export interface OvertTarget {
  proc: Proc;
  key: string;
  dir: string;
}

export interface OvertOptions {
  /** The bench provider's jurisdiction (default LOCAL: the guard's defaults then act on secrets only). */
  jurisdiction?: string;
  /** An upstream key for the bench provider (the guard looks for the relay's own keys in prompts). */
  apiKey?: string;
  /** Options for node itself, e.g. `--cpu-prof`. */
  nodeArgs?: string[];
  /** Another build's CLI (dist/src/cli/main.js), e.g. an earlier commit's (bench/receipts.ts). */
  cli?: string;
  /** Environment of the relay process (default: this one's). */
  env?: NodeJS.ProcessEnv;
}

function configYaml(dir: string, port: number, upstream: string, opts: OvertOptions): string {
  return [
    `server: { host: 127.0.0.1, port: ${port} }`,
    `dataDir: ${JSON.stringify(join(dir, "data"))}`,
    "simulator: false",
    "security: { allowPrivateUpstreams: true }",
    "log: { level: warn }",
    "providers:",
    "  bench:",
    "    type: openai-compatible",
    `    baseUrl: ${upstream}/v1`,
    ...(opts.apiKey === undefined ? [] : [`    apiKey: ${JSON.stringify(opts.apiKey)}`]),
    `    jurisdiction: ${opts.jurisdiction ?? "LOCAL"}`,
    "    allowPrivate: true",
    "    models: [bench-model]",
    "",
  ].join("\n");
}

/** Finds the `key` field in the JSON that `overt keys create --json` prints (tolerating log lines around it). */
export function parseKey(stdout: string): string {
  const candidates = [stdout.trim(), ...stdout.split("\n").reverse()];
  for (const text of candidates) {
    if (!text.trim().startsWith("{")) continue;
    try {
      const parsed = JSON.parse(text) as { key?: unknown };
      if (typeof parsed.key === "string" && parsed.key !== "") return parsed.key;
    } catch {
      // not this line
    }
  }
  throw new Error(`no "key" field in the output of keys create:\n${stdout}`);
}

export async function startOvert(upstream: string, opts: OvertOptions = {}): Promise<OvertTarget> {
  const cli = opts.cli ?? CLI;
  if (!existsSync(cli)) throw new Error(`${cli} does not exist (the CLI is not built yet)`);
  const dir = mkdtempSync(join(tmpdir(), "overt-bench-"));
  process.once("exit", () => rmSync(dir, { recursive: true, force: true }));
  const config = join(dir, "overt.yaml");
  writeFileSync(config, configYaml(dir, await freePort(), upstream, opts));
  const created = runNode(
    [cli, "keys", "create", "--config", config, "--name", "bench", "--models", "*", "--json"],
    opts.env,
  );
  const key = parseKey(created);
  const proc = await startNode("overt", [...(opts.nodeArgs ?? []), cli, "serve", "--config", config], {
    env: opts.env,
    healthPath: "/healthz",
    timeoutMs: 60_000,
  });
  return { proc, key, dir };
}
