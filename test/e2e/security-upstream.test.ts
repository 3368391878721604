/** Security catalogue D1–D8 and F5: upstream failures and untrusted upstream data. */
import assert from "node:assert/strict";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, describe, it } from "node:test";
import type { Behavior } from "../../src/upstreams/simulator/types.js";
import { expectOpenAiError, post } from "../helpers/http.js";
import {
  startTestRelay,
  startTestUpstream,
  type TestRelay,
  type TestUpstream,
  usageRecords,
} from "../helpers/relay.js";

const UPSTREAM_KEY = "sk-upstream-canary-9f8e7d6c5b4a";

describe("upstream failures (catalogue D, F5)", () => {
  let primary: TestUpstream;
  let backup: TestUpstream;
  let relay: TestRelay;
  let auth: Record<string, string>;
  const queue: Behavior[] = [];
  const backupQueue: Behavior[] = [];

  const chat = (model = "solo", extraHeaders: Record<string, string> = {}) =>
    post(
      relay.baseUrl,
      "/v1/chat/completions",
      { model, messages: [{ role: "user", content: "hi" }] },
      { ...auth, ...extraHeaders },
    );

  before(async () => {
    primary = await startTestUpstream({
      id: "primary",
      models: ["sim-model"],
      apiKey: UPSTREAM_KEY,
      script: () => queue.shift(),
    });
    backup = await startTestUpstream({
      id: "backup",
      models: ["sim-model"],
      script: () => backupQueue.shift(),
    });
    relay = await startTestRelay({
      providers: [primary.provider, backup.provider],
      routes: {
        solo: [{ provider: "primary", model: "sim-model", weight: 1 }],
        pair: [
          { provider: "primary", model: "sim-model", weight: 1_000_000 },
          { provider: "backup", model: "sim-model", weight: 1 },
        ],
      },
      transport: { headersTimeoutMs: 500, maxResponseBytes: 256 * 1024 },
    });
    auth = { authorization: `Bearer ${relay.key}` };
  });
  after(async () => {
    await relay.close();
    await primary.simulator.close();
    await backup.simulator.close();
  });

  it("D1: 429 with Retry-After → fails over to the other deployment", async () => {
    queue.push({ kind: "error", status: 429, headers: { "retry-after": "7" } });
    const res = await chat("pair");
    assert.equal(res.status, 200);
    assert.equal(res.headers.get("overt-served-by"), "backup/sim-model");
    await res.text();
  });

  it("D1: 429 with nowhere else to go → 429 upstream_rate_limited with Retry-After, no tight retry loop", async () => {
    const before = primary.simulator.hits.length;
    queue.push({ kind: "error", status: 429, headers: { "retry-after": "7" } });
    const res = await chat("solo");
    assert.equal(res.headers.get("retry-after"), "7");
    const body = await expectOpenAiError(res, 429, "upstream_rate_limited");
    assert.equal(body.error.type, "rate_limit_error");
    assert.equal(primary.simulator.hits.length - before, 1, "a 429 is not retried on the same deployment");
  });

  it("D2/D9: upstream errors with org ids or our own key are scrubbed", async () => {
    queue.push({
      kind: "error",
      status: 400,
      message: `Bad request for organization org-Zx81Kq09AbCd using key ${UPSTREAM_KEY}`,
    });
    const res = await chat("solo");
    const body = await expectOpenAiError(res, 400, "upstream_rejected");
    assert.ok(!body.error.message.includes("org-Zx81Kq09AbCd"));
    assert.ok(!body.error.message.includes(UPSTREAM_KEY));
    queue.push({ kind: "echo-headers", status: 400 });
    const echoed = await expectOpenAiError(await chat("solo"), 400, "upstream_rejected");
    assert.ok(!JSON.stringify(echoed).includes(UPSTREAM_KEY));
  });

  it("D3: 5xx before any byte → bounded retries, then 502 upstream_error", async () => {
    const before = primary.simulator.hits.length;
    queue.push(
      { kind: "error", status: 503 },
      { kind: "error", status: 500 },
      { kind: "error", status: 502 },
    );
    const res = await chat("solo");
    const body = await expectOpenAiError(res, 502, "upstream_error");
    assert.match(body.error.message, /primary/);
    assert.equal(primary.simulator.hits.length - before, 3, "maxAttempts bounds the retries");
    queue.push({ kind: "error", status: 500 });
    const recovered = await chat("solo");
    assert.equal(recovered.status, 200, "a retry after a 500 succeeds");
    await recovered.text();
  });

  it("D4: no answer in time / nobody listening → 504 upstream_timeout / 502 upstream_unreachable, provider named, no URL", async () => {
    queue.push(
      { kind: "stall-before-headers" },
      { kind: "stall-before-headers" },
      { kind: "stall-before-headers" },
    );
    const timeout = await expectOpenAiError(await chat("solo"), 504, "upstream_timeout");
    assert.match(timeout.error.message, /primary/);
    queue.length = 0;

    const dead = createServer();
    await new Promise<void>((resolve) => dead.listen(0, "127.0.0.1", resolve));
    const port = (dead.address() as AddressInfo).port;
    await new Promise<void>((resolve) => dead.close(() => resolve()));
    const gone = await startTestUpstream({ id: "gone" });
    gone.provider.baseUrl = new URL(`http://127.0.0.1:${port}/v1`);
    await gone.simulator.close();
    const lonely = await startTestRelay({ providers: [gone.provider] });
    try {
      const res = await post(
        lonely.baseUrl,
        "/v1/chat/completions",
        { model: "sim-model", messages: [{ role: "user", content: "x" }] },
        {
          authorization: `Bearer ${lonely.key}`,
        },
      );
      const body = await expectOpenAiError(res, 502, "upstream_unreachable");
      assert.equal(body.error.message, "The upstream provider gone could not be reached.");
    } finally {
      await lonely.close();
    }
  });

  it("D5: 200 with an HTML page → 502 upstream_invalid_response, HTML never passed on", async () => {
    queue.push({ kind: "html" }, { kind: "html" }, { kind: "html" });
    const res = await chat("solo");
    const body = await expectOpenAiError(res, 502, "upstream_invalid_response");
    assert.match(body.error.message, /text\/html/);
    queue.length = 0;
  });

  it("D6: a redirect is never followed with credentials", async () => {
    let attackerHits = 0;
    const attacker = createServer((_req, res) => {
      attackerHits++;
      res.end("{}");
    });
    await new Promise<void>((resolve) => attacker.listen(0, "127.0.0.1", resolve));
    const location = `http://127.0.0.1:${(attacker.address() as AddressInfo).port}/steal`;
    queue.push(
      { kind: "redirect", location },
      { kind: "redirect", location },
      { kind: "redirect", location },
    );
    try {
      await expectOpenAiError(await chat("solo"), 502, "upstream_redirect_blocked");
      assert.equal(attackerHits, 0);
    } finally {
      queue.length = 0;
      attacker.close();
    }
  });

  it("D7: an oversize upstream body → 502 upstream_response_too_large", async () => {
    queue.push({ kind: "huge-body", bytes: 1024 * 1024 });
    const body = await expectOpenAiError(await chat("solo"), 502, "upstream_response_too_large");
    assert.match(body.error.message, /262144 bytes/);
  });

  it("D8: negative, fractional or absurd usage is clamped and flagged, never credited", async () => {
    const cases = [
      { prompt_tokens: -100, completion_tokens: -5, total_tokens: -105 },
      { prompt_tokens: 1.5, completion_tokens: 2.5, total_tokens: 4 },
      { prompt_tokens: 1e12, completion_tokens: 1e12, total_tokens: 2e12 },
    ];
    for (const usage of cases) {
      queue.push({ kind: "respond", usage });
      const res = await post(
        relay.baseUrl,
        "/v1/chat/completions",
        { model: "solo", messages: [{ role: "user", content: "hi" }], max_tokens: 50 },
        auth,
      );
      assert.equal(res.status, 200);
      const requestId = res.headers.get("x-request-id");
      await res.text();
      let row: Awaited<ReturnType<typeof usageRecords>>[number] | undefined;
      for (let i = 0; i < 50 && !row; i++)
        row = (await usageRecords(relay.relay, 1)).find((r) => r.requestId === requestId);
      assert.ok(row);
      assert.equal(row.usageFlagged, true);
      assert.ok(row.inputTokens >= 0 && row.outputTokens >= 0 && row.outputTokens <= 50);
      assert.ok(row.costNano >= 0n);
    }
  });

  it("D10/F5: client credentials and cookies never go upstream; upstream account headers never come back", async () => {
    queue.push({
      kind: "respond",
      headers: {
        "set-cookie": "session=abc",
        "openai-organization": "org-secret",
        "x-ratelimit-remaining-requests": "9",
      },
    });
    const res = await chat("solo", {
      cookie: "mine=1",
      "x-forwarded-for": "10.0.0.1",
      "api-key": relay.key,
      "x-api-key": relay.key,
    });
    assert.equal(res.status, 200);
    await res.text();
    for (const header of ["set-cookie", "openai-organization", "x-ratelimit-remaining-requests"]) {
      assert.equal(res.headers.get(header), null, header);
    }
    const hit = primary.simulator.hits.at(-1);
    assert.equal(hit?.headers.authorization, `Bearer ${UPSTREAM_KEY}`);
    for (const header of ["cookie", "x-forwarded-for", "api-key", "x-api-key"])
      assert.equal(hit?.headers[header], undefined, header);
    assert.ok(!JSON.stringify(hit?.headers).includes(relay.key));
  });

  it("D11: a different model in the upstream answer is passed through, not hidden", async () => {
    queue.push({ kind: "respond", model: "cheaper-model-2024" });
    const res = await chat("solo");
    const json = (await res.json()) as { model: string };
    assert.equal(json.model, "cheaper-model-2024");
    assert.equal(res.headers.get("overt-served-by"), "primary/sim-model");
  });
});
