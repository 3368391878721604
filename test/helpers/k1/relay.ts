/** K1/K2: the relay under test (`overt serve` in a sandbox) and its keys. */
import assert from "node:assert/strict";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { runCli, type Sandbox, type Server, sandbox, startServe } from "../cli.js";
import type { Canaries } from "./canaries.js";
import type { Upstreams } from "./upstreams.js";

// ---------------------------------------------------------------- the relay under test

export const BODY_LIMIT = 64 * 1024;

export function configYaml(up: Upstreams, extra: string): string {
  return `server:
  port: 0
  bodyLimitBytes: ${BODY_LIMIT}
dataDir: ./data
log:
  level: trace
transport:
  headersTimeoutMs: 2000
  idleTimeoutMs: 2000
  maxAttempts: 1
providers:
  oai:
    type: openai-compatible
    baseUrl: ${up.oai.url}
    apiKey: \${K1_UPSTREAM_KEY_OAI}
    jurisdiction: US
    allowPrivate: true
    models: [echo, embed]
  claude:
    type: anthropic
    baseUrl: ${up.anthropic.url}
    apiKey: \${K1_UPSTREAM_KEY_ANTHROPIC}
    jurisdiction: US
    allowPrivate: true
    models: [claude-echo]
  gem:
    type: gemini
    baseUrl: ${up.gemini.url}
    apiKey: \${K1_UPSTREAM_KEY_GEMINI}
    jurisdiction: US
    allowPrivate: true
    models: [gemini-echo]
${extra}`;
}

export interface CreatedKey {
  key: string;
  id: string;
  prefix: string;
}

export interface Harness {
  box: Sandbox;
  env: Record<string, string>;
  server: Server;
  keys: { default: CreatedKey; strict: CreatedKey };
}

export async function createKey(
  box: Sandbox,
  env: Record<string, string>,
  tenant: string,
): Promise<CreatedKey> {
  const result = await runCli(
    ["keys", "create", "--name", `k1-${tenant}`, "--tenant", tenant, "--json", "-c", "overt.yaml"],
    box.dir,
    env,
  );
  assert.equal(result.code, 0, result.stderr);
  const parsed = JSON.parse(result.stdout) as CreatedKey;
  assert.match(parsed.key, /^ovt_/);
  return { key: parsed.key, id: parsed.id, prefix: parsed.prefix };
}

export function undisplayed(k: CreatedKey): string {
  const shown = k.prefix.replace("…", "");
  assert.ok(k.key.startsWith(shown) && shown.length < 12, k.prefix);
  return k.key.slice(shown.length);
}

/** Writes overt.yaml, creates the keys with the CLI (so the banner prints none), starts `overt serve`. */
export async function startRelay(c: Canaries, up: Upstreams, extraYaml: string): Promise<Harness> {
  const box = sandbox();
  mkdirSync(join(box.dir, "tmp"));
  // Upstream keys come from the environment, so overt.yaml itself holds no canary and the whole sandbox is scanned.
  const env = box.env({
    TMPDIR: join(box.dir, "tmp"),
    K1_UPSTREAM_KEY_OAI: c.upstreamOai,
    K1_UPSTREAM_KEY_ANTHROPIC: c.upstreamAnthropic,
    K1_UPSTREAM_KEY_GEMINI: c.upstreamGemini,
  });
  writeFileSync(join(box.dir, "overt.yaml"), configYaml(up, extraYaml));
  const keys = { default: await createKey(box, env, "default"), strict: await createKey(box, env, "strict") };
  const server = await startServe(["--config", "overt.yaml"], box.dir, env);
  assert.equal(server.banner.firstKey, null, "keys exist already: the banner prints none");
  return { box, env, server, keys };
}
