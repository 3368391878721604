/** Security catalogue B1–B10: hostile request bodies get a clear OpenAI error and never reach the upstream. */
import assert from "node:assert/strict";
import { request as httpRequest } from "node:http";
import { after, before, describe, it } from "node:test";
import { expectOpenAiError, post } from "../helpers/http.js";
import {
  startTestRelay,
  startTestUpstream,
  type TestRelay,
  type TestUpstream,
  usageRecords,
} from "../helpers/relay.js";

describe("request bodies (catalogue B)", () => {
  let upstream: TestUpstream;
  let relay: TestRelay;
  let auth: Record<string, string>;
  const hitsNow = () => upstream.simulator.hits.length;
  const chat = (body: unknown, headers: Record<string, string> = {}) =>
    post(relay.baseUrl, "/v1/chat/completions", body, { ...auth, ...headers });

  before(async () => {
    upstream = await startTestUpstream({
      id: "acme",
      models: ["cheap", "expensive"],
      prices: [
        { model: "cheap", inputPerMTok: "0.1", outputPerMTok: "0.1" },
        { model: "expensive", inputPerMTok: "100", outputPerMTok: "100" },
      ],
    });
    relay = await startTestRelay({ providers: [upstream.provider], bodyLimitBytes: 64 * 1024 });
    auth = { authorization: `Bearer ${relay.key}` };
  });
  after(async () => {
    await relay.close();
    await upstream.simulator.close();
  });

  it("B1: invalid JSON, a BOM, or text/plain → 400 invalid_json without echoing the body", async () => {
    const before = hitsNow();
    const truncated = await expectOpenAiError(await chat('{"model":'), 400, "invalid_json");
    assert.match(truncated.error.message, /^Request body is not valid JSON: /);
    const secretish = await expectOpenAiError(await chat('{"model": sk-live-SECRET}'), 400, "invalid_json");
    assert.ok(!secretish.error.message.includes("SECRET"));
    await expectOpenAiError(
      await chat(`\uFEFF${JSON.stringify({ model: "cheap", messages: [] })}`),
      400,
      "invalid_json",
    );
    const plain = await fetch(`${relay.baseUrl}/v1/chat/completions`, {
      method: "POST",
      headers: { ...auth, "content-type": "text/plain" },
      body: JSON.stringify({ model: "cheap", messages: [{ role: "user", content: "x" }] }),
    });
    const body = await expectOpenAiError(plain, 400, "invalid_json");
    assert.match(body.error.message, /application\/json/);
    assert.equal(hitsNow(), before);
  });

  it("B2: a body over the limit → 413 body_too_large naming the limit, also when chunked", async () => {
    const big = JSON.stringify({
      model: "cheap",
      messages: [{ role: "user", content: "x".repeat(100 * 1024) }],
    });
    const body = await expectOpenAiError(await chat(big), 413, "body_too_large");
    assert.match(body.error.message, /65536 bytes/);
    // Chunked transfer without Content-Length: the limit applies while reading.
    const status = await new Promise<number>((resolve, reject) => {
      const req = httpRequest(`${relay.baseUrl}/v1/chat/completions`, {
        method: "POST",
        headers: { ...auth, "content-type": "application/json", "transfer-encoding": "chunked" },
      });
      req.on("response", (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on("error", reject);
      for (let i = 0; i < 20; i++) req.write("x".repeat(8 * 1024));
      req.end();
    });
    assert.equal(status, 413);
  });

  it("B3: deep nesting → 400 naming the maximum, no crash", async () => {
    const deep = `{"model":"cheap","messages":[{"role":"user","content":"x"}],"metadata":${"[".repeat(100_000)}${"]".repeat(100_000)}}`;
    const res = await post(relay.baseUrl, "/v1/chat/completions", deep, auth);
    // 100k levels is 200 KB: over this relay's 64 KB limit; a smaller but still too-deep body gets the depth error.
    assert.ok(res.status === 413 || res.status === 400);
    await res.text();
    const medium = `{"model":"cheap","messages":[{"role":"user","content":"x"}],"metadata":${"[".repeat(10_000)}${"]".repeat(10_000)}}`;
    const body = await expectOpenAiError(
      await post(relay.baseUrl, "/v1/chat/completions", medium, auth),
      400,
      "invalid_request",
    );
    assert.match(body.error.message, /Nesting too deep \(max \d+\)/);
    assert.equal((await fetch(`${relay.baseUrl}/healthz`)).status, 200);
  });

  it("B4: wrong types → 400 with param naming the field, never coerced", async () => {
    const cases: Array<[unknown, string, RegExp]> = [
      [{ model: "cheap", messages: { role: "user" } }, "messages", /messages must be an array/],
      [
        { model: "cheap", messages: [{ role: "user", content: 5 }] },
        "messages[0].content",
        /content must be/,
      ],
      [{ model: ["cheap"], messages: [{ role: "user", content: "x" }] }, "model", /model must be a string/],
      [
        { model: "cheap", messages: [{ role: "user", content: "x" }], stream: "true" },
        "stream",
        /stream must be a boolean/,
      ],
      [
        { model: "cheap", messages: [{ role: "user", content: "x" }], max_tokens: "10" },
        "max_tokens",
        /max_tokens must be an integer/,
      ],
    ];
    const before = hitsNow();
    for (const [body, param, message] of cases) {
      const error = await expectOpenAiError(await chat(body), 400, "invalid_request");
      assert.equal(error.error.param, param);
      assert.match(error.error.message, message);
    }
    assert.equal(hitsNow(), before);
  });

  it("B5: missing model or messages → 400 naming the field", async () => {
    const noModel = await expectOpenAiError(await chat({ messages: [] }), 400, "missing_required_parameter");
    assert.equal(noModel.error.param, "model");
    const noMessages = await expectOpenAiError(
      await chat({ model: "cheap" }),
      400,
      "missing_required_parameter",
    );
    assert.equal(noMessages.error.param, "messages");
  });

  it("B6/B7: unknown and look-alike model names → 404 model_not_found, no fallback", async () => {
    const before = hitsNow();
    for (const model of ["gpt-9", "cheap ", "CHEAP", "che\u2011ap", "che\u200dap"]) {
      const body = await expectOpenAiError(
        await chat({ model, messages: [{ role: "user", content: "x" }] }),
        404,
        "model_not_found",
      );
      assert.equal(body.error.message, `Model ${model} is not available on this relay.`);
      assert.equal(body.error.param, "model");
    }
    assert.equal(hitsNow(), before);
  });

  it("B8: duplicate keys → the one parsed object is billed and forwarded", async () => {
    const raw = '{"model":"cheap","model":"expensive","messages":[{"role":"user","content":"dup"}]}';
    const res = await post(relay.baseUrl, "/v1/chat/completions", raw, auth);
    assert.equal(res.status, 200);
    const served = res.headers.get("overt-served-by");
    const json = (await res.json()) as { model: string };
    const sent = upstream.simulator.hits.at(-1)?.body as { model: string };
    assert.equal(served, `acme/${sent.model}`);
    assert.equal(json.model, sent.model);
    const rows = await usageRecords(relay.relay, 1);
    const row = rows.find((r) => r.upstreamModel === sent.model && r.status === "ok");
    assert.ok(row, "billed model equals forwarded model");
    assert.equal(row.requestedModel, sent.model);
  });

  it("B9: routing and credential overrides in the body → 400 forbidden_parameter", async () => {
    const before = hitsNow();
    for (const field of [
      "api_base",
      "base_url",
      "api_key",
      "organization",
      "extra_headers",
      "custom_llm_provider",
    ]) {
      const body = {
        model: "cheap",
        messages: [{ role: "user", content: "x" }],
        [field]: "http://169.254.169.254/",
      };
      const error = await expectOpenAiError(await chat(body), 400, "forbidden_parameter");
      assert.equal(error.error.param, field);
    }
    assert.equal(hitsNow(), before);
  });

  it("B10: numeric extremes → 400 with the bounds in the message", async () => {
    const base = { model: "cheap", messages: [{ role: "user", content: "x" }] };
    const cases: Array<[Record<string, unknown>, RegExp]> = [
      [{ n: 1e308 }, /n must be an integer 1–8/],
      [{ n: -1 }, /n must be an integer 1–8/],
      [{ max_tokens: -5 }, /max_tokens must be an integer 1–/],
      [{ max_tokens: 1.5 }, /max_tokens must be an integer 1–/],
      [{ max_tokens: "NaN" }, /max_tokens must be an integer/],
      [{ temperature: "Infinity" }, /temperature must be a number 0–2/],
      [{ temperature: 1e9 }, /temperature must be a number 0–2/],
    ];
    const before = hitsNow();
    for (const [extra, message] of cases) {
      const error = await expectOpenAiError(await chat({ ...base, ...extra }), 400, "invalid_request");
      assert.match(error.error.message, message);
    }
    // 2^64 − 2^24: a value that overflowed another relay's billing (new-api CVE-2026-71479), sent as raw JSON.
    const raw = '{"model":"cheap","messages":[{"role":"user","content":"x"}],"n":18446744073686646784}';
    const huge = await expectOpenAiError(
      await post(relay.baseUrl, "/v1/chat/completions", raw, auth),
      400,
      "invalid_request",
    );
    assert.match(huge.error.message, /n must be an integer 1–8/);
    assert.equal(hitsNow(), before);
  });

  it("B11: __proto__ in the body does not pollute objects", async () => {
    const raw =
      '{"model":"cheap","messages":[{"role":"user","content":"x"}],"__proto__":{"admin":true},"metadata":{"__proto__":{"polluted":1}}}';
    const res = await post(relay.baseUrl, "/v1/chat/completions", raw, auth);
    assert.equal(res.status, 200);
    await res.text();
    assert.equal(({} as Record<string, unknown>).admin, undefined);
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
    const sent = upstream.simulator.hits.at(-1)?.rawBody ?? "";
    assert.ok(!sent.includes("__proto__"));
  });
});
