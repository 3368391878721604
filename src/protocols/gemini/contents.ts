/**
 * Gemini `contents` → IR messages (https://ai.google.dev/api/caching#Content).
 *
 * Roles: `user` (or absent, Gemini's default) and `function` (older clients'
 * role for function responses) → user; `model` → assistant. Parts:
 *
 * - `text` → text; `{text, thought: true}` → thinking, `thoughtSignature` as its
 *   signature. Consecutive thought parts form one thinking block (Gemini
 *   streams a thought in many parts), closed by the part that carries a
 *   signature, so two signed blocks never merge.
 * - `inlineData` / `fileData` → image or document blocks (media.ts).
 * - `functionCall` {name, args, id?} → tool_use; `functionResponse`
 *   {name, response, id?, parts?} → tool_result (ids: calls.ts). A response
 *   `{output: x}` or `{error: x}` is unwrapped to x (a string as text, anything
 *   else as JSON text), `error` marking the result as an error, as Gemini
 *   defines those keys; any other response object is sent as its JSON text.
 * - `executableCode`, `codeExecutionResult`, `toolCall`, `toolResponse` are
 *   results of Google's server-side tools: refused.
 *
 * A `thoughtSignature` on a non-thought part (Gemini 3 signs function calls
 * and text) has no IR home and is kept in `extensions` under its path, as are
 * unknown part keys (`videoMetadata`, `mediaResolution`, `partMetadata`…).
 * Empty text parts are skipped (a turn made only of them keeps one empty text).
 * Text blocks are built fresh here, so merging adjacent ones mutates nothing
 * the caller holds.
 */
import type { ContentBlock, Message } from "../../ir/request.js";
import type { CallLedger } from "./calls.js";
import {
  asArray,
  asBoolean,
  asNonEmpty,
  asRecord,
  asString,
  collectUnknown,
  field,
  invalid,
  known,
  missing,
  optional,
  type Path,
  paramOf,
  unsupported,
} from "./fields.js";
import { decodeFileData, decodeInlineData } from "./media.js";

type Where = "user" | "model" | "system";

const CONTENT_KEYS = known("role", "parts");
const DATA = ["text", "inlineData", "fileData", "functionCall", "functionResponse"] as const;
const SERVER_SIDE = ["executableCode", "codeExecutionResult", "toolCall", "toolResponse"] as const;
const PART_KEYS = known(...DATA, "thought", "thoughtSignature");
const CALL_KEYS = known("name", "args", "id");
const RESPONSE_KEYS = known("name", "response", "id", "parts");
const RESPONSE_PART_KEYS = known("inlineData", "fileData");

const present = (value: unknown): boolean => value !== undefined && value !== null;

/**
 * `contents` → messages. Consecutive contents of one role form one message
 * (a chat in @google/genai records every streamed chunk as a content of its
 * own; Gemini reads them as one turn), and within a message adjacent text
 * parts join into one text block, as Gemini concatenates them.
 */
export function decodeContents(
  list: readonly unknown[],
  at: Path,
  calls: CallLedger,
  ext: Record<string, unknown>,
): Message[] {
  const messages: Message[] = [];
  let open: { where: Where; acc: Accumulator } | undefined;
  list.forEach((raw, i) => {
    const path = [...at, i];
    const content = asRecord(raw, path);
    const roleEntry = field(content, "role", path);
    const role = optional(roleEntry, asString) ?? "user";
    if (role !== "user" && role !== "model" && role !== "function") {
      throw invalid(roleEntry.path, "must be 'user' or 'model'");
    }
    const where: Where = role === "model" ? "model" : "user";
    if (open?.where !== where) {
      if (open) messages.push(messageOf(open.where, open.acc));
      open = { where, acc: new Accumulator() };
    }
    decodeParts(content, path, where, calls, ext, open.acc);
  });
  if (open) messages.push(messageOf(open.where, open.acc));
  return messages;
}

function messageOf(where: Where, acc: Accumulator): Message {
  return { role: where === "model" ? "assistant" : "user", content: acc.blocks() };
}

/** `systemInstruction`: a Content whose parts are all text. */
export function decodeSystem(raw: unknown, path: Path, ext: Record<string, unknown>): ContentBlock[] {
  const content = asRecord(raw, path);
  const roleEntry = field(content, "role", path);
  const role = optional(roleEntry, asString);
  if (role !== undefined && role !== "user" && role !== "system") {
    throw invalid(roleEntry.path, "must be 'user' or absent");
  }
  const acc = new Accumulator();
  decodeParts(content, path, "system", undefined, ext, acc);
  return acc.blocks();
}

/** The blocks of one message as its parts arrive: thought parts and text parts merge as described above. */
class Accumulator {
  readonly #blocks: ContentBlock[] = [];
  #thinking: Extract<ContentBlock, { type: "thinking" }> | undefined;
  #text: Extract<ContentBlock, { type: "text" }> | undefined;
  #skipped = false;

  thought(text: string, signature: string | undefined): void {
    this.#text = undefined;
    if (!this.#thinking) {
      this.#thinking = { type: "thinking", thinking: "" };
      this.#blocks.push(this.#thinking);
    }
    this.#thinking.thinking += text;
    if (signature !== undefined && signature !== "") {
      this.#thinking.signature = signature;
      this.#thinking = undefined;
    }
  }

  block(block: ContentBlock): void {
    this.#thinking = undefined;
    if (block.type !== "text") {
      this.#text = undefined;
      this.#blocks.push(block);
    } else if (block.text === "") {
      this.#skipped = true;
    } else if (this.#text) {
      this.#text.text += block.text;
    } else {
      this.#text = block;
      this.#blocks.push(block);
    }
  }

  blocks(): ContentBlock[] {
    if (this.#blocks.length === 0 && this.#skipped) return [{ type: "text", text: "" }];
    return this.#blocks;
  }
}

function decodeParts(
  content: Record<string, unknown>,
  path: Path,
  where: Where,
  calls: CallLedger | undefined,
  ext: Record<string, unknown>,
  acc: Accumulator,
): void {
  const partsEntry = field(content, "parts", path);
  if (partsEntry.value === undefined || partsEntry.value === null) throw missing(partsEntry.path);
  const parts = asArray(partsEntry.value, partsEntry.path);
  if (parts.length === 0) throw invalid(partsEntry.path, "must contain at least one part");
  collectUnknown(content, CONTENT_KEYS, path, ext);
  parts.forEach((rawPart, i) => {
    const at = [...partsEntry.path, i];
    const part = asRecord(rawPart, at);
    const thoughtEntry = field(part, "thought", at);
    const thought = optional(thoughtEntry, asBoolean) === true;
    const sigEntry = field(part, "thoughtSignature", at);
    const signature = optional(sigEntry, asString);
    const kind = dataKind(part, at, thought);
    collectUnknown(part, PART_KEYS, at, ext);
    if (thought) {
      if (where !== "model")
        throw invalid(thoughtEntry.path, "thought parts are only allowed in 'model' turns");
      const textEntry = field(part, "text", at);
      acc.thought(kind === undefined ? "" : asString(textEntry.value, textEntry.path), signature);
      return;
    }
    if (signature !== undefined) ext[paramOf(sigEntry.path)] = signature;
    acc.block(decodeData(part, at, kind ?? "text", where, calls, ext));
  });
}

/** Which data field the part holds; undefined only for a thought part without text. */
function dataKind(
  part: Record<string, unknown>,
  at: Path,
  thought: boolean,
): (typeof DATA)[number] | undefined {
  for (const name of SERVER_SIDE) {
    const entry = field(part, name, at);
    if (present(entry.value)) {
      throw unsupported(entry.path, `A '${name}' part`, "it belongs to Google's server-side tools");
    }
  }
  const held = DATA.filter((name) => present(field(part, name, at).value));
  if (held.length > 1) {
    throw invalid(at, `a part holds exactly one of ${DATA.join(", ")}; this one has ${held.join(" and ")}`);
  }
  const kind = held[0];
  if (kind === undefined && !thought) throw invalid(at, `a part must hold one of ${DATA.join(", ")}`);
  if (thought && kind !== undefined && kind !== "text") throw invalid(at, "a thought part holds text only");
  return kind;
}

function decodeData(
  part: Record<string, unknown>,
  at: Path,
  kind: (typeof DATA)[number],
  where: Where,
  calls: CallLedger | undefined,
  ext: Record<string, unknown>,
): ContentBlock {
  const entry = field(part, kind, at);
  if (where === "system" && kind !== "text") {
    throw unsupported(
      entry.path,
      `A '${kind}' part in systemInstruction`,
      "system instructions carry text only",
    );
  }
  switch (kind) {
    case "text":
      return { type: "text", text: asString(entry.value, entry.path) };
    case "inlineData":
      return decodeInlineData(entry.value, entry.path, ext);
    case "fileData":
      return decodeFileData(entry.value, entry.path, ext);
    case "functionCall": {
      if (where !== "model")
        throw invalid(entry.path, "functionCall parts are only allowed in 'model' turns");
      const call = asRecord(entry.value, entry.path);
      const nameEntry = field(call, "name", entry.path);
      const name = asNonEmpty(nameEntry.value, nameEntry.path);
      const argsEntry = field(call, "args", entry.path);
      const args = optional(argsEntry, asRecord) ?? {};
      const id = optional(field(call, "id", entry.path), asString);
      collectUnknown(call, CALL_KEYS, entry.path, ext);
      return { type: "tool_use", id: calls!.call(name, id || undefined), name, input: args };
    }
    case "functionResponse": {
      if (where !== "user")
        throw invalid(entry.path, "functionResponse parts are only allowed in 'user' turns");
      return functionResponse(entry.value, entry.path, calls!, ext);
    }
  }
}

function functionResponse(
  value: unknown,
  at: Path,
  calls: CallLedger,
  ext: Record<string, unknown>,
): ContentBlock {
  const raw = asRecord(value, at);
  const nameEntry = field(raw, "name", at);
  const name = asNonEmpty(nameEntry.value, nameEntry.path);
  const id = optional(field(raw, "id", at), asString);
  const response = optional(field(raw, "response", at), asRecord) ?? {};
  const partsEntry = field(raw, "parts", at);
  const extra = optional(partsEntry, asArray) ?? [];
  collectUnknown(raw, RESPONSE_KEYS, at, ext);
  const toolUseId = calls.answer(name, id || undefined, at);
  const keys = Object.keys(response);
  const only = keys.length === 1 ? keys[0] : undefined;
  const isError = only === "error";
  const payload = only === "output" || only === "error" ? response[only] : response;
  const content: ContentBlock[] = [
    { type: "text", text: typeof payload === "string" ? payload : JSON.stringify(payload) },
  ];
  extra.forEach((p, i) => {
    const partAt = [...partsEntry.path, i];
    const part = asRecord(p, partAt);
    collectUnknown(part, RESPONSE_PART_KEYS, partAt, ext);
    const inline = field(part, "inlineData", partAt);
    const file = field(part, "fileData", partAt);
    if (present(inline.value)) content.push(decodeInlineData(inline.value, inline.path, ext));
    else if (present(file.value)) content.push(decodeFileData(file.value, file.path, ext));
    else throw invalid(partAt, "a function response part must hold inlineData or fileData");
  });
  return { type: "tool_result", toolUseId, content, ...(isError ? { isError: true } : {}) };
}
