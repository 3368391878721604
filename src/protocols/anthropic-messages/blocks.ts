/**
 * Anthropic content blocks → IR content blocks
 * (https://docs.claude.com/en/api/messages, "content"). Each block type is
 * checked where it may appear; a valid Anthropic block the IR cannot hold
 * (server-tool results, search results, Files API sources, citations) is refused
 * with OVT_ERR_TRANSLATE_UNSUPPORTED, an unknown type with OVT_ERR_REQ_INVALID_FIELD.
 * Nothing is dropped: unknown keys of a block go to `extensions` by dotted path.
 */
import { z } from "zod";
import type { CacheControl, ContentBlock, DocumentSource, ImageSource } from "../../ir/request.js";
import { collectUnknown, invalid, isRecord, missing, type Path, parse, unsupported } from "./schema.js";

export type BlockContext = "system" | "user" | "assistant" | "tool_result";

const ALLOWED: Readonly<Record<BlockContext, ReadonlySet<string>>> = {
  system: new Set(["text"]),
  user: new Set(["text", "image", "document", "tool_result"]),
  assistant: new Set(["text", "tool_use", "thinking", "redacted_thinking"]),
  tool_result: new Set(["text", "image", "document"]),
};
const MAPPED = new Set([
  "text",
  "image",
  "document",
  "tool_use",
  "tool_result",
  "thinking",
  "redacted_thinking",
]);
/** Real Anthropic block types that only Anthropic's own servers can act on. */
const ANTHROPIC_ONLY = new Set([
  "server_tool_use",
  "web_search_tool_result",
  "web_fetch_tool_result",
  "code_execution_tool_result",
  "bash_code_execution_tool_result",
  "text_editor_code_execution_tool_result",
  "tool_search_tool_result",
  "mcp_tool_use",
  "mcp_tool_result",
  "container_upload",
  "search_result",
  "tool_reference",
  "compaction",
]);
const WHERE: Readonly<Record<BlockContext, string>> = {
  system: "system",
  user: "user messages",
  assistant: "assistant messages",
  tool_result: "tool_result content",
};
const KNOWN_KEYS: Readonly<Record<string, ReadonlySet<string>>> = {
  text: new Set(["type", "text", "cache_control", "citations"]),
  image: new Set(["type", "source", "cache_control"]),
  document: new Set(["type", "source", "title", "cache_control", "citations"]),
  tool_use: new Set(["type", "id", "name", "input", "cache_control"]),
  tool_result: new Set(["type", "tool_use_id", "content", "is_error", "cache_control"]),
  thinking: new Set(["type", "thinking", "signature"]),
  redacted_thinking: new Set(["type", "data"]),
};
const SOURCE_KEYS = new Set(["type", "media_type", "data", "url"]);

const str = z.string({ error: "must be a string" });
const nonEmpty = str.min(1, { error: "must not be empty" });
const IMAGE_TYPES = ["image/jpeg", "image/png", "image/gif", "image/webp"] as const;

const cacheControl = z
  .looseObject({
    type: z.literal("ephemeral", { error: "type must be 'ephemeral'" }),
    ttl: z.enum(["5m", "1h"], { error: "ttl must be '5m' or '1h'" }).optional(),
  })
  .nullish();
const textBlock = z.looseObject({
  text: str,
  cache_control: cacheControl,
  citations: z.array(z.unknown(), { error: "must be an array" }).nullish(),
});
const base64Image = z.looseObject({
  media_type: z.enum(IMAGE_TYPES, { error: `must be one of ${IMAGE_TYPES.join(", ")}` }),
  data: nonEmpty,
});
const base64Pdf = z.looseObject({
  media_type: z.literal("application/pdf", { error: "must be 'application/pdf'" }),
  data: nonEmpty,
});
const plainText = z.looseObject({
  media_type: z.literal("text/plain", { error: "must be 'text/plain'" }).optional(),
  data: str,
});
const urlSource = z.looseObject({ url: nonEmpty });
const documentBlock = z.looseObject({
  title: str.nullish(),
  cache_control: cacheControl,
  citations: z.looseObject({ enabled: z.boolean({ error: "must be a boolean" }).optional() }).nullish(),
});
const toolUse = z.looseObject({
  id: nonEmpty,
  name: nonEmpty,
  input: z.record(z.string(), z.unknown(), { error: "must be an object" }),
  cache_control: cacheControl,
});
const toolResult = z.looseObject({
  tool_use_id: nonEmpty,
  is_error: z.boolean({ error: "must be a boolean" }).nullish(),
  cache_control: cacheControl,
});
const thinking = z.looseObject({ thinking: str, signature: str.nullish() });
const redacted = z.looseObject({ data: str });

function cacheOf(value: z.infer<typeof cacheControl>): { cacheControl?: CacheControl } {
  if (!value) return {};
  return { cacheControl: value.ttl ? { type: "ephemeral", ttl: value.ttl } : { type: "ephemeral" } };
}

function sourceOf(raw: unknown, path: Path, ext: Record<string, unknown>): Record<string, unknown> {
  if (raw === undefined) throw missing(path);
  if (!isRecord(raw)) throw invalid(path, "must be an object");
  collectUnknown(raw, SOURCE_KEYS, path, ext);
  return raw;
}

function imageSource(raw: unknown, path: Path, ext: Record<string, unknown>): ImageSource {
  const source = sourceOf(raw, path, ext);
  switch (source.type) {
    case "base64": {
      const s = parse(base64Image, source, path);
      return { kind: "base64", mediaType: s.media_type, data: s.data };
    }
    case "url":
      return { kind: "url", url: parse(urlSource, source, path).url };
    case "file":
      throw unsupported(
        [...path, "type"],
        "A Files API image source",
        "file ids exist only on Anthropic's API",
      );
    default:
      throw invalid([...path, "type"], "must be 'base64', 'url' or 'file'");
  }
}

function documentSource(raw: unknown, path: Path, ext: Record<string, unknown>): DocumentSource {
  const source = sourceOf(raw, path, ext);
  switch (source.type) {
    case "base64": {
      const s = parse(base64Pdf, source, path);
      return { kind: "base64", mediaType: s.media_type, data: s.data };
    }
    case "text":
      return { kind: "text", text: parse(plainText, source, path).data };
    case "url":
      return { kind: "url", url: parse(urlSource, source, path).url };
    case "content":
    case "file":
      throw unsupported([...path, "type"], `A '${source.type}' document source`, "it has no IR equivalent");
    default:
      throw invalid([...path, "type"], "must be 'base64', 'text', 'url', 'content' or 'file'");
  }
}

/** A message's (or system's, or tool result's) content: a string or an array of blocks. */
export function decodeContent(
  content: unknown,
  path: Path,
  where: BlockContext,
  ext: Record<string, unknown>,
): ContentBlock[] {
  if (typeof content === "string") return [{ type: "text", text: content }];
  if (content === undefined) throw missing(path);
  if (!Array.isArray(content)) throw invalid(path, "must be a string or an array of content blocks");
  return content.map((block, i) => decodeBlock(block, [...path, i], where, ext));
}

export function decodeBlock(
  raw: unknown,
  path: Path,
  where: BlockContext,
  ext: Record<string, unknown>,
): ContentBlock {
  if (!isRecord(raw)) throw invalid(path, "must be a content block object");
  const type = raw.type;
  if (type === undefined) throw missing([...path, "type"]);
  if (typeof type !== "string") throw invalid([...path, "type"], "must be a string");
  if (ANTHROPIC_ONLY.has(type)) {
    throw unsupported(
      [...path, "type"],
      `Content block type '${type}'`,
      "it is executed by Anthropic's servers",
    );
  }
  if (!MAPPED.has(type)) throw invalid([...path, "type"], `unknown content block type '${type}'`);
  if (!ALLOWED[where].has(type)) {
    throw invalid([...path, "type"], `'${type}' blocks are not allowed in ${WHERE[where]}`);
  }
  collectUnknown(raw, KNOWN_KEYS[type] ?? new Set(), path, ext);
  switch (type) {
    case "text": {
      const b = parse(textBlock, raw, path);
      if (b.citations && b.citations.length > 0) {
        throw unsupported([...path, "citations"], "Citations", "no other dialect carries citation locations");
      }
      return { type: "text", text: b.text, ...cacheOf(b.cache_control) };
    }
    case "image": {
      const b = parse(z.looseObject({ cache_control: cacheControl }), raw, path);
      return {
        type: "image",
        source: imageSource(raw.source, [...path, "source"], ext),
        ...cacheOf(b.cache_control),
      };
    }
    case "document": {
      const b = parse(documentBlock, raw, path);
      if (b.citations?.enabled) {
        throw unsupported([...path, "citations"], "Document citations", "no other dialect returns citations");
      }
      const source = documentSource(raw.source, [...path, "source"], ext);
      return {
        type: "document",
        source,
        ...(b.title ? { title: b.title } : {}),
        ...cacheOf(b.cache_control),
      };
    }
    case "tool_use": {
      const b = parse(toolUse, raw, path);
      return { type: "tool_use", id: b.id, name: b.name, input: b.input, ...cacheOf(b.cache_control) };
    }
    case "tool_result": {
      const b = parse(toolResult, raw, path);
      const content =
        raw.content === undefined || raw.content === null
          ? []
          : decodeContent(raw.content, [...path, "content"], "tool_result", ext);
      return {
        type: "tool_result",
        toolUseId: b.tool_use_id,
        content,
        ...(b.is_error ? { isError: true } : {}),
        ...cacheOf(b.cache_control),
      };
    }
    case "thinking": {
      const b = parse(thinking, raw, path);
      return { type: "thinking", thinking: b.thinking, ...(b.signature ? { signature: b.signature } : {}) };
    }
    default:
      return { type: "redacted_thinking", data: parse(redacted, raw, path).data };
  }
}
