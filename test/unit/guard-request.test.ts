/**
 * The guard on a request body (issue 4; catalogue B15–B17): every text field of
 * every dialect found, the same value replaced consistently, values split across
 * content parts or hidden in JSON escapes found, near-misses left alone, JSON
 * never broken, and the policy decided per data class × destination.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { resolveTenants } from "../../src/config/tenants.js";
import type { TenantConfig } from "../../src/config/types.js";
import { knownSecretsDetector } from "../../src/guard/known-secrets.js";
import { decide } from "../../src/guard/policy.js";
import { RequestGuard } from "../../src/guard/request-guard.js";
import { scanBody } from "../../src/guard/scan.js";

const ID = "11010519491231002X";
const NEAR_MISS_ID = "110105194912310021";
const MOBILE = "138-0013-8000";
const CARD = "6212 3456 7890 1232";
const USCC = "91110000600037341L";
const OPENAI_KEY = "sk-proj-abcdEFGH1234abcdEFGH1234abcdT3BlbkFJabcdEFGH1234abcdEFGH1234";

function tenant(file: Parameters<typeof resolveTenants>[0] = {}, home: string | null = null): TenantConfig {
  const t = resolveTenants(file, home).default;
  assert.ok(t);
  return t;
}

function guardFor(body: Record<string, unknown>, t = tenant(), extra?: (text: string) => never[]) {
  return new RequestGuard(body, scanBody(body, 1_000_000, extra), t);
}

describe("guard: finding text in every dialect", () => {
  it("OpenAI chat: string content, parts, tool-call arguments, tool results (B16)", () => {
    const body = {
      model: "m",
      messages: [
        { role: "system", content: `Agent for ${USCC}` },
        { role: "user", content: [{ type: "text", text: `my id ${ID}, near miss ${NEAR_MISS_ID}` }] },
        {
          role: "assistant",
          tool_calls: [
            {
              id: "c1",
              type: "function",
              function: { name: "f", arguments: JSON.stringify({ phone: MOBILE }) },
            },
          ],
        },
        { role: "tool", tool_call_id: "c1", content: JSON.stringify({ card: CARD, id: ID }) },
      ],
    };
    const original = structuredClone(body);
    const out = guardFor(body).apply("US");
    assert.deepEqual(body, original, "the scanned body is never modified");
    const text = JSON.stringify(out.body);
    for (const value of [ID, MOBILE, CARD, USCC]) assert.ok(!text.includes(value), value);
    assert.ok(text.includes(NEAR_MISS_ID), "a near miss is left alone");
    const messages = (out.body as typeof body).messages;
    const args = JSON.parse(messages[2]?.tool_calls?.[0]?.function.arguments ?? "") as { phone: string };
    assert.equal(args.phone, "<PII_CN_MOBILE_1>", "tool arguments stay valid JSON");
    const result = JSON.parse(String(messages[3]?.content)) as { card: string; id: string };
    assert.equal(result.id, "<PII_CN_RESIDENT_ID_1>", "the same value gets the same pseudonym everywhere");
    assert.equal(result.card, "<PII_BANK_CARD_1>");
    assert.equal(out.vault.values.get("<PII_CN_RESIDENT_ID_1>"), ID);
    assert.deepEqual(out.outcomes.map((o) => [o.kind, o.action, o.count]).sort(), [
      ["pii.bank_card", "pseudonymize", 1],
      ["pii.cn_mobile", "pseudonymize", 1],
      ["pii.cn_resident_id", "pseudonymize", 2],
      ["pii.cn_uscc", "pseudonymize", 1],
    ]);
  });

  it("Anthropic system blocks, tool_use input and tool_result content", () => {
    const body = {
      model: "m",
      system: [{ type: "text", text: `Operator key ${OPENAI_KEY}` }],
      messages: [
        { role: "assistant", content: [{ type: "tool_use", id: "t", name: "f", input: { phone: MOBILE } }] },
        {
          role: "user",
          content: [{ type: "tool_result", tool_use_id: "t", content: [{ type: "text", text: `ID ${ID}` }] }],
        },
        { role: "assistant", content: [{ type: "thinking", thinking: "ok", signature: "c2lnbmF0dXJl" }] },
      ],
    };
    const out = guardFor(body).apply("US");
    const text = JSON.stringify(out.body);
    for (const value of [OPENAI_KEY, MOBILE, ID]) assert.ok(!text.includes(value), value);
    assert.ok(text.includes("<SECRET_OPENAI_1>"));
    assert.ok(text.includes('"signature":"c2lnbmF0dXJl"'), "signatures are never touched");
  });

  it("Responses input items and Gemini parts", () => {
    const responses = {
      model: "m",
      instructions: `Contact ${MOBILE}`,
      input: [
        { type: "message", role: "user", content: [{ type: "input_text", text: `ID ${ID}` }] },
        { type: "function_call_output", call_id: "c", output: `card ${CARD}` },
      ],
    };
    const r = JSON.stringify(guardFor(responses).apply("US").body);
    for (const value of [MOBILE, ID, CARD]) assert.ok(!r.includes(value), value);
    const gemini = {
      systemInstruction: { parts: [{ text: `ID ${ID}` }] },
      contents: [
        {
          role: "user",
          parts: [{ text: `call ${MOBILE}` }, { inlineData: { mimeType: "image/png", data: "AAAA" } }],
        },
      ],
    };
    const g = JSON.stringify(guardFor(gemini).apply("US").body);
    for (const value of [MOBILE, ID]) assert.ok(!g.includes(value), value);
    assert.ok(g.includes('"data":"AAAA"'));
  });
});

describe("guard: values hidden by splitting or escaping (B17)", () => {
  it("an ID split across two content parts is found and removed from both", () => {
    const body = {
      messages: [
        {
          role: "user",
          content: [
            { type: "text", text: `ID ${ID.slice(0, 8)}` },
            { type: "text", text: `${ID.slice(8)} ok` },
          ],
        },
      ],
    };
    const out = guardFor(body).apply("US");
    const parts = (out.body as typeof body).messages[0]?.content ?? [];
    assert.equal(parts[0]?.text, "ID <PII_CN_RESIDENT_ID_1>");
    assert.equal(parts[1]?.text, " ok");
  });

  it("tool-call arguments written with \\u escapes are decoded before scanning", () => {
    const escaped = [...ID].map((c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`).join("");
    const args = `{"id":"${escaped}"}`;
    const body = {
      messages: [{ role: "assistant", tool_calls: [{ function: { name: "f", arguments: args } }] }],
    };
    const out = guardFor(body).apply("US");
    const sent = (out.body as typeof body).messages[0]?.tool_calls[0]?.function.arguments ?? "";
    assert.deepEqual(JSON.parse(sent), { id: "<PII_CN_RESIDENT_ID_1>" });
  });

  it("nested embedded JSON documents are edited inside out, each re-serialised once", () => {
    const inner = JSON.stringify({ id: ID, ok: true });
    const outer = JSON.stringify({ note: inner, phone: MOBILE, other: "x" });
    const body = { messages: [{ role: "tool", tool_call_id: "c", content: outer }] };
    const out = guardFor(body).apply("US");
    const sent = JSON.parse(String((out.body as typeof body).messages[0]?.content)) as Record<string, string>;
    assert.equal(sent.phone, "<PII_CN_MOBILE_1>");
    assert.deepEqual(JSON.parse(sent.note ?? ""), { id: "<PII_CN_RESIDENT_ID_1>", ok: true });
  });

  it("a placeholder already in the prompt is never reused for a value", () => {
    const body = { messages: [{ role: "user", content: `<PII_CN_MOBILE_1> is mine, and ${MOBILE}` }] };
    const out = guardFor(body).apply("US");
    assert.equal(out.vault.values.get("<PII_CN_MOBILE_2>"), MOBILE);
    assert.equal(out.vault.values.has("<PII_CN_MOBILE_1>"), false);
  });

  it("the relay's own upstream key is found by exact match", () => {
    const own = "custom-upstream-credential-0123456789";
    const body = { messages: [{ role: "user", content: `key: ${own}` }] };
    const guard = new RequestGuard(body, scanBody(body, 1_000_000, knownSecretsDetector([own])), tenant());
    const out = guard.apply("LOCAL");
    assert.equal((out.body as typeof body).messages[0]?.content, "key: <SECRET_RELAY_UPSTREAM_KEY_1>");
  });
});

describe("guard policy: data class × destination", () => {
  it("protective defaults: secrets pseudonymized everywhere, PII only abroad", () => {
    const cn = tenant({}, "CN");
    assert.equal(decide(cn, "secret.openai", "CN").action, "pseudonymize");
    assert.equal(decide(cn, "pii.cn_mobile", "CN").action, "allow");
    assert.equal(decide(cn, "pii.cn_mobile", "US").action, "pseudonymize");
    assert.equal(
      decide(cn, "pii.cn_mobile", "LOCAL").action,
      "allow",
      "the operator's own machines are home",
    );
    const none = tenant();
    assert.equal(decide(none, "pii.email", "CN").action, "pseudonymize", "no home: every upstream is abroad");
  });

  it("tenant rules come first, then the operator's, then the defaults", () => {
    const file = {
      guard: { rules: [{ data: "pii", to: "abroad", action: "redact" as const }] },
      tenants: {
        default: { guard: { rules: [{ data: "pii.cn_resident_id", to: "US", action: "block" as const }] } },
      },
    };
    const t = tenant(file, "CN");
    const block = decide(t, "pii.cn_resident_id", "US");
    assert.equal(block.action, "block");
    assert.equal(block.rule.source, "tenants.default.guard.rules[0]");
    assert.equal(decide(t, "pii.cn_resident_id", "SG").action, "redact");
    assert.equal(decide(t, "secret.aws", "CN").action, "pseudonymize");
  });

  it("refusal names the class, the field path and the rule — never the value", () => {
    const file = {
      tenants: { default: { guard: { rules: [{ data: "secret", action: "block" as const }] } } },
    };
    const body = {
      messages: [
        { role: "user", content: "hi" },
        { role: "user", content: `k ${OPENAI_KEY}` },
      ],
    };
    const refusal = guardFor(body, tenant(file)).refusal("US");
    assert.deepEqual(refusal, {
      reason: "blocked",
      kind: "secret.openai",
      path: "messages[1].content",
      policy: "tenants.default.guard.rules[0]",
    });
  });

  it("redact replaces with a typed placeholder that is not restored", () => {
    const file = { guard: { rules: [{ data: "pii", action: "redact" as const }] } };
    const body = { messages: [{ role: "user", content: `call ${MOBILE}` }] };
    const out = guardFor(body, tenant(file)).apply("CN");
    assert.equal((out.body as typeof body).messages[0]?.content, "call [REDACTED:pii.cn_mobile]");
    assert.equal(out.vault.size, 0);
  });

  it("allowed jurisdictions refuse other destinations", () => {
    const file = { guard: { allowedJurisdictions: ["CN"] } };
    const guard = guardFor({ messages: [] }, tenant(file as never));
    assert.equal(guard.refusal("CN"), null);
    assert.deepEqual(guard.refusal("US"), {
      reason: "jurisdiction",
      policy: "guard.allowedJurisdictions",
      allowed: ["CN"],
    });
  });
});
