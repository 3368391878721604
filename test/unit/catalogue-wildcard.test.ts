import assert from "node:assert/strict";
import { it } from "node:test";
import type { ResolvedProvider } from "../../src/config/types.js";
import { buildCatalogue } from "../../src/routing/catalogue.js";
import { PROVIDERS } from "../../src/upstreams/providers/index.js";

function provider(id: string, descriptorId: string, wildcard = true): ResolvedProvider {
  const descriptor = PROVIDERS.get(descriptorId);
  if (!descriptor) throw new Error(descriptorId);
  return {
    id,
    descriptor,
    region: descriptor.defaultRegion,
    baseUrl: new URL("https://example.com/v1"),
    jurisdiction: "US",
    apiKey: null,
    models: ["listed-model"],
    prices: new Map(),
    currency: "USD",
    allowPrivate: false,
    wildcard,
  };
}

it("a wildcard provider serves any model as <provider>/<model>; bare names go to the one matching family", () => {
  const catalogue = buildCatalogue({ routes: {} }, [
    provider("anthropic", "anthropic"),
    provider("deepseek", "deepseek"),
  ]);
  const prefixed = catalogue.resolve("anthropic/claude-opus-9-1");
  assert.equal(prefixed?.deployments[0]?.provider.id, "anthropic");
  assert.equal(prefixed?.deployments[0]?.upstreamModel, "claude-opus-9-1");
  assert.equal(catalogue.resolve("claude-opus-9-1")?.deployments[0]?.provider.id, "anthropic");
  assert.equal(catalogue.resolve("deepseek-v9")?.deployments[0]?.provider.id, "deepseek");
  assert.equal(catalogue.resolve("gpt-9"), undefined, "no enabled provider claims it");
  assert.equal(catalogue.resolve("nobody/claude-x"), undefined);
});

it("never guesses between two providers, and refuses look-alike names (catalogue B7)", () => {
  const catalogue = buildCatalogue({ routes: {} }, [
    provider("anthropic", "anthropic"),
    provider("anthropic-b", "anthropic"),
  ]);
  assert.equal(
    catalogue.resolve("claude-opus-9-1"),
    undefined,
    "two providers match: not found rather than a guess",
  );
  assert.ok(catalogue.resolve("anthropic-b/claude-opus-9-1"));
  for (const name of [
    "claude opus",
    "claude-x ",
    "claude\u200d-x",
    "claude\u2011x",
    `claude-${"x".repeat(300)}`,
  ]) {
    assert.equal(catalogue.resolve(name), undefined, JSON.stringify(name));
  }
});

it("wildcard: false keeps a provider to its listed models", () => {
  const catalogue = buildCatalogue({ routes: {} }, [provider("anthropic", "anthropic", false)]);
  assert.equal(catalogue.resolve("anthropic/claude-opus-9-1"), undefined);
  assert.equal(catalogue.resolve("claude-opus-9-1"), undefined);
  assert.ok(catalogue.resolve("anthropic/listed-model"));
});
