/**
 * Reads a Messages (or count_tokens) request body into the facts the simulator
 * needs, answering the 400s the real API sends for bodies it refuses
 * (missing model / messages / max_tokens, bad roles, thinking budget rules,
 * forced tool use with thinking, tampered thinking signatures).
 */
import { isRecord } from "../request.js";
import { countTokens, TOKENS_PER_MESSAGE, TOKENS_PER_REQUEST } from "../tokens.js";
import { invalidRequest } from "./errors.js";
import { verifyThinkingSignature } from "./signature.js";
import type { AnthropicErrorObject } from "./types.js";

export type CacheTtl = "5m" | "1h";

/** One cacheable unit of the prompt, in cache-prefix order (tools, system, messages). */
export interface PromptSegment {
  tokens: number;
  /** Identity of the unit for the prompt cache (the block without its cache_control). */
  canonical: string;
  /** Set when the block carries `cache_control` (a cache breakpoint). */
  cache: CacheTtl | null;
}

export interface ToolView {
  name: string;
  inputSchema: unknown;
}

export type ToolChoiceView = "auto" | "any" | "none" | { name: string };

export interface MessagesView {
  model: string;
  stream: boolean;
  /** Null only for count_tokens. */
  maxTokens: number | null;
  stopSequences: string[];
  thinking: boolean;
  tools: ToolView[];
  toolChoice: ToolChoiceView;
  /** Text of the last user message (tool results excluded). */
  lastUserText: string;
  /** Text of the tool_result blocks of the last user message, or null when it has none. */
  toolResultText: string | null;
  segments: PromptSegment[];
  /** Total prompt tokens (the sum of the segments). */
  inputTokens: number;
}

export function isErrorObject(value: unknown): value is AnthropicErrorObject {
  return isRecord(value) && typeof value["type"] === "string" && typeof value["message"] === "string";
}

/** Text of a `content` (string or blocks): non-text blocks become placeholders; blocks are joined by spaces. */
export function contentText(content: unknown): string {
  if (typeof content === "string") return content;
  if (!Array.isArray(content)) return "";
  return content
    .map(blockText)
    .filter((s) => s !== "")
    .join(" ");
}

function blockText(block: unknown): string {
  if (!isRecord(block)) return "";
  switch (block["type"]) {
    case "text":
      return typeof block["text"] === "string" ? block["text"] : "";
    case "image":
      return "[image]";
    case "document":
      return "[document]";
    case "tool_result":
    case "search_result":
      return contentText(block["content"]);
    case "tool_use":
      return `${String(block["name"] ?? "")}(${JSON.stringify(block["input"] ?? {})})`;
    case "thinking":
      return typeof block["thinking"] === "string" ? block["thinking"] : "";
    case "redacted_thinking":
      return "[redacted_thinking]";
    default:
      return "";
  }
}

function cacheOf(block: Record<string, unknown>): CacheTtl | null {
  const mark = block["cache_control"];
  if (!isRecord(mark)) return null;
  return mark["ttl"] === "1h" ? "1h" : "5m";
}

function segmentOf(block: unknown, prefix: string, overhead: number): PromptSegment {
  if (!isRecord(block)) return { tokens: overhead, canonical: prefix + JSON.stringify(block), cache: null };
  const { cache_control: _mark, ...rest } = block;
  const counted =
    block["type"] === "tool_use" || blockText(block) === "" ? JSON.stringify(rest) : blockText(block);
  return {
    tokens: overhead + countTokens(counted),
    canonical: prefix + JSON.stringify(rest),
    cache: cacheOf(block),
  };
}

/** Segments of one message's (or the system prompt's) content; the overhead goes to the first. */
function contentSegments(content: unknown, label: string, overhead: number): PromptSegment[] {
  const blocks =
    typeof content === "string" ? [{ type: "text", text: content }] : Array.isArray(content) ? content : [];
  if (blocks.length === 0) return [{ tokens: overhead, canonical: `${label}:`, cache: null }];
  return blocks.map((b, i) => segmentOf(b, i === 0 ? `${label}:` : "", i === 0 ? overhead : 0));
}

function readTools(value: unknown): { tools: ToolView[]; segments: PromptSegment[] } {
  const tools: ToolView[] = [];
  const segments: PromptSegment[] = [];
  if (!Array.isArray(value)) return { tools, segments };
  for (const tool of value) {
    if (!isRecord(tool)) continue;
    const { cache_control: _mark, ...rest } = tool;
    const canonical = JSON.stringify(rest);
    segments.push({ tokens: countTokens(canonical), canonical: `tool:${canonical}`, cache: cacheOf(tool) });
    if (typeof tool["name"] === "string" && tool["input_schema"] !== undefined) {
      tools.push({ name: tool["name"], inputSchema: tool["input_schema"] });
    }
  }
  return { tools, segments };
}

function readToolChoice(value: unknown): ToolChoiceView {
  if (!isRecord(value)) return "auto";
  if (value["type"] === "tool" && typeof value["name"] === "string") return { name: value["name"] };
  if (value["type"] === "any" || value["type"] === "none") return value["type"];
  return "auto";
}

function readThinking(value: unknown): { enabled: boolean; budget: number | null } | AnthropicErrorObject {
  if (!isRecord(value) || value["type"] === "disabled") return { enabled: false, budget: null };
  if (value["type"] === "adaptive") return { enabled: true, budget: null };
  if (value["type"] !== "enabled")
    return invalidRequest("thinking.type: Input should be 'enabled', 'disabled' or 'adaptive'");
  const budget = value["budget_tokens"];
  if (typeof budget !== "number" || !Number.isInteger(budget)) {
    return invalidRequest("thinking.enabled.budget_tokens: Field required");
  }
  if (budget < 1024) {
    return invalidRequest("thinking.enabled.budget_tokens: Input should be greater than or equal to 1024");
  }
  return { enabled: true, budget };
}

function checkSignatures(messages: unknown[]): AnthropicErrorObject | null {
  for (const [i, m] of messages.entries()) {
    if (!isRecord(m) || m["role"] !== "assistant" || !Array.isArray(m["content"])) continue;
    for (const [j, block] of m["content"].entries()) {
      if (!isRecord(block) || block["type"] !== "thinking") continue;
      const thinking = typeof block["thinking"] === "string" ? block["thinking"] : "";
      const signature = typeof block["signature"] === "string" ? block["signature"] : "";
      if (!verifyThinkingSignature(thinking, signature)) {
        return invalidRequest(`messages.${i}.content.${j}: Invalid \`signature\` in \`thinking\` block`);
      }
    }
  }
  return null;
}

function lastUser(messages: unknown[]): { text: string; toolResult: string | null } {
  const last = [...messages].reverse().find((m) => isRecord(m) && m["role"] === "user");
  const content = isRecord(last) ? last["content"] : undefined;
  if (!Array.isArray(content)) return { text: contentText(content), toolResult: null };
  const results = content.filter((b) => isRecord(b) && b["type"] === "tool_result");
  const others = content.filter((b) => !(isRecord(b) && b["type"] === "tool_result"));
  return { text: contentText(others), toolResult: results.length > 0 ? contentText(results) : null };
}

/** `kind` "count" (count_tokens) does not require max_tokens and never streams. */
export function parseMessagesRequest(
  body: unknown,
  kind: "create" | "count",
): MessagesView | AnthropicErrorObject {
  if (!isRecord(body)) return invalidRequest("Input should be a valid dictionary");
  const model = body["model"];
  if (typeof model !== "string" || model === "") return invalidRequest("model: Field required");
  const messages = body["messages"];
  if (!Array.isArray(messages)) return invalidRequest("messages: Field required");
  if (messages.length === 0) return invalidRequest("messages: at least one message is required");
  const maxTokens = body["max_tokens"];
  if (kind === "create" && maxTokens === undefined) return invalidRequest("max_tokens: Field required");
  if (
    maxTokens !== undefined &&
    (typeof maxTokens !== "number" || !Number.isInteger(maxTokens) || maxTokens < 1)
  ) {
    return invalidRequest("max_tokens: Input should be greater than or equal to 1");
  }
  const messageSegments: PromptSegment[] = [];
  for (const [i, m] of messages.entries()) {
    if (!isRecord(m) || !["user", "assistant", "system"].includes(String(m["role"]))) {
      return invalidRequest(`messages.${i}.role: Input should be 'user' or 'assistant'`);
    }
    if (typeof m["content"] !== "string" && !Array.isArray(m["content"])) {
      return invalidRequest(`messages.${i}.content: Field required`);
    }
    messageSegments.push(...contentSegments(m["content"], `${m["role"]}`, TOKENS_PER_MESSAGE));
  }
  const thinking = readThinking(body["thinking"]);
  if (isErrorObject(thinking)) return thinking;
  if (
    kind === "create" &&
    thinking.budget !== null &&
    typeof maxTokens === "number" &&
    maxTokens <= thinking.budget
  ) {
    return invalidRequest(
      "`max_tokens` must be greater than `thinking.budget_tokens`. Please consult our documentation at https://docs.claude.com/en/docs/build-with-claude/extended-thinking#max-tokens-and-context-window-size",
    );
  }
  const toolChoice = readToolChoice(body["tool_choice"]);
  if (thinking.enabled && (toolChoice === "any" || typeof toolChoice === "object")) {
    return invalidRequest("Thinking may not be enabled when tool_choice forces tool use.");
  }
  const badSignature = checkSignatures(messages);
  if (badSignature !== null) return badSignature;

  const { tools, segments: toolSegments } = readTools(body["tools"]);
  const system = body["system"];
  const segments: PromptSegment[] = [
    { tokens: TOKENS_PER_REQUEST, canonical: `model:${model}`, cache: null },
    ...toolSegments,
    ...(system === undefined ? [] : contentSegments(system, "system", 0)),
    ...messageSegments,
  ];
  const stops = body["stop_sequences"];
  const user = lastUser(messages);
  return {
    model,
    stream: kind === "create" && body["stream"] === true,
    maxTokens: typeof maxTokens === "number" ? maxTokens : null,
    stopSequences: Array.isArray(stops)
      ? stops.filter((s): s is string => typeof s === "string" && s !== "")
      : [],
    thinking: thinking.enabled,
    tools,
    toolChoice,
    lastUserText: user.text,
    toolResultText: user.toolResult,
    segments,
    inputTokens: segments.reduce((sum, s) => sum + s.tokens, 0),
  };
}
