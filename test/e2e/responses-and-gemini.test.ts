/**
 * Issue 3 slices: OpenAI Responses clients (the openai SDK's responses API, as Codex
 * uses it) and Gemini clients (@google/genai, as Gemini CLI uses it) reaching an
 * OpenAI-dialect upstream and an Anthropic upstream through the IR.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { GoogleGenAI, Type } from "@google/genai";
import OpenAI from "openai";
import {
  startAnthropicUpstream,
  startTestRelay,
  startTestUpstream,
  type TestRelay,
  type TestUpstream,
  usageRecords,
} from "../helpers/relay.js";

describe("Responses and Gemini clients through the relay", () => {
  let chatUpstream: TestUpstream;
  let claudeUpstream: TestUpstream;
  let relay: TestRelay;
  let openai: OpenAI;
  let gemini: GoogleGenAI;

  before(async () => {
    chatUpstream = await startTestUpstream({ id: "compat", models: ["sim-model"] });
    claudeUpstream = await startAnthropicUpstream({ id: "anthropic" });
    relay = await startTestRelay({
      providers: [chatUpstream.provider, claudeUpstream.provider],
      routes: {
        "chat-model": [{ provider: "compat", model: "sim-model", weight: 1 }],
        "claude-model": [{ provider: "anthropic", model: "claude-echo", weight: 1 }],
      },
    });
    openai = new OpenAI({ apiKey: relay.key, baseURL: `${relay.baseUrl}/v1`, maxRetries: 0 });
    gemini = new GoogleGenAI({ apiKey: relay.key, httpOptions: { baseUrl: relay.baseUrl } });
  });
  after(async () => {
    await relay.close();
    await chatUpstream.simulator.close();
    await claudeUpstream.simulator.close();
  });

  for (const model of ["chat-model", "claude-model"]) {
    it(`Responses API on ${model}: text, streaming, function calls; store forced false and said so`, async () => {
      const { data, response } = await openai.responses
        .create({
          model,
          instructions: "Be brief.",
          input: "Hello Responses",
          store: true,
          max_output_tokens: 64,
        })
        .withResponse();
      assert.equal(data.object, "response");
      assert.equal(data.status, "completed");
      assert.equal(data.output_text, "You said: Hello Responses");
      assert.equal((data as unknown as { store?: boolean }).store, false);
      assert.match(response.headers.get("overt-transformations") ?? "", /store=false/);
      assert.ok((data.usage?.input_tokens ?? 0) > 0);

      const stream = openai.responses.stream({ model, input: "Stream 你好" });
      let text = "";
      stream.on("response.output_text.delta", (event) => {
        text += event.delta;
      });
      const final = await stream.finalResponse();
      assert.equal(text, "You said: Stream 你好");
      const message = final.output.find((item) => item.type === "message");
      assert.ok(message && message.type === "message");
      assert.deepEqual(
        message.content.map((part) => (part.type === "output_text" ? part.text : part.type)),
        [text],
      );
      assert.equal(final.status, "completed");

      const tools: OpenAI.Responses.Tool[] = [
        {
          type: "function",
          name: "lookup",
          strict: false,
          parameters: { type: "object", properties: { q: { type: "string" } }, required: ["q"] },
        },
      ];
      const first = await openai.responses.create({ model, input: "look it up", tools });
      const call = first.output.find((item) => item.type === "function_call");
      assert.ok(call && call.type === "function_call" && call.name === "lookup");
      const second = await openai.responses.create({
        model,
        tools,
        input: [
          { role: "user", content: "look it up" },
          { type: "function_call", call_id: call.call_id, name: call.name, arguments: call.arguments },
          { type: "function_call_output", call_id: call.call_id, output: "42" },
        ],
      });
      assert.equal(second.output_text, "Tool said: 42");
    });

    it(`Gemini API on ${model}: generateContent, streaming and function calling`, async () => {
      const reply = await gemini.models.generateContent({
        model,
        contents: "Hello Gemini",
        config: { systemInstruction: "Be brief.", maxOutputTokens: 64 },
      });
      assert.equal(reply.text, "You said: Hello Gemini");
      assert.ok((reply.usageMetadata?.promptTokenCount ?? 0) > 0);

      let streamed = "";
      for await (const chunk of await gemini.models.generateContentStream({
        model,
        contents: "Stream 你好",
      })) {
        streamed += chunk.text ?? "";
      }
      assert.equal(streamed, "You said: Stream 你好");

      const declaration = {
        name: "lookup",
        parameters: { type: Type.OBJECT, properties: { q: { type: Type.STRING } }, required: ["q"] },
      };
      const first = await gemini.models.generateContent({
        model,
        contents: "look it up",
        config: { tools: [{ functionDeclarations: [declaration] }] },
      });
      const call = first.functionCalls?.[0];
      assert.equal(call?.name, "lookup");
      const second = await gemini.models.generateContent({
        model,
        config: { tools: [{ functionDeclarations: [declaration] }] },
        contents: [
          { role: "user", parts: [{ text: "look it up" }] },
          {
            role: "model",
            parts: [{ functionCall: { name: "lookup", args: call?.args ?? {}, id: call?.id } }],
          },
          {
            role: "user",
            parts: [{ functionResponse: { name: "lookup", id: call?.id, response: { output: "42" } } }],
          },
        ],
      });
      assert.equal(second.text, "Tool said: 42");
    });
  }

  it("Gemini errors come in Gemini's envelope; the ledger records every dialect", async () => {
    const stranger = new GoogleGenAI({ apiKey: "not-a-relay-key", httpOptions: { baseUrl: relay.baseUrl } });
    await assert.rejects(
      stranger.models.generateContent({ model: "chat-model", contents: "x" }),
      (error: unknown) => {
        const e = error as { status?: number; message?: string };
        return e.status === 401 && /UNAUTHENTICATED|API key/i.test(e.message ?? "");
      },
    );
    await assert.rejects(
      gemini.models.generateContent({ model: "no-such-model", contents: "x" }),
      (error: unknown) => {
        return (error as { status?: number }).status === 404;
      },
    );
    const rows = await usageRecords(relay.relay, 10);
    assert.ok(rows.filter((r) => r.status === "ok").length >= 10);
  });
});
