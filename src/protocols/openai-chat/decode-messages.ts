/**
 * OpenAI `messages` → IR system blocks and messages.
 *
 * - The leading run of `system` and `developer` messages becomes the IR system
 *   prompt, in order (a developer message is a system message to every other
 *   upstream). One that comes after the conversation has started stays where it
 *   is, as an IR message of its own role, so the adapter decides what its
 *   upstream can do with it; hoisting it silently would change its meaning.
 * - `tool` messages become `tool_result` blocks on a user message; consecutive
 *   tool messages share one user message (the shape Anthropic requires).
 * - Assistant `tool_calls[].function.arguments` (a JSON string) become the
 *   parsed `input` object; arguments that are not a JSON object are a 400.
 * - DeepSeek-style `reasoning_content` on an assistant message becomes a
 *   thinking block (without signature) ahead of its text.
 * - The legacy `function` role and `function_call`, and assistant `audio`,
 *   are refused with OVT_ERR_TRANSLATE_UNSUPPORTED.
 */
import type { ContentBlock, Message } from "../../ir/request.js";
import {
  collectUnknown,
  invalid,
  isRecord,
  isSet,
  missing,
  type Path,
  paramOf,
  stringAt,
  unsupported,
} from "./decode-common.js";
import { decodeContent } from "./decode-content.js";

export interface DecodedMessages {
  system: ContentBlock[];
  messages: Message[];
}

const SYSTEM_KEYS = new Set(["role", "content", "name"]);
const USER_KEYS = new Set(["role", "content", "name"]);
const TOOL_KEYS = new Set(["role", "content", "tool_call_id"]);
const ASSISTANT_KEYS = new Set([
  "role",
  "content",
  "name",
  "refusal",
  "tool_calls",
  "reasoning_content",
  "function_call",
  "audio",
]);
const TOOL_CALL_KEYS = new Set(["id", "type", "function"]);
const FUNCTION_KEYS = new Set(["name", "arguments"]);

const LEGACY = "the deprecated functions API has no IR form; send tools and tool_calls instead";

function nameOf(raw: Record<string, unknown>, path: Path): { name?: string } {
  if (!isSet(raw.name)) return {};
  if (typeof raw.name !== "string") throw invalid([...path, "name"], "name must be a string");
  return { name: raw.name };
}

/** Tool-call arguments (a JSON text) → the object the IR carries as `input`; "" reads as {}. */
export function argumentsOf(raw: unknown, path: Path): Record<string, unknown> {
  if (!isSet(raw)) throw missing(path);
  if (typeof raw !== "string") throw invalid(path, "arguments must be a string of JSON");
  if (raw.trim() === "") return {};
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    throw invalid(path, "arguments must be valid JSON");
  }
  if (!isRecord(value)) throw invalid(path, "arguments must encode a JSON object");
  return value;
}

function toolCall(raw: unknown, path: Path, ext: Record<string, unknown>): ContentBlock {
  if (!isRecord(raw)) throw invalid(path, "tool calls must be objects");
  if (raw.type === "custom") {
    throw unsupported([...path, "type"], "A custom tool call", "the IR carries function tool calls only");
  }
  if (isSet(raw.type) && raw.type !== "function") throw invalid([...path, "type"], "type must be 'function'");
  collectUnknown(raw, TOOL_CALL_KEYS, path, ext);
  const fn = raw.function;
  const at = [...path, "function"];
  if (!isSet(fn)) throw missing(at);
  if (!isRecord(fn)) throw invalid(at, "function must be an object");
  collectUnknown(fn, FUNCTION_KEYS, at, ext);
  return {
    type: "tool_use",
    id: stringAt(raw, "id", path),
    name: stringAt(fn, "name", at),
    input: argumentsOf(fn.arguments, [...at, "arguments"]),
  };
}

function assistant(raw: Record<string, unknown>, path: Path, ext: Record<string, unknown>): Message {
  if (isSet(raw.function_call)) throw unsupported([...path, "function_call"], "function_call", LEGACY);
  if (isSet(raw.audio)) {
    throw unsupported([...path, "audio"], "An assistant audio reference", "the IR carries no audio");
  }
  collectUnknown(raw, ASSISTANT_KEYS, path, ext);
  const content: ContentBlock[] = [];
  if (isSet(raw.reasoning_content)) {
    const thinking = raw.reasoning_content;
    if (typeof thinking !== "string") {
      throw invalid([...path, "reasoning_content"], "reasoning_content must be a string");
    }
    if (thinking !== "") content.push({ type: "thinking", thinking });
  }
  if (isSet(raw.content))
    content.push(...decodeContent(raw.content, [...path, "content"], "assistant", ext, true));
  if (isSet(raw.refusal)) {
    if (typeof raw.refusal !== "string") throw invalid([...path, "refusal"], "refusal must be a string");
    if (raw.refusal !== "") content.push({ type: "text", text: raw.refusal });
  }
  if (isSet(raw.tool_calls)) {
    if (!Array.isArray(raw.tool_calls)) throw invalid([...path, "tool_calls"], "tool_calls must be an array");
    raw.tool_calls.forEach((call, k) => {
      content.push(toolCall(call, [...path, "tool_calls", k], ext));
    });
  }
  if (content.length === 0 && raw.content === "") content.push({ type: "text", text: "" });
  return { role: "assistant", content, ...nameOf(raw, path) };
}

function toolResult(raw: Record<string, unknown>, path: Path, ext: Record<string, unknown>): ContentBlock {
  collectUnknown(raw, TOOL_KEYS, path, ext);
  return {
    type: "tool_result",
    toolUseId: stringAt(raw, "tool_call_id", path),
    content: decodeContent(raw.content, [...path, "content"], "tool", ext, true),
  };
}

/** Decodes the (already shape-validated) `messages` array. */
export function decodeMessages(raw: readonly unknown[], ext: Record<string, unknown>): DecodedMessages {
  const system: ContentBlock[] = [];
  const messages: Message[] = [];
  let started = false;
  /** The user message the previous tool message went to, while tool messages keep coming. */
  let toolTurn: Message | undefined;
  raw.forEach((item, i) => {
    const path: Path = ["messages", i];
    if (!isRecord(item)) throw invalid(path, "messages must be objects");
    const role = item.role;
    if (role !== "tool") toolTurn = undefined;
    switch (role) {
      case "system":
      case "developer": {
        const blocks = decodeContent(item.content, [...path, "content"], "system", ext);
        collectUnknown(item, SYSTEM_KEYS, path, ext);
        if (started) {
          messages.push({ role, content: blocks, ...nameOf(item, path) });
          return;
        }
        // The IR system prompt has no participant name: kept for a same-dialect upstream.
        if (isSet(item.name)) ext[paramOf([...path, "name"])] = item.name;
        system.push(...blocks);
        return;
      }
      case "user":
        started = true;
        collectUnknown(item, USER_KEYS, path, ext);
        messages.push({
          role: "user",
          content: decodeContent(item.content, [...path, "content"], "user", ext),
          ...nameOf(item, path),
        });
        return;
      case "assistant":
        started = true;
        messages.push(assistant(item, path, ext));
        return;
      case "tool": {
        started = true;
        const block = toolResult(item, path, ext);
        if (toolTurn) toolTurn.content.push(block);
        else {
          toolTurn = { role: "user", content: [block] };
          messages.push(toolTurn);
        }
        return;
      }
      case "function":
        throw unsupported([...path, "role"], "A 'function' role message", LEGACY);
      default:
        throw invalid(
          [...path, "role"],
          "role must be one of system, developer, user, assistant, tool, function",
        );
    }
  });
  return { system, messages };
}
