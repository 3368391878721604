/**
 * Gemini as an upstream: every client dialect's official SDK reaches a Gemini
 * simulator through the relay — text, streaming and a function-call round trip.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import Anthropic from "@anthropic-ai/sdk";
import { GoogleGenAI, Type } from "@google/genai";
import OpenAI from "openai";
import {
  startGeminiUpstream,
  startTestRelay,
  type TestRelay,
  type TestUpstream,
  usageRecords,
} from "../helpers/relay.js";

describe("Gemini upstream, every client dialect", () => {
  let upstream: TestUpstream;
  let relay: TestRelay;

  before(async () => {
    upstream = await startGeminiUpstream({ id: "gemini" });
    relay = await startTestRelay({
      providers: [upstream.provider],
      routes: { "g-model": [{ provider: "gemini", model: "gemini-echo", weight: 1 }] },
    });
  });
  after(async () => {
    await relay.close();
    await upstream.simulator.close();
  });

  it("OpenAI Chat client: text, stream, tool round trip; the upstream got Gemini's wire format", async () => {
    const client = new OpenAI({ apiKey: relay.key, baseURL: `${relay.baseUrl}/v1`, maxRetries: 0 });
    const reply = await client.chat.completions.create({
      model: "g-model",
      messages: [{ role: "user", content: "Hello Gemini" }],
    });
    assert.equal(reply.choices[0]?.message.content, "You said: Hello Gemini");
    const hit = upstream.simulator.hits.at(-1);
    assert.match(hit?.path ?? "", /^\/v1beta\/models\/gemini-echo:generateContent/);
    assert.equal(hit?.headers["x-goog-api-key"], "gemini-upstream-test-key-0001");
    assert.ok((hit?.body as { contents?: unknown } | undefined)?.contents);

    let text = "";
    const stream = await client.chat.completions.create({
      model: "g-model",
      messages: [{ role: "user", content: "Stream 你好" }],
      stream: true,
      stream_options: { include_usage: true },
    });
    let usage: OpenAI.CompletionUsage | null | undefined;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? "";
      if (chunk.usage) usage = chunk.usage;
    }
    assert.equal(text, "You said: Stream 你好");
    assert.ok(usage && usage.prompt_tokens > 0);

    const tools: OpenAI.ChatCompletionTool[] = [
      {
        type: "function",
        function: {
          name: "lookup",
          parameters: { type: "object", properties: { q: { type: "string" } }, required: ["q"] },
        },
      },
    ];
    const first = await client.chat.completions.create({
      model: "g-model",
      messages: [{ role: "user", content: "look" }],
      tools,
    });
    const call = first.choices[0]?.message.tool_calls?.[0];
    assert.ok(call && call.type === "function" && call.function.name === "lookup");
    const second = await client.chat.completions.create({
      model: "g-model",
      tools,
      messages: [
        { role: "user", content: "look" },
        { role: "assistant", content: null, tool_calls: [call] },
        { role: "tool", tool_call_id: call.id, content: "42" },
      ],
    });
    assert.equal(second.choices[0]?.message.content, "Tool said: 42");
  });

  it("Anthropic client (Claude Code's dialect) on Gemini, streaming", async () => {
    const client = new Anthropic({ apiKey: relay.key, baseURL: relay.baseUrl, maxRetries: 0 });
    const final = await client.messages
      .stream({ model: "g-model", max_tokens: 64, messages: [{ role: "user", content: "Hi from Claude" }] })
      .finalMessage();
    assert.equal((final.content[0] as { text: string }).text, "You said: Hi from Claude");
    assert.equal(final.stop_reason, "end_turn");
  });

  it("Gemini client on a Gemini upstream, with function calling", async () => {
    const ai = new GoogleGenAI({ apiKey: relay.key, httpOptions: { baseUrl: relay.baseUrl } });
    let streamed = "";
    for await (const chunk of await ai.models.generateContentStream({
      model: "g-model",
      contents: "Stream me",
    })) {
      streamed += chunk.text ?? "";
    }
    assert.equal(streamed, "You said: Stream me");
    const declaration = {
      name: "lookup",
      parameters: { type: Type.OBJECT, properties: { q: { type: Type.STRING } } },
    };
    const first = await ai.models.generateContent({
      model: "g-model",
      contents: "look",
      config: { tools: [{ functionDeclarations: [declaration] }] },
    });
    assert.equal(first.functionCalls?.[0]?.name, "lookup");
    // Same dialect: a passthrough, and the JSON-array stream form works too.
    const raw = await fetch(`${relay.baseUrl}/v1beta/models/g-model:streamGenerateContent`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-goog-api-key": relay.key },
      body: JSON.stringify({ contents: [{ role: "user", parts: [{ text: "Array please" }] }] }),
    });
    assert.equal(raw.status, 200);
    assert.match(raw.headers.get("content-type") ?? "", /^application\/json/);
    assert.doesNotMatch(raw.headers.get("overt-transformations") ?? "", /translated/);
    const chunks = JSON.parse(await raw.text()) as Array<{
      candidates?: Array<{ content?: { parts?: Array<{ text?: string }> } }>;
    }>;
    const joined = chunks
      .map((c) => c.candidates?.[0]?.content?.parts?.map((p) => p.text ?? "").join("") ?? "")
      .join("");
    assert.equal(joined, "You said: Array please");
    const rows = await usageRecords(relay.relay, 5);
    assert.ok(rows.some((r) => r.provider === "gemini" && r.usageSource === "upstream" && r.inputTokens > 0));
  });
});
