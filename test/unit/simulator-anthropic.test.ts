/**
 * The Anthropic Messages simulator's default behaviour, driven by the official
 * `@anthropic-ai/sdk` so the wire format is what real clients expect (DESIGN §12).
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import Anthropic from "@anthropic-ai/sdk";
import {
  ANTHROPIC_SIMULATOR_ORG_ID,
  startAnthropicSimulator,
  thinkingSignature,
} from "../../src/upstreams/simulator/anthropic/index.js";
import { countTokens, type Simulator } from "../../src/upstreams/simulator/index.js";

const API_KEY = "sk-ant-simulator-test-key";
const MODEL = "claude-echo";

const weatherTool = {
  name: "get_weather",
  description: "Weather for a city",
  input_schema: {
    type: "object" as const,
    properties: {
      city: { type: "string" },
      days: { type: "integer", minimum: 1 },
      unit: { type: "string", enum: ["celsius", "fahrenheit"] },
    },
    required: ["city", "days", "unit"],
  },
};

function post(sim: Simulator, path: string, body: unknown, headers: Record<string, string> = {}) {
  return fetch(`${sim.url}${path}`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      "x-api-key": API_KEY,
      "anthropic-version": "2023-06-01",
      ...headers,
    },
    body: JSON.stringify(body),
  });
}

describe("Anthropic simulator defaults via the official @anthropic-ai/sdk", () => {
  let sim: Simulator;
  let client: Anthropic;
  before(async () => {
    sim = await startAnthropicSimulator({ apiKey: API_KEY });
    client = new Anthropic({ baseURL: sim.url, apiKey: API_KEY, maxRetries: 0 });
  });
  after(() => sim.close());

  it("answers a non-streaming request with a complete message and Anthropic headers", async () => {
    const { data: msg, response } = await client.messages
      .create({
        model: MODEL,
        max_tokens: 256,
        system: [{ type: "text", text: "Be brief." }],
        messages: [{ role: "user", content: [{ type: "text", text: "Hello there, simulator!" }] }],
      })
      .withResponse();
    assert.match(sim.url, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.match(msg.id, /^msg_01[0-9A-Za-z]{22}$/);
    assert.equal(msg.type, "message");
    assert.equal(msg.role, "assistant");
    assert.equal(msg.model, MODEL);
    assert.deepEqual(msg.content, [{ type: "text", text: "You said: Hello there, simulator!" }]);
    assert.equal(msg.stop_reason, "end_turn");
    assert.equal(msg.stop_sequence, null);
    // 3 per request + system block + (3 per message + text)
    const input = 3 + countTokens("Be brief.") + 3 + countTokens("Hello there, simulator!");
    assert.equal(msg.usage.input_tokens, input);
    assert.equal(msg.usage.output_tokens, countTokens("You said: Hello there, simulator!"));
    assert.equal(msg.usage.cache_creation_input_tokens, 0);
    assert.equal(msg.usage.cache_read_input_tokens, 0);
    assert.equal(msg.usage.service_tier, "standard");
    assert.match(response.headers.get("request-id") ?? "", /^req_011C[0-9A-Za-z]{20}$/);
    assert.equal(response.headers.get("anthropic-organization-id"), ANTHROPIC_SIMULATOR_ORG_ID);
    assert.equal(response.headers.get("anthropic-ratelimit-requests-limit"), "4000");
    assert.match(response.headers.get("anthropic-ratelimit-tokens-reset") ?? "", /^\d{4}-\d\d-\d\dT[\d:]+Z$/);
    const hit = sim.hits.at(-1)!;
    assert.equal(hit.path, "/v1/messages");
    // @anthropic-ai/sdk 1.14 sends the API key as `Authorization: Bearer`, not `x-api-key`.
    assert.equal(hit.headers.authorization, `Bearer ${API_KEY}`);
    assert.ok(hit.headers["anthropic-version"]);
  });

  it("counts images and documents as placeholders and answers the last user message", async () => {
    const msg = await client.messages.create({
      model: MODEL,
      max_tokens: 100,
      messages: [
        { role: "user", content: "first" },
        { role: "assistant", content: "ok" },
        {
          role: "user",
          content: [
            { type: "text", text: "look:" },
            { type: "image", source: { type: "base64", media_type: "image/png", data: "iVBORw0KGgo=" } },
            { type: "document", source: { type: "text", media_type: "text/plain", data: "doc" } },
          ],
        },
      ],
    });
    assert.deepEqual(msg.content, [{ type: "text", text: "You said: look: [image] [document]" }]);
  });

  it("streams with messages.stream(): events in order, small deltas, finalMessage() identical to create", async () => {
    const stream = client.messages.stream({
      model: MODEL,
      max_tokens: 256,
      messages: [{ role: "user", content: "Stream me a reply, please." }],
    });
    const types: string[] = [];
    const deltas: string[] = [];
    stream.on("streamEvent", (event) => types.push(event.type));
    stream.on("text", (delta) => deltas.push(delta));
    const final = await stream.finalMessage();
    assert.deepEqual(final.content, [{ type: "text", text: "You said: Stream me a reply, please." }]);
    assert.equal(final.stop_reason, "end_turn");
    assert.equal(final.usage.output_tokens, countTokens("You said: Stream me a reply, please."));
    assert.equal(final.usage.input_tokens, 3 + 3 + countTokens("Stream me a reply, please."));
    assert.equal(types[0], "message_start");
    assert.equal(types[1], "content_block_start");
    assert.equal(types.at(-3), "content_block_stop");
    assert.equal(types.at(-2), "message_delta");
    assert.equal(types.at(-1), "message_stop");
    assert.ok(deltas.length >= 5, `several text deltas (got ${deltas.length})`);
    assert.equal(deltas.join(""), "You said: Stream me a reply, please.");

    const raw = await (
      await post(sim, "/v1/messages", {
        model: MODEL,
        max_tokens: 50,
        stream: true,
        messages: [{ role: "user", content: "hi" }],
      })
    ).text();
    assert.match(raw, /^event: message_start\ndata: \{"type":"message_start"/);
    assert.match(raw, /event: ping\ndata: \{"type":"ping"\}\n\n/);
    assert.match(raw, /event: message_stop\ndata: \{"type":"message_stop"\}\n\n$/);
    const start = JSON.parse(/data: (\{"type":"message_start".*)\n/.exec(raw)![1]!);
    assert.equal(start.message.usage.output_tokens, 1, "message_start reports output_tokens 1");
    assert.deepEqual(start.message.content, []);
  });

  it("tool use round trip: tool_use from input_schema, streamed input_json_delta fragments, then 'Tool said'", async () => {
    const stream = client.messages.stream({
      model: MODEL,
      max_tokens: 256,
      tools: [weatherTool],
      messages: [{ role: "user", content: "Weather in Paris?" }],
    });
    const fragments: string[] = [];
    stream.on("inputJson", (partial) => fragments.push(partial));
    const first = await stream.finalMessage();
    assert.equal(first.stop_reason, "tool_use");
    assert.equal(first.content.length, 1);
    const call = first.content[0]!;
    assert.equal(call.type, "tool_use");
    if (call.type !== "tool_use") return;
    assert.match(call.id, /^toolu_01[0-9A-Za-z]{22}$/);
    assert.equal(call.name, "get_weather");
    assert.deepEqual(call.input, { city: "example", days: 1, unit: "celsius" });
    assert.ok(fragments.length >= 3, `several input_json_delta fragments (got ${fragments.length})`);

    const second = await client.messages.create({
      model: MODEL,
      max_tokens: 256,
      tools: [weatherTool],
      messages: [
        { role: "user", content: "Weather in Paris?" },
        { role: "assistant", content: first.content },
        {
          role: "user",
          content: [
            { type: "tool_result", tool_use_id: call.id, content: [{ type: "text", text: "18°C, sunny" }] },
          ],
        },
      ],
    });
    assert.equal(second.stop_reason, "end_turn");
    assert.deepEqual(second.content, [{ type: "text", text: "Tool said: 18°C, sunny" }]);

    const none = await client.messages.create({
      model: MODEL,
      max_tokens: 256,
      tools: [weatherTool],
      tool_choice: { type: "none" },
      messages: [{ role: "user", content: "no tools" }],
    });
    assert.deepEqual(none.content, [{ type: "text", text: "You said: no tools" }]);
  });

  it("thinking: a signed thinking block first, counted in output tokens, verified when sent back", async () => {
    const params = {
      model: MODEL,
      max_tokens: 2048,
      thinking: { type: "enabled" as const, budget_tokens: 1024 },
      messages: [{ role: "user" as const, content: "Why is the sky blue?" }],
    };
    const msg = await client.messages.create(params);
    assert.equal(msg.content.length, 2);
    const [thinking, text] = msg.content;
    assert.equal(thinking?.type, "thinking");
    if (thinking?.type !== "thinking") return;
    assert.equal(thinking.thinking, "Thinking about: Why is the sky blue?");
    assert.equal(thinking.signature, thinkingSignature(thinking.thinking));
    assert.deepEqual(text, { type: "text", text: "You said: Why is the sky blue?" });
    assert.equal(
      msg.usage.output_tokens,
      countTokens(thinking.thinking) + countTokens("You said: Why is the sky blue?"),
    );

    const streamed = await client.messages.stream(params).finalMessage();
    assert.deepEqual(streamed.content, msg.content, "signature_delta reassembles byte-exact");

    const followUp = (signature: string) =>
      client.messages.create({
        ...params,
        messages: [
          ...params.messages,
          {
            role: "assistant",
            content: [
              { ...thinking, signature },
              { type: "text", text: "…" },
            ],
          },
          { role: "user", content: "and at sunset?" },
        ],
      });
    const ok = await followUp(thinking.signature);
    assert.equal(ok.content[0]?.type, "thinking");
    await assert.rejects(followUp(`${thinking.signature.slice(0, -4)}AAA=`), (err: unknown) => {
      assert.ok(err instanceof Anthropic.BadRequestError);
      assert.equal(err.apiMessage, "messages.1.content.0: Invalid `signature` in `thinking` block");
      return true;
    });
    await assert.rejects(
      client.messages.create({ ...params, tools: [weatherTool], tool_choice: { type: "any" } }),
      (err: unknown) =>
        err instanceof Anthropic.BadRequestError &&
        err.apiMessage === "Thinking may not be enabled when tool_choice forces tool use.",
    );
    await assert.rejects(
      client.messages.create({ ...params, max_tokens: 1024 }),
      (err: unknown) => err instanceof Anthropic.BadRequestError && /budget_tokens/.test(err.message),
    );
  });

  it("thinking with tools: thinking then tool_use; after the tool_result no new thinking block", async () => {
    const ask = { role: "user" as const, content: "Weather in Oslo?" };
    const base = {
      model: MODEL,
      max_tokens: 4096,
      thinking: { type: "enabled" as const, budget_tokens: 2048 },
    };
    const first = await client.messages
      .stream({ ...base, tools: [weatherTool], messages: [ask] })
      .finalMessage();
    assert.deepEqual(
      first.content.map((b) => b.type),
      ["thinking", "tool_use"],
    );
    assert.equal(first.stop_reason, "tool_use");
    const call = first.content[1];
    assert.ok(call?.type === "tool_use");
    const second = await client.messages.create({
      ...base,
      tools: [weatherTool],
      messages: [
        ask,
        { role: "assistant", content: first.content },
        { role: "user", content: [{ type: "tool_result", tool_use_id: call.id, content: "-2°C" }] },
      ],
    });
    assert.deepEqual(second.content, [{ type: "text", text: "Tool said: -2°C" }]);
  });
});
