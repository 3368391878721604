/**
 * Zero retention, proved from the outside (security catalogue K1, K3, B15–B16;
 * issue 4's at-rest scan). `overt serve` runs as a child process at the most
 * verbose log level, with SQLite and its TMPDIR inside a sandbox directory and
 * the three simulators (OpenAI-compatible, Anthropic, Gemini) as upstreams. Canary
 * values — a prose marker, a GB 11643 resident ID, an email, an `sk-proj-…` key and
 * the relay's own upstream keys (pasted into prompts too) — go through every route
 * and dialect, on successful exchanges and on failing ones: bad JSON, wrong key,
 * unknown model, upstream 401/429/500, key reflection, timeouts, malformed and cut
 * streams, a guard block, a body over the limit. After a clean shutdown:
 *
 * - no canary (raw, JSON-escaped, \u-escaped, URL-encoded, base64 at every
 *   alignment, hex, UTF-16) is in stdout/stderr or in any byte of any file under
 *   the sandbox (database, -wal/-shm, pepper, master key, temp files), nor in any
 *   value of any database table;
 * - no error response body and no response header carries one; success bodies may
 *   carry the prompt's own values back (the echo, with pseudonyms restored) but
 *   never a virtual key or an upstream key the client did not send;
 * - the upstreams never received the sensitive values (they were pseudonymized) nor
 *   a virtual key;
 * - the database really was written (a usage row per relayed request) and the logs
 *   really were verbose (a line per request), naming keys by id only.
 *
 * With capture on (K2) the same scan must find only ciphertext.
 */
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { after, before, describe, it } from "node:test";
import { loadConfig } from "../../src/config/load.js";
import { generateToken } from "../../src/governance/token-format.js";
import { isCnResidentId } from "../../src/guard/checksums.js";
import { openCore } from "../../src/main.js";
import { sqliteConstructor } from "../../src/storage/sqlite-driver.js";
import { startAnthropicSimulator } from "../../src/upstreams/simulator/anthropic/index.js";
import type { AnthropicBehavior } from "../../src/upstreams/simulator/anthropic/types.js";
import { startGeminiSimulator } from "../../src/upstreams/simulator/gemini/index.js";
import type { GeminiBehavior } from "../../src/upstreams/simulator/gemini/types.js";
import { startSimulator } from "../../src/upstreams/simulator/server.js";
import type { Behavior, Simulator, SimulatorHit } from "../../src/upstreams/simulator/types.js";
import { runCli, type Sandbox, type Server, sandbox, startServe } from "../helpers/cli.js";

// ---------------------------------------------------------------- canaries

const hex = (bytes: number) => randomBytes(bytes).toString("hex");

/** A GB 11643 resident ID with a random sequence number and a valid check character. */
function canaryResidentId(): string {
  const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const sequence = String(randomBytes(2).readUInt16BE(0) % 1000).padStart(3, "0");
  const body = `11010519870615${sequence}`;
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(body[i]) * weights[i]!;
  return body + "10X98765432"[sum % 11]!;
}

interface Canaries {
  /** Not sensitive: reaches the upstream and comes back in echo answers, and nowhere else. */
  marker: string;
  residentId: string;
  email: string;
  openAiKey: string;
  /** The relay's own upstream keys (oai's is also pasted into prompts). */
  upstreamOai: string;
  upstreamAnthropic: string;
  upstreamGemini: string;
}

function newCanaries(): Canaries {
  const residentId = canaryResidentId();
  assert.ok(isCnResidentId(residentId), residentId);
  return {
    marker: `CANARY-${hex(12)}`,
    residentId,
    email: `k1.${hex(6)}@example.com`,
    openAiKey: `sk-proj-${hex(12)}T3BlbkFJ${hex(12)}`,
    // Shapes no generic pattern knows: only the relay's knowledge of its own keys protects them.
    upstreamOai: `upk-oai-${hex(20)}`,
    upstreamAnthropic: `upk-ant-${hex(20)}`,
    upstreamGemini: `upk-gem-${hex(20)}`,
  };
}

/** The prose marker, and the random parts of the marker and the email on their own (a partial copy is a copy). */
function cores(c: Canaries): Record<string, string> {
  return {
    "prose marker": c.marker,
    "prose marker (random part)": c.marker.slice("CANARY-".length),
    "email (random part)": c.email.slice("k1.".length, c.email.indexOf("@")),
  };
}

/** Prompt text carrying every canary; `scenario:<name>` tells the simulators how to answer. */
function prompt(c: Canaries, scenario: string): string {
  return (
    `scenario:${scenario} 金丝雀 ${c.marker}. My ID card is ${c.residentId}, mail me at ${c.email}. ` +
    `Debug this: OPENAI key ${c.openAiKey}, and the relay's upstream key is ${c.upstreamOai}.`
  );
}

// ---------------------------------------------------------------- encodings and scanning

interface Needle {
  label: string;
  bytes: Buffer;
}

/** Every form a value can take in a log line, a JSON body, an SSE event, a SQLite page or an encoded blob. */
function encodings(name: string, value: string): Needle[] {
  const forms = new Map<string, Buffer>();
  const add = (label: string, text: string | Buffer) => {
    const bytes = typeof text === "string" ? Buffer.from(text, "utf8") : text;
    if (bytes.length >= 8) forms.set(label, bytes);
  };
  add("raw", value);
  const once = JSON.stringify(value).slice(1, -1);
  add("json", once);
  add("json-twice", JSON.stringify(once).slice(1, -1));
  add("json-ascii", [...value].map((ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, "0")}`).join(""));
  add("url", encodeURIComponent(value));
  add("hex", Buffer.from(value, "utf8").toString("hex"));
  add("utf16le", Buffer.from(value, "utf16le"));
  for (let pad = 0; pad < 3; pad++) {
    const b64 = Buffer.concat([Buffer.alloc(pad), Buffer.from(value, "utf8")]).toString("base64");
    // Drop the groups the neighbouring bytes influence; what is left appears whatever surrounds the value.
    const stable = b64.slice(pad > 0 ? 4 : 0, -4);
    add(`base64@${pad}`, stable);
    add(`base64url@${pad}`, stable.replaceAll("+", "-").replaceAll("/", "_"));
  }
  const out: Needle[] = [];
  const seen = new Set<string>();
  for (const [form, bytes] of forms) {
    const id = bytes.toString("hex");
    if (seen.has(id)) continue;
    seen.add(id);
    out.push({ label: `${name} (${form})`, bytes });
  }
  return out;
}

function needlesFor(values: Record<string, string>): Needle[] {
  return Object.entries(values).flatMap(([name, value]) => encodings(name, value));
}

function found(haystack: Buffer | string, needles: readonly Needle[]): string[] {
  const bytes = typeof haystack === "string" ? Buffer.from(haystack, "utf8") : haystack;
  return needles.filter((n) => bytes.includes(n.bytes)).map((n) => n.label);
}

function listFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...listFiles(path));
    else out.push(path);
  }
  return out;
}

/** `file: labels` for every file under `dir` whose raw bytes contain a needle. */
function scanFiles(dir: string, needles: readonly Needle[]): string[] {
  const leaks: string[] = [];
  for (const path of listFiles(dir)) {
    const hits = found(readFileSync(path), needles);
    if (hits.length > 0) leaks.push(`${relative(dir, path)}: ${hits.join(", ")}`);
  }
  return leaks;
}

type Row = Record<string, unknown>;

function openDb(path: string) {
  const Database = sqliteConstructor();
  return new Database(path, { readonly: true, fileMustExist: true });
}

/** Every value of every table, as text (blobs as bytes): `table.column: labels` where a needle is found. */
function scanTables(dbPath: string, needles: readonly Needle[]): { leaks: string[]; tables: string[] } {
  const db = openDb(dbPath);
  try {
    const tables = (
      db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as Row[]
    ).map((r) => String(r.name));
    const leaks: string[] = [];
    for (const table of tables) {
      for (const row of db.prepare(`SELECT * FROM "${table}"`).all() as Row[]) {
        for (const [column, value] of Object.entries(row)) {
          if (value === null || value === undefined) continue;
          const bytes = value instanceof Uint8Array ? Buffer.from(value) : Buffer.from(String(value), "utf8");
          const hits = found(bytes, needles);
          if (hits.length > 0) leaks.push(`${table}.${column}: ${hits.join(", ")}`);
        }
      }
    }
    return { leaks, tables };
  } finally {
    db.close();
  }
}

// ---------------------------------------------------------------- upstream simulators

const SCENARIO = /scenario:([a-z0-9-]+)/;

function scenarioOf(body: unknown): string | null {
  return SCENARIO.exec(JSON.stringify(body ?? null))?.[1] ?? null;
}

function openAiBehavior(scenario: string | null): Behavior | undefined {
  switch (scenario) {
    case "up-401":
      return { kind: "error", status: 401 };
    case "up-401-reflect":
      return { kind: "echo-headers", status: 401 };
    case "up-400-reflect":
      return { kind: "echo-headers", status: 400 };
    case "up-429":
      return { kind: "error", status: 429 };
    case "up-500":
      return { kind: "error", status: 500 };
    case "up-html":
      return { kind: "html" };
    case "up-200-reflect":
      return { kind: "echo-headers", status: 200 };
    case "up-timeout-headers":
      return { kind: "stall-before-headers" };
    case "up-timeout-idle":
      return { kind: "stall-after-headers" };
    case "up-malformed":
      return { kind: "malformed-sse", faults: ["non-json-data"], atChunk: 1 };
    case "up-stream-error":
      return { kind: "stream-error", afterChunks: 2 };
    case "up-disconnect":
      return { kind: "disconnect", afterChunks: 2 };
    default:
      return undefined;
  }
}

function anthropicBehavior(scenario: string | null): AnthropicBehavior | undefined {
  switch (scenario) {
    case "up-401":
      return { kind: "error", status: 401 };
    case "up-429":
      return { kind: "error", status: 429 };
    case "up-500":
      return { kind: "error", status: 500 };
    case "up-timeout-headers":
      return { kind: "stall-before-headers" };
    case "up-malformed":
      return { kind: "malformed-sse", faults: ["non-json-data"], atEvent: 1 };
    case "up-stream-error":
      return { kind: "stream-error", afterEvents: 3 };
    default:
      return undefined;
  }
}

function geminiBehavior(scenario: string | null): GeminiBehavior | undefined {
  switch (scenario) {
    case "up-401":
      return { kind: "error", status: 401 };
    case "up-429":
      return { kind: "error", status: 429 };
    case "up-500":
      return { kind: "error", status: 500 };
    case "up-timeout-idle":
      return { kind: "stall-after-headers" };
    case "up-malformed":
      return { kind: "malformed-sse", faults: ["non-json-data"], atChunk: 1 };
    case "up-disconnect":
      return { kind: "disconnect", afterChunks: 1 };
    default:
      return undefined;
  }
}

interface Upstreams {
  oai: Simulator;
  anthropic: Simulator;
  gemini: Simulator;
  all: Simulator[];
  close(): Promise<void>;
}

async function startUpstreams(c: Canaries): Promise<Upstreams> {
  // The values policy says must not leave the relay: a simulator receiving one answers 451 and marks the hit.
  const forbidden = [
    c.residentId,
    c.email,
    c.openAiKey,
    c.upstreamOai,
    c.upstreamAnthropic,
    c.upstreamGemini,
  ];
  const oai = await startSimulator({
    apiKey: c.upstreamOai,
    forbidden,
    script: ({ body }) => openAiBehavior(scenarioOf(body)),
  });
  const anthropic = await startAnthropicSimulator({
    apiKey: c.upstreamAnthropic,
    forbidden,
    script: ({ body }) => anthropicBehavior(scenarioOf(body)),
  });
  const gemini = await startGeminiSimulator({
    apiKey: c.upstreamGemini,
    forbidden,
    script: ({ body }) => geminiBehavior(scenarioOf(body)),
  });
  const all = [oai, anthropic, gemini];
  return {
    oai,
    anthropic,
    gemini,
    all,
    close: async () => void (await Promise.all(all.map((s) => s.close()))),
  };
}

// ---------------------------------------------------------------- the relay under test

const BODY_LIMIT = 64 * 1024;

function configYaml(up: Upstreams, extra: string): string {
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

interface CreatedKey {
  key: string;
  id: string;
  prefix: string;
}

interface Harness {
  box: Sandbox;
  env: Record<string, string>;
  server: Server;
  keys: { default: CreatedKey; strict: CreatedKey };
}

async function createKey(box: Sandbox, env: Record<string, string>, tenant: string): Promise<CreatedKey> {
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

function undisplayed(k: CreatedKey): string {
  const shown = k.prefix.replace("…", "");
  assert.ok(k.key.startsWith(shown) && shown.length < 12, k.prefix);
  return k.key.slice(shown.length);
}

/** Writes overt.yaml, creates the keys with the CLI (so the banner prints none), starts `overt serve`. */
async function startRelay(c: Canaries, up: Upstreams, extraYaml: string): Promise<Harness> {
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

// ---------------------------------------------------------------- scenarios

type KeyChoice = "default" | "strict" | { header: string; value: string };

interface Scenario {
  name: string;
  path: string;
  key: KeyChoice;
  /** Raw request body. */
  body: string;
  status: number;
  /** A usage row is expected for it (it reached the pipeline with a valid key). */
  ledgered: boolean;
  contentType?: string;
}

interface Outcome {
  scenario: Scenario;
  status: number;
  headers: Array<[string, string]>;
  body: Buffer;
  requestId: string | null;
}

const json = (value: unknown) => JSON.stringify(value);

function chatBody(c: Canaries, scenario: string, model: string, stream: boolean): string {
  return json({
    model,
    stream,
    ...(stream ? { stream_options: { include_usage: true } } : {}),
    messages: [
      { role: "system", content: prompt(c, scenario) },
      { role: "user", content: [{ type: "text", text: prompt(c, scenario) }] },
    ],
  });
}

function responsesBody(c: Canaries, scenario: string, model: string, stream: boolean): string {
  return json({ model, stream, instructions: prompt(c, scenario), input: prompt(c, scenario) });
}

function messagesBody(c: Canaries, scenario: string, model: string, stream: boolean): string {
  return json({
    model,
    max_tokens: 256,
    stream,
    system: prompt(c, scenario),
    messages: [{ role: "user", content: [{ type: "text", text: prompt(c, scenario) }] }],
  });
}

function countBody(c: Canaries, scenario: string, model: string): string {
  return json({
    model,
    system: prompt(c, scenario),
    messages: [{ role: "user", content: prompt(c, scenario) }],
  });
}

function geminiBody(c: Canaries, scenario: string): string {
  return json({
    systemInstruction: { parts: [{ text: prompt(c, scenario) }] },
    contents: [{ role: "user", parts: [{ text: prompt(c, scenario) }] }],
  });
}

function embeddingsBody(c: Canaries, scenario: string): string {
  return json({ model: "embed", input: [prompt(c, scenario), `${c.marker} ${c.email}`] });
}

/** A well-formed virtual key the relay never issued. */
const BOGUS_KEY = generateToken("ovt");

const GEN = "/v1beta/models/gemini-echo:generateContent";
const GEN_SSE = "/v1beta/models/gemini-echo:streamGenerateContent?alt=sse";
const GEN_ARRAY = "/v1beta/models/gemini-echo:streamGenerateContent";

function scenarios(c: Canaries): Scenario[] {
  const ok = (name: string, path: string, body: string): Scenario => ({
    name,
    path,
    key: "default",
    body,
    status: 200,
    ledgered: true,
  });
  const fail = (name: string, path: string, body: string, status: number, ledgered = true): Scenario => ({
    name,
    path,
    key: "default",
    body,
    status,
    ledgered,
  });
  const truncated = (body: string) => body.slice(0, Math.floor(body.length * 0.7));
  const big = prompt(c, "too-large").repeat(Math.ceil((BODY_LIMIT * 1.5) / 200));
  return [
    // Every route and dialect, answered.
    ok("chat", "/v1/chat/completions", chatBody(c, "ok", "echo", false)),
    ok("chat-stream", "/v1/chat/completions", chatBody(c, "ok", "echo", true)),
    ok("chat-to-anthropic", "/v1/chat/completions", chatBody(c, "ok", "claude-echo", true)),
    ok("chat-to-gemini", "/v1/chat/completions", chatBody(c, "ok", "gemini-echo", false)),
    ok("responses", "/v1/responses", responsesBody(c, "ok", "echo", false)),
    ok("responses-stream", "/v1/responses", responsesBody(c, "ok", "echo", true)),
    ok("responses-to-anthropic", "/v1/responses", responsesBody(c, "ok", "claude-echo", true)),
    ok("messages", "/v1/messages", messagesBody(c, "ok", "claude-echo", false)),
    ok("messages-stream", "/v1/messages", messagesBody(c, "ok", "claude-echo", true)),
    ok("messages-to-openai", "/v1/messages", messagesBody(c, "ok", "echo", true)),
    ok("messages-to-gemini", "/v1/messages", messagesBody(c, "ok", "gemini-echo", false)),
    {
      ...ok("count-tokens-anthropic", "/v1/messages/count_tokens", countBody(c, "ok", "claude-echo")),
      ledgered: false,
    },
    {
      ...ok("count-tokens-estimated", "/v1/messages/count_tokens", countBody(c, "ok", "echo")),
      ledgered: false,
    },
    ok("gemini", GEN, geminiBody(c, "ok")),
    ok("gemini-stream-sse", GEN_SSE, geminiBody(c, "ok")),
    ok("gemini-stream-array", GEN_ARRAY, geminiBody(c, "ok")),
    ok("embeddings", "/v1/embeddings", embeddingsBody(c, "ok")),

    // The client's own mistakes.
    fail(
      "bad-json-chat",
      "/v1/chat/completions",
      truncated(chatBody(c, "bad-json", "echo", false)),
      400,
      false,
    ),
    fail(
      "bad-json-messages",
      "/v1/messages",
      truncated(messagesBody(c, "bad-json", "claude-echo", false)),
      400,
      false,
    ),
    fail("bad-json-gemini", GEN, truncated(geminiBody(c, "bad-json")), 400, false),
    {
      ...fail(
        "not-json-content-type",
        "/v1/chat/completions",
        chatBody(c, "text-plain", "echo", false),
        400,
        false,
      ),
      contentType: "text/plain",
    },
    fail("unknown-model", "/v1/chat/completions", chatBody(c, "unknown-model", "no-such-model", false), 404),
    fail(
      "too-large",
      "/v1/chat/completions",
      json({ model: "echo", messages: [{ role: "user", content: big }] }),
      413,
      false,
    ),
    {
      ...fail("key-is-a-secret", "/v1/chat/completions", chatBody(c, "bad-key", "echo", false), 401, false),
      key: { header: "authorization", value: `Bearer ${c.openAiKey}` },
    },
    {
      ...fail(
        "key-is-upstream-key",
        "/v1/messages",
        messagesBody(c, "bad-key", "claude-echo", false),
        401,
        false,
      ),
      key: { header: "x-api-key", value: c.upstreamOai },
    },
    {
      ...fail("key-unknown-virtual", GEN, geminiBody(c, "bad-key"), 401, false),
      key: { header: "x-goog-api-key", value: BOGUS_KEY },
    },

    // Upstream failures, each dialect.
    fail("up-401", "/v1/chat/completions", chatBody(c, "up-401", "echo", false), 502),
    fail("up-401-reflect", "/v1/chat/completions", chatBody(c, "up-401-reflect", "echo", false), 502),
    fail("up-400-reflect", "/v1/chat/completions", chatBody(c, "up-400-reflect", "echo", false), 400),
    fail("up-429", "/v1/chat/completions", chatBody(c, "up-429", "echo", false), 429),
    fail("up-500", "/v1/responses", responsesBody(c, "up-500", "echo", false), 502),
    fail("up-html", "/v1/chat/completions", chatBody(c, "up-html", "echo", false), 502),
    fail("up-timeout-headers", "/v1/chat/completions", chatBody(c, "up-timeout-headers", "echo", false), 504),
    // The upstream sent its headers, then nothing: the client's stream has begun and ends with an error event.
    ok("up-timeout-idle", "/v1/chat/completions", chatBody(c, "up-timeout-idle", "echo", true)),
    ok("up-malformed", "/v1/chat/completions", chatBody(c, "up-malformed", "echo", true)),
    ok("up-stream-error", "/v1/chat/completions", chatBody(c, "up-stream-error", "echo", true)),
    ok("up-disconnect", "/v1/chat/completions", chatBody(c, "up-disconnect", "echo", true)),
    fail("up-500-embeddings", "/v1/embeddings", embeddingsBody(c, "up-500"), 502),
    fail("anthropic-401", "/v1/messages", messagesBody(c, "up-401", "claude-echo", false), 502),
    fail("anthropic-429", "/v1/messages", messagesBody(c, "up-429", "claude-echo", false), 429),
    fail("anthropic-500", "/v1/messages", messagesBody(c, "up-500", "claude-echo", true), 502),
    fail(
      "anthropic-timeout",
      "/v1/messages",
      messagesBody(c, "up-timeout-headers", "claude-echo", false),
      504,
    ),
    ok("anthropic-malformed", "/v1/messages", messagesBody(c, "up-malformed", "claude-echo", true)),
    ok("anthropic-stream-error", "/v1/messages", messagesBody(c, "up-stream-error", "claude-echo", true)),
    {
      ...fail(
        "count-tokens-upstream-429",
        "/v1/messages/count_tokens",
        countBody(c, "up-429", "claude-echo"),
        429,
      ),
      ledgered: false,
    },
    fail("gemini-401", GEN, geminiBody(c, "up-401"), 502),
    fail("gemini-429", GEN, geminiBody(c, "up-429"), 429),
    fail("gemini-500", GEN_SSE, geminiBody(c, "up-500"), 502),
    ok("gemini-timeout", GEN_SSE, geminiBody(c, "up-timeout-idle")),
    ok("gemini-malformed", GEN_SSE, geminiBody(c, "up-malformed")),
    ok("gemini-disconnect", GEN_ARRAY, geminiBody(c, "up-disconnect")),

    // The tenant's policy blocks resident IDs: 422 in every dialect, nothing sent.
    {
      ...fail("guard-block-chat", "/v1/chat/completions", chatBody(c, "block", "echo", true), 422),
      key: "strict",
    },
    {
      ...fail("guard-block-messages", "/v1/messages", messagesBody(c, "block", "claude-echo", false), 422),
      key: "strict",
    },
    { ...fail("guard-block-gemini", GEN_SSE, geminiBody(c, "block"), 422), key: "strict" },
    {
      ...fail("guard-block-responses", "/v1/responses", responsesBody(c, "block", "echo", false), 422),
      key: "strict",
    },
    { ...fail("guard-block-embeddings", "/v1/embeddings", embeddingsBody(c, "block"), 422), key: "strict" },
    // count_tokens sends nothing the Messages request itself could not send: the count is made locally.
    {
      ...ok("guard-block-count-tokens", "/v1/messages/count_tokens", countBody(c, "block", "claude-echo")),
      key: "strict",
      ledgered: false,
    },
  ];
}

async function send(baseUrl: string, keys: Harness["keys"], s: Scenario): Promise<Outcome> {
  const headers: Record<string, string> = { "content-type": s.contentType ?? "application/json" };
  if (s.key === "default" || s.key === "strict") headers.authorization = `Bearer ${keys[s.key].key}`;
  else headers[s.key.header] = s.key.value;
  const res = await fetch(`${baseUrl}${s.path}`, { method: "POST", headers, body: s.body });
  const body = Buffer.from(await res.arrayBuffer());
  return {
    scenario: s,
    status: res.status,
    headers: [...res.headers.entries()],
    body,
    requestId: res.headers.get("x-request-id"),
  };
}

function describeOutcome(o: Outcome): string {
  return `${o.scenario.name}: ${o.status} ${o.body.toString("utf8").slice(0, 300)}`;
}

// ---------------------------------------------------------------- capture off

describe("K1: zero retention with capture off — no canary anywhere after a run through every route", () => {
  const c = newCanaries();
  let up: Upstreams;
  let h: Harness;
  let outcomes: Outcome[] = [];
  let reflected: Outcome;
  let exitCode: number | null;
  let stdout = "";
  let stderr = "";

  /** Values that must appear nowhere the relay writes: logs, disk, database. */
  let everything: Needle[];
  /** Values no response may carry unless the client sent them in that same request. */
  let neverEchoed: Needle[];
  /** The prompt's sensitive values (allowed back only in a success body, restored from pseudonyms). */
  let sensitive: Needle[];

  before(async () => {
    up = await startUpstreams(c);
    h = await startRelay(
      c,
      up,
      "tenants:\n  strict:\n    guard:\n      rules:\n        - { data: pii.cn_resident_id, action: block }\n",
    );
    const secretValues = {
      "resident ID": c.residentId,
      email: c.email,
      "sk-proj key": c.openAiKey,
      "relay upstream key (oai)": c.upstreamOai,
    };
    const keyValues = {
      "relay upstream key (anthropic)": c.upstreamAnthropic,
      "relay upstream key (gemini)": c.upstreamGemini,
      "virtual key (default)": h.keys.default.key,
      "virtual key (strict)": h.keys.strict.key,
      "virtual key (never issued)": BOGUS_KEY,
      // The part of a virtual key its display prefix (`ovt_AbCdEf…`) does not show: not even that is kept.
      "virtual key, undisplayed part (default)": undisplayed(h.keys.default),
      "virtual key, undisplayed part (strict)": undisplayed(h.keys.strict),
    };
    sensitive = needlesFor(secretValues);
    neverEchoed = needlesFor(keyValues);
    everything = needlesFor({ ...cores(c), ...secretValues, ...keyValues });

    const base = h.server.banner.baseUrl;
    for (const s of scenarios(c)) outcomes.push(await send(base, h.keys, s));
    // An upstream that answers 200 with our request headers as the text, for a prompt with no secret in it.
    const reflect = json({
      model: "echo",
      messages: [{ role: "user", content: `scenario:up-200-reflect ${c.marker}` }],
    });
    reflected = await send(base, h.keys, {
      name: "up-200-reflect",
      path: "/v1/chat/completions",
      key: "default",
      body: reflect,
      status: 200,
      ledgered: true,
    });
    outcomes.push(reflected);
    exitCode = await h.server.stop("SIGTERM");
    stdout = h.server.stdout();
    stderr = h.server.stderr();
  });
  after(async () => {
    if (h?.server.child.exitCode === null) await h.server.stop("SIGKILL");
    await up?.close();
    h?.box.remove();
    outcomes = [];
  });

  it("every scenario took the path it targets (status as expected), and the relay exited cleanly", () => {
    const wrong = outcomes.filter((o) => o.status !== o.scenario.status).map(describeOutcome);
    assert.deepEqual(wrong, []);
    assert.equal(exitCode, 0, stderr);
    // The failing upstream paths really were taken.
    const hitScenarios = new Set(up.all.flatMap((sim) => sim.hits.map((hit) => scenarioOf(hit.body))));
    for (const name of ["up-401", "up-429", "up-500", "up-timeout-headers", "up-malformed", "block"]) {
      if (name === "block") assert.ok(!hitScenarios.has(name), "a blocked request never reaches an upstream");
      else assert.ok(hitScenarios.has(name), `${name} reached an upstream`);
    }
  });

  it("the upstreams never received a sensitive value (pseudonymized) nor a virtual key; the prose marker did arrive", () => {
    const problems: string[] = [];
    const vkeys = needlesFor({ a: h.keys.default.key, b: h.keys.strict.key });
    for (const sim of up.all) {
      for (const hit of sim.hits) {
        const where = `${sim.url} hit ${hit.index} (${scenarioOf(hit.body)})`;
        if (hit.forbidden) problems.push(`${where}: received a forbidden value (answered 451)`);
        const leaks = found(hit.rawBody, sensitive);
        if (leaks.length > 0) problems.push(`${where} body: ${leaks.join(", ")}`);
        const headerLeaks = found(JSON.stringify(hit.headers), vkeys);
        if (headerLeaks.length > 0) problems.push(`${where} headers: virtual key`);
      }
    }
    assert.deepEqual(problems, []);
    const reached = up.all
      .flatMap((sim) => sim.hits)
      .filter((hit: SimulatorHit) => hit.rawBody.includes(c.marker));
    assert.ok(reached.length >= 20, "the prose marker is ordinary text and went upstream");
  });

  it("stdout and stderr (log level trace) hold no canary, and name keys by id only", () => {
    const leaks = found(stdout + stderr, everything);
    assert.deepEqual(leaks, [], "canary values in the relay's output");
    // The logs were verbose and complete: one structured line per relayed request, with the key id.
    const lines = stdout
      .split("\n")
      .filter((l) => l.startsWith("{"))
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    const requestLines = lines.filter((l) => l.msg === "request");
    const ledgered = outcomes.filter((o) => o.scenario.ledgered);
    assert.ok(requestLines.length >= ledgered.length, `${requestLines.length} request log lines`);
    const loggedIds = new Set(requestLines.map((l) => l.requestId));
    for (const o of ledgered) assert.ok(loggedIds.has(o.requestId), `${o.scenario.name} logged`);
    const keyIds = new Set(requestLines.map((l) => l.keyId));
    assert.ok(keyIds.has(h.keys.default.id) && keyIds.has(h.keys.strict.id), "keys appear by id");
  });

  it("no file under the sandbox (database, -wal, -shm, pepper, master key, temp files) holds a canary in any encoding", () => {
    const files = listFiles(h.box.dir).map((f) => relative(h.box.dir, f));
    assert.ok(files.includes(join("data", "overt.db")), files.join(", "));
    assert.deepEqual(scanFiles(h.box.dir, everything), []);
  });

  it("no database value holds a canary, and the usage table has a row for every relayed request", () => {
    const dbPath = join(h.box.dataDir, "overt.db");
    const { leaks, tables } = scanTables(dbPath, everything);
    assert.ok(tables.includes("usage_records") && tables.includes("virtual_keys"), tables.join(", "));
    assert.deepEqual(leaks, []);

    const db = openDb(dbPath);
    try {
      const rows = db
        .prepare("SELECT request_id, key_id, status, error_code FROM usage_records")
        .all() as Row[];
      const byId = new Map(rows.map((r) => [String(r.request_id), r]));
      const missing = outcomes
        .filter((o) => o.scenario.ledgered && (o.requestId === null || !byId.has(o.requestId)))
        .map((o) => o.scenario.name);
      assert.deepEqual(missing, [], "usage rows for every relayed request");
      const failed = rows.filter((r) => r.status !== "ok");
      assert.ok(failed.length >= 10, `failures are ledgered too (${failed.length})`);
      const keyRows = db.prepare("SELECT id, prefix, digest FROM virtual_keys").all() as Row[];
      assert.equal(keyRows.length, 2);
      for (const k of keyRows)
        assert.match(String(k.digest), /^[0-9a-f]{64}$/, "keys are stored as HMAC digests");
    } finally {
      db.close();
    }
  });

  it("no error response body carries any canary (the prose marker included)", () => {
    const leaks = outcomes
      .filter((o) => o.status >= 400)
      .flatMap((o) => found(o.body, everything).map((label) => `${o.scenario.name}: ${label}`));
    assert.deepEqual(leaks, []);
    assert.ok(outcomes.filter((o) => o.status >= 400).length >= 25);
  });

  it("success bodies carry back only what the client sent: never a virtual key or another upstream key", () => {
    const leaks = outcomes
      .filter((o) => o.status < 400)
      .flatMap((o) => found(o.body, neverEchoed).map((label) => `${o.scenario.name}: ${label}`));
    assert.deepEqual(leaks, []);
    // Failures inside a 200 stream (malformed, cut, in-stream error) carry no upstream key either.
    const inStream = outcomes.filter(
      (o) => o.status === 200 && /malformed|stream-error|disconnect/.test(o.scenario.name),
    );
    for (const o of inStream)
      assert.deepEqual(found(o.body, needlesFor({ k: c.upstreamOai })), [], o.scenario.name);
    const echoed = outcomes.find((o) => o.scenario.name === "chat");
    assert.ok(echoed?.body.includes(c.marker), "the echo answer carries the prose marker back");
  });

  it("count_tokens asks the Anthropic upstream with the guarded body only, and not at all when policy refuses it", () => {
    const counted = up.anthropic.hits.filter((hit) => hit.path.startsWith("/v1/messages/count_tokens"));
    assert.ok(counted.length >= 2, "count_tokens reached the Anthropic upstream");
    for (const hit of counted) {
      assert.equal(hit.forbidden, undefined);
      assert.deepEqual(found(hit.rawBody, sensitive), []);
      assert.ok(hit.rawBody.includes(c.marker));
    }
    const header = (name: string) =>
      outcomes.find((o) => o.scenario.name === name)?.headers.find(([k]) => k === "overt-token-count")?.[1];
    assert.equal(header("count-tokens-anthropic"), "upstream");
    assert.equal(header("guard-block-count-tokens"), "estimated");
    assert.ok(!counted.some((hit) => scenarioOf(hit.body) === "block"));
  });

  it("an upstream reflecting the relay's request headers in a 200 answer does not hand the client the relay's upstream key", () => {
    assert.equal(reflected.status, 200);
    assert.deepEqual(found(reflected.body, needlesFor({ "relay upstream key (oai)": c.upstreamOai })), []);
  });

  it("no response header carries any canary", () => {
    const leaks = outcomes.flatMap((o) =>
      found(o.headers.map(([k, v]) => `${k}: ${v}`).join("\n"), everything).map(
        (label) => `${o.scenario.name}: ${label}`,
      ),
    );
    assert.deepEqual(leaks, []);
  });
});

// ---------------------------------------------------------------- capture on

describe("K2: capture on for a tenant — only ciphertext on disk", () => {
  const c = newCanaries();
  let up: Upstreams;
  let h: Harness;
  const outcomes: Outcome[] = [];
  let everything: Needle[];

  before(async () => {
    up = await startUpstreams(c);
    h = await startRelay(
      c,
      up,
      "tenants:\n  default:\n    capture: { enabled: true, retentionDays: 1 }\n  strict:\n    guard:\n      rules:\n        - { data: pii.cn_resident_id, action: block }\n",
    );
    everything = needlesFor({
      ...cores(c),
      "resident ID": c.residentId,
      email: c.email,
      "sk-proj key": c.openAiKey,
      "relay upstream key (oai)": c.upstreamOai,
      "relay upstream key (anthropic)": c.upstreamAnthropic,
      "relay upstream key (gemini)": c.upstreamGemini,
      "virtual key (default)": h.keys.default.key,
      "virtual key (strict)": h.keys.strict.key,
    });
    const base = h.server.banner.baseUrl;
    const run: Scenario[] = scenarios(c).filter((s) =>
      [
        "chat",
        "chat-stream",
        "responses",
        "messages",
        "messages-stream",
        "gemini",
        "gemini-stream-sse",
        "embeddings",
        "up-500",
        "up-malformed",
      ].includes(s.name),
    );
    for (const s of run) outcomes.push(await send(base, h.keys, s));
    await h.server.stop("SIGTERM");
  });
  after(async () => {
    if (h?.server.child.exitCode === null) await h.server.stop("SIGKILL");
    await up?.close();
    h?.box.remove();
  });

  it("the run went through, and no canary is in the logs or in any byte on disk", () => {
    assert.deepEqual(outcomes.filter((o) => o.status !== o.scenario.status).map(describeOutcome), []);
    assert.deepEqual(found(h.server.stdout() + h.server.stderr(), everything), []);
    assert.deepEqual(scanFiles(h.box.dir, everything), []);
    assert.deepEqual(scanTables(join(h.box.dataDir, "overt.db"), everything).leaks, []);
  });

  it("each exchange of the capturing tenant is stored, as ciphertext that opens to the content", async () => {
    const db = openDb(join(h.box.dataDir, "overt.db"));
    let rows: Row[];
    try {
      rows = db.prepare("SELECT id, request_id, tenant_id, ciphertext FROM captures").all() as Row[];
    } finally {
      db.close();
    }
    const captured = new Set(rows.map((r) => String(r.request_id)));
    const missing = outcomes
      .filter((o) => o.status === 200 && (o.requestId === null || !captured.has(o.requestId)))
      .map((o) => o.scenario.name);
    assert.deepEqual(missing, [], "a capture per successful exchange");
    for (const row of rows) {
      assert.equal(row.tenant_id, "default");
      assert.ok(row.ciphertext instanceof Uint8Array && row.ciphertext.length > 0);
      assert.deepEqual(found(Buffer.from(row.ciphertext), everything), [], `capture ${String(row.id)}`);
    }
    // What is on disk is the content, sealed: the tenant's data key opens it.
    const config = await loadConfig({ path: "overt.yaml", env: h.env, cwd: h.box.dir });
    const core = await openCore(config);
    try {
      const first = rows[0];
      assert.ok(first !== undefined);
      const opened = await core.capture.read(String(first.id));
      assert.ok(opened !== undefined);
      assert.ok(opened.request.includes(c.marker), "the sealed request is the client's");
      assert.ok(!opened.request.includes(c.upstreamOai), "provider secrets are never captured");
    } finally {
      await core.storage.close();
    }
  });
});
