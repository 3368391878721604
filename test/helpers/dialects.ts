/**
 * One relay, two scripted upstreams (OpenAI-dialect behind `chat-model`, Anthropic behind
 * `claude-model`) and the four client dialects: sending a streamed request in each, and
 * reading its text, terminal events and in-stream error from raw SSE or the official SDK.
 */
import assert from "node:assert/strict";
import Anthropic from "@anthropic-ai/sdk";
import { GoogleGenAI } from "@google/genai";
import OpenAI from "openai";
import type { AnthropicBehavior } from "../../src/upstreams/simulator/anthropic/index.js";
import type { Behavior } from "../../src/upstreams/simulator/types.js";
import {
  startAnthropicUpstream,
  startTestRelay,
  startTestUpstream,
  type TestRelay,
  type TestUpstream,
  usageRecords,
} from "./relay.js";

export const CLIENT_DIALECTS = ["openai-chat", "openai-responses", "anthropic-messages", "gemini"] as const;
export type ClientDialect = (typeof CLIENT_DIALECTS)[number];

export type UpstreamKind = "openai" | "anthropic";
/** Each upstream and the relay model routed to it. */
export const UPSTREAMS: ReadonlyArray<{ kind: UpstreamKind; model: string; label: string }> = [
  { kind: "openai", model: "chat-model", label: "OpenAI-dialect upstream" },
  { kind: "anthropic", model: "claude-model", label: "Anthropic upstream" },
];

export interface DialectRig {
  relay: TestRelay;
  compat: TestUpstream;
  claude: TestUpstream;
  /** The next request to each upstream gets this behaviour (once); undefined → the normal answer. */
  script(openai?: Behavior, anthropic?: AnthropicBehavior): void;
  hits(): number; // requests received by both upstreams so far
  close(): Promise<void>;
}

export async function startDialectRig(): Promise<DialectRig> {
  let next: { openai?: Behavior; anthropic?: AnthropicBehavior } = {};
  const take = <K extends keyof typeof next>(kind: K): (typeof next)[K] => {
    const behavior = next[kind];
    delete next[kind];
    return behavior;
  };
  const compat = await startTestUpstream({ id: "compat", script: () => take("openai") });
  const claude = await startAnthropicUpstream({ id: "anthropic", script: () => take("anthropic") });
  const relay = await startTestRelay({
    providers: [compat.provider, claude.provider],
    routes: {
      "chat-model": [{ provider: "compat", model: "sim-model", weight: 1 }],
      "claude-model": [{ provider: "anthropic", model: "claude-echo", weight: 1 }],
    },
    transport: { maxAttempts: 1, idleTimeoutMs: 2_000 },
  });
  return {
    relay,
    compat,
    claude,
    script(openai, anthropic) {
      next = { openai, anthropic };
    },
    hits: () => compat.simulator.hits.length + claude.simulator.hits.length,
    async close() {
      await relay.close();
      await compat.simulator.close();
      await claude.simulator.close();
    },
  };
}

/** Each dialect's own credential header. */
export function authHeaders(dialect: ClientDialect, key: string): Record<string, string> {
  if (dialect === "anthropic-messages") return { "x-api-key": key, "anthropic-version": "2023-06-01" };
  if (dialect === "gemini") return { "x-goog-api-key": key };
  return { authorization: `Bearer ${key}` };
}

/** The path and body of a streamed one-turn request in a dialect. */
export function streamingRequest(dialect: ClientDialect, model: string, prompt: string) {
  const messages = [{ role: "user", content: prompt }];
  switch (dialect) {
    case "openai-chat":
      return { path: "/v1/chat/completions", body: { model, stream: true, messages } };
    case "openai-responses":
      return { path: "/v1/responses", body: { model, stream: true, input: prompt } };
    case "anthropic-messages":
      return { path: "/v1/messages", body: { model, stream: true, max_tokens: 256, messages } };
    case "gemini": {
      const body = { contents: [{ role: "user", parts: [{ text: prompt }] }] };
      return { path: `/v1beta/models/${model}:streamGenerateContent?alt=sse`, body };
    }
  }
}

export type SseEvent = { event: string | undefined; data: string };

/** An SSE parser as the WHATWG spec has it: CRLF, CR or LF line ends; comments skipped. */
export function parseSse(text: string): SseEvent[] {
  const events: SseEvent[] = [];
  let event: string | undefined;
  let data: string[] = [];
  for (const line of text.split(/\r\n|\r|\n/)) {
    if (line === "") {
      if (data.length > 0) events.push({ event, data: data.join("\n") });
      event = undefined;
      data = [];
      continue;
    }
    if (line.startsWith(":")) continue;
    const colon = line.indexOf(":");
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? "" : line.slice(colon + 1);
    if (value.startsWith(" ")) value = value.slice(1);
    if (field === "event") event = value;
    else if (field === "data") data.push(value);
  }
  if (data.length > 0) events.push({ event, data: data.join("\n") });
  return events;
}

/**
 * A client stream read in its dialect's grammar: the text (whole, and per text event); each
 * event's kind (its SSE name, or "chunk" / "[DONE]" / "error" for data-only dialects); every
 * marker of a normal end ([DONE], finish/stop reasons, message_stop, response.completed); the
 * in-stream error (the dialect's code — Anthropic: its error type); events not well-formed.
 */
export interface StreamSummary {
  text: string;
  deltas: string[];
  kinds: string[];
  terminals: string[];
  error?: { code: string; message: string };
  malformed: string[];
}

type Json = Record<string, any>;

export function summarise(dialect: ClientDialect, events: readonly SseEvent[]): StreamSummary {
  const s: StreamSummary = { text: "", deltas: [], kinds: [], terminals: [], malformed: [] };
  const delta = (text: unknown) => {
    if (typeof text !== "string" || text === "") return;
    s.text += text;
    s.deltas.push(text);
  };
  for (const { event, data } of events) {
    if (dialect === "openai-chat" && data === "[DONE]") {
      s.kinds.push("[DONE]");
      s.terminals.push("[DONE]");
      continue;
    }
    let json: Json;
    try {
      json = JSON.parse(data) as Json;
    } catch {
      s.malformed.push(data);
      continue;
    }
    if (dialect === "openai-chat" || dialect === "gemini") {
      if (event !== undefined) s.malformed.push(`event: ${event}`);
      if (json.error !== undefined) {
        s.kinds.push("error");
        const info = (json.error.details ?? []).find((d: Json) => String(d["@type"]).endsWith("ErrorInfo"));
        s.error = {
          code: dialect === "gemini" ? info?.metadata?.code : json.error.code,
          message: json.error.message,
        };
        continue;
      }
      s.kinds.push("chunk");
      const choice = (dialect === "gemini" ? json.candidates : json.choices)?.[0];
      if (dialect === "openai-chat") {
        if (json.object !== "chat.completion.chunk") s.malformed.push(data);
        delta(choice?.delta?.content);
        if (choice?.finish_reason != null) s.terminals.push(`finish_reason:${choice.finish_reason}`);
      } else {
        for (const part of choice?.content?.parts ?? []) delta(part.text);
        if (choice?.finishReason !== undefined) s.terminals.push(`finishReason:${choice.finishReason}`);
      }
      continue;
    }
    // Named-event dialects: every event's name is its data's type.
    s.kinds.push(event ?? "message");
    if (json.type !== event) s.malformed.push(`${event}: ${data}`);
    if (dialect === "openai-responses") {
      if (event === "response.output_text.delta") delta(json.delta);
      if (event === "response.completed" || event === "response.incomplete") s.terminals.push(event);
      if (event === "error") {
        if (json.code !== json.error?.code) s.malformed.push(data);
        s.error = { code: json.code, message: json.message };
      }
    } else {
      if (event === "content_block_delta" && json.delta?.type === "text_delta") delta(json.delta.text);
      if (event === "message_delta" && json.delta?.stop_reason != null)
        s.terminals.push(`stop_reason:${json.delta.stop_reason}`);
      if (event === "message_stop") s.terminals.push("message_stop");
      if (event === "error") s.error = { code: json.error?.type, message: json.error?.message };
    }
  }
  return s;
}

/** A normally completed stream: its terminal markers in order, and its last event's kind. */
const COMPLETE: Readonly<Record<ClientDialect, { terminals: string[]; last: string }>> = {
  "openai-chat": { terminals: ["finish_reason:stop", "[DONE]"], last: "[DONE]" },
  "openai-responses": { terminals: ["response.completed"], last: "response.completed" },
  "anthropic-messages": { terminals: ["stop_reason:end_turn", "message_stop"], last: "message_stop" },
  gemini: { terminals: ["finishReason:STOP"], last: "chunk" },
};

export function assertCompleted(dialect: ClientDialect, s: StreamSummary): void {
  assert.deepEqual(s.malformed, [], "every event is a well-formed event of the dialect");
  assert.equal(s.error, undefined, `no in-stream error (got ${JSON.stringify(s.error)})`);
  assert.deepEqual(s.terminals, COMPLETE[dialect].terminals);
  assert.equal(s.kinds.at(-1), COMPLETE[dialect].last);
}

/** The in-stream error `code` (Anthropic's has only a type) ends the stream; no made-up end before it. */
export function assertInStreamError(dialect: ClientDialect, s: StreamSummary, code: string): void {
  assert.deepEqual(s.malformed, [], "every event is a well-formed event of the dialect");
  assert.deepEqual(s.terminals, [], "never a made-up terminal event");
  assert.ok(s.error, `an in-stream error (events: ${s.kinds.join(", ")})`);
  assert.equal(s.error.code, dialect === "anthropic-messages" ? "api_error" : code);
  if (dialect === "openai-responses") assert.deepEqual(s.kinds.slice(-2), ["error", "response.failed"]);
  else assert.equal(s.kinds.at(-1), "error");
}

/** Sends a streamed request in a dialect with fetch and reads the whole stream. */
export async function rawStream(relay: TestRelay, dialect: ClientDialect, model: string, prompt: string) {
  const { path, body } = streamingRequest(dialect, model, prompt);
  const res = await fetch(`${relay.baseUrl}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", ...authHeaders(dialect, relay.key) },
    body: JSON.stringify(body),
  });
  const raw = await res.text();
  const requestId = res.headers.get("x-request-id");
  return { status: res.status, requestId, raw, summary: summarise(dialect, parseSse(raw)) };
}

/**
 * Streams one turn through the dialect's official SDK: the text, whether the SDK saw the
 * normal end (finish reason stop / response.completed / message_stop), and what it threw.
 */
export async function sdkStream(relay: TestRelay, dialect: ClientDialect, model: string, prompt: string) {
  const out: { text: string; completed: boolean; error?: unknown } = { text: "", completed: false };
  try {
    if (dialect === "openai-chat" || dialect === "openai-responses") {
      const openai = new OpenAI({ apiKey: relay.key, baseURL: `${relay.baseUrl}/v1`, maxRetries: 0 });
      if (dialect === "openai-chat") {
        const messages = [{ role: "user" as const, content: prompt }];
        for await (const chunk of await openai.chat.completions.create({ model, stream: true, messages })) {
          out.text += chunk.choices[0]?.delta?.content ?? "";
          if (chunk.choices[0]?.finish_reason === "stop") out.completed = true;
        }
      } else {
        for await (const event of await openai.responses.create({ model, stream: true, input: prompt })) {
          if (event.type === "response.output_text.delta") out.text += event.delta;
          if (event.type === "response.completed") out.completed = true;
        }
      }
    } else if (dialect === "anthropic-messages") {
      const anthropic = new Anthropic({ apiKey: relay.key, baseURL: relay.baseUrl, maxRetries: 0 });
      const body = {
        model,
        stream: true as const,
        max_tokens: 256,
        messages: [{ role: "user" as const, content: prompt }],
      };
      for await (const event of await anthropic.messages.create(body)) {
        if (event.type === "content_block_delta" && event.delta.type === "text_delta")
          out.text += event.delta.text;
        if (event.type === "message_stop") out.completed = true;
      }
    } else {
      const gemini = new GoogleGenAI({ apiKey: relay.key, httpOptions: { baseUrl: relay.baseUrl } });
      for await (const chunk of await gemini.models.generateContentStream({ model, contents: prompt })) {
        for (const part of chunk.candidates?.[0]?.content?.parts ?? []) out.text += part.text ?? "";
        if (chunk.candidates?.[0]?.finishReason === "STOP") out.completed = true;
      }
    }
  } catch (error) {
    out.error = error;
  }
  return out;
}

/** The ledger record of one request (the ledger writes off the hot path). */
export async function recordFor(relay: TestRelay, requestId: string | null) {
  for (let i = 0; i < 50; i++) {
    const row = (await usageRecords(relay.relay, 1)).find((r) => r.requestId === requestId);
    if (row) return row;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`no usage record for ${requestId}`);
}
