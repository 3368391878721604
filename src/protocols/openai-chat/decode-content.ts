/**
 * OpenAI content parts → IR content blocks
 * (https://platform.openai.com/docs/api-reference/chat/create, `messages[].content`).
 * Each part type is checked where it may appear: user messages take text and
 * image_url parts; system, developer and tool messages text only; assistant
 * messages text and refusal. `input_audio` and `file` parts are valid OpenAI
 * but have no IR form and are refused; an unknown type is a 400.
 */
import type { ContentBlock, ImageSource } from "../../ir/request.js";
import {
  cacheControlOf,
  collectUnknown,
  invalid,
  isRecord,
  isSet,
  missing,
  type Path,
  stringAt,
  unsupported,
} from "./decode-common.js";

export type PartContext = "user" | "system" | "tool" | "assistant";

const ALLOWED: Readonly<Record<PartContext, ReadonlySet<string>>> = {
  user: new Set(["text", "image_url", "input_audio", "file"]),
  system: new Set(["text"]),
  tool: new Set(["text"]),
  assistant: new Set(["text", "refusal"]),
};
const WHERE: Readonly<Record<PartContext, string>> = {
  user: "user messages take text, image_url, input_audio and file parts",
  system: "system and developer messages take text parts only",
  tool: "tool messages take text parts only",
  assistant: "assistant messages take text and refusal parts only",
};
const TEXT_KEYS = new Set(["type", "text", "cache_control"]);
const REFUSAL_KEYS = new Set(["type", "refusal"]);
const IMAGE_KEYS = new Set(["type", "image_url", "cache_control"]);
const IMAGE_URL_KEYS = new Set(["url", "detail"]);

/**
 * `data:image/png;base64,iVBOR…` → a base64 source; any other URL is passed on
 * as a URL source (the upstream fetches it, as OpenAI would).
 */
export function imageSourceOf(url: string, path: Path): ImageSource {
  if (!url.startsWith("data:")) return { kind: "url", url };
  const comma = url.indexOf(",");
  const header = comma < 0 ? [] : url.slice(5, comma).split(";");
  const mediaType = header[0] ?? "";
  const data = comma < 0 ? "" : url.slice(comma + 1);
  if (!mediaType.includes("/") || header.at(-1) !== "base64" || data === "") {
    throw invalid(path, "a data URL must have the form data:<media type>;base64,<data>");
  }
  return { kind: "base64", mediaType, data };
}

function decodePart(
  raw: unknown,
  path: Path,
  where: PartContext,
  ext: Record<string, unknown>,
): ContentBlock {
  if (!isRecord(raw)) throw invalid(path, "content parts must be objects");
  const type = raw.type;
  if (!isSet(type)) throw missing([...path, "type"]);
  if (typeof type !== "string") throw invalid([...path, "type"], "type must be a string");
  if (!ALLOWED[where].has(type)) {
    const known = ["text", "image_url", "input_audio", "file", "refusal"].includes(type);
    throw invalid([...path, "type"], known ? WHERE[where] : `unknown content part type '${type}'`);
  }
  switch (type) {
    case "text":
      collectUnknown(raw, TEXT_KEYS, path, ext);
      return { type: "text", text: stringAt(raw, "text", path), ...cacheControlOf(raw, path) };
    case "refusal":
      // A refusal the model gave earlier is, to any upstream, text it said.
      collectUnknown(raw, REFUSAL_KEYS, path, ext);
      return { type: "text", text: stringAt(raw, "refusal", path) };
    case "image_url": {
      collectUnknown(raw, IMAGE_KEYS, path, ext);
      const image = raw.image_url;
      const at = [...path, "image_url"];
      if (!isSet(image)) throw missing(at);
      if (!isRecord(image)) throw invalid(at, "image_url must be an object");
      collectUnknown(image, IMAGE_URL_KEYS, at, ext);
      const source = imageSourceOf(stringAt(image, "url", at), [...at, "url"]);
      if (isSet(image.detail) && typeof image.detail !== "string") {
        throw invalid([...at, "detail"], "detail must be a string");
      }
      return {
        type: "image",
        source,
        ...(typeof image.detail === "string" ? { detail: image.detail } : {}),
        ...cacheControlOf(raw, path),
      };
    }
    case "input_audio":
      throw unsupported([...path, "type"], "An input_audio content part", "the IR carries no audio input");
    default:
      throw unsupported(
        [...path, "type"],
        "A file content part",
        "the IR carries no OpenAI file input (send images as image_url parts)",
      );
  }
}

/** A message's content: a string (one text block; "" gives none when `emptyIsNone`) or an array of parts. */
export function decodeContent(
  content: unknown,
  path: Path,
  where: PartContext,
  ext: Record<string, unknown>,
  emptyIsNone = false,
): ContentBlock[] {
  if (typeof content === "string") {
    return content === "" && emptyIsNone ? [] : [{ type: "text", text: content }];
  }
  if (!isSet(content)) throw missing(path);
  if (!Array.isArray(content)) throw invalid(path, "content must be a string or an array of content parts");
  return content.map((part, i) => decodePart(part, [...path, i], where, ext));
}
