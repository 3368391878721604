/**
 * IR system + messages → Gemini `systemInstruction` and `contents`
 * (https://ai.google.dev/api/generate-content#request-body). Gemini has `user`
 * and `model` turns and a separate system instruction, so:
 *
 * - `system`/`developer` messages join the system instruction, in order
 *   (`converted:developer_to_system`; `moved:system_message_to_system_instruction`
 *   when one came after the conversation had started); system content is text only;
 * - `tool` messages (OpenAI's tool results) are `user` turns of functionResponse parts;
 * - consecutive turns of one role become one content
 *   (`merged:consecutive_<role>_messages`): parallel function calls and their
 *   responses belong in one turn each;
 * - empty text blocks (Gemini refuses empty text parts) are dropped
 *   (`dropped:empty_text_block`), and a turn left empty (`dropped:empty_message`);
 * - message names have no Gemini field (`dropped:message.name`).
 *
 * Gemini 3 and later refuse a conversation whose current turn (everything after
 * the last user message that is not only function responses) holds a step's
 * first functionCall without its thoughtSignature. Calls that came from another
 * model, or from a client that does not keep signatures (OpenAI-dialect clients
 * drop reasoning), get Google's documented placeholder signature instead
 * (`inserted:thought_signature_placeholder`); earlier turns are not validated
 * and are left as they are.
 */
import type { ContentBlock, IrRequest } from "../../ir/request.js";
import { FOREIGN_CALL_SIGNATURE, refuse, type Transforms } from "./common.js";
import { encodeModelParts, functionResponsePart, type GeminiPart, mediaPart } from "./translate-parts.js";

export interface GeminiContent {
  role: "user" | "model";
  parts: GeminiPart[];
}

function systemParts(blocks: readonly ContentBlock[], path: string, t: Transforms): GeminiPart[] {
  const parts: GeminiPart[] = [];
  blocks.forEach((block, j) => {
    if (block.type !== "text") {
      throw refuse(
        `${path}.${j}`,
        `A '${block.type}' system block`,
        "Gemini's system instruction is text only",
      );
    }
    if (block.cacheControl) t.add("dropped:cache_control");
    if (block.text === "") t.add("dropped:empty_text_block");
    else parts.push({ text: block.text });
  });
  return parts;
}

function userParts(
  blocks: readonly ContentBlock[],
  path: string,
  nameOf: (id: string) => string | undefined,
  t: Transforms,
): GeminiPart[] {
  const parts: GeminiPart[] = [];
  blocks.forEach((block, j) => {
    const at = `${path}.${j}`;
    if (block.type === "text") {
      if (block.cacheControl) t.add("dropped:cache_control");
      if (block.text === "") t.add("dropped:empty_text_block");
      else parts.push({ text: block.text });
      return;
    }
    if (block.type === "tool_result") {
      parts.push(functionResponsePart(block, at, nameOf, t));
      return;
    }
    const media = mediaPart(block, at, t);
    if (!media) throw refuse(at, `A '${block.type}' block`, "it cannot appear in user turns upstream");
    parts.push(media);
  });
  return parts;
}

/** Placeholder signatures on the current turn's unsigned calls (see the header). */
function signCurrentTurn(contents: GeminiContent[], t: Transforms): void {
  const start = contents.findLastIndex(
    (c) => c.role === "user" && c.parts.some((p) => p.functionResponse === undefined),
  );
  for (const content of contents.slice(start + 1)) {
    if (content.role !== "model") continue;
    const first = content.parts.find((p) => p.functionCall !== undefined);
    if (first && first.thoughtSignature === undefined) {
      first.thoughtSignature = FOREIGN_CALL_SIGNATURE;
      t.add("inserted:thought_signature_placeholder");
    }
  }
}

/** The system instruction's parts and the contents; throws OVT_ERR_TRANSLATE_UNSUPPORTED for what has no place. */
export function encodeContents(
  ir: IrRequest,
  t: Transforms,
): { system: GeminiPart[]; contents: GeminiContent[] } {
  const system = systemParts(ir.system, "system", t);
  const contents: GeminiContent[] = [];
  const calls = new Map<string, string>();
  ir.messages.forEach((m, i) => {
    const path = `messages.${i}.content`;
    if (m.name !== undefined) t.add("dropped:message.name");
    if (m.role === "system" || m.role === "developer") {
      if (m.role === "developer") t.add("converted:developer_to_system");
      if (contents.length > 0) t.add("moved:system_message_to_system_instruction");
      system.push(...systemParts(m.content, path, t));
      return;
    }
    const role = m.role === "assistant" ? "model" : "user";
    const parts =
      role === "model"
        ? encodeModelParts(m.content, path, t)
        : userParts(m.content, path, (id) => calls.get(id), t);
    if (role === "model") {
      for (const block of m.content) if (block.type === "tool_use") calls.set(block.id, block.name);
    }
    if (parts.length === 0) {
      t.add("dropped:empty_message");
      return;
    }
    const last = contents.at(-1);
    if (last?.role === role) {
      last.parts.push(...parts);
      t.add(`merged:consecutive_${m.role === "tool" ? "user" : m.role}_messages`);
    } else {
      contents.push({ role, parts });
    }
  });
  if (contents.length === 0) {
    throw refuse(
      "messages",
      "A request with no user or assistant content",
      "Gemini needs at least one content",
    );
  }
  signCurrentTurn(contents, t);
  return { system, contents };
}
