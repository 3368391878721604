/**
 * End to end over real HTTP: IR → encodeConverseRequest → buildConverseRequest
 * (SigV4) → Bedrock simulator (which verifies the signature) → decoders → IR.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { request } from "undici";
import { Secret } from "../../src/config/secret.js";
import type { ResolvedProvider } from "../../src/config/types.js";
import type { IrRequest } from "../../src/ir/request.js";
import type { IrEvent } from "../../src/ir/stream.js";
import { buildConverseRequest, providerCredentials } from "../../src/upstreams/bedrock/adapter.js";
import { converseEventOf, EventStreamDecoder } from "../../src/upstreams/bedrock/eventstream.js";
import { encodeConverseRequest } from "../../src/upstreams/bedrock/translate-request.js";
import {
  ConverseStreamDecoder,
  decodeConverseResponse,
} from "../../src/upstreams/bedrock/translate-response.js";
import { PROVIDERS } from "../../src/upstreams/providers/index.js";
import type { BedrockBehavior } from "../../src/upstreams/simulator/bedrock/index.js";
import { startBedrockSimulator } from "../../src/upstreams/simulator/bedrock/index.js";
import type { Simulator } from "../../src/upstreams/simulator/types.js";

const MODEL = "anthropic.claude-3-haiku-20240307-v1:0";
const KEYS = { accessKeyId: "AKIDTEST", secretAccessKey: "secret/KEY+abc", sessionToken: "sess" };

let sim: Simulator;
let behavior: BedrockBehavior | undefined;

function provider(key: string): ResolvedProvider {
  const descriptor = PROVIDERS.get("bedrock");
  assert.ok(descriptor);
  return {
    id: "bedrock",
    descriptor,
    region: "us-east-1",
    baseUrl: new URL(sim.url),
    jurisdiction: "US",
    apiKey: new Secret(key),
    models: [],
    prices: new Map(),
    currency: "USD",
    allowPrivate: true,
    wildcard: true,
  };
}

const ask = (over: Partial<IrRequest> = {}): IrRequest => ({
  model: MODEL,
  system: [],
  messages: [{ role: "user", content: [{ type: "text", text: "hello there" }] }],
  tools: [],
  stop: [],
  stream: false,
  extensions: {},
  ...over,
});

async function call(ir: IrRequest, stream: boolean, key = "AKIDTEST:secret/KEY+abc:sess") {
  const p = provider(key);
  const { body, transformations } = encodeConverseRequest(ir, MODEL);
  const up = buildConverseRequest(p, MODEL, body, stream, providerCredentials(p), transformations);
  const res = await request(`${up.origin}${up.path}`, { method: "POST", headers: up.headers, body: up.body });
  if (!stream || res.statusCode !== 200) {
    const json: unknown = await res.body.json();
    return {
      status: res.statusCode,
      json,
      events: res.statusCode === 200 ? decodeConverseResponse(json, "bedrock") : [],
    };
  }
  const frames = new EventStreamDecoder("bedrock");
  const decoder = new ConverseStreamDecoder("bedrock", { model: MODEL });
  const events: IrEvent[] = [];
  let cut = false;
  try {
    for await (const chunk of res.body) {
      for (const frame of frames.push(chunk as Uint8Array)) {
        const { eventType, payload, exception } = converseEventOf(frame);
        events.push(...decoder.push(eventType, payload, exception));
      }
    }
  } catch {
    cut = true;
  }
  return { status: res.statusCode, events, finished: decoder.finished, cut };
}

const text = (events: IrEvent[]) => events.map((e) => (e.type === "text_delta" ? e.text : "")).join("");

describe("Bedrock simulator end to end", () => {
  before(async () => {
    sim = await startBedrockSimulator({ credentials: KEYS, script: () => behavior });
  });
  after(() => sim.close());

  it("answers converse with a verified signature", async () => {
    behavior = undefined;
    const r = await call(ask(), false);
    assert.equal(r.status, 200);
    assert.equal(text(r.events), "You said: hello there");
    assert.ok(r.events.some((e) => e.type === "usage" && e.usage.inputTokens > 0));
    assert.equal(sim.hits.at(-1)?.path, "/model/anthropic.claude-3-haiku-20240307-v1%3A0/converse");
  });

  it("streams converse-stream frames, with a tool call and a tool result echo", async () => {
    behavior = undefined;
    const r = await call(
      ask({
        tools: [{ name: "lookup", inputSchema: { type: "object", properties: { q: { type: "string" } } } }],
      }),
      true,
    );
    assert.equal(r.finished, true);
    const start = r.events.find((e) => e.type === "tool_call_start");
    assert.ok(start?.type === "tool_call_start" && start.name === "lookup");
    const args = r.events.map((e) => (e.type === "tool_call_delta" ? e.argumentsJson : "")).join("");
    assert.doesNotThrow(() => JSON.parse(args));
    assert.ok(r.events.some((e) => e.type === "finish" && e.reason === "tool_use"));
    const back = await call(
      ask({
        messages: [
          { role: "user", content: [{ type: "text", text: "hi" }] },
          { role: "assistant", content: [{ type: "tool_use", id: "t1", name: "lookup", input: {} }] },
          {
            role: "tool",
            content: [{ type: "tool_result", toolUseId: "t1", content: [{ type: "text", text: "42" }] }],
          },
        ],
        tools: [{ name: "lookup", inputSchema: { type: "object" } }],
      }),
      true,
    );
    assert.equal(text(back.events), "Tool said: 42");
  });

  it("refuses a wrong secret with 403 InvalidSignatureException", async () => {
    const r = await call(ask(), false, "AKIDTEST:wrong:sess");
    assert.equal(r.status, 403);
    assert.equal(sim.hits.at(-1)?.status, 403);
    const unknown = await call(ask(), false, "AKIDOTHER:secret/KEY+abc:sess");
    assert.equal(unknown.status, 403);
  });

  it("plays scripted faults: throttling, a mid-stream exception, a disconnect", async () => {
    behavior = { kind: "throttle" };
    assert.equal((await call(ask(), false)).status, 429);
    behavior = { kind: "stream-error", afterFrames: 2 };
    const failed = await call(ask(), true);
    assert.equal(failed.finished, false);
    assert.equal(failed.events.at(-1)?.type, "error");
    behavior = { kind: "disconnect", afterFrames: 2 };
    const cut = await call(ask(), true);
    assert.equal(cut.finished, false);
    assert.ok(!cut.events.some((e) => e.type === "finish"));
  });
});
