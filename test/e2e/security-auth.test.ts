/** Security catalogue A1–A5, A7: authentication and key scope on the LLM routes. */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { expectOpenAiError, post } from "../helpers/http.js";
import { startTestRelay, startTestUpstream, type TestRelay, type TestUpstream } from "../helpers/relay.js";

const BODY = { model: "sim-model", messages: [{ role: "user", content: "hi" }] };

describe("authentication (catalogue A)", () => {
  let upstream: TestUpstream;
  let relay: TestRelay;
  const hitsNow = () => upstream.simulator.hits.length;

  before(async () => {
    upstream = await startTestUpstream({ id: "acme", models: ["sim-model", "other-model"] });
    relay = await startTestRelay({ providers: [upstream.provider] });
  });
  after(async () => {
    await relay.close();
    await upstream.simulator.close();
  });

  it("A1: no credential → 401 missing_api_key, no upstream hit", async () => {
    const before = hitsNow();
    const body = await expectOpenAiError(
      await post(relay.baseUrl, "/v1/chat/completions", BODY),
      401,
      "missing_api_key",
    );
    assert.match(body.error.message, /No API key provided/);
    assert.equal(hitsNow(), before);
  });

  it("A2: malformed credentials → 401 invalid_api_key, token never echoed", async () => {
    const bad = [
      "Bearer ",
      "Basic dXNlcjpwYXNz",
      "Bearer two tokens",
      `Bearer ${"x".repeat(10_000)}`,
      "Bearer ovt_short",
    ];
    for (const authorization of bad) {
      const res = await post(relay.baseUrl, "/v1/chat/completions", BODY, { authorization });
      const body = await expectOpenAiError(res, 401, "invalid_api_key");
      assert.equal(body.error.message, "Invalid API key format.");
    }
  });

  it("A3/A4: unknown keys and injection payloads → the same 401 as an unknown key", async () => {
    const forged = `ovt_${"A".repeat(43)}${"A".repeat(6)}`;
    const payloads = [
      forged,
      "' OR '1'='1",
      "%s%s%n",
      "ovt_%00abc\\u0000",
      `${relay.key.slice(0, -1)}${relay.key.endsWith("x") ? "y" : "x"}`,
    ];
    for (const token of payloads) {
      const res = await post(relay.baseUrl, "/v1/chat/completions", BODY, { "x-api-key": token });
      const body = await expectOpenAiError(res, 401, "invalid_api_key");
      assert.match(body.error.message, /^Invalid (or revoked )?API key/);
      assert.ok(!body.error.message.includes(token));
    }
    // A well-formed key with a valid checksum that was never issued: "Invalid or revoked".
    const { generateToken } = await import("../../src/governance/token-format.js");
    const res = await post(relay.baseUrl, "/v1/chat/completions", BODY, {
      authorization: `Bearer ${generateToken("ovt")}`,
    });
    const body = await expectOpenAiError(res, 401, "invalid_api_key");
    assert.equal(body.error.message, "Invalid or revoked API key.");
  });

  it("A3: a revoked key answers exactly like an unknown one, on the next request", async () => {
    const created = await relay.relay.keys.create({
      name: "to-revoke",
      models: ["*"],
      expiresAt: null,
      actor: "test",
    });
    const ok = await post(relay.baseUrl, "/v1/chat/completions", BODY, {
      authorization: `Bearer ${created.key}`,
    });
    assert.equal(ok.status, 200);
    await ok.text();
    await relay.relay.keys.revoke(created.record.id, "test");
    const res = await post(relay.baseUrl, "/v1/chat/completions", BODY, {
      authorization: `Bearer ${created.key}`,
    });
    const body = await expectOpenAiError(res, 401, "invalid_api_key");
    assert.equal(body.error.message, "Invalid or revoked API key.");
  });

  it("A5: an expired key → 401 key_expired with the date", async () => {
    const created = await relay.relay.keys.create({
      name: "old",
      models: ["*"],
      expiresAt: Date.now() + 50,
      actor: "test",
    });
    await new Promise((resolve) => setTimeout(resolve, 80));
    const res = await post(relay.baseUrl, "/v1/chat/completions", BODY, {
      authorization: `Bearer ${created.key}`,
    });
    const body = await expectOpenAiError(res, 401, "key_expired");
    assert.match(body.error.message, /API key expired at \d{4}-\d\d-\d\dT/);
  });

  it("A7: a key not scoped to the model → 403 model_not_allowed without the key's name or id", async () => {
    const created = await relay.relay.keys.create({
      name: "secret-team-name",
      models: ["other-model"],
      expiresAt: null,
      actor: "test",
    });
    const before = hitsNow();
    const res = await post(relay.baseUrl, "/v1/chat/completions", BODY, {
      authorization: `Bearer ${created.key}`,
    });
    const body = await expectOpenAiError(res, 403, "model_not_allowed");
    assert.equal(body.error.message, "Key is not permitted to use model sim-model.");
    assert.equal(body.error.param, "model");
    assert.ok(
      !body.error.message.includes("secret-team-name") && !body.error.message.includes(created.record.id),
    );
    assert.equal(hitsNow(), before);
  });

  it("A9: two different credentials → 400 ambiguous_credentials; the same one twice is fine", async () => {
    const other = await relay.relay.keys.create({ name: "b", models: ["*"], expiresAt: null, actor: "test" });
    const res = await post(relay.baseUrl, "/v1/chat/completions", BODY, {
      authorization: `Bearer ${relay.key}`,
      "x-api-key": other.key,
    });
    await expectOpenAiError(res, 400, "ambiguous_credentials");
    const same = await post(relay.baseUrl, "/v1/chat/completions", BODY, {
      authorization: `Bearer ${relay.key}`,
      "x-api-key": relay.key,
    });
    assert.equal(same.status, 200);
    await same.text();
  });

  it("keys are stored only as digests and display prefixes", async () => {
    const rows = await relay.relay.storage.listKeys();
    for (const row of rows) {
      assert.match(row.digest, /^[0-9a-f]{64}$/);
      assert.ok(!row.prefix.includes(relay.key.slice(12)));
    }
    const { readFileSync } = await import("node:fs");
    const { join } = await import("node:path");
    await relay.relay.ledger.flush();
    const dbBytes = readFileSync(join(relay.dataDir, "overt.db")).toString("latin1");
    let walBytes = "";
    try {
      walBytes = readFileSync(join(relay.dataDir, "overt.db-wal")).toString("latin1");
    } catch {}
    assert.ok(!dbBytes.includes(relay.key) && !walBytes.includes(relay.key), "the key never reaches disk");
  });
});
