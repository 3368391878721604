import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { PROVIDERS } from "../../src/upstreams/providers/index.js";
import { load, loadError, only } from "../helpers/config-load.js";

describe("the anthropic provider", () => {
  it("ANTHROPIC_API_KEY alone enables it with the descriptor defaults", async () => {
    const c = await load(null, { ANTHROPIC_API_KEY: "sk-ant-test" });
    const p = only(c);
    assert.equal(p.id, "anthropic");
    assert.equal(p.descriptor, PROVIDERS.get("anthropic"));
    assert.equal(p.descriptor.dialect, "anthropic-messages");
    assert.deepEqual(p.descriptor.defaultHeaders, { "anthropic-version": "2023-06-01" });
    assert.equal(p.region, "default");
    assert.equal(p.baseUrl.href, "https://api.anthropic.com/");
    assert.equal(p.baseUrl.pathname, "/", "no /v1: the adapter appends /v1/messages");
    assert.equal(p.jurisdiction, "US");
    assert.equal(p.apiKey?.reveal(), "sk-ant-test");
    assert.equal(p.currency, "USD");
    assert.equal(p.allowPrivate, false);
    assert.ok(p.models.includes("claude-opus-5-5"));
    assert.equal(p.prices.get("claude-sonnet-5-5")?.outputPerMTok, "10");
    assert.equal(c.simulator, false);
  });

  it("ANTHROPIC_BASE_URL overrides the base URL but does not enable it alone", async () => {
    const p = only(
      await load(null, { ANTHROPIC_API_KEY: "k", ANTHROPIC_BASE_URL: "https://gw.example.com/anthropic/" }),
    );
    assert.equal(p.baseUrl.href, "https://gw.example.com/anthropic");
    assert.equal(p.jurisdiction, "US");
    assert.deepEqual((await load(null, { ANTHROPIC_BASE_URL: "https://gw.example.com" })).providers, []);
    const empty = await load(null, { ANTHROPIC_API_KEY: " ", OPENAI_API_KEY: "o" });
    assert.deepEqual(
      empty.providers.map((x) => x.id),
      ["openai"],
    );
  });

  it("sits after openai in descriptor order when several keys are set", async () => {
    const c = await load(null, { DEEPSEEK_API_KEY: "d", ANTHROPIC_API_KEY: "a", OPENAI_API_KEY: "o" });
    assert.deepEqual(
      c.providers.map((p) => p.id),
      ["openai", "anthropic", "deepseek"],
    );
  });

  it("refuses a private ANTHROPIC_BASE_URL unless private upstreams are allowed", async () => {
    for (const url of [
      "http://127.0.0.1:8080",
      "http://localhost:3000",
      "http://10.1.2.3",
      "http://[::1]:9",
    ]) {
      const e = await loadError(null, { ANTHROPIC_API_KEY: "k", ANTHROPIC_BASE_URL: url });
      assert.equal(e.path, "ANTHROPIC_BASE_URL", url);
      assert.match(e.message, /is a loopback\/private address/);
      assert.match(e.message, /providers\.anthropic\.allowPrivate/);
    }
    const p = only(
      await load(null, {
        ANTHROPIC_API_KEY: "k",
        ANTHROPIC_BASE_URL: "http://127.0.0.1:8080",
        OVERT_ALLOW_PRIVATE_UPSTREAMS: "1",
      }),
    );
    assert.equal(p.baseUrl.href, "http://127.0.0.1:8080/");
    assert.equal(p.allowPrivate, true);
    const f = only(
      await load("providers:\n  anthropic: { allowPrivate: true }\n", {
        ANTHROPIC_API_KEY: "k",
        ANTHROPIC_BASE_URL: "http://127.0.0.1:8080",
      }),
    );
    assert.equal(f.allowPrivate, true);
  });

  it("a providers.anthropic entry works, and the file wins over the environment", async () => {
    const p = only(
      await load(
        "providers:\n  anthropic:\n    apiKey: file-key\n    baseUrl: https://file.example.com\n    models: [claude-opus-5-5, claude-next-preview]\n    prices:\n      claude-next-preview: { inputPerMTok: '3', cachedInputPerMTok: '0.3', outputPerMTok: '15' }\n",
        { ANTHROPIC_API_KEY: "env-key", ANTHROPIC_BASE_URL: "https://env.example.com" },
      ),
    );
    assert.equal(p.id, "anthropic");
    assert.equal(p.apiKey?.reveal(), "file-key");
    assert.equal(p.baseUrl.href, "https://file.example.com/");
    assert.equal(p.models.filter((m) => m === "claude-opus-5-5").length, 1, "deduplicated");
    assert.ok(p.models.includes("claude-next-preview"));
    assert.equal(p.prices.get("claude-next-preview")?.cachedInputPerMTok, "0.3");
    assert.equal(p.prices.get("claude-opus-5-5")?.inputPerMTok, "4", "untouched descriptor price");
    const e = await loadError("providers:\n  anthropic: { region: default }\n");
    assert.equal(e.path, "providers.anthropic.apiKey");
    assert.match(e.message, /is required for anthropic \(set it here, or ANTHROPIC_API_KEY\)/);
    const r = await loadError("providers:\n  anthropic: { apiKey: k, region: eu }\n");
    assert.equal(r.path, "providers.anthropic.region");
    assert.match(r.message, /is not a region of anthropic; valid regions: default$/);
    assert.deepEqual(
      (await load("providers:\n  anthropic: { enabled: false }\n", { ANTHROPIC_API_KEY: "k" })).providers,
      [],
    );
  });

  it("supports extra instances with type: anthropic (a second account or a third-party relay)", async () => {
    const c = await load(
      "providers:\n  claude-team-b:\n    type: anthropic\n    apiKey: second\n  relay:\n    type: anthropic\n    apiKey: relay-key\n    baseUrl: https://relay.example.cn/\n    jurisdiction: CN\n    currency: CNY\n    prices: { claude-opus-5-5: { inputPerMTok: '20', outputPerMTok: '100' } }\n",
      { ANTHROPIC_API_KEY: "first" },
    );
    assert.deepEqual(
      c.providers.map((p) => [p.id, p.descriptor.id, p.apiKey?.reveal(), p.baseUrl.href, p.jurisdiction]),
      [
        ["claude-team-b", "anthropic", "second", "https://api.anthropic.com/", "US"],
        ["relay", "anthropic", "relay-key", "https://relay.example.cn/", "CN"],
        ["anthropic", "anthropic", "first", "https://api.anthropic.com/", "US"],
      ],
    );
    const relay = c.providers.find((p) => p.id === "relay");
    assert.ok(relay);
    assert.equal(relay.currency, "CNY");
    assert.deepEqual([...relay.prices.keys()], ["claude-opus-5-5"], "USD table dropped for CNY");
    assert.ok(relay.models.includes("claude-haiku-5-5"), "the catalogue is kept");
    // Environment variables apply only to the instance named after the descriptor.
    const e = await loadError("providers:\n  claude-team-b: { type: anthropic }\n", {
      ANTHROPIC_API_KEY: "first",
      ANTHROPIC_BASE_URL: "https://env.example.com",
    });
    assert.equal(e.path, "providers.claude-team-b.apiKey");
    assert.equal(
      (await loadError("providers:\n  anthropic: { type: deepseek, apiKey: k }\n")).path,
      "providers.anthropic.type",
    );
  });

  it("refuses a private base URL on an extra instance unless allowed for it", async () => {
    const yaml = (allow: boolean) =>
      `providers:\n  local-relay:\n    type: anthropic\n    apiKey: k\n    baseUrl: http://127.0.0.1:3456\n    allowPrivate: ${allow}\n`;
    const e = await loadError(yaml(false));
    assert.equal(e.path, "providers.local-relay.baseUrl");
    assert.match(
      e.message,
      /^overt\.yaml: providers\.local-relay\.baseUrl: 127\.0\.0\.1 is a loopback\/private address/,
    );
    assert.match(e.message, /providers\.local-relay\.allowPrivate/);
    const p = only(await load(yaml(true)));
    assert.equal(p.allowPrivate, true);
    assert.equal(p.baseUrl.href, "http://127.0.0.1:3456/");
    assert.equal(p.jurisdiction, "US", "an instance keeps the region's jurisdiction unless one is set");
    for (const bad of [
      "https://user:pw@relay.example.com",
      "https://relay.example.com/?k=v",
      "ftp://relay.example.com",
    ]) {
      const b = await loadError(`providers:\n  r: { type: anthropic, apiKey: k, baseUrl: '${bad}' }\n`);
      assert.equal(b.path, "providers.r.baseUrl", bad);
    }
  });
});
