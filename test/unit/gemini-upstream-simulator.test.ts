/**
 * The Gemini upstream translation against the Gemini simulator over real HTTP:
 * an IR request encoded by translate-request.ts, sent with the adapter's path
 * and headers, the answer (JSON or SSE, read with the transport's SseDecoder)
 * decoded back to IR events — including a function-call round trip whose
 * signature the simulator verifies, the same with an OpenAI client's history
 * (placeholder signature), and the ledger usage from normaliseGeminiUsage.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { ContentBlock, IrRequest, Message } from "../../src/ir/request.js";
import type { IrEvent } from "../../src/ir/stream.js";
import { SseDecoder } from "../../src/transport/sse-reader.js";
import { encodeGenerateContentRequest, geminiPath } from "../../src/upstreams/gemini/translate-request.js";
import {
  decodeGenerateContentResponse,
  GenerateContentStreamDecoder,
  normaliseGeminiUsage,
} from "../../src/upstreams/gemini/translate-response.js";
import { callSignature, startGeminiSimulator } from "../../src/upstreams/simulator/gemini/index.js";
import { countTokens, type Simulator } from "../../src/upstreams/simulator/index.js";

const KEY = "AIzaSy-upstream-sim-key";
const MODEL = "gemini-4-neon";
const tool = {
  name: "get_weather",
  inputSchema: { type: "object", properties: { city: { type: "string" } }, required: ["city"] },
};

function ir(messages: Message[], fields: Partial<IrRequest> = {}): IrRequest {
  return {
    model: MODEL,
    system: [],
    messages,
    tools: [tool],
    stop: [],
    stream: false,
    extensions: {},
    ...fields,
  };
}

async function send(sim: Simulator, request: IrRequest, stream: boolean) {
  const { body, transformations } = encodeGenerateContentRequest(request, MODEL);
  const res = await fetch(`${sim.url}${geminiPath(MODEL, stream)}`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-goog-api-key": KEY },
    body: JSON.stringify(body),
  });
  assert.equal(res.status, 200, await res.clone().text());
  if (!stream) {
    const json: unknown = await res.json();
    return { events: decodeGenerateContentResponse(json, "gemini"), transformations, usage: [json] };
  }
  const decoder = new GenerateContentStreamDecoder("gemini");
  const sse = new SseDecoder();
  const events: IrEvent[] = [];
  const usage: unknown[] = [];
  for await (const bytes of res.body ?? []) {
    for (const message of sse.push(bytes)) {
      const chunk: unknown = JSON.parse(message.data);
      usage.push(chunk);
      events.push(...decoder.push(chunk));
    }
  }
  assert.equal(decoder.finished, true);
  return { events, transformations, usage };
}

function assistantOf(events: IrEvent[]): ContentBlock[] {
  const blocks: ContentBlock[] = [];
  const at = new Map<number, ContentBlock>();
  for (const e of events) {
    if (e.type === "thinking_delta" || e.type === "text_delta" || e.type === "tool_call_start") {
      let b = at.get(e.index);
      if (!b) {
        b =
          e.type === "tool_call_start"
            ? { type: "tool_use", id: e.id, name: e.name, input: {} }
            : e.type === "text_delta"
              ? { type: "text", text: "" }
              : { type: "thinking", thinking: "" };
        at.set(e.index, b);
        blocks.push(b);
      }
      if (e.type === "text_delta" && b.type === "text") b.text += e.text;
      if (e.type === "thinking_delta" && b.type === "thinking") {
        b.thinking += e.text;
        if (e.signature) b.signature = e.signature;
      }
    } else if (e.type === "tool_call_delta") {
      const b = at.get(e.index);
      if (b?.type === "tool_use") b.input = JSON.parse(e.argumentsJson);
    }
  }
  return blocks;
}

describe("Gemini upstream translation against the simulator", () => {
  let sim: Simulator;
  before(async () => {
    sim = await startGeminiSimulator({ apiKey: KEY });
  });
  after(() => sim.close());

  it("a Chinese question, JSON and SSE decode to the same text and usage", async () => {
    const request = ir([{ role: "user", content: [{ type: "text", text: "你好，北京天气如何？" }] }], {
      tools: [],
    });
    const json = await send(sim, request, false);
    const sse = await send(sim, request, true);
    const text = (events: IrEvent[]) =>
      events.flatMap((e) => (e.type === "text_delta" ? [e.text] : [])).join("");
    assert.equal(text(json.events), "You said: 你好，北京天气如何？");
    assert.equal(text(sse.events), text(json.events));
    const prompt = 3 + 3 + countTokens("你好，北京天气如何？");
    const expected = {
      inputTokens: prompt,
      cachedInputTokens: 0,
      cacheWriteTokens: 0,
      outputTokens: countTokens("You said: 你好，北京天气如何？"),
      reasoningTokens: 0,
    };
    assert.deepEqual(json.events.at(-1), { type: "usage", usage: expected });
    assert.deepEqual(sse.events.at(-1), { type: "usage", usage: expected });
    assert.deepEqual(sse.events.at(-2), { type: "finish", choice: 0, reason: "end_turn", rawReason: "STOP" });
    const last = sse.usage.at(-1) as { usageMetadata: unknown };
    assert.deepEqual(normaliseGeminiUsage(last.usageMetadata), {
      ...expected,
      source: "upstream",
      flagged: false,
    });
  });

  it("function-call round trip: the simulator's signature comes back on the call and is accepted", async () => {
    const user: Message = { role: "user", content: [{ type: "text", text: "上海天气？" }] };
    const first = await send(sim, ir([user]), true);
    const assistant = assistantOf(first.events);
    assert.deepEqual(assistant, [
      { type: "thinking", thinking: "", signature: callSignature("get_weather", { city: "example" }) },
      {
        type: "tool_use",
        id: assistant[1]?.type === "tool_use" ? assistant[1].id : "",
        name: "get_weather",
        input: { city: "example" },
      },
    ]);
    assert.deepEqual(
      first.events.find((e) => e.type === "finish"),
      { type: "finish", choice: 0, reason: "tool_use", rawReason: "STOP" },
    );
    const id = assistant[1]?.type === "tool_use" ? assistant[1].id : "";
    assert.match(id, /^call_[0-9A-Za-z]{22}_0$/);
    const second = await send(
      sim,
      ir([
        user,
        { role: "assistant", content: assistant },
        {
          role: "user",
          content: [{ type: "tool_result", toolUseId: id, content: [{ type: "text", text: "多云，18°C" }] }],
        },
      ]),
      false,
    );
    assert.deepEqual(second.transformations, []);
    assert.deepEqual(assistantOf(second.events), [{ type: "text", text: "Tool said: 多云，18°C" }]);
  });

  it("an OpenAI client's history (no signatures) passes Gemini 3's check through the placeholder", async () => {
    const messages: Message[] = [
      { role: "user", content: [{ type: "text", text: "杭州天气？" }] },
      {
        role: "assistant",
        content: [{ type: "tool_use", id: "call_openai_1", name: "get_weather", input: '{"city":"杭州"}' }],
      },
      {
        role: "tool",
        content: [
          { type: "tool_result", toolUseId: "call_openai_1", content: [{ type: "text", text: "晴" }] },
        ],
      },
    ];
    const out = await send(sim, ir(messages, { dialect: "openai-chat" }), true);
    assert.deepEqual(out.transformations, ["inserted:thought_signature_placeholder"]);
    assert.deepEqual(assistantOf(out.events), [{ type: "text", text: "Tool said: 晴" }]);
    const sent = sim.hits.at(-1)?.body as { contents: { parts: Record<string, unknown>[] }[] };
    assert.deepEqual(sent.contents[1]?.parts[0], {
      functionCall: { id: "call_openai_1", name: "get_weather", args: { city: "杭州" } },
      thoughtSignature: "skip_thought_signature_validator",
    });
  });

  it("thinking from an Anthropic client: thought summaries come back as unsigned thinking, counted as reasoning", async () => {
    const out = await send(
      sim,
      ir([{ role: "user", content: [{ type: "text", text: "想一想" }] }], {
        tools: [],
        thinking: { type: "enabled", budgetTokens: 4096 },
      }),
      true,
    );
    assert.deepEqual(out.transformations, ["converted:thinking.budget_to_level"]);
    const sent = sim.hits.at(-1)?.body as { generationConfig: unknown };
    assert.deepEqual(sent.generationConfig, {
      thinkingConfig: { thinkingLevel: "medium", includeThoughts: true },
    });
    assert.deepEqual(assistantOf(out.events), [
      { type: "thinking", thinking: "Thinking about: 想一想" },
      { type: "text", text: "You said: 想一想" },
    ]);
    const usage = out.events.at(-1);
    assert.equal(
      usage?.type === "usage" ? usage.usage.reasoningTokens : -1,
      countTokens("Thinking about: 想一想"),
    );
  });
});
