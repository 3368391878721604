/**
 * IR → Gemini generateContent request, settings: thinking, response formats,
 * extensions, refusals; the adapter's request and the provider descriptor.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Secret } from "../../src/config/secret.js";
import type { ResolvedProvider } from "../../src/config/types.js";
import type { IrRequest } from "../../src/ir/request.js";
import { buildGenerateContentRequest } from "../../src/upstreams/gemini/adapter.js";
import { encodeGenerateContentRequest, geminiPath } from "../../src/upstreams/gemini/translate-request.js";
import { PROVIDERS } from "../../src/upstreams/providers/index.js";

function ir(fields: Partial<IrRequest>): IrRequest {
  return {
    model: "m",
    system: [],
    messages: [],
    tools: [],
    stop: [],
    stream: false,
    extensions: {},
    ...fields,
  };
}

describe("Gemini request translation: settings, refusals, adapter", () => {
  it("thinking: budgets for Gemini 2.x, levels for Gemini 3 and later", () => {
    const user = [{ role: "user" as const, content: [{ type: "text" as const, text: "hi" }] }];
    const config = (model: string, thinking: IrRequest["thinking"]) => {
      const out = encodeGenerateContentRequest(ir({ messages: user, thinking }), model);
      return [(out.body.generationConfig as Record<string, unknown>).thinkingConfig, out.transformations];
    };
    assert.deepEqual(
      config("gemini-2.5-flash", { type: "enabled", budgetTokens: 4096, display: "summarized" }),
      [{ thinkingBudget: 4096, includeThoughts: true }, []],
    );
    assert.deepEqual(config("gemini-2.5-pro", { type: "adaptive" }), [
      { thinkingBudget: -1, includeThoughts: true },
      [],
    ]);
    assert.deepEqual(config("gemini-2.5-flash", { type: "disabled" }), [{ thinkingBudget: 0 }, []]);
    assert.deepEqual(config("gemini-4-neon", { type: "enabled", budgetTokens: 8192 }), [
      { thinkingLevel: "medium", includeThoughts: true },
      ["converted:thinking.budget_to_level"],
    ]);
    assert.deepEqual(config("gemini-4-argon", { type: "enabled", budgetTokens: 32768, display: "omitted" }), [
      { thinkingLevel: "high" },
      ["converted:thinking.budget_to_level"],
    ]);
    assert.deepEqual(config("gemini-3.8-flash", { type: "disabled" }), [
      { thinkingLevel: "low" },
      ["converted:thinking.disabled_to_low"],
    ]);
    assert.deepEqual(config("gemini-4-hydrogen", { type: "adaptive", display: "summarized" }), [
      { includeThoughts: true },
      [],
    ]);
  });

  it("response formats", () => {
    const messages = [{ role: "user" as const, content: [{ type: "text" as const, text: "JSON please" }] }];
    const schema = { type: "object", properties: { 城市: { type: "string" } } };
    const strictless = encodeGenerateContentRequest(
      ir({ messages, responseFormat: { type: "json_schema", name: "city", schema, strict: false } }),
      "gemini-4-neon",
    );
    assert.deepEqual(strictless.body.generationConfig, {
      responseMimeType: "application/json",
      responseJsonSchema: schema,
    });
    assert.deepEqual(strictless.transformations, [
      "dropped:response_format.name",
      "converted:response_format.strict",
    ]);
    const any = encodeGenerateContentRequest(
      ir({ messages, responseFormat: { type: "json_object" } }),
      "gemini-4-neon",
    );
    assert.deepEqual(any.body.generationConfig, { responseMimeType: "application/json" });
    const text = encodeGenerateContentRequest(
      ir({ messages, responseFormat: { type: "text" } }),
      "gemini-4-neon",
    );
    assert.equal(text.body.generationConfig, undefined);
  });

  it("extensions: a Gemini client's fields go back where they came from; others are dropped", () => {
    const messages = [{ role: "user" as const, content: [{ type: "text" as const, text: "hi" }] }];
    const safety = [{ category: "HARM_CATEGORY_HARASSMENT", threshold: "BLOCK_NONE" }];
    const gemini = encodeGenerateContentRequest(
      ir({
        dialect: "gemini",
        messages,
        thinking: { type: "adaptive", display: "omitted" },
        extensions: {
          safetySettings: safety,
          "generationConfig.presencePenalty": 0.2,
          "generationConfig.thinkingConfig.thinkingLevel": "xhigh",
          "toolConfig.retrievalConfig": { languageCode: "zh" },
          "contents[0].parts[0].thoughtSignature": "c2ln",
          store: true,
        },
      }),
      "gemini-4-neon",
    );
    assert.deepEqual(gemini.body, {
      contents: [{ role: "user", parts: [{ text: "hi" }] }],
      generationConfig: { thinkingConfig: { thinkingLevel: "xhigh" }, presencePenalty: 0.2 },
      safetySettings: safety,
      toolConfig: { retrievalConfig: { languageCode: "zh" } },
    });
    assert.deepEqual(gemini.transformations, [
      "dropped:contents[0].parts[0].thoughtSignature",
      "dropped:store",
    ]);
    const openai = encodeGenerateContentRequest(
      ir({ dialect: "openai-chat", messages, extensions: { presence_penalty: 0.5, safetySettings: safety } }),
      "gemini-4-neon",
    );
    assert.deepEqual(openai.transformations, ["dropped:presence_penalty", "dropped:safetySettings"]);
    assert.equal(openai.body.safetySettings, undefined);
  });

  it("refuses what has no Gemini form, naming the field", () => {
    const user = (content: IrRequest["messages"][number]["content"]) => [{ role: "user" as const, content }];
    const hi = user([{ type: "text", text: "hi" }]);
    const refusals: [Partial<IrRequest>, string][] = [
      [
        { messages: user([{ type: "tool_result", toolUseId: "nope", content: [] }]) },
        "messages.0.content.0.tool_use_id",
      ],
      [{ messages: hi, logprobs: true }, "logprobs"],
      [{ messages: hi, topLogprobs: 3 }, "top_logprobs"],
      [{ messages: hi, stop: ["a", "b", "c", "d", "e", "f"] }, "stop"],
      [
        {
          messages: hi,
          tools: [
            { name: "web_search", inputSchema: {}, builtin: { type: "web_search_20250305", fields: {} } },
          ],
        },
        "tools.0",
      ],
      [
        { messages: user([{ type: "image", source: { kind: "url", url: "https://example.com/photo" } }]) },
        "messages.0.content.0",
      ],
      [
        { messages: user([{ type: "image", source: { kind: "url", url: "ftp://example.com/a.png" } }]) },
        "messages.0.content.0",
      ],
      [{ messages: hi, toolChoice: { type: "required" } }, "tool_choice"],
      [
        {
          messages: hi,
          system: [{ type: "image", source: { kind: "base64", mediaType: "image/png", data: "AA" } }],
        },
        "system.0",
      ],
      [
        {
          messages: [
            ...hi,
            {
              role: "assistant",
              content: [{ type: "image", source: { kind: "base64", mediaType: "image/png", data: "AA" } }],
            },
          ],
        },
        "messages.1.content.0",
      ],
      [
        {
          messages: [
            ...hi,
            { role: "assistant", content: [{ type: "tool_use", id: "c", name: "f", input: "[1]" }] },
          ],
        },
        "messages.1.content.0.input",
      ],
      [{ messages: [] }, "messages"],
    ];
    for (const [fields, param] of refusals) {
      assert.throws(
        () => encodeGenerateContentRequest(ir(fields), "gemini-4-neon"),
        (err: unknown) => {
          const e = err as { errorName?: string; param?: string };
          assert.equal(e.errorName, "OVT_ERR_TRANSLATE_UNSUPPORTED", param);
          assert.equal(e.param, param);
          return true;
        },
      );
    }
  });

  it("paths and the adapter's request", () => {
    assert.equal(geminiPath("gemini-4-neon", false), "/v1beta/models/gemini-4-neon:generateContent");
    assert.equal(
      geminiPath("models/gemini-4-neon", true),
      "/v1beta/models/gemini-4-neon:streamGenerateContent?alt=sse",
    );
    const descriptor = PROVIDERS.get("gemini");
    assert.ok(descriptor);
    const provider: ResolvedProvider = {
      id: "gemini",
      descriptor,
      region: "default",
      baseUrl: new URL("https://generativelanguage.googleapis.com"),
      jurisdiction: "US",
      apiKey: new Secret("AIzaSy-test-key-0000"),
      models: [],
      prices: new Map(),
      currency: "USD",
      allowPrivate: false,
      wildcard: true,
    };
    const request = buildGenerateContentRequest(
      provider,
      "gemini-4-neon",
      { model: "x", contents: [] },
      true,
      ["t"],
    );
    assert.deepEqual(request, {
      origin: "https://generativelanguage.googleapis.com",
      path: "/v1beta/models/gemini-4-neon:streamGenerateContent?alt=sse",
      headers: {
        "content-type": "application/json",
        accept: "text/event-stream",
        "user-agent": "overt/0.1",
        "x-goog-api-key": "AIzaSy-test-key-0000",
      },
      body: '{"contents":[]}',
      transformations: ["t"],
    });
  });

  it("the gemini descriptor: API root, x-goog-api-key, GEMINI then GOOGLE env prefixes, dated prices", () => {
    const g = PROVIDERS.get("gemini");
    assert.ok(g);
    assert.equal(g.dialect, "gemini");
    assert.equal(g.modelPattern, "^gemini-");
    assert.deepEqual(g.regions, {
      default: { baseUrl: "https://generativelanguage.googleapis.com", jurisdiction: "US" },
    });
    assert.deepEqual(g.auth, { scheme: "header", header: "x-goog-api-key" });
    assert.deepEqual(g.envPrefixes, ["GEMINI", "GOOGLE"]);
    assert.equal(g.quirks.streamUsage, "always");
    assert.equal(g.prices.source, "https://ai.google.dev/gemini-api/docs/pricing");
    assert.equal(g.prices.currency, "USD");
    assert.deepEqual(
      g.prices.models.find((m) => m.model === "gemini-4-hydrogen"),
      {
        model: "gemini-4-hydrogen",
        inputPerMTok: "1.50",
        cachedInputPerMTok: "0.075",
        outputPerMTok: "7.50",
      },
    );
    for (const m of g.prices.models) assert.match(m.model, new RegExp(g.modelPattern ?? ""));
  });
});
