/**
 * Responses `input` items → IR system blocks and messages.
 *
 * - A string `input` is one user message.
 * - `message` items (`type` may be omitted): the leading run of `system` and
 *   `developer` messages joins the IR system prompt after `instructions`; one
 *   that comes after the conversation has started stays where it is, as an IR
 *   message of its role (the adapter decides what its upstream can do with it).
 * - One assistant turn is several items in this dialect (reasoning, message,
 *   function_call…): consecutive ones become one IR assistant message, in
 *   order. Consecutive `function_call_output` items become `tool_result` blocks
 *   of one user message (the shape Anthropic requires).
 * - `function_call`: `call_id` → the tool_use id, `arguments` (a JSON text) →
 *   the parsed `input` object; arguments that are not a JSON object are a 400.
 * - `reasoning`: its summary texts (joined by a blank line) → a thinking block.
 *   An `encrypted_content` this relay sealed (wire.ts) gives back the thinking
 *   signature; OpenAI's own encrypted reasoning only OpenAI can read: it is kept
 *   in `extensions` (`input[3].encrypted_content`), which the adapters report
 *   as dropped. Raw reasoning `content` likewise.
 * - Items' `id` and `status`, and a message's `phase`, identify or describe
 *   stored output the relay does not keep; they carry nothing for the model and
 *   are not carried.
 * - `item_reference` (a stored item) and the items of built-in, custom and
 *   server-side tools are refused with OVT_ERR_TRANSLATE_UNSUPPORTED.
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
import { unsealSignature } from "./wire.js";

export interface DecodedInput {
  system: ContentBlock[];
  messages: Message[];
}

const MESSAGE_KEYS = new Set(["type", "role", "content", "id", "status", "phase"]);
const CALL_KEYS = new Set(["type", "call_id", "name", "arguments", "id", "status"]);
const OUTPUT_KEYS = new Set(["type", "call_id", "output", "id", "status"]);
const REASONING_KEYS = new Set(["type", "id", "summary", "content", "encrypted_content", "status"]);
const SUMMARY_KEYS = new Set(["type", "text"]);

const STORED = "the relay keeps no stored items (zero retention); send the items themselves";
const CUSTOM = "the IR carries function tools only";
const BUILTIN = "OpenAI's built-in and server-side tools have no IR form";
/** Item types the API defines that the IR cannot carry, with why. */
const REFUSED_ITEMS: Readonly<Record<string, string>> = {
  compaction: "encrypted compaction items can only be read by OpenAI",
  custom_tool_call: CUSTOM,
  custom_tool_call_output: CUSTOM,
  file_search_call: BUILTIN,
  web_search_call: BUILTIN,
  computer_call: BUILTIN,
  computer_call_output: BUILTIN,
  code_interpreter_call: BUILTIN,
  image_generation_call: BUILTIN,
  local_shell_call: BUILTIN,
  local_shell_call_output: BUILTIN,
  shell_call: BUILTIN,
  shell_call_output: BUILTIN,
  apply_patch_call: BUILTIN,
  apply_patch_call_output: BUILTIN,
  mcp_list_tools: BUILTIN,
  mcp_approval_request: BUILTIN,
  mcp_approval_response: BUILTIN,
  mcp_call: BUILTIN,
  tool_search_call: BUILTIN,
  tool_search_output: BUILTIN,
};

/** Tool-call arguments (a JSON text) → the object the IR carries as `input`; "" reads as {}. */
export function parseArguments(raw: unknown, path: Path): Record<string, unknown> {
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

function functionCall(item: Record<string, unknown>, path: Path, ext: Record<string, unknown>): ContentBlock {
  collectUnknown(item, CALL_KEYS, path, ext);
  return {
    type: "tool_use",
    id: stringAt(item, "call_id", path),
    name: stringAt(item, "name", path),
    input: parseArguments(item.arguments, [...path, "arguments"]),
  };
}

function functionOutput(
  item: Record<string, unknown>,
  path: Path,
  ext: Record<string, unknown>,
): ContentBlock {
  collectUnknown(item, OUTPUT_KEYS, path, ext);
  const output = item.output;
  const at = [...path, "output"];
  if (!isSet(output)) throw missing(at);
  if (typeof output !== "string" && !Array.isArray(output)) {
    throw invalid(at, "output must be a string or an array of content parts");
  }
  return {
    type: "tool_result",
    toolUseId: stringAt(item, "call_id", path),
    content: output === "" ? [] : decodeContent(output, at, "tool", ext),
  };
}

function reasoning(item: Record<string, unknown>, path: Path, ext: Record<string, unknown>): ContentBlock[] {
  collectUnknown(item, REASONING_KEYS, path, ext);
  const summary = item.summary ?? [];
  if (!Array.isArray(summary)) throw invalid([...path, "summary"], "summary must be an array");
  const texts = summary.map((part, k) => {
    const at = [...path, "summary", k];
    if (!isRecord(part) || part.type !== "summary_text") {
      throw invalid(at, "summary parts must be {type: 'summary_text', text}");
    }
    collectUnknown(part, SUMMARY_KEYS, at, ext);
    return stringAt(part, "text", at);
  });
  if (isSet(item.content)) {
    if (!Array.isArray(item.content)) throw invalid([...path, "content"], "content must be an array");
    if (item.content.length > 0) ext[paramOf([...path, "content"])] = item.content;
  }
  let signature: string | undefined;
  const encrypted = item.encrypted_content;
  if (isSet(encrypted)) {
    if (typeof encrypted !== "string") {
      throw invalid([...path, "encrypted_content"], "encrypted_content must be a string");
    }
    signature = unsealSignature(encrypted);
    if (signature === undefined) ext[paramOf([...path, "encrypted_content"])] = encrypted;
  }
  const thinking = texts.join("\n\n");
  if (thinking === "" && signature === undefined) return [];
  return [{ type: "thinking", thinking, ...(signature === undefined ? {} : { signature }) }];
}

function messageItem(
  item: Record<string, unknown>,
  path: Path,
  ext: Record<string, unknown>,
): { role: "user" | "assistant" | "system" | "developer"; content: ContentBlock[] } {
  collectUnknown(item, MESSAGE_KEYS, path, ext);
  const role = item.role;
  if (!isSet(role)) throw missing([...path, "role"]);
  if (role !== "user" && role !== "assistant" && role !== "system" && role !== "developer") {
    throw invalid([...path, "role"], "role must be one of user, assistant, system, developer");
  }
  const where = role === "user" ? "user" : role === "assistant" ? "assistant" : "system";
  return { role, content: decodeContent(item.content, [...path, "content"], where, ext) };
}

/** Decodes `input` (a string, or an array of items). */
export function decodeInput(input: string | readonly unknown[], ext: Record<string, unknown>): DecodedInput {
  if (typeof input === "string") {
    return { system: [], messages: [{ role: "user", content: [{ type: "text", text: input }] }] };
  }
  const system: ContentBlock[] = [];
  const messages: Message[] = [];
  let started = false;
  /** The message the previous item went to, while items of its kind keep coming. */
  let turn: { kind: "assistant" | "tool"; message: Message } | undefined;
  const append = (kind: "assistant" | "tool", blocks: ContentBlock[]) => {
    started = true;
    if (blocks.length === 0 && turn?.kind !== kind) return; // an empty reasoning item opens no turn
    if (turn?.kind === kind) {
      turn.message.content.push(...blocks);
      return;
    }
    turn = { kind, message: { role: kind === "assistant" ? "assistant" : "user", content: blocks } };
    messages.push(turn.message);
  };

  input.forEach((raw, i) => {
    const path: Path = ["input", i];
    if (!isRecord(raw)) throw invalid(path, "input items must be objects");
    const type = isSet(raw.type) ? raw.type : isSet(raw.role) ? "message" : undefined;
    if (type === undefined) throw missing([...path, "type"]);
    if (typeof type !== "string") throw invalid([...path, "type"], "type must be a string");
    switch (type) {
      case "message": {
        const { role, content } = messageItem(raw, path, ext);
        if (role === "assistant") {
          append("assistant", content);
          break;
        }
        turn = undefined;
        if ((role === "system" || role === "developer") && !started) system.push(...content);
        else {
          started = true;
          messages.push({ role, content });
        }
        break;
      }
      case "function_call":
        append("assistant", [functionCall(raw, path, ext)]);
        break;
      case "reasoning":
        append("assistant", reasoning(raw, path, ext));
        break;
      case "function_call_output":
        append("tool", [functionOutput(raw, path, ext)]);
        break;
      default: {
        if (type === "item_reference") {
          throw invalid([...path, "type"], `item_reference is not supported: ${STORED}`);
        }
        const why = REFUSED_ITEMS[type];
        if (why === undefined) throw invalid([...path, "type"], `unknown input item type '${type}'`);
        throw unsupported([...path, "type"], `A ${type} input item`, why);
      }
    }
  });
  return { system, messages };
}
