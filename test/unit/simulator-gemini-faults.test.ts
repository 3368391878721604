/**
 * The Gemini API simulator's scripted faults, seen through the official
 * `@google/genai` client and raw HTTP: Google error envelopes (429
 * RESOURCE_EXHAUSTED, 503 UNAVAILABLE), in-stream errors, disconnects, stalls
 * with client aborts, malformed SSE, trickled bytes, custom text/usage/model.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { ApiError, type GenerateContentResponse, GoogleGenAI } from "@google/genai";
import {
  GEMINI_SIMULATOR_PROJECT,
  type GeminiBehavior,
  startGeminiSimulator,
} from "../../src/upstreams/simulator/gemini/index.js";
import type { Simulator } from "../../src/upstreams/simulator/index.js";

const API_KEY = "AIzaSy-simulator-faults-key";
const MODEL = "gemini-4-hydrogen";

describe("Gemini simulator faults", () => {
  let sim: Simulator;
  let ai: GoogleGenAI;
  let next: GeminiBehavior | undefined;
  const seen: string[] = [];
  before(async () => {
    sim = await startGeminiSimulator({
      apiKey: API_KEY,
      script: (req) => {
        seen.push(req.path);
        const behavior = next;
        next = undefined;
        return behavior;
      },
    });
    ai = new GoogleGenAI({ apiKey: API_KEY, httpOptions: { baseUrl: sim.url } });
  });
  after(() => sim.close());

  const collect = async (contents: string) => {
    const chunks: GenerateContentResponse[] = [];
    let error: unknown;
    try {
      for await (const c of await ai.models.generateContentStream({ model: MODEL, contents })) chunks.push(c);
    } catch (err) {
      error = err;
    }
    return { chunks, error };
  };

  it("HTTP errors carry Google's envelope: 429 RESOURCE_EXHAUSTED with RetryInfo, 503 UNAVAILABLE", async () => {
    next = { kind: "error", status: 429 };
    await assert.rejects(ai.models.generateContent({ model: MODEL, contents: "hi" }), (err: unknown) => {
      assert.ok(err instanceof ApiError);
      assert.equal(err.status, 429);
      const body = JSON.parse(err.message) as {
        error: { code: number; status: string; message: string; details: unknown[] };
      };
      assert.equal(body.error.code, 429);
      assert.equal(body.error.status, "RESOURCE_EXHAUSTED");
      assert.match(body.error.message, /You exceeded your current quota/);
      assert.ok(body.error.message.includes(GEMINI_SIMULATOR_PROJECT));
      assert.deepEqual(body.error.details.at(-1), {
        "@type": "type.googleapis.com/google.rpc.RetryInfo",
        retryDelay: "13s",
      });
      return true;
    });
    next = { kind: "error", status: 503 };
    const res = await fetch(`${sim.url}/v1beta/models/${MODEL}:generateContent`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-goog-api-key": API_KEY },
      body: JSON.stringify({ contents: [{ parts: [{ text: "hi" }] }] }),
    });
    assert.equal(res.status, 503);
    assert.match(res.headers.get("content-type") ?? "", /^application\/json/);
    assert.deepEqual(await res.json(), {
      error: {
        code: 503,
        message: "The model is overloaded. Please try again later.",
        status: "UNAVAILABLE",
      },
    });
    next = { kind: "error", status: 400, message: "Custom 错误", statusName: "FAILED_PRECONDITION" };
    await assert.rejects(ai.models.generateContent({ model: MODEL, contents: "hi" }), (err: unknown) => {
      assert.ok(err instanceof ApiError);
      assert.deepEqual(JSON.parse(err.message), {
        error: { code: 400, message: "Custom 错误", status: "FAILED_PRECONDITION" },
      });
      return true;
    });
  });

  it("an in-stream error chunk after K chunks surfaces as an ApiError; no finishReason", async () => {
    next = {
      kind: "stream-error",
      afterChunks: 2,
      error: { code: 500, status: "INTERNAL", message: "boom" },
    };
    const { chunks, error } = await collect("please stream a long answer");
    assert.equal(chunks.length, 2);
    assert.ok(error instanceof ApiError);
    assert.equal(error.status, 500);
    assert.match(error.message, /INTERNAL/);
    assert.ok(chunks.every((c) => c.candidates?.[0]?.finishReason === undefined));
    const raw = await fetch(`${sim.url}/v1beta/models/${MODEL}:streamGenerateContent`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-goog-api-key": API_KEY },
      body: JSON.stringify({ contents: [{ parts: [{ text: "array form" }] }] }),
    }).then((r) => r.text());
    assert.match(raw, /^\[\{"candidates"/);
    next = { kind: "stream-error", afterChunks: 1 };
    const array = await fetch(`${sim.url}/v1beta/models/${MODEL}:streamGenerateContent`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-goog-api-key": API_KEY },
      body: JSON.stringify({ contents: [{ parts: [{ text: "array form error" }] }] }),
    }).then((r) => r.json() as Promise<unknown[]>);
    assert.equal(array.length, 2);
    assert.deepEqual(array[1], {
      error: {
        code: 503,
        message: "The model is overloaded. Please try again later.",
        status: "UNAVAILABLE",
      },
    });
  });

  it("disconnects mid-stream: the client sees no finishReason, the hit is not a client abort", async () => {
    next = { kind: "disconnect", afterChunks: 2 };
    const { chunks } = await collect("cut me off early please");
    assert.ok(chunks.length <= 2);
    assert.ok(chunks.every((c) => c.candidates?.[0]?.finishReason === undefined));
    assert.equal(sim.hits.at(-1)?.aborted, false);
    next = { kind: "disconnect", afterChunks: 0 };
    await assert.rejects(ai.models.generateContent({ model: MODEL, contents: "half a body" }));
  });

  it("stalls after headers until the client aborts, and records the abort", async () => {
    next = { kind: "stall-after-headers" };
    const controller = new AbortController();
    const pending = ai.models.generateContentStream({
      model: MODEL,
      contents: "stall",
      config: { abortSignal: controller.signal },
    });
    const index = sim.hits.length;
    const iterate = pending.then(async (stream) => {
      for await (const _ of stream) {
        // nothing ever arrives
      }
    });
    await new Promise((resolve) => setTimeout(resolve, 50));
    controller.abort();
    await assert.rejects(iterate);
    const hit = await sim.waitForAbort(index);
    assert.equal(hit.aborted, true);
    assert.equal(hit.status, 200);
  });

  it("stalls before headers until the client aborts", async () => {
    next = { kind: "stall-before-headers" };
    const controller = new AbortController();
    const index = sim.hits.length;
    const pending = ai.models.generateContent({
      model: MODEL,
      contents: "wait",
      config: { abortSignal: controller.signal },
    });
    await new Promise((resolve) => setTimeout(resolve, 50));
    controller.abort();
    await assert.rejects(pending);
    assert.equal((await sim.waitForAbort(index)).status, undefined);
  });

  it("trickles the stream byte by byte, splitting UTF-8, with identical content", async () => {
    next = { kind: "trickle", bytesPerWrite: 3, delayMs: 0, text: "慢慢地，一字一字地。" };
    const { chunks, error } = await collect("trickle");
    assert.equal(error, undefined);
    assert.equal(chunks.map((c) => c.text ?? "").join(""), "慢慢地，一字一字地。");
    assert.equal(chunks.at(-1)?.candidates?.[0]?.finishReason, "STOP");
  });

  it("respond: custom text, verbatim usage, model substitution, finish reason and headers", async () => {
    next = {
      kind: "respond",
      text: "替换的回答",
      usage: { promptTokenCount: -5, candidatesTokenCount: 2.5, totalTokenCount: "x" },
      model: "gemini-3.8-flash",
      finishReason: "SAFETY",
      headers: { "x-test": "1" },
    };
    const res = await ai.models.generateContent({ model: MODEL, contents: "anything" });
    assert.equal(res.text, "替换的回答");
    assert.equal(res.modelVersion, "gemini-3.8-flash");
    assert.equal(res.candidates?.[0]?.finishReason, "SAFETY");
    assert.deepEqual(res.usageMetadata, {
      promptTokenCount: -5,
      candidatesTokenCount: 2.5,
      totalTokenCount: "x",
    });
    assert.equal(res.sdkHttpResponse?.headers?.["x-test"], "1");
    next = { kind: "respond", usage: "omit" };
    const { chunks } = await collect("no usage at all");
    assert.ok(chunks.every((c) => c.usageMetadata === undefined));
  });

  it("malformed SSE faults apply to Gemini chunks", async () => {
    next = { kind: "malformed-sse", faults: ["non-json-data", "comment-ping", "crlf"] };
    const res = await fetch(`${sim.url}/v1beta/models/${MODEL}:streamGenerateContent?alt=sse`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-goog-api-key": API_KEY },
      body: JSON.stringify({ contents: [{ parts: [{ text: "garble" }] }] }),
    });
    const raw = await res.text();
    assert.match(raw, /data: this is not json \{\r\n\r\n/);
    assert.match(raw, /: ping\r\n\r\n/);
    assert.match(raw, /data: \{"candidates":/);
  });

  it("the script sees every request, including model listings", async () => {
    const before = seen.length;
    await fetch(`${sim.url}/v1beta/models/${MODEL}`, { headers: { "x-goog-api-key": API_KEY } });
    next = { kind: "error", status: 404 };
    const missing = await fetch(`${sim.url}/v1beta/models/unknown-model:generateContent`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-goog-api-key": API_KEY },
      body: JSON.stringify({ contents: [{ parts: [{ text: "x" }] }] }),
    });
    const body = (await missing.json()) as { error: { status: string; message: string } };
    assert.equal(body.error.status, "NOT_FOUND");
    assert.match(body.error.message, /^models\/unknown-model is not found/);
    assert.deepEqual(seen.slice(before), [
      `/v1beta/models/${MODEL}`,
      "/v1beta/models/unknown-model:generateContent",
    ]);
  });
});
