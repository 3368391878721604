/** POST /v1/embeddings through the relay with the official openai SDK. */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import OpenAI from "openai";
import { expectOpenAiError, post } from "../helpers/http.js";
import {
  startTestRelay,
  startTestUpstream,
  type TestRelay,
  type TestUpstream,
  usageRecords,
} from "../helpers/relay.js";

describe("POST /v1/embeddings", () => {
  let upstream: TestUpstream;
  let relay: TestRelay;
  let client: OpenAI;

  before(async () => {
    upstream = await startTestUpstream({
      id: "acme",
      models: ["embed-small"],
      prices: [{ model: "embed-small", inputPerMTok: "0.02", outputPerMTok: "0" }],
    });
    relay = await startTestRelay({ providers: [upstream.provider] });
    client = new OpenAI({ apiKey: relay.key, baseURL: `${relay.baseUrl}/v1`, maxRetries: 0 });
  });
  after(async () => {
    await relay.close();
    await upstream.simulator.close();
  });

  it("returns one vector per input, forwards the request unchanged but for the model, and ledgers the tokens", async () => {
    const { data, response } = await client.embeddings
      .create({
        model: "embed-small",
        input: ["你好", "hello world"],
        dimensions: 4,
        encoding_format: "float",
      })
      .withResponse();
    assert.equal(data.data.length, 2);
    assert.equal(data.data[0]?.embedding.length, 4);
    assert.ok(data.usage.prompt_tokens > 0);
    assert.equal(response.headers.get("overt-served-by"), "acme/embed-small");
    const sent = upstream.simulator.hits.at(-1);
    assert.equal(sent?.path, "/v1/embeddings");
    assert.deepEqual(sent?.body, {
      model: "embed-small",
      input: ["你好", "hello world"],
      dimensions: 4,
      encoding_format: "float",
    });
    const rows = await usageRecords(relay.relay, 1);
    const row = rows.find((r) => r.upstreamModel === "embed-small");
    assert.ok(row && row.inputTokens === data.usage.prompt_tokens && row.outputTokens === 0);
    assert.equal(row.costNano, BigInt(row.inputTokens) * 20n);
  });

  it("refuses bad input with OpenAI errors naming the field", async () => {
    const auth = { authorization: `Bearer ${relay.key}` };
    const missing = await expectOpenAiError(
      await post(relay.baseUrl, "/v1/embeddings", { model: "embed-small" }, auth),
      400,
      "missing_required_parameter",
    );
    assert.equal(missing.error.param, "input");
    await expectOpenAiError(
      await post(relay.baseUrl, "/v1/embeddings", { model: "embed-small", input: 5 }, auth),
      400,
      "invalid_request",
    );
    await expectOpenAiError(
      await post(relay.baseUrl, "/v1/embeddings", { model: "nope", input: "x" }, auth),
      404,
      "model_not_found",
    );
    await expectOpenAiError(
      await post(relay.baseUrl, "/v1/embeddings", { model: "embed-small", input: "x" }),
      401,
      "missing_api_key",
    );
  });
});
