/**
 * Responses content parts → IR content blocks
 * (https://platform.openai.com/docs/api-reference/responses/create, `input[].content`).
 *
 * - `input_text` → text, anywhere.
 * - `output_text` and `refusal` (assistant history, as the API returned it) →
 *   text. `annotations` and `logprobs` are the API's own bookkeeping of that
 *   output, echoed back by clients that replay `response.output`; the text
 *   already holds what they annotate, so they are not carried.
 * - `input_image` → image: `image_url` a data: URL (base64) or an http(s) URL
 *   (the upstream fetches it), with `detail`. By `file_id` → refused (the
 *   relay has no file store). Images in system, developer or assistant
 *   messages → refused (the IR puts images in user turns and tool results).
 * - `input_file` and `input_audio` → refused (no IR form for OpenAI files or
 *   audio input).
 */
import type { ContentBlock, ImageSource } from "../../ir/request.js";
import {
  collectUnknown,
  invalid,
  isRecord,
  isSet,
  missing,
  type Path,
  stringAt,
  unsupported,
} from "./decode-common.js";

export type PartContext = "user" | "system" | "assistant" | "tool";

const TEXT_KEYS = new Set(["type", "text"]);
const OUTPUT_TEXT_KEYS = new Set(["type", "text", "annotations", "logprobs"]);
const REFUSAL_KEYS = new Set(["type", "refusal"]);
const IMAGE_KEYS = new Set(["type", "image_url", "file_id", "detail"]);

const PARTS = new Set(["input_text", "output_text", "refusal", "input_image", "input_file", "input_audio"]);
const WHERE: Readonly<Record<PartContext, string>> = {
  user: "user messages take input_text, input_image and input_file parts",
  system: "system and developer messages take input_text parts",
  assistant: "assistant messages take output_text, input_text and refusal parts",
  tool: "function_call_output takes input_text, input_image and input_file parts",
};

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

function image(
  raw: Record<string, unknown>,
  path: Path,
  where: PartContext,
  ext: Record<string, unknown>,
): ContentBlock {
  if (where === "system" || where === "assistant") {
    throw unsupported([...path, "type"], `An input_image in a ${where} message`, WHERE[where]);
  }
  collectUnknown(raw, IMAGE_KEYS, path, ext);
  if (isSet(raw.file_id)) {
    throw unsupported(
      [...path, "file_id"],
      "An input_image by file_id",
      "the relay keeps no files; send the image as a data: or https: image_url",
    );
  }
  const url = stringAt(raw, "image_url", path);
  const block: ContentBlock = { type: "image", source: imageSourceOf(url, [...path, "image_url"]) };
  if (isSet(raw.detail)) {
    if (typeof raw.detail !== "string") throw invalid([...path, "detail"], "detail must be a string");
    block.detail = raw.detail;
  }
  return block;
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
  if (!PARTS.has(type)) throw invalid([...path, "type"], `unknown content part type '${type}'`);
  switch (type) {
    case "input_text":
      collectUnknown(raw, TEXT_KEYS, path, ext);
      return { type: "text", text: stringAt(raw, "text", path) };
    case "output_text":
    case "refusal":
      if (where !== "assistant") throw invalid([...path, "type"], WHERE[where]);
      if (type === "refusal") {
        // A refusal the model gave earlier is, to any upstream, text it said.
        collectUnknown(raw, REFUSAL_KEYS, path, ext);
        return { type: "text", text: stringAt(raw, "refusal", path) };
      }
      collectUnknown(raw, OUTPUT_TEXT_KEYS, path, ext);
      return { type: "text", text: stringAt(raw, "text", path) };
    case "input_image":
      return image(raw, path, where, ext);
    case "input_file":
      throw unsupported(
        [...path, "type"],
        "An input_file content part",
        "the IR carries no OpenAI file input (send images as input_image parts)",
      );
    default:
      throw unsupported([...path, "type"], "An input_audio content part", "the IR carries no audio input");
  }
}

/** A message's content: a string (one text block) or an array of parts. */
export function decodeContent(
  content: unknown,
  path: Path,
  where: PartContext,
  ext: Record<string, unknown>,
): ContentBlock[] {
  if (typeof content === "string") return [{ type: "text", text: content }];
  if (!isSet(content)) throw missing(path);
  if (!Array.isArray(content)) throw invalid(path, "content must be a string or an array of content parts");
  return content.map((part, i) => decodePart(part, [...path, i], where, ext));
}
