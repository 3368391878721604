/**
 * IR system + messages → OpenAI Chat Completions `messages`
 * (https://platform.openai.com/docs/api-reference/chat/create). Everything that
 * changes on the way is recorded in `Transforms`; what has no OpenAI form is
 * refused with OVT_ERR_TRANSLATE_UNSUPPORTED naming the field.
 */
import { OvertError } from "../../errors/overt-error.js";
import type { ContentBlock, IrRequest, Message } from "../../ir/request.js";

/** An ordered set of transformation labels, e.g. "dropped:cache_control". */
export class Transforms {
  readonly #labels = new Set<string>();
  add(label: string): void {
    this.#labels.add(label);
  }
  list(): string[] {
    return [...this.#labels];
  }
}

export type ChatMessage = Record<string, unknown>;
type Part =
  | { type: "text"; text: string }
  | { type: "image_url"; image_url: { url: string; detail?: string } };

export interface MessageOptions {
  reasoningHistory: "drop" | "reasoning_content";
}

const JOIN = "\n\n";

function refuse(path: string, feature: string, detail: string): OvertError {
  return new OvertError("OVT_ERR_TRANSLATE_UNSUPPORTED", { feature, detail }, { param: path });
}

function noteCache(block: ContentBlock, t: Transforms): void {
  if ("cacheControl" in block && block.cacheControl) t.add("dropped:cache_control");
}

/** A user-side block (user message or tool result content) as an OpenAI content part. */
function userPart(block: ContentBlock, path: string, t: Transforms): Part {
  noteCache(block, t);
  switch (block.type) {
    case "text":
      return { type: "text", text: block.text };
    case "image": {
      const url =
        block.source.kind === "url"
          ? block.source.url
          : `data:${block.source.mediaType};base64,${block.source.data}`;
      return { type: "image_url", image_url: block.detail ? { url, detail: block.detail } : { url } };
    }
    case "document":
      if (block.source.kind !== "text") {
        throw refuse(path, "A PDF document", "OpenAI-dialect chat upstreams accept no document input");
      }
      t.add("converted:document_to_text");
      return {
        type: "text",
        text: block.title ? `${block.title}${JOIN}${block.source.text}` : block.source.text,
      };
    default:
      throw refuse(path, `A '${block.type}' block`, "it cannot appear in user content upstream");
  }
}

function textOf(parts: readonly Part[], label: string, t: Transforms): string {
  const texts = parts.map((p) => (p.type === "text" ? p.text : ""));
  if (texts.length > 1) t.add(`joined:${label}`);
  return texts.join(JOIN);
}

/** The system prompt as one system message (upstream chat templates expect a single string). */
export function systemMessage(system: readonly ContentBlock[], t: Transforms): ChatMessage | undefined {
  if (system.length === 0) return undefined;
  const parts = system.map((b, i) => {
    if (b.type !== "text")
      throw refuse(`system.${i}`, `A '${b.type}' system block`, "system content is text only");
    return userPart(b, `system.${i}`, t);
  });
  return { role: "system", content: textOf(parts, "system_blocks", t) };
}

function userMessages(m: Message, path: string, t: Transforms): ChatMessage[] {
  const tools: ChatMessage[] = [];
  const parts: Part[] = [];
  const moved: Part[] = [];
  m.content.forEach((block, j) => {
    const at = `${path}.content.${j}`;
    if (block.type !== "tool_result") {
      parts.push(userPart(block, at, t));
      return;
    }
    if (parts.length > 0) t.add("moved:user_content_after_tool_results");
    noteCache(block, t);
    if (block.isError) t.add("dropped:tool_result.is_error");
    const inner = block.content.map((b, k) => userPart(b, `${at}.content.${k}`, t));
    const images = inner.filter((p) => p.type === "image_url");
    if (images.length > 0) {
      t.add("moved:tool_result_images_to_user_message");
      moved.push(...images);
    }
    const text = textOf(
      inner.filter((p) => p.type === "text"),
      "tool_result_blocks",
      t,
    );
    tools.push({ role: "tool", tool_call_id: block.toolUseId, content: text });
  });
  const all = [...parts, ...moved];
  if (all.length === 0) return m.content.length === 0 ? [{ role: "user", content: "" }] : tools;
  const only = all[0];
  const content = all.length === 1 && only?.type === "text" ? only.text : all;
  return [...tools, { role: "user", content }];
}

function assistantMessage(m: Message, path: string, options: MessageOptions, t: Transforms): ChatMessage {
  const texts: Part[] = [];
  const toolCalls: Record<string, unknown>[] = [];
  const reasoning: string[] = [];
  m.content.forEach((block, j) => {
    noteCache(block, t);
    switch (block.type) {
      case "text":
        if (toolCalls.length > 0) t.add("moved:assistant_text_before_tool_calls");
        texts.push({ type: "text", text: block.text });
        return;
      case "tool_use":
        toolCalls.push({
          id: block.id,
          type: "function",
          function: { name: block.name, arguments: JSON.stringify(block.input ?? {}) },
        });
        return;
      case "thinking":
        if (options.reasoningHistory === "drop") {
          t.add("dropped:thinking_history");
          return;
        }
        if (block.signature) t.add("dropped:thinking_signature");
        reasoning.push(block.thinking);
        return;
      case "redacted_thinking":
        t.add("dropped:redacted_thinking");
        return;
      default:
        throw refuse(
          `${path}.content.${j}`,
          `A '${block.type}' block`,
          "assistant messages upstream carry text and tool calls only",
        );
    }
  });
  const message: ChatMessage = { role: "assistant" };
  if (m.name) message.name = m.name;
  message.content =
    texts.length > 0 ? textOf(texts, "assistant_text_blocks", t) : toolCalls.length > 0 ? null : "";
  if (reasoning.length > 0) message.reasoning_content = reasoning.join(JOIN);
  if (toolCalls.length > 0) message.tool_calls = toolCalls;
  return message;
}

function plainMessage(m: Message, path: string, t: Transforms): ChatMessage {
  const parts = m.content.map((b, j) => {
    if (b.type !== "text")
      throw refuse(`${path}.content.${j}`, `A '${b.type}' block`, `${m.role} messages are text only`);
    return userPart(b, `${path}.content.${j}`, t);
  });
  return {
    role: m.role,
    content: textOf(parts, `${m.role}_text_blocks`, t),
    ...(m.name ? { name: m.name } : {}),
  };
}

/** The whole `messages` array: system first, then each IR message (a user turn may become several). */
export function chatMessages(ir: IrRequest, options: MessageOptions, t: Transforms): ChatMessage[] {
  const out: ChatMessage[] = [];
  const system = systemMessage(ir.system, t);
  if (system) out.push(system);
  ir.messages.forEach((m, i) => {
    const path = `messages.${i}`;
    if (m.role === "assistant") out.push(assistantMessage(m, path, options, t));
    else if (m.role === "user" || m.role === "tool") out.push(...userMessages(m, path, t));
    else out.push(plainMessage(m, path, t));
  });
  if (ir.messages.at(-1)?.role === "assistant") t.add("dropped:assistant_prefill");
  return out;
}
