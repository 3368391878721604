/**
 * Gemini media parts → IR blocks: `inlineData` {mimeType, data} (base64) and
 * `fileData` {mimeType, fileUri}. Images become image blocks, PDFs document
 * blocks, inline `text/*` a text document; audio, video and anything else has
 * no IR form and is refused. A `fileData` URI must be a public http(s) URL:
 * `gs://` objects and Files API uploads are readable only by Google.
 */
import type { ContentBlock } from "../../ir/request.js";
import {
  asNonEmpty,
  asRecord,
  asString,
  collectUnknown,
  field,
  known,
  optional,
  type Path,
  paramOf,
  unsupported,
} from "./fields.js";

const INLINE_KEYS = known("mimeType", "data");
const FILE_KEYS = known("mimeType", "fileUri", "displayName");
const GOOGLE_ONLY_HOSTS = new Set(["generativelanguage.googleapis.com", "storage.googleapis.com"]);
const VIDEO_HOSTS = new Set(["youtube.com", "www.youtube.com", "m.youtube.com", "youtu.be"]);

const strictUtf8 = new TextDecoder("utf-8", { fatal: true });

function mimeTypeOf(raw: Record<string, unknown>, at: Path): { mime: string; path: Path } {
  const entry = field(raw, "mimeType", at);
  return { mime: asNonEmpty(entry.value, entry.path).toLowerCase(), path: entry.path };
}

/** `inlineData` → an image, a PDF document or a text document. */
export function decodeInlineData(value: unknown, at: Path, ext: Record<string, unknown>): ContentBlock {
  const raw = asRecord(value, at);
  const { mime, path: mimePath } = mimeTypeOf(raw, at);
  const dataEntry = field(raw, "data", at);
  const data = asNonEmpty(dataEntry.value, dataEntry.path);
  collectUnknown(raw, INLINE_KEYS, at, ext);
  if (mime.startsWith("image/")) return { type: "image", source: { kind: "base64", mediaType: mime, data } };
  if (mime === "application/pdf") {
    return { type: "document", source: { kind: "base64", mediaType: mime, data } };
  }
  if (mime.startsWith("text/")) {
    let text: string;
    try {
      text = strictUtf8.decode(Buffer.from(data, "base64"));
    } catch {
      throw unsupported(dataEntry.path, `inlineData of type '${mime}'`, "the data is not UTF-8 text");
    }
    return { type: "document", source: { kind: "text", text } };
  }
  throw unsupported(
    mimePath,
    `inlineData of type '${mime}'`,
    "only images, PDF and text documents have an equivalent in other dialects",
  );
}

/** `fileData` → an image or PDF document by URL. */
export function decodeFileData(value: unknown, at: Path, ext: Record<string, unknown>): ContentBlock {
  const raw = asRecord(value, at);
  const uriEntry = field(raw, "fileUri", at);
  const uri = asNonEmpty(uriEntry.value, uriEntry.path);
  const mimeEntry = field(raw, "mimeType", at);
  const mime = optional(mimeEntry, asString)?.toLowerCase();
  const titleEntry = field(raw, "displayName", at);
  const title = optional(titleEntry, asString);
  collectUnknown(raw, FILE_KEYS, at, ext);
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    throw unsupported(uriEntry.path, "A fileData URI that is not a URL", "only http(s) URLs can be fetched");
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    throw unsupported(uriEntry.path, `A '${url.protocol}' fileData URI`, "only Google can read it");
  }
  if (GOOGLE_ONLY_HOSTS.has(url.hostname)) {
    throw unsupported(uriEntry.path, "A Files API or Cloud Storage file", "only Google can read it");
  }
  if (VIDEO_HOSTS.has(url.hostname)) {
    throw unsupported(uriEntry.path, "A YouTube video", "other dialects take no video input");
  }
  if (mime === undefined) {
    throw unsupported(mimeEntry.path, "fileData without mimeType", "the file's kind cannot be told");
  }
  if (mime.startsWith("image/")) {
    if (title !== undefined) ext[paramOf(titleEntry.path)] = title;
    return { type: "image", source: { kind: "url", url: uri } };
  }
  if (mime === "application/pdf") {
    return { type: "document", source: { kind: "url", url: uri }, ...(title ? { title } : {}) };
  }
  throw unsupported(
    mimeEntry.path,
    `fileData of type '${mime}'`,
    "only images and PDF documents have an equivalent in other dialects",
  );
}
