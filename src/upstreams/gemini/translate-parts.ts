/**
 * IR content blocks → Gemini `Part`s (https://ai.google.dev/api/caching#Part):
 * text, media, function calls and responses, thoughts.
 *
 * - Images and documents: base64 (and `data:` URLs) → `inlineData`; an
 *   http(s) URL → `fileData` (Google fetches it; the relay never does), its
 *   `mimeType` read from the file extension for images
 *   (`inferred:image_mime_type`, refused when the URL does not say) and
 *   `application/pdf` for documents (a URL document is a PDF in every dialect
 *   that has one). A text document is sent as `text/plain` inline data.
 *   Document titles have no Gemini field (`dropped:document.title`), nor has an
 *   image's detail (`dropped:image.detail`).
 * - `tool_use` → `{functionCall: {id, name, args}}`, args the parsed input.
 * - `tool_result` → `{functionResponse: {id, name, response}}`, `response`
 *   `{output: text}` or, for an error result, `{error: text}` (the keys Gemini
 *   defines), several text blocks joined by a blank line
 *   (`joined:tool_result_blocks`); images and documents in a result go in the
 *   response's `parts` (Gemini 3's multimodal function responses). The function
 *   name, which Gemini requires and the IR does not carry, is the name of the
 *   earlier call with the same id; a result no call can be found for is refused.
 * - Thinking and signatures: see encodeModelParts.
 * - Cache marks have no Gemini form: Gemini caches implicitly (`dropped:cache_control`).
 */
import type { ContentBlock, DocumentSource, ImageSource } from "../../ir/request.js";
import { isRecord, refuse, type Transforms } from "./common.js";

export type GeminiPart = Record<string, unknown>;

const IMAGE_TYPES: Readonly<Record<string, string>> = {
  png: "image/png",
  jpg: "image/jpeg",
  jpeg: "image/jpeg",
  webp: "image/webp",
  gif: "image/gif",
  heic: "image/heic",
  heif: "image/heif",
};
const JOIN = "\n\n";

function noteCache(block: ContentBlock, t: Transforms): void {
  if ("cacheControl" in block && block.cacheControl) t.add("dropped:cache_control");
}

function httpUrl(url: string, path: string, what: string): URL {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw refuse(path, `An ${what} URL that is not a URL`, "Gemini reads http(s) URLs only");
  }
  if (parsed.protocol !== "https:" && parsed.protocol !== "http:") {
    throw refuse(path, `A '${parsed.protocol}' ${what} URL`, "Gemini reads http(s) URLs only");
  }
  return parsed;
}

function inline(url: string): GeminiPart | undefined {
  const match = /^data:([^;,]+);base64,(.+)$/s.exec(url);
  return match ? { inlineData: { mimeType: match[1], data: match[2] } } : undefined;
}

function imagePart(source: ImageSource, path: string, t: Transforms): GeminiPart {
  if (source.kind === "base64") return { inlineData: { mimeType: source.mediaType, data: source.data } };
  const data = inline(source.url);
  if (data) return data;
  const url = httpUrl(source.url, path, "image");
  const extension = /\.([a-z0-9]+)$/i.exec(url.pathname)?.[1]?.toLowerCase() ?? "";
  const mimeType = IMAGE_TYPES[extension];
  if (mimeType === undefined) {
    throw refuse(
      path,
      "An image URL without a known image file extension",
      "Gemini's fileData needs the image's MIME type; send the image as base64 instead",
    );
  }
  t.add("inferred:image_mime_type");
  return { fileData: { mimeType, fileUri: source.url } };
}

function documentPart(source: DocumentSource, path: string): GeminiPart {
  switch (source.kind) {
    case "base64":
      return { inlineData: { mimeType: source.mediaType, data: source.data } };
    case "text":
      return {
        inlineData: { mimeType: "text/plain", data: Buffer.from(source.text, "utf8").toString("base64") },
      };
    case "url": {
      const data = inline(source.url);
      if (data) return data;
      httpUrl(source.url, path, "document");
      return { fileData: { mimeType: "application/pdf", fileUri: source.url } };
    }
  }
}

/** An image or document block as a media part. */
export function mediaPart(block: ContentBlock, path: string, t: Transforms): GeminiPart | undefined {
  if (block.type === "image") {
    noteCache(block, t);
    if (block.detail !== undefined && block.detail !== "auto") t.add("dropped:image.detail");
    return imagePart(block.source, path, t);
  }
  if (block.type === "document") {
    noteCache(block, t);
    if (block.title !== undefined) t.add("dropped:document.title");
    return documentPart(block.source, path);
  }
  return undefined;
}

/** Tool-call arguments as Gemini's `args` object (a JSON string from another dialect is parsed). */
function callArgs(input: unknown, path: string): Record<string, unknown> {
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
      "Gemini's args is an object",
    );
  }
  return value;
}

export function functionCallPart(
  block: Extract<ContentBlock, { type: "tool_use" }>,
  path: string,
  t: Transforms,
) {
  noteCache(block, t);
  return { functionCall: { id: block.id, name: block.name, args: callArgs(block.input, path) } };
}

export function functionResponsePart(
  block: Extract<ContentBlock, { type: "tool_result" }>,
  path: string,
  nameOf: (id: string) => string | undefined,
  t: Transforms,
): GeminiPart {
  noteCache(block, t);
  const name = nameOf(block.toolUseId);
  if (name === undefined) {
    throw refuse(
      `${path}.tool_use_id`,
      `A tool result for call '${block.toolUseId}'`,
      "no earlier tool call has that id, and Gemini needs the function's name",
    );
  }
  const texts: string[] = [];
  const parts: GeminiPart[] = [];
  block.content.forEach((inner, k) => {
    const at = `${path}.content.${k}`;
    if (inner.type === "text") {
      noteCache(inner, t);
      texts.push(inner.text);
      return;
    }
    const media = mediaPart(inner, at, t);
    if (!media)
      throw refuse(at, `A '${inner.type}' block in a tool result`, "results carry text and media only");
    parts.push(media);
  });
  if (texts.length > 1) t.add("joined:tool_result_blocks");
  const text = texts.join(JOIN);
  return {
    functionResponse: {
      id: block.toolUseId,
      name,
      response: block.isError ? { error: text } : { output: text },
      ...(parts.length > 0 ? { parts } : {}),
    },
  };
}

/**
 * The parts of an assistant turn. Gemini signs its reasoning with opaque
 * `thoughtSignature`s that ride on a thought part or on the part they precede
 * (a function call, mostly); the response decoders bring a signature on a
 * function call back as a thinking block with no text just before the call. So:
 *
 * - a thinking block with a signature and text → `{text, thought: true, thoughtSignature}`;
 * - a thinking block with a signature and no text → the signature goes on the
 *   next part of the turn (or, at the end of the turn, on the previous one);
 * - a thinking block without a signature cannot be verified by Gemini and has
 *   no effect on it: dropped (`dropped:thinking_history`), as are redacted
 *   thinking blocks (`dropped:redacted_thinking`);
 * - a signature with no part to ride on is dropped (`dropped:thinking_signature`).
 *
 * Whether a signature was made by Gemini cannot be known (one from Anthropic
 * looks the same): every signature is sent, and Gemini answers 400 for one it
 * cannot read, rather than the relay guessing.
 */
export function encodeModelParts(blocks: readonly ContentBlock[], path: string, t: Transforms): GeminiPart[] {
  const parts: GeminiPart[] = [];
  let pending: string | undefined;
  const push = (part: GeminiPart) => {
    if (pending !== undefined) part.thoughtSignature = pending;
    pending = undefined;
    parts.push(part);
  };
  blocks.forEach((block, j) => {
    const at = `${path}.${j}`;
    switch (block.type) {
      case "text":
        noteCache(block, t);
        if (block.text === "") t.add("dropped:empty_text_block");
        else push({ text: block.text });
        return;
      case "tool_use":
        push(functionCallPart(block, at, t));
        return;
      case "thinking":
        if (!block.signature) {
          t.add("dropped:thinking_history");
        } else if (block.thinking === "") {
          if (pending !== undefined) t.add("dropped:thinking_signature");
          pending = block.signature;
        } else {
          if (pending !== undefined) t.add("dropped:thinking_signature");
          pending = undefined;
          parts.push({ text: block.thinking, thought: true, thoughtSignature: block.signature });
        }
        return;
      case "redacted_thinking":
        t.add("dropped:redacted_thinking");
        return;
      default:
        throw refuse(at, `A '${block.type}' block`, "it cannot appear in assistant turns upstream");
    }
  });
  if (pending !== undefined) {
    const last = parts.at(-1);
    if (last && last.thoughtSignature === undefined) last.thoughtSignature = pending;
    else t.add("dropped:thinking_signature");
  }
  return parts;
}
