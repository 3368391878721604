/**
 * IR system + messages → Converse `system` and `messages`
 * (https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_Converse.html).
 * Converse content blocks are keyed by shape, with no type tag:
 *
 * - text → `{text}`; an empty or whitespace text is dropped (`dropped:empty_text_block`);
 * - image (base64 png/jpeg/gif/webp, or a `data:` URL) → `{image: {format, source: {bytes}}}`;
 *   an http(s) URL is refused (Converse takes bytes or S3 locations only);
 * - document (base64 pdf/csv/doc/docx/xls/xlsx/html/txt/md, or plain text) →
 *   `{document: {format, name, source: {bytes}}}`; the name is the title made
 *   safe (Bedrock allows letters, digits, spaces, hyphens, parentheses and
 *   brackets) or `document-<n>` (`inserted:document.name`);
 * - tool_use → `{toolUse: {toolUseId, name, input}}` (JSON-string arguments are parsed);
 * - tool_result → `{toolResult: {toolUseId, content: [{text}|{image}|{document}], status}}`,
 *   status "error" for an error result, "success" otherwise;
 * - thinking with a signature → `{reasoningContent: {reasoningText: {text, signature}}}`;
 *   unsigned thinking (another provider's) cannot be verified: `dropped:unsigned_thinking`;
 * - redacted_thinking → `{reasoningContent: {redactedContent}}` (base64, as the IR holds it);
 * - a cache mark → a `{cachePoint: {type: "default"}}` block right after the marked
 *   one (`converted:cache_control`); a TTL has no Converse field (`dropped:cache_control.ttl`).
 *
 * Turns: system/developer messages are hoisted into `system`, tool messages
 * become user turns, consecutive turns of one role are merged (Converse
 * requires alternation), tool results come first in a user turn, and a
 * conversation opening with an assistant turn gets a "." user turn first.
 */
import type { CacheControl, ContentBlock, DocumentSource, ImageSource, IrRequest } from "../../ir/request.js";
import { foldTurns } from "../turns.js";
import { isRecord, refuse, type Transforms } from "./common.js";

export type ConverseBlock = Record<string, unknown>;
export interface ConverseTurn {
  role: "user" | "assistant";
  content: ConverseBlock[];
}

type Where = "system" | "user" | "assistant" | "tool_result";
const ALLOWED: Readonly<Record<Where, ReadonlySet<ContentBlock["type"]>>> = {
  system: new Set(["text"]),
  user: new Set(["text", "image", "document", "tool_result"]),
  assistant: new Set(["text", "tool_use", "thinking", "redacted_thinking"]),
  tool_result: new Set(["text", "image", "document"]),
};

const IMAGE_FORMATS: Readonly<Record<string, string>> = {
  "image/png": "png",
  "image/jpeg": "jpeg",
  "image/jpg": "jpeg",
  "image/gif": "gif",
  "image/webp": "webp",
};
const DOCUMENT_FORMATS: Readonly<Record<string, string>> = {
  "application/pdf": "pdf",
  "text/csv": "csv",
  "application/msword": "doc",
  "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
  "application/vnd.ms-excel": "xls",
  "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "xlsx",
  "text/html": "html",
  "text/plain": "txt",
  "text/markdown": "md",
};

export const LEADING_USER_TEXT = ".";
export const CACHE_POINT: Readonly<ConverseBlock> = Object.freeze({ cachePoint: { type: "default" } });

function inline(source: ImageSource | DocumentSource): { mediaType: string; data: string } | null {
  if (source.kind === "base64") return { mediaType: source.mediaType.toLowerCase(), data: source.data };
  if (source.kind === "text")
    return { mediaType: "text/plain", data: Buffer.from(source.text).toString("base64") };
  const match = /^data:([^;,]+);base64,(.+)$/s.exec(source.url);
  return match ? { mediaType: (match[1] ?? "").toLowerCase(), data: match[2] ?? "" } : null;
}

function media(
  source: ImageSource | DocumentSource,
  formats: Readonly<Record<string, string>>,
  path: string,
  what: string,
): { format: string; data: string } {
  const data = inline(source);
  if (!data) throw refuse(path, `A ${what} given by URL`, "Converse takes inline bytes or S3 locations only");
  const format = formats[data.mediaType];
  if (!format)
    throw refuse(path, `A ${what} of type '${data.mediaType}'`, "Converse does not accept that format");
  return { format, data: data.data };
}

function safeName(title: string | undefined, n: number, t: Transforms): string {
  const cleaned = (title ?? "")
    .replace(/[^A-Za-z0-9 \-()[\]]/g, " ")
    .replace(/\s+/g, " ")
    .trim();
  if (cleaned !== "") {
    if (cleaned !== title) t.add("converted:document.name");
    return cleaned.slice(0, 200);
  }
  t.add("inserted:document.name");
  return `document-${n}`;
}

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
      "Converse needs an object",
    );
  }
  return value;
}

interface Ctx {
  t: Transforms;
  documents: number;
}

function cache(mark: CacheControl | undefined, out: ConverseBlock[], t: Transforms): void {
  if (!mark) return;
  if (mark.ttl !== undefined) t.add("dropped:cache_control.ttl");
  t.add("converted:cache_control");
  out.push({ ...CACHE_POINT });
}

function encodeBlock(block: ContentBlock, where: Where, path: string, ctx: Ctx, out: ConverseBlock[]): void {
  const { t } = ctx;
  if (!ALLOWED[where].has(block.type)) {
    throw refuse(
      path,
      `A '${block.type}' block`,
      `it cannot appear in ${where.replace("_", " ")} content upstream`,
    );
  }
  switch (block.type) {
    case "text":
      if (block.text.trim() === "") {
        t.add("dropped:empty_text_block");
        return;
      }
      out.push({ text: block.text });
      cache(block.cacheControl, out, t);
      return;
    case "image": {
      if (block.detail !== undefined && block.detail !== "auto") t.add("dropped:image.detail");
      const { format, data } = media(block.source, IMAGE_FORMATS, path, "image");
      out.push({ image: { format, source: { bytes: data } } });
      cache(block.cacheControl, out, t);
      return;
    }
    case "document": {
      const { format, data } = media(block.source, DOCUMENT_FORMATS, path, "document");
      const name = safeName(block.title, ++ctx.documents, t);
      out.push({ document: { format, name, source: { bytes: data } } });
      cache(block.cacheControl, out, t);
      return;
    }
    case "tool_use":
      out.push({ toolUse: { toolUseId: block.id, name: block.name, input: toolInput(block.input, path) } });
      cache(block.cacheControl, out, t);
      return;
    case "tool_result": {
      const content: ConverseBlock[] = [];
      block.content.forEach((b, k) => {
        encodeBlock(b, "tool_result", `${path}.content.${k}`, ctx, content);
      });
      const kept = content.filter((b) => !("cachePoint" in b));
      out.push({
        toolResult: {
          toolUseId: block.toolUseId,
          content: kept.length > 0 ? kept : [{ text: "" }],
          status: block.isError ? "error" : "success",
        },
      });
      cache(block.cacheControl, out, t);
      return;
    }
    case "thinking":
      if (!block.signature) {
        t.add("dropped:unsigned_thinking");
        return;
      }
      out.push({ reasoningContent: { reasoningText: { text: block.thinking, signature: block.signature } } });
      return;
    case "redacted_thinking":
      out.push({ reasoningContent: { redactedContent: block.data } });
      return;
  }
}

function encodeAll(blocks: readonly ContentBlock[], where: Where, path: string, ctx: Ctx): ConverseBlock[] {
  const out: ConverseBlock[] = [];
  blocks.forEach((b, j) => {
    encodeBlock(b, where, `${path}.${j}`, ctx, out);
  });
  return out;
}

function toolResultsFirst(turn: ConverseTurn, t: Transforms): void {
  const isResult = (b: ConverseBlock) => "toolResult" in b;
  const firstOther = turn.content.findIndex((b) => !isResult(b));
  const lastResult = turn.content.findLastIndex(isResult);
  if (firstOther === -1 || lastResult === -1 || firstOther > lastResult) return;
  turn.content = [...turn.content.filter(isResult), ...turn.content.filter((b) => !isResult(b))];
  t.add("moved:tool_results_before_user_content");
}

/** The system blocks and alternating turns; throws OVT_ERR_TRANSLATE_UNSUPPORTED for what has no place. */
export function encodeConversation(
  ir: IrRequest,
  t: Transforms,
): { system: ConverseBlock[]; turns: ConverseTurn[] } {
  const ctx: Ctx = { t, documents: 0 };
  const { system, turns } = foldTurns(
    ir,
    (content, context, path) => encodeAll(content, context, path, ctx),
    t,
  );
  for (const turn of turns) if (turn.role === "user") toolResultsFirst(turn, t);
  if (turns[0]?.role === "assistant") {
    turns.unshift({ role: "user", content: [{ text: LEADING_USER_TEXT }] });
    t.add("inserted:leading_user_message");
  }
  if (turns.length === 0) {
    throw refuse(
      "messages",
      "A request with no user or assistant content",
      "Converse needs at least one turn",
    );
  }
  return { system, turns };
}
