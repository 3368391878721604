/**
 * Security catalogue B18 for every client dialect: a body of another dialect's
 * shape sent to a route is refused with 400 in the route's own error envelope,
 * naming the field at fault, and nothing reaches either upstream.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import {
  authHeaders,
  type ClientDialect,
  type DialectRig,
  startDialectRig,
  UPSTREAMS,
} from "../helpers/dialects.js";
import { expectOpenAiError, post } from "../helpers/http.js";

/** A typical body of each dialect, for a model (Gemini's names the model in its path). */
const FOREIGN: Record<ClientDialect, (model: string) => Record<string, unknown>> = {
  "openai-chat": (model) => ({
    model,
    max_tokens: 64,
    messages: [
      { role: "system", content: "Be brief." },
      { role: "user", content: "Weather in Shanghai?" },
      {
        role: "assistant",
        content: null,
        tool_calls: [{ id: "call_1", type: "function", function: { name: "weather", arguments: "{}" } }],
      },
      { role: "tool", tool_call_id: "call_1", content: "Rainy" },
    ],
  }),
  "anthropic-messages": (model) => ({
    model,
    max_tokens: 64,
    system: "Be brief.",
    messages: [
      { role: "user", content: "Weather in Shanghai?" },
      { role: "assistant", content: [{ type: "tool_use", id: "toolu_1", name: "weather", input: {} }] },
      { role: "user", content: [{ type: "tool_result", tool_use_id: "toolu_1", content: "Rainy" }] },
    ],
  }),
  "openai-responses": (model) => ({
    model,
    instructions: "Be brief.",
    input: [{ role: "user", content: [{ type: "input_text", text: "Weather in Shanghai?" }] }],
    max_output_tokens: 64,
  }),
  gemini: (model) => ({
    model,
    systemInstruction: { parts: [{ text: "Be brief." }] },
    contents: [{ role: "user", parts: [{ text: "Weather in Shanghai?" }] }],
    generationConfig: { maxOutputTokens: 64 },
  }),
};

const ROUTES: Record<ClientDialect, (model: string) => string> = {
  "openai-chat": () => "/v1/chat/completions",
  "openai-responses": () => "/v1/responses",
  "anthropic-messages": () => "/v1/messages",
  gemini: (model) => `/v1beta/models/${model}:generateContent`,
};

/** What each route must answer for each foreign shape: the field named, and the message. */
const EXPECTED: Record<ClientDialect, Partial<Record<ClientDialect, { param: string; message: RegExp }>>> = {
  "openai-chat": {
    "anthropic-messages": {
      param: "system",
      message: /^system is not a Chat Completions field: this body looks like Anthropic Messages/,
    },
    "openai-responses": {
      param: "input",
      message: /^input is not a Chat Completions field: this body looks like the Responses API/,
    },
    gemini: {
      param: "contents",
      message: /^contents is not a Chat Completions field: this body looks like the Gemini API/,
    },
  },
  "openai-responses": {
    "openai-chat": { param: "input", message: /^Missing required parameter: input\.$/ },
    "anthropic-messages": { param: "input", message: /^Missing required parameter: input\.$/ },
    gemini: { param: "input", message: /^Missing required parameter: input\.$/ },
  },
  "anthropic-messages": {
    "openai-chat": {
      param: "messages.0.role",
      message: /^messages\.0\.role: must be 'user' or 'assistant'.*system/,
    },
    "openai-responses": { param: "max_tokens", message: /^Missing required parameter: max_tokens\.$/ },
    gemini: { param: "max_tokens", message: /^Missing required parameter: max_tokens\.$/ },
  },
  gemini: {
    "openai-chat": { param: "contents", message: /^Missing required parameter: contents\.$/ },
    "anthropic-messages": { param: "contents", message: /^Missing required parameter: contents\.$/ },
    "openai-responses": { param: "contents", message: /^Missing required parameter: contents\.$/ },
  },
};

/** Known relay bugs, by `${route}<${shape}@${upstream}`. */
const TODO: Record<string, string> = {};

/** Asserts a 400 in the route's own envelope naming `param` (or the message naming it). */
async function expectRouteError(route: ClientDialect, res: Response, param: string, message: RegExp) {
  const code = message.source.includes("Missing required") ? "missing_required_parameter" : "invalid_request";
  if (route === "openai-chat" || route === "openai-responses") {
    const body = await expectOpenAiError(res, 400, code);
    assert.equal(body.error.type, "invalid_request_error");
    assert.equal(body.error.param, param);
    assert.match(body.error.message, message);
    return;
  }
  const text = await res.text();
  assert.equal(res.status, 400, `status (body: ${text.slice(0, 300)})`);
  assert.equal(res.headers.get("overt-error-code"), code);
  const requestId = res.headers.get("x-request-id") ?? "";
  assert.match(requestId, /^req_/);
  const body = JSON.parse(text) as Record<string, any>;
  if (route === "anthropic-messages") {
    assert.deepEqual(Object.keys(body).sort(), ["error", "request_id", "type"]);
    assert.equal(body.type, "error");
    assert.equal(body.error.type, "invalid_request_error");
    assert.equal(body.request_id, requestId);
    assert.match(body.error.message, message);
    assert.ok(body.error.message.includes(param), `message names ${param}`);
    return;
  }
  assert.equal(body.error.code, 400);
  assert.equal(body.error.status, "INVALID_ARGUMENT");
  assert.match(body.error.message, message);
  const violation = body.error.details.find((d: any) => String(d["@type"]).endsWith("BadRequest"));
  assert.equal(violation?.fieldViolations?.[0]?.field, param);
}

describe("B18: another dialect's body on each route", () => {
  let rig: DialectRig;
  before(async () => {
    rig = await startDialectRig();
  });
  after(async () => {
    await rig.close();
  });

  for (const route of Object.keys(EXPECTED) as ClientDialect[]) {
    for (const [shape, expected] of Object.entries(EXPECTED[route]) as [
      ClientDialect,
      { param: string; message: RegExp },
    ][]) {
      for (const upstream of UPSTREAMS) {
        const todo = TODO[`${route}<${shape}@${upstream.kind}`];
        it(`${route} route, ${shape} body, ${upstream.label} → 400 naming ${expected.param}`, {
          todo,
        }, async () => {
          const before = rig.hits();
          const res = await post(
            rig.relay.baseUrl,
            ROUTES[route](upstream.model),
            FOREIGN[shape](upstream.model),
            authHeaders(route, rig.relay.key),
          );
          await expectRouteError(route, res, expected.param, expected.message);
          assert.equal(rig.hits(), before, "nothing reached an upstream");
        });
      }
    }
  }

  // The smallest Anthropic body that is not an OpenAI one: plain messages plus a top-level `system`.
  for (const upstream of UPSTREAMS) {
    it(`openai-chat route, Anthropic top-level system, ${upstream.label} → 400 naming system`, async () => {
      const before = rig.hits();
      const res = await post(
        rig.relay.baseUrl,
        "/v1/chat/completions",
        {
          model: upstream.model,
          max_tokens: 64,
          system: "Answer in French.",
          messages: [{ role: "user", content: "Hello" }],
        },
        authHeaders("openai-chat", rig.relay.key),
      );
      const text = await res.text();
      assert.equal(res.status, 400, `status (body: ${text.slice(0, 300)})`);
      const body = JSON.parse(text) as { error: { param: string | null; message: string } };
      assert.equal(body.error.param, "system");
      assert.match(body.error.message, /system/);
      assert.equal(rig.hits(), before, "nothing reached an upstream");
    });
  }
});
