/**
 * IR system + messages → Anthropic Messages `system` and `messages`
 * (https://docs.claude.com/en/api/messages). Anthropic has only `user` and
 * `assistant` turns and a top-level system prompt, so:
 *
 * - IR `system`/`developer` messages are hoisted into `system`, in order
 *   (`converted:developer_to_system`; `moved:system_message_to_system` when one
 *   came after the conversation had started);
 * - IR `tool` messages (OpenAI's tool results) become `user` turns;
 * - consecutive turns of one role are merged into one turn, as Anthropic itself
 *   would combine them (`merged:consecutive_<role>_messages`), and in a merged
 *   user turn tool results are put first, as Anthropic requires
 *   (`moved:tool_results_before_user_content`);
 * - text blocks that are empty or whitespace (Anthropic refuses them) are dropped
 *   (`dropped:empty_text_block`), and a turn left empty with them (`dropped:empty_message`);
 * - thinking blocks without a signature (reasoning from another provider) cannot
 *   be verified by Anthropic and are dropped (`dropped:unsigned_thinking`);
 * - a conversation that starts with an assistant turn gets a minimal "." user
 *   turn before it (`inserted:leading_user_message`) unless the caller keeps it:
 *   Anthropic's own API accepts it, Bedrock and older compatible servers answer
 *   "first message must use the user role".
 *
 * A block that cannot appear where it is (an image in an assistant turn, a
 * tool call in a user turn) is refused with OVT_ERR_TRANSLATE_UNSUPPORTED.
 */
import type { CacheControl, ContentBlock, DocumentSource, ImageSource, IrRequest } from "../../ir/request.js";
import { foldTurns } from "../turns.js";
import { isRecord, refuse, type Transforms } from "./translate-common.js";

export type AnthropicBlock = Record<string, unknown>;
export interface AnthropicTurn {
  role: "user" | "assistant";
  content: AnthropicBlock[];
}

export interface MessageOptions {
  leadingAssistant: "insert_user" | "keep";
}

type Where = "system" | "user" | "assistant" | "tool_result";

const ALLOWED: Readonly<Record<Where, ReadonlySet<ContentBlock["type"]>>> = {
  system: new Set(["text"]),
  user: new Set(["text", "image", "document", "tool_result"]),
  assistant: new Set(["text", "tool_use", "thinking", "redacted_thinking"]),
  tool_result: new Set(["text", "image", "document"]),
};
const WHERE: Readonly<Record<Where, string>> = {
  system: "the system prompt",
  user: "user turns",
  assistant: "assistant turns",
  tool_result: "tool results",
};

/** Placeholder user turn before a leading assistant turn: minimal, and no instruction to the model. */
export const LEADING_USER_TEXT = ".";

export function cacheOf(cache: CacheControl | undefined): { cache_control?: CacheControl } {
  if (!cache) return {};
  return { cache_control: cache.ttl ? { type: "ephemeral", ttl: cache.ttl } : { type: "ephemeral" } };
}

/** A `data:` URL (as OpenAI clients send inline images) is base64 data in Anthropic's terms. */
function sourceOf(source: ImageSource | DocumentSource): AnthropicBlock {
  switch (source.kind) {
    case "url": {
      const inline = /^data:([^;,]+);base64,(.+)$/s.exec(source.url);
      if (inline) return { type: "base64", media_type: inline[1], data: inline[2] };
      return { type: "url", url: source.url };
    }
    case "base64":
      return { type: "base64", media_type: source.mediaType, data: source.data };
    case "text":
      return { type: "text", media_type: "text/plain", data: source.text };
  }
}

/** Tool-call arguments as Anthropic's `input` object (a JSON string from another dialect is parsed). */
function toolInput(input: unknown, path: string): Record<string, unknown> {
  if (input === undefined || input === null) return {};
  let value: unknown = input;
  if (typeof input === "string") {
    if (input.trim() === "") return {};
    try {
      value = JSON.parse(input);
    } catch {
      value = undefined;
    }
  }
  if (!isRecord(value)) {
    throw refuse(
      `${path}.input`,
      "Tool-call arguments that are not a JSON object",
      "Anthropic requires tool_use input to be an object",
    );
  }
  return value;
}

function encodeBlock(
  block: ContentBlock,
  where: Where,
  path: string,
  t: Transforms,
): AnthropicBlock | undefined {
  if (!ALLOWED[where].has(block.type)) {
    throw refuse(path, `A '${block.type}' block`, `it cannot appear in ${WHERE[where]} upstream`);
  }
  switch (block.type) {
    case "text":
      if (block.text.trim() === "") {
        t.add("dropped:empty_text_block");
        return undefined;
      }
      return { type: "text", text: block.text, ...cacheOf(block.cacheControl) };
    case "image":
      if (block.detail !== undefined && block.detail !== "auto") t.add("dropped:image.detail");
      return { type: "image", source: sourceOf(block.source), ...cacheOf(block.cacheControl) };
    case "document":
      return {
        type: "document",
        source: sourceOf(block.source),
        ...(block.title !== undefined ? { title: block.title } : {}),
        ...cacheOf(block.cacheControl),
      };
    case "tool_use":
      return {
        type: "tool_use",
        id: block.id,
        name: block.name,
        input: toolInput(block.input, path),
        ...cacheOf(block.cacheControl),
      };
    case "tool_result": {
      const content = block.content
        .map((b, k) => encodeBlock(b, "tool_result", `${path}.content.${k}`, t))
        .filter((b) => b !== undefined);
      return {
        type: "tool_result",
        tool_use_id: block.toolUseId,
        ...(content.length > 0 ? { content } : {}),
        ...(block.isError ? { is_error: true } : {}),
        ...cacheOf(block.cacheControl),
      };
    }
    case "thinking":
      if (!block.signature) {
        t.add("dropped:unsigned_thinking");
        return undefined;
      }
      return { type: "thinking", thinking: block.thinking, signature: block.signature };
    case "redacted_thinking":
      return { type: "redacted_thinking", data: block.data };
  }
}

function encodeAll(
  blocks: readonly ContentBlock[],
  where: Where,
  path: string,
  t: Transforms,
): AnthropicBlock[] {
  return blocks.map((b, j) => encodeBlock(b, where, `${path}.${j}`, t)).filter((b) => b !== undefined);
}

/** Tool results first in a user turn (Anthropic: "tool_result blocks must come first"), order kept otherwise. */
function toolResultsFirst(turn: AnthropicTurn, t: Transforms): void {
  const isResult = (b: AnthropicBlock) => b.type === "tool_result";
  const firstOther = turn.content.findIndex((b) => !isResult(b));
  const lastResult = turn.content.findLastIndex(isResult);
  if (firstOther === -1 || lastResult === -1 || firstOther > lastResult) return;
  turn.content = [...turn.content.filter(isResult), ...turn.content.filter((b) => !isResult(b))];
  t.add("moved:tool_results_before_user_content");
}

/** The system blocks and the alternating turns; throws OVT_ERR_TRANSLATE_UNSUPPORTED for what has no place. */
export function encodeConversation(
  ir: IrRequest,
  options: MessageOptions,
  t: Transforms,
): { system: AnthropicBlock[]; turns: AnthropicTurn[] } {
  const { system, turns } = foldTurns(
    ir,
    (content, context, path) => encodeAll(content, context, path, t),
    t,
  );
  for (const turn of turns) if (turn.role === "user") toolResultsFirst(turn, t);
  if (turns[0]?.role === "assistant" && options.leadingAssistant === "insert_user") {
    turns.unshift({ role: "user", content: [{ type: "text", text: LEADING_USER_TEXT }] });
    t.add("inserted:leading_user_message");
  }
  if (turns.length === 0) {
    throw refuse(
      "messages",
      "A request with no user or assistant content",
      "Anthropic needs at least one turn",
    );
  }
  return { system, turns };
}
