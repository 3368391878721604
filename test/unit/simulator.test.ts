/**
 * The simulator's default behaviour, driven by the official `openai` SDK so the
 * wire format is what real clients expect (DESIGN §12).
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import OpenAI from "openai";
import {
  countTokens,
  type Simulator,
  startSimulator,
  tokenize,
} from "../../src/upstreams/simulator/index.js";

const weatherTool = {
  type: "function" as const,
  function: {
    name: "get_weather",
    description: "Weather for a city",
    parameters: {
      type: "object",
      properties: {
        city: { type: "string" },
        days: { type: "integer", minimum: 1 },
        unit: { type: "string", enum: ["celsius", "fahrenheit"] },
        verbose: { type: "boolean" },
      },
      required: ["city", "days", "unit"],
    },
  },
};

async function post(sim: Simulator, body: unknown, headers: Record<string, string> = {}) {
  return fetch(`${sim.url}/chat/completions`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify(body),
  });
}

describe("simulator defaults via the official openai SDK", () => {
  let sim: Simulator;
  let client: OpenAI;
  before(async () => {
    sim = await startSimulator();
    client = new OpenAI({ baseURL: sim.url, apiKey: "sk-test-simulator", maxRetries: 0 });
  });
  after(() => sim.close());

  it("answers a non-streaming request with a complete chat.completion", async () => {
    const res = await client.chat.completions.create({
      model: "echo",
      messages: [
        { role: "system", content: "Be brief." },
        { role: "user", content: "Hello there, simulator!" },
      ],
    });
    assert.equal(res.object, "chat.completion");
    assert.match(res.id, /^chatcmpl-sim[0-9A-Za-z]+$/);
    assert.equal(res.model, "echo");
    assert.equal(typeof res.created, "number");
    assert.equal(res.choices.length, 1);
    const choice = res.choices[0]!;
    assert.equal(choice.index, 0);
    assert.equal(choice.finish_reason, "stop");
    assert.equal(choice.logprobs, null);
    assert.equal(choice.message.role, "assistant");
    assert.equal(choice.message.content, "You said: Hello there, simulator!");
    assert.equal(choice.message.refusal, null);
    const usage = res.usage!;
    // 3 per request + (3 + 2 tokens) + (3 + 5 tokens)
    assert.equal(
      usage.prompt_tokens,
      3 + 3 + countTokens("Be brief.") + 3 + countTokens("Hello there, simulator!"),
    );
    assert.equal(usage.completion_tokens, countTokens("You said: Hello there, simulator!"));
    assert.equal(usage.total_tokens, usage.prompt_tokens + usage.completion_tokens);
    assert.equal(usage.prompt_tokens_details?.cached_tokens, 0);
    assert.equal(usage.completion_tokens_details?.reasoning_tokens, 0);

    const hit = sim.hits.at(-1)!;
    assert.equal(hit.method, "POST");
    assert.equal(hit.path, "/v1/chat/completions");
    assert.equal(hit.headers.authorization, "Bearer sk-test-simulator");
    assert.deepEqual((hit.body as { model: string }).model, "echo");
    assert.equal(JSON.parse(hit.rawBody).messages.length, 2);
    assert.equal(hit.aborted, false);
  });

  it("streams chunks, and the include_usage chunk, that the SDK reassembles", async () => {
    const request = {
      model: "echo",
      messages: [{ role: "user" as const, content: "Stream me 你好 please" }],
    };
    const stream = await client.chat.completions.create({
      ...request,
      stream: true,
      stream_options: { include_usage: true },
    });
    const chunks = [];
    for await (const chunk of stream) chunks.push(chunk);
    assert.ok(chunks.length > 4, "several deltas");
    const ids = new Set(chunks.map((c) => c.id));
    assert.equal(ids.size, 1, "one id for every chunk");
    for (const chunk of chunks) {
      assert.equal(chunk.object, "chat.completion.chunk");
      assert.equal(chunk.model, "echo");
    }
    assert.equal(chunks[0]!.choices[0]!.delta.role, "assistant");
    const text = chunks.map((c) => c.choices[0]?.delta.content ?? "").join("");
    assert.equal(text, "You said: Stream me 你好 please");
    const finishes = chunks.filter((c) => c.choices[0]?.finish_reason);
    assert.equal(finishes.length, 1);
    assert.equal(finishes[0]!.choices[0]!.finish_reason, "stop");
    const last = chunks.at(-1)!;
    assert.deepEqual(last.choices, []);
    for (const chunk of chunks.slice(0, -1))
      assert.equal(chunk.usage, null, "usage is null before the last chunk");

    const plain = await client.chat.completions.create(request);
    assert.deepEqual(last.usage, plain.usage, "streamed usage equals non-streamed usage");
  });

  it("sends no usage chunk unless include_usage is set", async () => {
    const stream = await client.chat.completions.create({
      model: "echo",
      messages: [{ role: "user", content: "no usage" }],
      stream: true,
    });
    const chunks = [];
    for await (const chunk of stream) chunks.push(chunk);
    assert.ok(chunks.every((c) => c.usage === undefined && c.choices.length === 1));
  });

  it("runs a tool-call round trip, streamed and not", async () => {
    const messages: OpenAI.ChatCompletionMessageParam[] = [{ role: "user", content: "Weather in Paris?" }];
    const first = await client.chat.completions.create({ model: "echo", messages, tools: [weatherTool] });
    const choice = first.choices[0]!;
    assert.equal(choice.finish_reason, "tool_calls");
    assert.equal(choice.message.content, null);
    const call = choice.message.tool_calls?.[0];
    assert.ok(call && call.type === "function");
    assert.match(call.id, /^call_sim/);
    assert.equal(call.function.name, "get_weather");
    assert.deepEqual(JSON.parse(call.function.arguments), { city: "example", days: 1, unit: "celsius" });

    // The SDK's stream helper accumulates tool-call argument fragments.
    const runner = client.chat.completions.stream({ model: "echo", messages, tools: [weatherTool] });
    const fragments: string[] = [];
    runner.on("chunk", (chunk) => {
      const args = chunk.choices[0]?.delta.tool_calls?.[0]?.function?.arguments;
      if (args) fragments.push(args);
    });
    const streamed = await runner.finalChatCompletion();
    const streamedCall = streamed.choices[0]!.message.tool_calls?.[0];
    assert.ok(streamedCall && streamedCall.type === "function");
    assert.equal(streamedCall.function.name, "get_weather");
    assert.equal(streamedCall.function.arguments, call.function.arguments);
    assert.equal(streamed.choices[0]!.finish_reason, "tool_calls");
    assert.ok(fragments.length > 3, "arguments arrive in several fragments");

    const second = await client.chat.completions.create({
      model: "echo",
      tools: [weatherTool],
      messages: [
        ...messages,
        choice.message,
        { role: "tool", tool_call_id: call.id, content: "18°C and sunny" },
      ],
    });
    assert.equal(second.choices[0]!.finish_reason, "stop");
    assert.equal(second.choices[0]!.message.content, "Tool said: 18°C and sunny");
  });

  it("honours tool_choice none and a named tool", async () => {
    const other = { type: "function" as const, function: { name: "lookup", parameters: { type: "object" } } };
    const none = await client.chat.completions.create({
      model: "echo",
      messages: [{ role: "user", content: "hi" }],
      tools: [weatherTool, other],
      tool_choice: "none",
    });
    assert.equal(none.choices[0]!.message.content, "You said: hi");
    const named = await client.chat.completions.create({
      model: "echo",
      messages: [{ role: "user", content: "hi" }],
      tools: [weatherTool, other],
      tool_choice: { type: "function", function: { name: "lookup" } },
    });
    const call = named.choices[0]!.message.tool_calls?.[0];
    assert.ok(call && call.type === "function");
    assert.equal(call.function.name, "lookup");
    assert.equal(call.function.arguments, "{}");
  });

  it("reads content-part arrays and counts images as [image]", async () => {
    const res = await client.chat.completions.create({
      model: "gpt-4o",
      messages: [
        {
          role: "user",
          content: [
            { type: "text", text: "What is this?" },
            { type: "image_url", image_url: { url: "data:image/png;base64,AAAA" } },
          ],
        },
      ],
    });
    assert.equal(res.choices[0]!.message.content, "You said: What is this? [image]");
    assert.equal(res.model, "gpt-4o", "any model name is echoed as the upstream model");
  });

  it("honours n, stop and max_tokens", async () => {
    const many = await client.chat.completions.create({
      model: "echo",
      n: 3,
      messages: [{ role: "user", content: "one two" }],
    });
    assert.deepEqual(
      many.choices.map((c) => c.index),
      [0, 1, 2],
    );
    assert.equal(many.usage!.completion_tokens, 3 * countTokens("You said: one two"));

    const stopped = await client.chat.completions.create({
      model: "echo",
      stop: ["three", "two"],
      messages: [{ role: "user", content: "one two three" }],
    });
    assert.equal(stopped.choices[0]!.message.content, "You said: one ");
    assert.equal(stopped.choices[0]!.finish_reason, "stop");

    const cut = await client.chat.completions.create({
      model: "echo",
      max_completion_tokens: 4,
      messages: [{ role: "user", content: "a long sentence that will be cut" }],
    });
    assert.equal(cut.choices[0]!.finish_reason, "length");
    assert.equal(cut.usage!.completion_tokens, 4);
    assert.equal(cut.choices[0]!.message.content, "You said: a");

    const cutStream = await client.chat.completions.create({
      model: "echo",
      max_tokens: 2,
      stream: true,
      stream_options: { include_usage: true },
      messages: [{ role: "user", content: "a long sentence" }],
    });
    let text = "";
    let finish: string | null = null;
    let completionTokens = -1;
    for await (const chunk of cutStream) {
      text += chunk.choices[0]?.delta.content ?? "";
      finish = chunk.choices[0]?.finish_reason ?? finish;
      if (chunk.usage) completionTokens = chunk.usage.completion_tokens;
    }
    assert.equal(text, "You said");
    assert.equal(finish, "length");
    assert.equal(completionTokens, 2);
  });

  it("returns logprobs per token and echoes a system_fingerprint with seed", async () => {
    const res = await client.chat.completions.create({
      model: "echo",
      seed: 42,
      logprobs: true,
      top_logprobs: 3,
      messages: [{ role: "user", content: "prob me" }],
    });
    assert.match(res.system_fingerprint ?? "", /^fp_/);
    const content = res.choices[0]!.logprobs?.content;
    assert.ok(content);
    assert.equal(content.map((t) => t.token).join(""), res.choices[0]!.message.content);
    for (const entry of content) {
      assert.ok(entry.logprob < 0);
      assert.equal(entry.top_logprobs.length, 3);
      assert.equal(entry.top_logprobs[0]!.token, entry.token);
      assert.deepEqual(entry.bytes, [...Buffer.from(entry.token, "utf8")]);
    }

    const stream = await client.chat.completions.create({
      model: "echo",
      logprobs: true,
      stream: true,
      messages: [{ role: "user", content: "prob me" }],
    });
    let streamed = 0;
    for await (const chunk of stream) streamed += chunk.choices[0]?.logprobs?.content?.length ?? 0;
    assert.equal(streamed, content.length);
  });

  it("answers valid JSON for json_object and json_schema response formats", async () => {
    const obj = await client.chat.completions.create({
      model: "echo",
      response_format: { type: "json_object" },
      messages: [{ role: "user", content: "Reply in JSON" }],
    });
    assert.deepEqual(JSON.parse(obj.choices[0]!.message.content!), { reply: "You said: Reply in JSON" });

    const schema = await client.chat.completions.create({
      model: "echo",
      response_format: {
        type: "json_schema",
        json_schema: {
          name: "person",
          strict: true,
          schema: {
            type: "object",
            properties: {
              name: { type: "string" },
              age: { type: "integer" },
              tags: { type: "array", items: { type: "string" } },
              address: { $ref: "#/$defs/address" },
            },
            required: ["name", "age", "tags", "address"],
            additionalProperties: false,
            $defs: {
              address: { type: "object", properties: { zip: { type: "string" } }, required: ["zip"] },
            },
          },
        },
      },
      messages: [{ role: "user", content: "Who?" }],
    });
    assert.deepEqual(JSON.parse(schema.choices[0]!.message.content!), {
      name: "example",
      age: 1,
      tags: ["example"],
      address: { zip: "example" },
    });
  });

  it("reports reasoning tokens for the reasoning model", async () => {
    const res = await client.chat.completions.create({
      model: "echo-reasoner",
      messages: [{ role: "user", content: "think" }],
    });
    const usage = res.usage!;
    assert.equal(usage.completion_tokens_details?.reasoning_tokens, 16);
    assert.equal(usage.completion_tokens, countTokens("You said: think") + 16);
  });

  it("lists its models", async () => {
    const page = await client.models.list();
    const ids = page.data.map((m) => m.id);
    assert.ok(ids.includes("echo"));
    for (const model of page.data) assert.equal(model.object, "model");
    const one = await client.models.retrieve("echo");
    assert.equal(one.id, "echo");
    await assert.rejects(client.models.retrieve("nope"), (err: unknown) => {
      assert.ok(err instanceof OpenAI.NotFoundError);
      return true;
    });
  });

  it("answers OpenAI error envelopes for bad JSON, missing fields and unknown paths", async () => {
    const bad = await fetch(`${sim.url}/chat/completions`, { method: "POST", body: '{"model":' });
    assert.equal(bad.status, 400);
    const badBody = (await bad.json()) as { error: { type: string; param: unknown; code: unknown } };
    assert.equal(badBody.error.type, "invalid_request_error");
    assert.ok("param" in badBody.error && "code" in badBody.error);

    const missing = await post(sim, { model: "echo" });
    assert.equal(missing.status, 400);
    assert.equal(((await missing.json()) as { error: { param: string } }).error.param, "messages");

    const unknown = await fetch(`${sim.url}/nothing-here`);
    assert.equal(unknown.status, 404);
    assert.match(((await unknown.json()) as { error: { message: string } }).error.message, /Invalid URL/);
  });
});

describe("simulator API key", () => {
  let sim: Simulator;
  before(async () => {
    sim = await startSimulator({ apiKey: "sk-right-key-123456" });
  });
  after(() => sim.close());

  it("accepts the right key and answers OpenAI's 401 for a wrong or missing one", async () => {
    const good = new OpenAI({ baseURL: sim.url, apiKey: "sk-right-key-123456", maxRetries: 0 });
    const ok = await good.chat.completions.create({
      model: "echo",
      messages: [{ role: "user", content: "hi" }],
    });
    assert.equal(ok.choices[0]!.message.content, "You said: hi");

    const wrong = new OpenAI({ baseURL: sim.url, apiKey: "sk-wrong-key-abcdef", maxRetries: 0 });
    await assert.rejects(wrong.chat.completions.create({ model: "echo", messages: [] }), (err: unknown) => {
      assert.ok(err instanceof OpenAI.AuthenticationError);
      assert.equal(err.status, 401);
      assert.equal(err.code, "invalid_api_key");
      assert.ok(!err.message.includes("sk-wrong-key-abcdef"), "the key is masked as OpenAI does");
      return true;
    });

    const none = await post(sim, { model: "echo", messages: [{ role: "user", content: "hi" }] });
    assert.equal(none.status, 401);
    const body = (await none.json()) as { error: { message: string; type: string } };
    assert.match(body.error.message, /didn't provide an API key/);
  });
});

describe("simulator tokenizer", () => {
  it("is lossless and deterministic", () => {
    const samples = [
      "",
      "   ",
      "Hello, world!",
      "  leading and trailing  ",
      "你好，世界",
      "emoji 🎉🎉 ok",
      "a\n\nb\tc",
    ];
    for (const text of samples) {
      assert.equal(tokenize(text).join(""), text);
      assert.deepEqual(tokenize(text), tokenize(text));
    }
    assert.deepEqual(tokenize("You said: hi!"), ["You", " said", ":", " hi", "!"]);
    assert.equal(countTokens("你好"), 2);
    assert.equal(countTokens("a".repeat(40)), 3, "long words are split every 16 characters");
  });

  it("stays linear on large inputs", () => {
    const big = "x ".repeat(200_000) + " ".repeat(200_000);
    const started = performance.now();
    assert.equal(tokenize(big).join(""), big);
    assert.ok(performance.now() - started < 2_000);
  });
});
