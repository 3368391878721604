/**
 * Amazon Bedrock (Converse API) as an upstream: SigV4-signed requests, AWS
 * event-stream responses, reached by the OpenAI and Anthropic SDKs with streaming
 * and tools. The simulator verifies every signature.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import Anthropic from "@anthropic-ai/sdk";
import OpenAI from "openai";
import {
  startBedrockUpstream,
  startTestRelay,
  type TestRelay,
  type TestUpstream,
  usageRecords,
} from "../helpers/relay.js";

describe("Bedrock upstream", () => {
  let upstream: TestUpstream;
  let relay: TestRelay;

  before(async () => {
    upstream = await startBedrockUpstream({ id: "bedrock" });
    relay = await startTestRelay({
      providers: [upstream.provider],
      routes: {
        "claude-on-bedrock": [{ provider: "bedrock", model: "anthropic.claude-echo-v1:0", weight: 1 }],
      },
    });
  });
  after(async () => {
    await relay.close();
    await upstream.simulator.close();
  });

  it("OpenAI client: signed Converse request, answer, stream and tool round trip", async () => {
    const client = new OpenAI({ apiKey: relay.key, baseURL: `${relay.baseUrl}/v1`, maxRetries: 0 });
    const reply = await client.chat.completions.create({
      model: "claude-on-bedrock",
      messages: [{ role: "user", content: "Hello Bedrock" }],
    });
    assert.equal(reply.choices[0]?.message.content, "You said: Hello Bedrock");
    const hit = upstream.simulator.hits.at(-1);
    assert.match(hit?.path ?? "", /^\/model\/anthropic\.claude-echo-v1%3A0\/converse$/);
    assert.match(String(hit?.headers.authorization), /^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLETEST01\//);
    assert.ok(!JSON.stringify(hit?.headers).includes("wJalrXUtnFEMI"), "the secret key itself is never sent");

    let text = "";
    const stream = await client.chat.completions.create({
      model: "claude-on-bedrock",
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
    assert.ok(usage && usage.completion_tokens > 0);
    assert.match(upstream.simulator.hits.at(-1)?.path ?? "", /\/converse-stream$/);

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
      model: "claude-on-bedrock",
      messages: [{ role: "user", content: "look" }],
      tools,
    });
    const call = first.choices[0]?.message.tool_calls?.[0];
    assert.ok(call && call.type === "function" && call.function.name === "lookup");
    const second = await client.chat.completions.create({
      model: "claude-on-bedrock",
      tools,
      messages: [
        { role: "user", content: "look" },
        { role: "assistant", content: null, tool_calls: [call] },
        { role: "tool", tool_call_id: call.id, content: "42" },
      ],
    });
    assert.equal(second.choices[0]?.message.content, "Tool said: 42");
  });

  it("Anthropic client (Claude Code's dialect) on Bedrock, streaming; usage ledgered", async () => {
    const client = new Anthropic({ apiKey: relay.key, baseURL: relay.baseUrl, maxRetries: 0 });
    const final = await client.messages
      .stream({
        model: "claude-on-bedrock",
        max_tokens: 64,
        messages: [{ role: "user", content: "Hi from Claude" }],
      })
      .finalMessage();
    assert.equal((final.content[0] as { text: string }).text, "You said: Hi from Claude");
    const rows = await usageRecords(relay.relay, 3);
    assert.ok(
      rows.some(
        (r) => r.provider === "bedrock" && r.stream && r.status === "ok" && r.usageSource === "upstream",
      ),
    );
  });
});
