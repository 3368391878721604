/**
 * The Gemini API simulator's default behaviour, driven by the official
 * `@google/genai` client so the wire format is what real clients expect (DESIGN §12).
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { ApiError, GoogleGenAI, ThinkingLevel } from "@google/genai";
import {
  callSignature,
  GEMINI_SIMULATOR_MODELS,
  startGeminiSimulator,
  textSignature,
} from "../../src/upstreams/simulator/gemini/index.js";
import { countTokens, type Simulator } from "../../src/upstreams/simulator/index.js";

const API_KEY = "AIzaSy-simulator-test-key";
const MODEL = "gemini-4-neon";

const weatherTool = {
  functionDeclarations: [
    {
      name: "get_weather",
      description: "Weather for a city",
      parametersJsonSchema: {
        type: "object",
        properties: { city: { type: "string" }, unit: { type: "string", enum: ["celsius", "fahrenheit"] } },
        required: ["city", "unit"],
      },
    },
  ],
};

function post(sim: Simulator, path: string, body: unknown, key = API_KEY) {
  return fetch(`${sim.url}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-goog-api-key": key },
    body: JSON.stringify(body),
  });
}

describe("Gemini simulator defaults via the official @google/genai client", () => {
  let sim: Simulator;
  let ai: GoogleGenAI;
  before(async () => {
    sim = await startGeminiSimulator({ apiKey: API_KEY });
    ai = new GoogleGenAI({ apiKey: API_KEY, httpOptions: { baseUrl: sim.url } });
  });
  after(() => sim.close());

  it("answers generateContent with an echo, usage, model version and Google's headers", async () => {
    const res = await ai.models.generateContent({
      model: MODEL,
      contents: "你好，模拟器！",
      config: { systemInstruction: "回答要简短。" },
    });
    assert.match(sim.url, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.equal(res.text, "You said: 你好，模拟器！");
    assert.equal(res.modelVersion, MODEL);
    assert.match(res.responseId ?? "", /^[0-9A-Za-z]{22}$/);
    assert.equal(res.candidates?.[0]?.finishReason, "STOP");
    const prompt = 3 + countTokens("回答要简短。") + 3 + countTokens("你好，模拟器！");
    assert.deepEqual(res.usageMetadata, {
      promptTokenCount: prompt,
      candidatesTokenCount: countTokens("You said: 你好，模拟器！"),
      totalTokenCount: prompt + countTokens("You said: 你好，模拟器！"),
      promptTokensDetails: [{ modality: "TEXT", tokenCount: prompt }],
    });
    const hit = sim.hits.at(-1);
    assert.equal(hit?.path, `/v1beta/models/${MODEL}:generateContent`);
    assert.equal(hit?.headers["x-goog-api-key"], API_KEY);
    assert.equal(res.sdkHttpResponse?.headers?.server, "scaffolding on HTTPServer2");
  });

  it("streams with alt=sse: small chunks, prompt usage on each, finishReason and full usage on the last", async () => {
    const chunks = [];
    for await (const chunk of await ai.models.generateContentStream({
      model: MODEL,
      contents: "Stream me, please.",
    })) {
      chunks.push(chunk);
    }
    assert.ok(chunks.length >= 3, `only ${chunks.length} chunks`);
    assert.equal(chunks.map((c) => c.text ?? "").join(""), "You said: Stream me, please.");
    assert.equal(sim.hits.at(-1)?.path, `/v1beta/models/${MODEL}:streamGenerateContent?alt=sse`);
    const prompt = 3 + 3 + countTokens("Stream me, please.");
    for (const c of chunks.slice(0, -1)) {
      assert.equal(c.candidates?.[0]?.finishReason, undefined);
      assert.deepEqual(c.usageMetadata, {
        promptTokenCount: prompt,
        promptTokensDetails: [{ modality: "TEXT", tokenCount: prompt }],
        totalTokenCount: prompt,
      });
    }
    const last = chunks.at(-1);
    assert.equal(last?.candidates?.[0]?.finishReason, "STOP");
    assert.equal(last?.usageMetadata?.candidatesTokenCount, countTokens("You said: Stream me, please."));
    assert.equal(new Set(chunks.map((c) => c.responseId)).size, 1);
  });

  it("the JSON-array stream form without alt=sse", async () => {
    const res = await post(sim, `/v1beta/models/${MODEL}:streamGenerateContent`, {
      contents: [{ role: "user", parts: [{ text: "数组形式" }] }],
    });
    assert.equal(res.status, 200);
    assert.match(res.headers.get("content-type") ?? "", /^application\/json/);
    const raw = await res.text();
    assert.match(raw, /^\[\{"candidates":/);
    assert.match(raw, /\},\r\n\{"candidates":/);
    const chunks = JSON.parse(raw) as { candidates: { content: { parts: { text: string }[] } }[] }[];
    assert.equal(chunks.map((c) => c.candidates[0]?.content.parts[0]?.text).join(""), "You said: 数组形式");
  });

  it("function calling round trip in a chat: signed call from the schema, then 'Tool said'", async () => {
    const chat = ai.chats.create({ model: MODEL, config: { tools: [weatherTool] } });
    const first = await chat.sendMessage({ message: "What's the weather in Paris?" });
    const args = { city: "example", unit: "celsius" };
    assert.deepEqual(first.functionCalls, [{ name: "get_weather", args }]);
    assert.deepEqual(first.candidates?.[0]?.content?.parts, [
      { functionCall: { name: "get_weather", args }, thoughtSignature: callSignature("get_weather", args) },
    ]);
    assert.equal(first.candidates?.[0]?.finishReason, "STOP");
    const second = await chat.sendMessage({
      message: [{ functionResponse: { name: "get_weather", response: { output: "Sunny, 21°C" } } }],
    });
    assert.equal(second.text, "Tool said: Sunny, 21°C");
    const sent = sim.hits.at(-1)?.body as { contents: { role: string; parts: Record<string, unknown>[] }[] };
    assert.equal(sent.contents[1]?.parts[0]?.thoughtSignature, callSignature("get_weather", args));
  });

  it("Gemini 3 signature rules: an unsigned or foreign-signed call in the current turn is refused, the placeholder passes", async () => {
    const turn = (signature?: string) => ({
      contents: [
        { role: "user", parts: [{ text: "weather?" }] },
        {
          role: "model",
          parts: [
            {
              functionCall: { name: "get_weather", args: { city: "Oslo" } },
              ...(signature ? { thoughtSignature: signature } : {}),
            },
          ],
        },
        {
          role: "user",
          parts: [{ functionResponse: { name: "get_weather", response: { output: "snow" } } }],
        },
      ],
      tools: [weatherTool],
    });
    const missing = await post(sim, `/v1beta/models/${MODEL}:generateContent`, turn());
    assert.equal(missing.status, 400);
    const body = (await missing.json()) as { error: { code: number; status: string; message: string } };
    assert.equal(body.error.code, 400);
    assert.equal(body.error.status, "INVALID_ARGUMENT");
    assert.match(body.error.message, /^Function call is missing a thought_signature in functionCall parts/);
    const foreign = await post(sim, `/v1beta/models/${MODEL}:generateContent`, turn("RXFRQkNrZ0lBUkFCR0FJ"));
    assert.deepEqual(await foreign.json(), {
      error: { code: 400, message: "Corrupted thought signature.", status: "INVALID_ARGUMENT" },
    });
    const placeholder = await post(
      sim,
      `/v1beta/models/${MODEL}:generateContent`,
      turn("skip_thought_signature_validator"),
    );
    assert.equal(placeholder.status, 200);
    const own = await post(
      sim,
      `/v1beta/models/${MODEL}:generateContent`,
      turn(callSignature("get_weather", { city: "Oslo" })),
    );
    const answer = (await own.json()) as { candidates: { content: { parts: { text: string }[] } }[] };
    assert.equal(answer.candidates[0]?.content.parts[0]?.text, "Tool said: snow");
  });

  it("thinking: thought summaries with includeThoughts, thoughtsTokenCount, a signed answer", async () => {
    const res = await ai.models.generateContent({
      model: MODEL,
      contents: "Think first",
      config: { thinkingConfig: { includeThoughts: true, thinkingLevel: ThinkingLevel.HIGH } },
    });
    const thought = "Thinking about: Think first";
    assert.deepEqual(res.candidates?.[0]?.content?.parts, [
      { text: thought, thought: true },
      { text: "You said: Think first", thoughtSignature: textSignature("You said: Think first") },
    ]);
    assert.equal(res.usageMetadata?.thoughtsTokenCount, countTokens(thought));
    const quiet = await ai.models.generateContent({
      model: MODEL,
      contents: "Think first",
      config: { thinkingConfig: { thinkingBudget: 0 } },
    });
    assert.equal(quiet.usageMetadata?.thoughtsTokenCount, undefined);
    assert.deepEqual(quiet.candidates?.[0]?.content?.parts, [{ text: "You said: Think first" }]);
  });

  it("limits, stop sequences, candidates and JSON mode", async () => {
    const cut = await ai.models.generateContent({
      model: MODEL,
      contents: "one two three four five",
      config: { maxOutputTokens: 3 },
    });
    assert.equal(cut.text, "You said:");
    assert.equal(cut.candidates?.[0]?.finishReason, "MAX_TOKENS");
    const stopped = await ai.models.generateContent({
      model: MODEL,
      contents: "alpha STOP beta",
      config: { stopSequences: ["STOP"] },
    });
    assert.equal(stopped.text, "You said: alpha ");
    const two = await ai.models.generateContent({
      model: MODEL,
      contents: "twice",
      config: { candidateCount: 2 },
    });
    assert.deepEqual(
      two.candidates?.map((c) => [c.index, c.content?.parts?.[0]?.text]),
      [
        [0, "You said: twice"],
        [1, "You said: twice"],
      ],
    );
    const json = await ai.models.generateContent({
      model: MODEL,
      contents: "JSON please",
      config: {
        responseMimeType: "application/json",
        responseJsonSchema: { type: "object", properties: { 城市: { type: "string" } }, required: ["城市"] },
      },
    });
    assert.deepEqual(JSON.parse(json.text ?? ""), { 城市: "example" });
  });

  it("countTokens, model listing and request validation", async () => {
    const counted = await ai.models.countTokens({ model: MODEL, contents: "count these tokens" });
    assert.equal(counted.totalTokens, 3 + 3 + countTokens("count these tokens"));
    const list = (await (
      await fetch(`${sim.url}/v1beta/models`, { headers: { "x-goog-api-key": API_KEY } })
    ).json()) as {
      models: { name: string }[];
    };
    assert.deepEqual(
      list.models.map((m) => m.name),
      GEMINI_SIMULATOR_MODELS.map((m) => `models/${m.id}`),
    );
    const empty = await post(sim, `/v1beta/models/${MODEL}:generateContent`, { contents: [] });
    assert.deepEqual(await empty.json(), {
      error: {
        code: 400,
        message: "* GenerateContentRequest.contents: contents is not specified\n",
        status: "INVALID_ARGUMENT",
      },
    });
    const blank = await post(sim, `/v1beta/models/${MODEL}:generateContent`, {
      contents: [{ role: "user", parts: [{ text: "" }] }],
    });
    assert.equal(blank.status, 400);
  });

  it("a wrong or missing key is 401 UNAUTHENTICATED in Google's envelope", async () => {
    const wrong = new GoogleGenAI({ apiKey: "AIzaSy-wrong", httpOptions: { baseUrl: sim.url } });
    await assert.rejects(wrong.models.generateContent({ model: MODEL, contents: "hi" }), (err: unknown) => {
      assert.ok(err instanceof ApiError);
      assert.equal(err.status, 401);
      assert.match(err.message, /UNAUTHENTICATED/);
      return true;
    });
    const res = await post(sim, `/v1beta/models/${MODEL}:generateContent`, { contents: [] }, "");
    assert.equal(res.status, 401);
    const body = (await res.json()) as { error: { code: number; status: string } };
    assert.deepEqual([body.error.code, body.error.status], [401, "UNAUTHENTICATED"]);
    const viaQuery = await fetch(`${sim.url}/v1beta/models/${MODEL}:generateContent?key=${API_KEY}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ contents: [{ parts: [{ text: "query key" }] }] }),
    });
    assert.equal(viaQuery.status, 200);
  });
});
