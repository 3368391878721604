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
import { join, relative } from "node:path";
import { after, before, describe, it } from "node:test";
import { loadConfig } from "../../src/config/load.js";
import { openCore } from "../../src/main.js";
import type { SimulatorHit } from "../../src/upstreams/simulator/types.js";
import {
  cores,
  found,
  listFiles,
  type Needle,
  needlesFor,
  newCanaries,
  openDb,
  type Row,
  scanFiles,
  scanTables,
} from "../helpers/k1/canaries.js";
import { type Harness, startRelay, undisplayed } from "../helpers/k1/relay.js";
import {
  BOGUS_KEY,
  describeOutcome,
  json,
  type Outcome,
  type Scenario,
  scenarios,
  send,
} from "../helpers/k1/scenarios.js";
import { scenarioOf, startUpstreams, type Upstreams } from "../helpers/k1/upstreams.js";

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
