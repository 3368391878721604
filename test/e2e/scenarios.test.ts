/**
 * The shared scenario suite: every client dialect's official SDK × every upstream
 * adapter (OpenAI-dialect, Azure OpenAI, Anthropic, Gemini, Bedrock), each a
 * simulated upstream on loopback: a plain answer, a streamed answer (with Chinese
 * text) and a tool-call round trip. Passthrough and translation alike.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { ResolvedProvider } from "../../src/config/types.js";
import { PROVIDERS } from "../../src/upstreams/providers/index.js";
import {
  startAnthropicUpstream,
  startBedrockUpstream,
  startGeminiUpstream,
  startTestRelay,
  startTestUpstream,
  type TestRelay,
  type TestUpstream,
} from "../helpers/relay.js";
import { scenarioClients } from "../helpers/scenario-clients.js";

describe("shared scenarios: every client dialect × every upstream adapter", () => {
  const upstreams: Array<{ label: string; model: string; upstream: TestUpstream }> = [];
  let relay: TestRelay;

  before(async () => {
    const compat = await startTestUpstream({ id: "compat", models: ["sim-model"] });
    const azureSim = await startTestUpstream({ id: "azure", models: ["gpt-deploy"] });
    const azureDescriptor = PROVIDERS.get("azure");
    if (!azureDescriptor) throw new Error("azure descriptor missing");
    const azure: ResolvedProvider = {
      ...azureSim.provider,
      descriptor: azureDescriptor,
      baseUrl: new URL(azureSim.simulator.url.replace(/\/v1$/, "")),
    };
    upstreams.push(
      { label: "OpenAI-dialect", model: "via-compat", upstream: compat },
      { label: "Azure OpenAI", model: "via-azure", upstream: { ...azureSim, provider: azure } },
      {
        label: "Anthropic",
        model: "via-anthropic",
        upstream: await startAnthropicUpstream({ id: "anthropic" }),
      },
      { label: "Gemini", model: "via-gemini", upstream: await startGeminiUpstream({ id: "gemini" }) },
      { label: "Bedrock", model: "via-bedrock", upstream: await startBedrockUpstream({ id: "bedrock" }) },
    );
    const routes = Object.fromEntries(
      upstreams.map(({ model, upstream }) => [
        model,
        [{ provider: upstream.provider.id, model: upstream.provider.models[0] ?? "", weight: 1 }],
      ]),
    );
    relay = await startTestRelay({ providers: upstreams.map((u) => u.upstream.provider), routes });
  });
  after(async () => {
    await relay.close();
    for (const { upstream } of upstreams) await upstream.simulator.close();
  });

  const LABELS = ["OpenAI-dialect", "Azure OpenAI", "Anthropic", "Gemini", "Bedrock"];
  const DIALECTS = ["openai-chat", "openai-responses", "anthropic-messages", "gemini"];
  for (const label of LABELS) {
    for (const dialect of DIALECTS) {
      it(`${dialect} client on the ${label} upstream: answer, stream, tool round trip`, async () => {
        const target = upstreams.find((u) => u.label === label);
        const client = scenarioClients(relay.baseUrl, relay.key).find((c) => c.name === dialect);
        assert.ok(target && client);
        const hits = target.upstream.simulator.hits.length;
        assert.equal(await client.text(target.model, "Hello scenario"), "You said: Hello scenario");
        assert.equal(
          await client.stream(target.model, "Stream 你好 scenario"),
          "You said: Stream 你好 scenario",
        );
        assert.equal(await client.toolRoundTrip(target.model), "Tool said: 42");
        assert.equal(
          target.upstream.simulator.hits.length - hits,
          4,
          "every scenario reached this upstream, once",
        );
      });
    }
  }
});
