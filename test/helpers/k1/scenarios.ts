import { generateToken } from "../../../src/governance/token-format.js";
import { type Canaries, prompt } from "./canaries.js";
import { BODY_LIMIT, type Harness } from "./relay.js";

// ---------------------------------------------------------------- scenarios

export type KeyChoice = "default" | "strict" | { header: string; value: string };

export interface Scenario {
  name: string;
  path: string;
  key: KeyChoice;
  /** Raw request body. */
  body: string;
  status: number;
  /** A usage row is expected for it (it reached the pipeline with a valid key). */
  ledgered: boolean;
  contentType?: string;
}

export interface Outcome {
  scenario: Scenario;
  status: number;
  headers: Array<[string, string]>;
  body: Buffer;
  requestId: string | null;
}

export const json = (value: unknown) => JSON.stringify(value);

export function chatBody(c: Canaries, scenario: string, model: string, stream: boolean): string {
  return json({
    model,
    stream,
    ...(stream ? { stream_options: { include_usage: true } } : {}),
    messages: [
      { role: "system", content: prompt(c, scenario) },
      { role: "user", content: [{ type: "text", text: prompt(c, scenario) }] },
    ],
  });
}

export function responsesBody(c: Canaries, scenario: string, model: string, stream: boolean): string {
  return json({ model, stream, instructions: prompt(c, scenario), input: prompt(c, scenario) });
}

export function messagesBody(c: Canaries, scenario: string, model: string, stream: boolean): string {
  return json({
    model,
    max_tokens: 256,
    stream,
    system: prompt(c, scenario),
    messages: [{ role: "user", content: [{ type: "text", text: prompt(c, scenario) }] }],
  });
}

export function countBody(c: Canaries, scenario: string, model: string): string {
  return json({
    model,
    system: prompt(c, scenario),
    messages: [{ role: "user", content: prompt(c, scenario) }],
  });
}

export function geminiBody(c: Canaries, scenario: string): string {
  return json({
    systemInstruction: { parts: [{ text: prompt(c, scenario) }] },
    contents: [{ role: "user", parts: [{ text: prompt(c, scenario) }] }],
  });
}

export function embeddingsBody(c: Canaries, scenario: string): string {
  return json({ model: "embed", input: [prompt(c, scenario), `${c.marker} ${c.email}`] });
}

/** A well-formed virtual key the relay never issued. */
export const BOGUS_KEY = generateToken("ovt");

export const GEN = "/v1beta/models/gemini-echo:generateContent";
export const GEN_SSE = "/v1beta/models/gemini-echo:streamGenerateContent?alt=sse";
export const GEN_ARRAY = "/v1beta/models/gemini-echo:streamGenerateContent";

export function scenarios(c: Canaries): Scenario[] {
  const ok = (name: string, path: string, body: string): Scenario => ({
    name,
    path,
    key: "default",
    body,
    status: 200,
    ledgered: true,
  });
  const fail = (name: string, path: string, body: string, status: number, ledgered = true): Scenario => ({
    name,
    path,
    key: "default",
    body,
    status,
    ledgered,
  });
  const truncated = (body: string) => body.slice(0, Math.floor(body.length * 0.7));
  const big = prompt(c, "too-large").repeat(Math.ceil((BODY_LIMIT * 1.5) / 200));
  return [
    // Every route and dialect, answered.
    ok("chat", "/v1/chat/completions", chatBody(c, "ok", "echo", false)),
    ok("chat-stream", "/v1/chat/completions", chatBody(c, "ok", "echo", true)),
    ok("chat-to-anthropic", "/v1/chat/completions", chatBody(c, "ok", "claude-echo", true)),
    ok("chat-to-gemini", "/v1/chat/completions", chatBody(c, "ok", "gemini-echo", false)),
    ok("responses", "/v1/responses", responsesBody(c, "ok", "echo", false)),
    ok("responses-stream", "/v1/responses", responsesBody(c, "ok", "echo", true)),
    ok("responses-to-anthropic", "/v1/responses", responsesBody(c, "ok", "claude-echo", true)),
    ok("messages", "/v1/messages", messagesBody(c, "ok", "claude-echo", false)),
    ok("messages-stream", "/v1/messages", messagesBody(c, "ok", "claude-echo", true)),
    ok("messages-to-openai", "/v1/messages", messagesBody(c, "ok", "echo", true)),
    ok("messages-to-gemini", "/v1/messages", messagesBody(c, "ok", "gemini-echo", false)),
    {
      ...ok("count-tokens-anthropic", "/v1/messages/count_tokens", countBody(c, "ok", "claude-echo")),
      ledgered: false,
    },
    {
      ...ok("count-tokens-estimated", "/v1/messages/count_tokens", countBody(c, "ok", "echo")),
      ledgered: false,
    },
    ok("gemini", GEN, geminiBody(c, "ok")),
    ok("gemini-stream-sse", GEN_SSE, geminiBody(c, "ok")),
    ok("gemini-stream-array", GEN_ARRAY, geminiBody(c, "ok")),
    ok("embeddings", "/v1/embeddings", embeddingsBody(c, "ok")),

    // The client's own mistakes.
    fail(
      "bad-json-chat",
      "/v1/chat/completions",
      truncated(chatBody(c, "bad-json", "echo", false)),
      400,
      false,
    ),
    fail(
      "bad-json-messages",
      "/v1/messages",
      truncated(messagesBody(c, "bad-json", "claude-echo", false)),
      400,
      false,
    ),
    fail("bad-json-gemini", GEN, truncated(geminiBody(c, "bad-json")), 400, false),
    {
      ...fail(
        "not-json-content-type",
        "/v1/chat/completions",
        chatBody(c, "text-plain", "echo", false),
        400,
        false,
      ),
      contentType: "text/plain",
    },
    fail("unknown-model", "/v1/chat/completions", chatBody(c, "unknown-model", "no-such-model", false), 404),
    fail(
      "too-large",
      "/v1/chat/completions",
      json({ model: "echo", messages: [{ role: "user", content: big }] }),
      413,
      false,
    ),
    {
      ...fail("key-is-a-secret", "/v1/chat/completions", chatBody(c, "bad-key", "echo", false), 401, false),
      key: { header: "authorization", value: `Bearer ${c.openAiKey}` },
    },
    {
      ...fail(
        "key-is-upstream-key",
        "/v1/messages",
        messagesBody(c, "bad-key", "claude-echo", false),
        401,
        false,
      ),
      key: { header: "x-api-key", value: c.upstreamOai },
    },
    {
      ...fail("key-unknown-virtual", GEN, geminiBody(c, "bad-key"), 401, false),
      key: { header: "x-goog-api-key", value: BOGUS_KEY },
    },

    // Upstream failures, each dialect.
    fail("up-401", "/v1/chat/completions", chatBody(c, "up-401", "echo", false), 502),
    fail("up-401-reflect", "/v1/chat/completions", chatBody(c, "up-401-reflect", "echo", false), 502),
    fail("up-400-reflect", "/v1/chat/completions", chatBody(c, "up-400-reflect", "echo", false), 400),
    fail("up-429", "/v1/chat/completions", chatBody(c, "up-429", "echo", false), 429),
    fail("up-500", "/v1/responses", responsesBody(c, "up-500", "echo", false), 502),
    fail("up-html", "/v1/chat/completions", chatBody(c, "up-html", "echo", false), 502),
    fail("up-timeout-headers", "/v1/chat/completions", chatBody(c, "up-timeout-headers", "echo", false), 504),
    // The upstream sent its headers, then nothing: the client's stream has begun and ends with an error event.
    ok("up-timeout-idle", "/v1/chat/completions", chatBody(c, "up-timeout-idle", "echo", true)),
    ok("up-malformed", "/v1/chat/completions", chatBody(c, "up-malformed", "echo", true)),
    ok("up-stream-error", "/v1/chat/completions", chatBody(c, "up-stream-error", "echo", true)),
    ok("up-disconnect", "/v1/chat/completions", chatBody(c, "up-disconnect", "echo", true)),
    fail("up-500-embeddings", "/v1/embeddings", embeddingsBody(c, "up-500"), 502),
    fail("anthropic-401", "/v1/messages", messagesBody(c, "up-401", "claude-echo", false), 502),
    fail("anthropic-429", "/v1/messages", messagesBody(c, "up-429", "claude-echo", false), 429),
    fail("anthropic-500", "/v1/messages", messagesBody(c, "up-500", "claude-echo", true), 502),
    fail(
      "anthropic-timeout",
      "/v1/messages",
      messagesBody(c, "up-timeout-headers", "claude-echo", false),
      504,
    ),
    ok("anthropic-malformed", "/v1/messages", messagesBody(c, "up-malformed", "claude-echo", true)),
    ok("anthropic-stream-error", "/v1/messages", messagesBody(c, "up-stream-error", "claude-echo", true)),
    {
      ...fail(
        "count-tokens-upstream-429",
        "/v1/messages/count_tokens",
        countBody(c, "up-429", "claude-echo"),
        429,
      ),
      ledgered: false,
    },
    fail("gemini-401", GEN, geminiBody(c, "up-401"), 502),
    fail("gemini-429", GEN, geminiBody(c, "up-429"), 429),
    fail("gemini-500", GEN_SSE, geminiBody(c, "up-500"), 502),
    ok("gemini-timeout", GEN_SSE, geminiBody(c, "up-timeout-idle")),
    ok("gemini-malformed", GEN_SSE, geminiBody(c, "up-malformed")),
    ok("gemini-disconnect", GEN_ARRAY, geminiBody(c, "up-disconnect")),

    // The tenant's policy blocks resident IDs: 422 in every dialect, nothing sent.
    {
      ...fail("guard-block-chat", "/v1/chat/completions", chatBody(c, "block", "echo", true), 422),
      key: "strict",
    },
    {
      ...fail("guard-block-messages", "/v1/messages", messagesBody(c, "block", "claude-echo", false), 422),
      key: "strict",
    },
    { ...fail("guard-block-gemini", GEN_SSE, geminiBody(c, "block"), 422), key: "strict" },
    {
      ...fail("guard-block-responses", "/v1/responses", responsesBody(c, "block", "echo", false), 422),
      key: "strict",
    },
    { ...fail("guard-block-embeddings", "/v1/embeddings", embeddingsBody(c, "block"), 422), key: "strict" },
    // count_tokens sends nothing the Messages request itself could not send: the count is made locally.
    {
      ...ok("guard-block-count-tokens", "/v1/messages/count_tokens", countBody(c, "block", "claude-echo")),
      key: "strict",
      ledgered: false,
    },
  ];
}

export async function send(baseUrl: string, keys: Harness["keys"], s: Scenario): Promise<Outcome> {
  const headers: Record<string, string> = { "content-type": s.contentType ?? "application/json" };
  if (s.key === "default" || s.key === "strict") headers.authorization = `Bearer ${keys[s.key].key}`;
  else headers[s.key.header] = s.key.value;
  const res = await fetch(`${baseUrl}${s.path}`, { method: "POST", headers, body: s.body });
  const body = Buffer.from(await res.arrayBuffer());
  return {
    scenario: s,
    status: res.status,
    headers: [...res.headers.entries()],
    body,
    requestId: res.headers.get("x-request-id"),
  };
}

export function describeOutcome(o: Outcome): string {
  return `${o.scenario.name}: ${o.status} ${o.body.toString("utf8").slice(0, 300)}`;
}
