/** Azure OpenAI as an upstream: deployment-scoped URL, api-version, `api-key` header; any client dialect. */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import Anthropic from "@anthropic-ai/sdk";
import OpenAI from "openai";
import { loadConfig } from "../../src/config/load.js";
import { startSimulator } from "../../src/upstreams/simulator/server.js";
import type { Simulator } from "../../src/upstreams/simulator/types.js";
import { startTestRelay, type TestRelay } from "../helpers/relay.js";

describe("Azure OpenAI upstream", () => {
  let simulator: Simulator;
  let relay: TestRelay;

  before(async () => {
    simulator = await startSimulator();
    // Configured the way an operator would: env variables only.
    const config = await loadConfig({
      env: {
        AZURE_OPENAI_API_KEY: "azure-key-0123456789",
        AZURE_OPENAI_BASE_URL: simulator.url.replace(/\/v1$/, ""),
        AZURE_OPENAI_MODELS: "gpt-4o-prod",
        AZURE_OPENAI_JURISDICTION: "EU",
        OVERT_ALLOW_PRIVATE_UPSTREAMS: "1",
      },
      cwd: process.cwd(),
    });
    const azure = config.providers.find((p) => p.id === "azure");
    assert.ok(azure, "AZURE_OPENAI_* enables the azure provider");
    assert.equal(azure.jurisdiction, "EU");
    relay = await startTestRelay({ providers: [azure] });
  });
  after(async () => {
    await relay.close();
    await simulator.close();
  });

  it("sends OpenAI clients to the deployment URL with api-version and the api-key header", async () => {
    const client = new OpenAI({ apiKey: relay.key, baseURL: `${relay.baseUrl}/v1`, maxRetries: 0 });
    const reply = await client.chat.completions.create({
      model: "gpt-4o-prod",
      messages: [{ role: "user", content: "Hi Azure" }],
    });
    assert.equal(reply.choices[0]?.message.content, "You said: Hi Azure");
    const hit = simulator.hits.at(-1);
    assert.equal(hit?.path, "/openai/deployments/gpt-4o-prod/chat/completions?api-version=2024-10-21");
    assert.equal(hit?.headers["api-key"], "azure-key-0123456789");
    assert.equal(hit?.headers.authorization, undefined, "the key goes in api-key only");
  });

  it("serves Anthropic clients from Azure too (translated, streaming)", async () => {
    const client = new Anthropic({ apiKey: relay.key, baseURL: relay.baseUrl, maxRetries: 0 });
    const final = await client.messages
      .stream({
        model: "gpt-4o-prod",
        max_tokens: 50,
        messages: [{ role: "user", content: "Claude via Azure" }],
      })
      .finalMessage();
    assert.equal((final.content[0] as { text: string }).text, "You said: Claude via Azure");
    assert.match(
      simulator.hits.at(-1)?.path ?? "",
      /^\/openai\/deployments\/gpt-4o-prod\/chat\/completions\?api-version=/,
    );
  });
});
