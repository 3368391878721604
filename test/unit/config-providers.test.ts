import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { PROVIDERS } from "../../src/upstreams/providers/index.js";
import { load, loadError, only } from "../helpers/config-load.js";

describe("providers from the environment", () => {
  it("DEEPSEEK_API_KEY alone enables deepseek with its descriptor defaults", async () => {
    const c = await load(null, { DEEPSEEK_API_KEY: "sk-deepseek" });
    const p = only(c);
    assert.equal(p.id, "deepseek");
    assert.equal(p.descriptor, PROVIDERS.get("deepseek"));
    assert.equal(p.region, "default");
    assert.equal(p.baseUrl.href, "https://api.deepseek.com/");
    assert.equal(p.jurisdiction, "CN");
    assert.equal(p.apiKey?.reveal(), "sk-deepseek");
    assert.equal(p.currency, "CNY");
    assert.equal(p.allowPrivate, false);
    assert.ok(p.models.includes("deepseek-flash"));
    assert.equal(p.prices.get("deepseek-flash")?.outputPerMTok, "8");
    assert.equal(c.simulator, false, "auto: a real provider disables the simulator");
  });

  it("an empty key variable does not enable anything", async () => {
    assert.deepEqual((await load(null, { DEEPSEEK_API_KEY: "", OPENAI_API_KEY: "  " })).providers, []);
    assert.deepEqual((await load(null, { DEEPSEEK_BASE_URL: "https://x.example.com" })).providers, []);
  });

  it("DEEPSEEK_BASE_URL overrides the base URL; trailing slashes are removed", async () => {
    const p = only(
      await load(null, { DEEPSEEK_API_KEY: "k", DEEPSEEK_BASE_URL: "https://gw.example.com/deepseek/v1/" }),
    );
    assert.equal(p.baseUrl.href, "https://gw.example.com/deepseek/v1");
    assert.equal(
      only(await load(null, { OPENAI_API_KEY: "k", OPENAI_BASE_URL: "https://o.example.com//" })).baseUrl
        .pathname,
      "/",
    );
  });

  it("QWEN_REGION / DASHSCOPE_REGION pick the region; the first prefix wins", async () => {
    const sg = only(await load(null, { QWEN_API_KEY: "k", QWEN_REGION: "singapore" }));
    assert.equal(sg.region, "singapore");
    assert.equal(sg.baseUrl.href, "https://dashscope-intl.aliyuncs.com/compatible-mode/v1");
    assert.equal(sg.jurisdiction, "SG");
    const bj = only(
      await load(null, {
        DASHSCOPE_API_KEY: "a",
        QWEN_API_KEY: "b",
        DASHSCOPE_REGION: "beijing",
        QWEN_REGION: "singapore",
      }),
    );
    assert.equal(bj.region, "beijing");
    assert.equal(bj.apiKey?.reveal(), "a");
    assert.equal(bj.jurisdiction, "CN");
    const e = await loadError(null, { QWEN_API_KEY: "k", QWEN_REGION: "mars" });
    assert.equal(e.path, "QWEN_REGION");
    assert.match(
      e.message,
      /^environment: QWEN_REGION: is not a region of qwen; valid regions: beijing, singapore$/,
    );
  });

  it("several keys enable several providers, in descriptor order", async () => {
    const c = await load(null, { ZHIPU_API_KEY: "z", OPENAI_API_KEY: "o", MOONSHOT_API_KEY: "m" });
    assert.deepEqual(
      c.providers.map((p) => p.id),
      ["openai", "zhipu", "moonshot"],
    );
  });

  it("OPENAI_COMPATIBLE_* enables the generic server", async () => {
    const p = only(
      await load(null, {
        OPENAI_COMPATIBLE_BASE_URL: "https://llm.example.com/v1",
        OPENAI_COMPATIBLE_MODELS: "qwen2.5-72b-instruct, llama-4 ,,",
      }),
    );
    assert.equal(p.id, "openai-compatible");
    assert.equal(p.apiKey, null, "a key is optional");
    assert.equal(p.jurisdiction, "UNKNOWN", "a public host of unknown location counts as abroad");
    assert.deepEqual(p.models, ["qwen2.5-72b-instruct", "llama-4"]);
    assert.equal(p.prices.size, 0);
    const j = only(
      await load(null, {
        OPENAI_COMPATIBLE_BASE_URL: "https://llm.example.com/v1",
        OPENAI_COMPATIBLE_JURISDICTION: "de",
      }),
    );
    assert.equal(j.jurisdiction, "DE");
    assert.equal(
      (await loadError(null, { OPENAI_COMPATIBLE_API_KEY: "k" })).path,
      "OPENAI_COMPATIBLE_API_KEY",
    );
  });
});

describe("private and loopback upstreams", () => {
  const privateUrls = [
    "http://127.0.0.1:11434/v1",
    "http://localhost:8000/v1",
    "http://[::1]:8000/v1",
    "http://0x7f000001/v1",
    "http://10.0.0.5:8000/v1",
    "http://169.254.169.254/latest",
    "http://[::ffff:127.0.0.1]/v1",
    "http://metadata.google.internal/v1",
  ];

  it("refuses a loopback/private base URL unless allowed", async () => {
    for (const url of privateUrls) {
      const e = await loadError(null, { OPENAI_COMPATIBLE_BASE_URL: url });
      assert.equal(e.path, "OPENAI_COMPATIBLE_BASE_URL", url);
      assert.match(
        e.message,
        /is a loopback\/private address; set security\.allowPrivateUpstreams \(OVERT_ALLOW_PRIVATE_UPSTREAMS=1\)/,
      );
      assert.match(e.message, /providers\.openai-compatible\.allowPrivate/);
    }
    const own = await loadError(null, { DEEPSEEK_API_KEY: "k", DEEPSEEK_BASE_URL: "http://127.0.0.1:9/v1" });
    assert.equal(own.path, "DEEPSEEK_BASE_URL");
  });

  it("allows it with OVERT_ALLOW_PRIVATE_UPSTREAMS or security.allowPrivateUpstreams", async () => {
    const p = only(
      await load(null, {
        OPENAI_COMPATIBLE_BASE_URL: "http://127.0.0.1:11434/v1",
        OVERT_ALLOW_PRIVATE_UPSTREAMS: "1",
      }),
    );
    assert.equal(p.baseUrl.href, "http://127.0.0.1:11434/v1");
    assert.equal(p.allowPrivate, true);
    const f = only(
      await load(
        "security: { allowPrivateUpstreams: true }\nproviders:\n  lab: { type: openai-compatible, baseUrl: 'http://localhost:8000/v1' }\n",
      ),
    );
    assert.equal(f.allowPrivate, true);
  });

  it("allows it per provider with allowPrivate, and says where the problem is otherwise", async () => {
    const yaml = (allow: boolean) =>
      `providers:\n  my-vllm:\n    type: openai-compatible\n    baseUrl: http://10.0.0.5:8000/v1\n    jurisdiction: CN\n    allowPrivate: ${allow}\n    models: [qwen2.5-72b-instruct]\n  public:\n    type: openai-compatible\n    baseUrl: https://llm.example.com/v1\n`;
    const c = await load(yaml(true));
    const vllm = c.providers.find((p) => p.id === "my-vllm");
    assert.ok(vllm);
    assert.equal(vllm.allowPrivate, true);
    assert.equal(vllm.jurisdiction, "CN");
    assert.deepEqual(vllm.models, ["qwen2.5-72b-instruct"]);
    assert.equal(c.providers.find((p) => p.id === "public")?.allowPrivate, false);
    const e = await loadError(yaml(false));
    assert.equal(e.path, "providers.my-vllm.baseUrl");
    assert.match(
      e.message,
      /^overt\.yaml: providers\.my-vllm\.baseUrl: 10\.0\.0\.5 is a loopback\/private address/,
    );
  });

  it("an explicit false in the file keeps private upstreams refused despite the environment", async () => {
    const e = await loadError("security: { allowPrivateUpstreams: false }\n", {
      OVERT_ALLOW_PRIVATE_UPSTREAMS: "1",
      OPENAI_COMPATIBLE_BASE_URL: "http://127.0.0.1:1/v1",
    });
    assert.equal(e.path, "OPENAI_COMPATIBLE_BASE_URL");
  });
});

describe("base URL rules", () => {
  const cases: Array<[string, RegExp]> = [
    ["not a url", /must be an http\(s\) URL/],
    ["ftp://files.example.com/v1", /must be an http\(s\) URL/],
    ["https://user:pw@api.example.com/v1", /must not contain a user name or password/],
    ["https://api.example.com/v1?x=1", /must not have a query string or fragment/],
    ["https://api.example.com/v1#frag", /must not have a query string or fragment/],
    ["https://api.example.com/v1?", /must not have a query string or fragment/],
  ];
  it("must be http(s), without user info, query or fragment", async () => {
    for (const [url, why] of cases) {
      const e = await loadError(`providers:\n  deepseek:\n    apiKey: k\n    baseUrl: '${url}'\n`);
      assert.equal(e.path, "providers.deepseek.baseUrl", url);
      assert.match(e.message, why, url);
    }
  });
});

describe("file entries, instances and precedence", () => {
  it("the file wins over the environment for fields it sets; the environment fills the rest", async () => {
    const p = only(
      await load("providers:\n  deepseek:\n    baseUrl: https://file.example.com/v1\n", {
        DEEPSEEK_API_KEY: "env-key",
        DEEPSEEK_BASE_URL: "https://env.example.com/v1",
      }),
    );
    assert.equal(p.baseUrl.href, "https://file.example.com/v1");
    assert.equal(p.apiKey?.reveal(), "env-key");
    const q = only(
      await load("providers:\n  qwen: { apiKey: file-key, region: beijing }\n", {
        QWEN_API_KEY: "env-key",
        QWEN_REGION: "singapore",
      }),
    );
    assert.equal(q.apiKey?.reveal(), "file-key");
    assert.equal(q.region, "beijing");
  });

  it("enabled: false disables a provider even when its key is in the environment", async () => {
    const c = await load("providers:\n  deepseek: { enabled: false }\n", { DEEPSEEK_API_KEY: "k" });
    assert.deepEqual(c.providers, []);
    assert.equal(c.simulator, true);
  });

  it("a provider that needs a key and has none is an error", async () => {
    const e = await loadError("providers:\n  deepseek: { region: default }\n");
    assert.equal(e.path, "providers.deepseek.apiKey");
    assert.match(e.message, /is required for deepseek \(set it here, or DEEPSEEK_API_KEY\)/);
    assert.equal(
      (await loadError("providers:\n  deepseek: { apiKey: '' }\n")).path,
      "providers.deepseek.apiKey",
    );
  });

  it("unknown types and ids list the valid types", async () => {
    const e = await loadError("providers:\n  mine: { type: llamacloud, baseUrl: 'https://x.example.com' }\n");
    assert.equal(e.path, "providers.mine.type");
    assert.match(
      e.message,
      /unknown provider type; valid types: openai, anthropic, deepseek, qwen, zhipu, moonshot, minimax, siliconflow, openrouter, gemini, azure, bedrock, openai-compatible$/,
    );
    const id = await loadError("providers:\n  mine: { baseUrl: 'https://x.example.com' }\n");
    assert.equal(id.path, "providers.mine");
    assert.match(id.message, /add type: <one of openai, anthropic, deepseek/);
    assert.equal(
      (
        await loadError(
          "providers:\n  openai: { type: openai-compatible, baseUrl: 'https://x.example.com' }\n",
        )
      ).path,
      "providers.openai.type",
    );
    assert.equal(
      (await loadError("providers:\n  'bad id!': { type: openai }\n")).path,
      'providers["bad id!"]',
    );
  });

  it("supports several instances of one type; environment variables apply only to the descriptor id", async () => {
    const c = await load(
      "providers:\n  deepseek-b: { type: deepseek, apiKey: second, baseUrl: 'https://b.example.com' }\n",
      { DEEPSEEK_API_KEY: "first" },
    );
    assert.deepEqual(
      c.providers.map((p) => [p.id, p.apiKey?.reveal(), p.baseUrl.host]),
      [
        ["deepseek-b", "second", "b.example.com"],
        ["deepseek", "first", "api.deepseek.com"],
      ],
    );
    const e = await loadError("providers:\n  deepseek-b: { type: deepseek }\n", {
      DEEPSEEK_API_KEY: "first",
    });
    assert.equal(e.path, "providers.deepseek-b.apiKey");
  });

  it("the generic server needs a base URL; its jurisdiction is UNKNOWN on a public host, LOCAL on a private one", async () => {
    const e = await loadError("providers:\n  lab: { type: openai-compatible }\n");
    assert.equal(e.path, "providers.lab.baseUrl");
    const p = only(
      await load("providers:\n  lab: { type: openai-compatible, baseUrl: 'https://lab.example.com/v1' }\n"),
    );
    assert.equal(p.jurisdiction, "UNKNOWN");
    const local = only(
      await load(
        "providers:\n  lab: { type: openai-compatible, baseUrl: 'http://127.0.0.1:8000/v1', allowPrivate: true }\n",
      ),
    );
    assert.equal(local.jurisdiction, "LOCAL");
    assert.equal(p.region, "custom");
    assert.equal(
      (
        await loadError(
          "providers:\n  lab: { type: openai-compatible, baseUrl: 'https://l.example.com', region: x }\n",
        )
      ).path,
      "providers.lab.region",
    );
  });

  it("adds configured models to the catalogue and overrides prices", async () => {
    const p = only(
      await load(
        "providers:\n  deepseek:\n    apiKey: k\n    models: [deepseek-flash, deepseek-v5-preview]\n    jurisdiction: sg\n    prices:\n      deepseek-flash: { inputPerMTok: '1', cachedInputPerMTok: 0.02, outputPerMTok: 4 }\n      deepseek-v5-preview: { inputPerMTok: '3', outputPerMTok: '9' }\n",
      ),
    );
    assert.deepEqual(
      p.models.filter((m) => m.startsWith("deepseek-flash")),
      ["deepseek-flash"],
      "deduplicated",
    );
    assert.ok(p.models.includes("deepseek-v5-preview"));
    assert.ok(p.models.includes("deepseek-v4-pro"));
    assert.deepEqual(p.prices.get("deepseek-flash"), {
      model: "deepseek-flash",
      inputPerMTok: "1",
      cachedInputPerMTok: "0.02",
      outputPerMTok: "4",
    });
    assert.equal(p.prices.get("deepseek-v4-pro")?.inputPerMTok, "9", "untouched descriptor price");
    assert.equal(p.jurisdiction, "SG");
    const bad = await loadError(
      "providers:\n  deepseek:\n    apiKey: k\n    prices: { x: { inputPerMTok: '-1', outputPerMTok: '1' } }\n",
    );
    assert.equal(bad.path, "providers.deepseek.prices.x.inputPerMTok");
  });

  it("a different currency drops the descriptor's price table", async () => {
    const p = only(
      await load(
        "providers:\n  qwen:\n    apiKey: k\n    currency: CNY\n    prices: { qwen3.8-max: { inputPerMTok: '6', outputPerMTok: '24' } }\n",
      ),
    );
    assert.equal(p.currency, "CNY");
    assert.deepEqual([...p.prices.keys()], ["qwen3.8-max"]);
    assert.ok(p.models.includes("qwen3.8-flash"), "the catalogue is kept");
  });
});
