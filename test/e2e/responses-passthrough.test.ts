/**
 * A Responses client on an upstream that serves the Responses API itself is a
 * passthrough (store forced false). The Responses-speaking upstream here is a
 * second Overt relay in front of a chat simulator: a real server for that API.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import OpenAI from "openai";
import { Secret } from "../../src/config/secret.js";
import type { ResolvedProvider } from "../../src/config/types.js";
import { PROVIDERS } from "../../src/upstreams/providers/index.js";
import {
  startTestRelay,
  startTestUpstream,
  type TestRelay,
  type TestUpstream,
  usageRecords,
} from "../helpers/relay.js";

describe("POST /v1/responses on a Responses-capable upstream (passthrough)", () => {
  let chat: TestUpstream;
  let inner: TestRelay;
  let outer: TestRelay;
  let client: OpenAI;

  before(async () => {
    chat = await startTestUpstream({ id: "compat", models: ["sim-model"] });
    inner = await startTestRelay({ providers: [chat.provider] });
    const descriptor = PROVIDERS.get("openai");
    if (!descriptor) throw new Error("openai descriptor missing");
    const responsesUpstream: ResolvedProvider = {
      id: "openai-like",
      descriptor,
      region: descriptor.defaultRegion,
      baseUrl: new URL(`${inner.baseUrl}/v1`),
      jurisdiction: "US",
      apiKey: new Secret(inner.key),
      models: ["sim-model"],
      prices: new Map(),
      currency: "USD",
      allowPrivate: true,
      wildcard: false,
    };
    outer = await startTestRelay({ providers: [responsesUpstream] });
    client = new OpenAI({ apiKey: outer.key, baseURL: `${outer.baseUrl}/v1`, maxRetries: 0 });
  });
  after(async () => {
    await outer.close();
    await inner.close();
    await chat.simulator.close();
  });

  it("passes the request through with store forced false, and streams events through unchanged", async () => {
    const { data, response } = await client.responses
      .create({ model: "sim-model", input: "Hello passthrough", store: true })
      .withResponse();
    assert.equal(data.output_text, "You said: Hello passthrough");
    assert.equal(response.headers.get("overt-served-by"), "openai-like/sim-model");
    assert.match(response.headers.get("overt-transformations") ?? "", /store=false/);
    assert.doesNotMatch(response.headers.get("overt-transformations") ?? "", /translated/);

    const stream = client.responses.stream({ model: "sim-model", input: "Stream it 你好" });
    let text = "";
    stream.on("response.output_text.delta", (event) => {
      text += event.delta;
    });
    const final = await stream.finalResponse();
    assert.equal(text, "You said: Stream it 你好");
    assert.equal(final.status, "completed");

    const rows = await usageRecords(outer.relay, 2);
    const streamed = rows.find((r) => r.stream && r.provider === "openai-like");
    assert.ok(
      streamed &&
        streamed.status === "ok" &&
        streamed.usageSource === "upstream" &&
        streamed.outputTokens > 0,
    );
  });
});
