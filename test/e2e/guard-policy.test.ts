/**
 * Tenant policies on the request path (issue 4): blocking names the class, the
 * field and the rule in the client's own error envelope and sends nothing;
 * "personal data may not leave CN" routes to CN upstreams only; "only CN
 * upstreams" fails closed; operators can loosen the defaults; over-long
 * requests fail closed instead of going out unscanned.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import Anthropic from "@anthropic-ai/sdk";
import OpenAI from "openai";
import type { FileConfig } from "../../src/config/schema.js";
import { startAnthropicUpstream, startTestRelay, startTestUpstream } from "../helpers/relay.js";

const ID = "11010519491231002X";
const MOBILE = "13800138000";

async function setup(dataProtection: FileConfig, forbiddenAbroad: readonly string[] = []) {
  const us = await startTestUpstream({
    id: "us",
    models: ["echo"],
    jurisdiction: "US",
    forbidden: forbiddenAbroad,
  });
  const cn = await startTestUpstream({ id: "cn", models: ["echo"], jurisdiction: "CN" });
  const claude = await startAnthropicUpstream({
    id: "anthropic",
    jurisdiction: "US",
    forbidden: forbiddenAbroad,
  });
  const relay = await startTestRelay({
    providers: [us.provider, cn.provider, claude.provider],
    routes: {
      // The US deployment is overwhelmingly preferred by weight.
      chat: [
        { provider: "us", model: "echo", weight: 1_000_000 },
        { provider: "cn", model: "echo", weight: 1 },
      ],
      "us-only": [{ provider: "us", model: "echo", weight: 1 }],
      "claude-echo": [{ provider: "anthropic", model: "claude-echo", weight: 1 }],
    },
    transport: { maxAttempts: 1 },
    dataProtection,
  });
  const openai = new OpenAI({ apiKey: relay.key, baseURL: `${relay.baseUrl}/v1`, maxRetries: 0 });
  const anthropic = new Anthropic({ apiKey: relay.key, baseURL: relay.baseUrl, maxRetries: 0 });
  return {
    us,
    cn,
    claude,
    relay,
    openai,
    anthropic,
    async close() {
      await relay.close();
      await Promise.all([us, cn, claude].map((u) => u.simulator.close()));
    },
  };
}

describe("guard policy: personal data may not leave CN", () => {
  let env: Awaited<ReturnType<typeof setup>>;
  before(async () => {
    env = await setup(
      { homeJurisdiction: "CN", guard: { rules: [{ data: "pii", to: "abroad", action: "block" }] } },
      [ID, MOBILE],
    );
  });
  after(() => env.close());

  it("a request with personal data is routed to the CN upstream, unchanged there", async () => {
    for (let i = 0; i < 5; i++) {
      const { data, response } = await env.openai.chat.completions
        .create({ model: "chat", messages: [{ role: "user", content: `call ${MOBILE}` }] })
        .withResponse();
      assert.equal(response.headers.get("overt-served-by"), "cn/echo");
      assert.equal(data.choices[0]?.message.content, `You said: call ${MOBILE}`);
      assert.equal(response.headers.get("overt-redactions"), null, "home: personal data allowed as is");
    }
    assert.equal(env.us.simulator.hits.length, 0);
  });

  it("a request without personal data may still go abroad", async () => {
    const { response } = await env.openai.chat.completions
      .create({ model: "chat", messages: [{ role: "user", content: "hello" }] })
      .withResponse();
    assert.equal(response.headers.get("overt-served-by"), "us/echo");
  });

  it("with no CN deployment: 422 naming the class, field and rule, in OpenAI's envelope; nothing sent", async () => {
    const hits = env.us.simulator.hits.length;
    const error = await env.openai.chat.completions
      .create({
        model: "us-only",
        messages: [
          { role: "system", content: "hi" },
          { role: "user", content: `ID ${ID}` },
        ],
      })
      .catch((e: unknown) => e);
    assert.ok(error instanceof OpenAI.APIError);
    assert.equal(error.status, 422);
    assert.equal(error.code, "sensitive_data_blocked");
    assert.equal(error.param, "messages[1].content");
    assert.match(error.message, /personal data \(type: pii\.cn_resident_id\) at messages\[1\]\.content/);
    assert.match(error.message, /guard\.rules\[0\]/);
    assert.ok(!error.message.includes(ID), "the value is never echoed");
    assert.equal(env.us.simulator.hits.length, hits);
  });

  it("the same refusal in Anthropic's envelope", async () => {
    const error = await env.anthropic.messages
      .create({
        model: "claude-echo",
        max_tokens: 10,
        messages: [{ role: "user", content: `call ${MOBILE}` }],
      })
      .catch((e: unknown) => e);
    assert.ok(error instanceof Anthropic.APIError);
    assert.equal(error.status, 422);
    const body = error.error as { type: string; error: { type: string; message: string } };
    assert.equal(body.type, "error");
    assert.equal(body.error.type, "invalid_request_error");
    assert.match(body.error.message, /pii\.cn_mobile.*messages\[0\]\.content/);
    assert.equal(env.claude.simulator.hits.length, 0);
  });
});

describe("guard policy: only CN upstreams", () => {
  let env: Awaited<ReturnType<typeof setup>>;
  before(async () => {
    env = await setup({ tenants: { default: { guard: { allowedJurisdictions: ["CN"] } } } });
  });
  after(() => env.close());

  it("routes every request to CN, and fails closed (403) when a model has no CN deployment", async () => {
    const { response } = await env.openai.chat.completions
      .create({ model: "chat", messages: [{ role: "user", content: "hello" }] })
      .withResponse();
    assert.equal(response.headers.get("overt-served-by"), "cn/echo");
    const error = await env.openai.chat.completions
      .create({ model: "us-only", messages: [{ role: "user", content: "hello" }] })
      .catch((e: unknown) => e);
    assert.ok(error instanceof OpenAI.APIError);
    assert.equal(error.status, 403);
    assert.equal(error.code, "jurisdiction_not_allowed");
    assert.match(error.message, /tenants\.default\.guard\.allowedJurisdictions \(CN\)/);
    assert.equal(env.us.simulator.hits.length, 0);
  });
});

describe("guard policy: loosened and tightened by the operator", () => {
  let env: Awaited<ReturnType<typeof setup>>;
  before(async () => {
    env = await setup({
      guard: {
        maxScanChars: 2048,
        rules: [
          { data: "pii.cn_mobile", action: "allow" },
          { data: "pii.cn_resident_id", action: "redact" },
        ],
      },
    });
  });
  after(() => env.close());

  it("allow lets the value through (the simulator sees it), redact is typed and final", async () => {
    const { data, response } = await env.openai.chat.completions
      .create({ model: "us-only", messages: [{ role: "user", content: `${MOBILE} ${ID}` }] })
      .withResponse();
    assert.equal(data.choices[0]?.message.content, `You said: ${MOBILE} [REDACTED:pii.cn_resident_id]`);
    assert.equal(response.headers.get("overt-redactions"), "pii.cn_resident_id=1");
    assert.ok(env.us.simulator.hits.at(-1)?.rawBody.includes(MOBILE));
  });

  it("a request with more text than maxScanChars is refused, not forwarded unscanned", async () => {
    const hits = env.us.simulator.hits.length;
    const error = await env.openai.chat.completions
      .create({ model: "us-only", messages: [{ role: "user", content: "x".repeat(3000) }] })
      .catch((e: unknown) => e);
    assert.ok(error instanceof OpenAI.APIError);
    assert.equal(error.status, 413);
    assert.equal(error.code, "guard_scan_too_large");
    assert.equal(env.us.simulator.hits.length, hits);
  });
});
