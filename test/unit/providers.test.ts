import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { JURISDICTION } from "../../src/config/schema.js";
import { classifyHost } from "../../src/transport/address-policy.js";
import type { ProviderDescriptor } from "../../src/upstreams/descriptor.js";
import {
  deepFreeze,
  isDeepFrozen,
  isPriceDecimal,
  OPENAI_COMPATIBLE_ID,
  PROVIDERS,
  pricePerTokenNano,
} from "../../src/upstreams/providers/index.js";

const DIALECTS = new Set(["openai-chat", "anthropic-messages", "gemini", "bedrock-converse"]);

/** Catalogue providers whose table is deliberately empty: no current price could be confirmed (see their files). */
const NO_CONFIRMED_PRICES = new Set(["siliconflow", "openrouter", "bedrock"]);

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

function isRealIsoDate(value: string): boolean {
  if (!ISO_DATE.test(value)) return false;
  const d = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === value;
}

const all = [...PROVIDERS.values()];

describe("provider descriptors", () => {
  it("lists exactly the built-in providers", () => {
    assert.deepEqual([...PROVIDERS.keys()].sort(), [
      "anthropic",
      "azure",
      "bedrock",
      "deepseek",
      "gemini",
      "minimax",
      "moonshot",
      "openai",
      "openai-compatible",
      "openrouter",
      "qwen",
      "siliconflow",
      "zhipu",
    ]);
    for (const [id, d] of PROVIDERS) assert.equal(d.id, id);
  });

  it("every descriptor is deeply frozen and cannot be edited", () => {
    for (const d of all) {
      assert.ok(isDeepFrozen(d), `${d.id} is not deeply frozen`);
      assert.throws(() => {
        (d as { displayName: string }).displayName = "x";
      }, TypeError);
      assert.throws(() => {
        (d.prices.models as ModelList).push({ model: "x", inputPerMTok: "1", outputPerMTok: "1" });
      }, TypeError);
      const region = Object.values(d.regions)[0];
      if (region) {
        assert.throws(() => {
          (region as { baseUrl: string }).baseUrl = "http://127.0.0.1";
        }, TypeError);
      }
      if (d.defaultHeaders) {
        assert.throws(() => {
          (d.defaultHeaders as Record<string, string>)["x-injected"] = "1";
        }, TypeError);
      }
      if (d.auth.scheme === "header") {
        assert.throws(() => {
          (d.auth as { header: string }).header = "authorization";
        }, TypeError);
      }
    }
  });

  it("the PROVIDERS map cannot be changed", () => {
    const map = PROVIDERS as Map<string, ProviderDescriptor>;
    const openai = PROVIDERS.get("openai");
    assert.ok(openai);
    assert.throws(() => map.set("evil", openai), TypeError);
    assert.throws(() => map.delete("openai"), TypeError);
    assert.throws(() => map.clear(), TypeError);
    assert.equal(PROVIDERS.size, 13);
  });

  it("every catalogue provider has a valid, dated, sourced price table", () => {
    for (const d of all.filter((p) => p.hasCatalogue)) {
      const t = d.prices;
      assert.ok(t.currency === "USD" || t.currency === "CNY", `${d.id} currency`);
      assert.ok(isRealIsoDate(t.asOf), `${d.id} asOf ${t.asOf} is not an ISO date`);
      assert.ok(t.asOf >= "2026-01-01" && t.asOf <= "2026-11-26", `${d.id} asOf ${t.asOf} out of range`);
      const source = new URL(t.source);
      assert.equal(source.protocol, "https:", `${d.id} source must be https`);
      if (!NO_CONFIRMED_PRICES.has(d.id)) assert.ok(t.models.length > 0, `${d.id} has no priced model`);
      const seen = new Set<string>();
      for (const m of t.models) {
        assert.ok(m.model.trim() !== "" && m.model === m.model.trim(), `${d.id}: bad model id`);
        assert.ok(!seen.has(m.model), `${d.id}: duplicate ${m.model}`);
        seen.add(m.model);
        for (const field of ["inputPerMTok", "cachedInputPerMTok", "outputPerMTok"] as const) {
          const value = m[field];
          if (value === undefined) continue;
          assert.ok(isPriceDecimal(value), `${d.id}/${m.model}.${field} = ${value} is not a decimal`);
          assert.ok(pricePerTokenNano(value) > 0n, `${d.id}/${m.model}.${field} must be positive`);
        }
        if (m.cachedInputPerMTok !== undefined) {
          assert.ok(
            pricePerTokenNano(m.cachedInputPerMTok) <= pricePerTokenNano(m.inputPerMTok),
            `${d.id}/${m.model}: cached input dearer than input`,
          );
        }
      }
    }
  });

  it("regions have public https base URLs and valid jurisdictions", () => {
    for (const d of all.filter((p) => p.hasCatalogue)) {
      assert.ok(Object.hasOwn(d.regions, d.defaultRegion), `${d.id} default region missing`);
      for (const [name, r] of Object.entries(d.regions)) {
        const url = new URL(r.baseUrl);
        assert.equal(url.protocol, "https:", `${d.id}.${name}`);
        assert.equal(url.search + url.hash, "");
        assert.ok(!r.baseUrl.endsWith("/"), `${d.id}.${name} has a trailing slash`);
        assert.notEqual(classifyHost(url.hostname), "private");
        assert.match(r.jurisdiction, JURISDICTION);
      }
    }
  });

  it("records the documented endpoints and jurisdictions", () => {
    const base = (id: string, region: string) => PROVIDERS.get(id)?.regions[region]?.baseUrl;
    assert.equal(base("openai", "default"), "https://api.openai.com/v1");
    assert.equal(base("deepseek", "default"), "https://api.deepseek.com");
    assert.equal(base("qwen", "beijing"), "https://dashscope.aliyuncs.com/compatible-mode/v1");
    assert.equal(base("qwen", "singapore"), "https://dashscope-intl.aliyuncs.com/compatible-mode/v1");
    assert.equal(base("zhipu", "default"), "https://open.bigmodel.cn/api/paas/v4");
    assert.equal(base("moonshot", "cn"), "https://api.moonshot.cn/v1");
    assert.equal(base("moonshot", "global"), "https://api.moonshot.ai/v1");
    assert.equal(base("minimax", "cn"), "https://api.minimaxi.com/v1");
    assert.equal(base("minimax", "global"), "https://api.minimax.io/v1");
    assert.equal(base("siliconflow", "cn"), "https://api.siliconflow.cn/v1");
    assert.equal(base("siliconflow", "global"), "https://api.siliconflow.com/v1");
    assert.equal(base("openrouter", "default"), "https://openrouter.ai/api/v1");
    assert.equal(
      base("anthropic", "default"),
      "https://api.anthropic.com",
      "API root: the adapter adds /v1/messages",
    );
    assert.equal(PROVIDERS.get("openai")?.regions.default?.jurisdiction, "US");
    assert.equal(PROVIDERS.get("qwen")?.regions.singapore?.jurisdiction, "SG");
    assert.deepEqual(PROVIDERS.get("qwen")?.envPrefixes, ["DASHSCOPE", "QWEN"]);
    assert.deepEqual(PROVIDERS.get("zhipu")?.envPrefixes, ["ZHIPUAI", "ZHIPU"]);
  });

  it("environment prefixes are upper-case and not shared between providers", () => {
    const owner = new Map<string, string>();
    for (const d of all) {
      assert.ok(d.envPrefixes.length > 0, `${d.id} has no env prefix`);
      for (const prefix of d.envPrefixes) {
        assert.match(prefix, /^[A-Z][A-Z0-9_]*$/);
        assert.equal(owner.get(prefix), undefined, `${prefix} used twice`);
        owner.set(prefix, d.id);
      }
    }
  });

  it("the generic openai-compatible descriptor has no catalogue, regions or required key", () => {
    const g = PROVIDERS.get(OPENAI_COMPATIBLE_ID);
    assert.ok(g);
    assert.equal(g.hasCatalogue, false);
    assert.equal(g.requiresApiKey, false);
    assert.deepEqual(Object.keys(g.regions), []);
    assert.equal(g.prices.models.length, 0);
    for (const d of all.filter((p) => p.id !== OPENAI_COMPATIBLE_ID && p.id !== "azure")) {
      assert.equal(d.hasCatalogue, true);
      assert.equal(d.requiresApiKey, true);
      assert.ok(DIALECTS.has(d.dialect), `${d.id} dialect ${d.dialect}`);
    }
    assert.equal(g.dialect, "openai-chat");
  });

  it("azure has no catalogue (deployments come from config), needs a key, and sends it as api-key", () => {
    const a = PROVIDERS.get("azure");
    assert.ok(a);
    assert.equal(a.hasCatalogue, false);
    assert.equal(a.requiresApiKey, true);
    assert.deepEqual(a.auth, { scheme: "header", header: "api-key" });
    assert.match(a.quirks.azureDeployments?.apiVersion ?? "", /^\d{4}-\d{2}-\d{2}/);
  });

  it("the anthropic descriptor speaks the native Messages API", () => {
    const a = PROVIDERS.get("anthropic");
    assert.ok(a);
    assert.equal(a.displayName, "Anthropic");
    assert.equal(a.dialect, "anthropic-messages");
    assert.deepEqual(Object.keys(a.regions), ["default"]);
    assert.equal(a.defaultRegion, "default");
    assert.deepEqual(a.regions.default, { baseUrl: "https://api.anthropic.com", jurisdiction: "US" });
    assert.deepEqual(a.auth, { scheme: "header", header: "x-api-key" });
    assert.deepEqual(a.defaultHeaders, { "anthropic-version": "2023-06-01" });
    assert.deepEqual(a.envPrefixes, ["ANTHROPIC"]);
    assert.equal(a.requiresApiKey, true);
    assert.equal(a.hasCatalogue, true);
    assert.equal(a.quirks.streamUsage, "always");
    assert.equal(a.prices.currency, "USD");
    assert.equal(a.prices.source, "https://platform.claude.com/docs/en/about-claude/pricing");
    const price = (model: string) => a.prices.models.find((m) => m.model === model);
    for (const model of ["claude-fable-5-2", "claude-opus-5-5", "claude-sonnet-5-5", "claude-haiku-5-5"]) {
      const p = price(model);
      assert.ok(p, `${model} is listed`);
      assert.ok(p.cachedInputPerMTok !== undefined, `${model} has a cache-read price`);
    }
    assert.deepEqual(price("claude-opus-5-5"), {
      model: "claude-opus-5-5",
      inputPerMTok: "4",
      cachedInputPerMTok: "0.20",
      outputPerMTok: "20",
    });
    for (const m of a.prices.models) assert.match(m.model, /^claude-[a-z]+-[0-9][0-9-]*$/, m.model);
  });

  it("auth header names and default headers are plain lower-case HTTP tokens without credentials", () => {
    const TOKEN = /^[a-z0-9!#$%&'*+.^_`|~-]+$/;
    const FORBIDDEN = new Set(["authorization", "proxy-authorization", "cookie", "host", "content-length"]);
    for (const d of all) {
      const names: string[] = [];
      if (d.auth.scheme === "header") names.push(d.auth.header);
      for (const [name, value] of Object.entries(d.defaultHeaders ?? {})) {
        assert.match(value, /^[\x20-\x7e]+$/, `${d.id} header ${name} has a non-printable value`);
        assert.equal(value, value.trim(), `${d.id} header ${name} has surrounding blanks`);
        assert.ok(!FORBIDDEN.has(name), `${d.id} must not fix ${name}`);
        if (d.auth.scheme === "header")
          assert.notEqual(name, d.auth.header, `${d.id}: ${name} is the auth header`);
        names.push(name);
      }
      for (const name of names) assert.match(name, TOKEN, `${d.id}: ${name}`);
    }
  });

  it("deepFreeze freezes nested structures and leaves primitives alone", () => {
    const value = deepFreeze({ a: [{ b: 1 }], c: { d: "x" } });
    assert.ok(Object.isFrozen(value.a[0]));
    assert.ok(Object.isFrozen(value.c));
    assert.ok(isDeepFrozen(value));
    assert.equal(deepFreeze(3), 3);
    assert.equal(isDeepFrozen({ a: {} }), false);
  });
});

type ModelList = { model: string; inputPerMTok: string; outputPerMTok: string }[];
