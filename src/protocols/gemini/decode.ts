/**
 * Decodes a Gemini API request (`POST /v1beta/models/{model}:generateContent`
 * and `:streamGenerateContent`, as @google/genai and Gemini CLI send it) into
 * the IR. Reference: https://ai.google.dev/api/generate-content
 *
 * The model and streaming come from the URL, not the body. Validation answers
 * 400 with `param` as Google names fields (`contents[0].parts[1].inlineData`);
 * both proto3 JSON spellings of a field are accepted (see fields.ts). Every
 * field lands somewhere: mapped into the IR, kept in `extensions` (dialect
 * "gemini"; top-level fields under their name, nested ones under their path),
 * or refused — never silently dropped.
 *
 * Top-level mapping: `contents` → messages (contents.ts), `systemInstruction`
 * → system, `tools` / `toolConfig` / `generationConfig` → config.ts,
 * `safetySettings`, `labels`, `serviceTier`, `store` → extensions.
 * `cachedContent` names a cache only Google holds: refused.
 */
import { OvertError } from "../../errors/overt-error.js";
import type { IrRequest } from "../../ir/request.js";
import { CallLedger } from "./calls.js";
import { decodeGenerationConfig } from "./config.js";
import { decodeContents, decodeSystem } from "./contents.js";
import {
  asArray,
  asString,
  collectUnknown,
  field,
  invalid,
  isRecord,
  known,
  missing,
  optional,
  unsupported,
} from "./fields.js";
import { decodeToolConfig, decodeTools } from "./tools.js";

export const DIALECT = "gemini";

export const MAX_CONTENTS = 100_000;

/** Body fields that would steer the relay's egress or credentials (catalogue B9), as in the other codecs. */
const FORBIDDEN = ["api_base", "base_url", "api_key", "api_version", "extra_headers", "headers", "key"];

const TOP_KEYS = known(
  "model",
  "contents",
  "systemInstruction",
  "tools",
  "toolConfig",
  "generationConfig",
  "cachedContent",
);

/** `models/gemini-2.5-flash` → `gemini-2.5-flash` (the SDK strips the prefix; REST callers may not). */
export function modelOf(model: string): string {
  return model.startsWith("models/") ? model.slice("models/".length) : model;
}

/**
 * Validates a Gemini request body and maps it to the IR; throws OVT_ERR_REQ_*
 * for a malformed request and OVT_ERR_TRANSLATE_UNSUPPORTED for a valid one the
 * IR cannot carry.
 */
export function decodeGenerateContentRequest(model: string, body: unknown, stream: boolean): IrRequest {
  if (!isRecord(body)) {
    throw new OvertError("OVT_ERR_REQ_INVALID_FIELD", { detail: "The request body must be a JSON object." });
  }
  for (const name of FORBIDDEN) {
    if (Object.hasOwn(body, name))
      throw new OvertError("OVT_ERR_REQ_FORBIDDEN_PARAMETER", { param: name }, { param: name });
  }
  const name = modelOf(model);
  if (name === "") throw missing(["model"]);
  const bodyModel = optional(field(body, "model", []), asString);
  if (bodyModel !== undefined && modelOf(bodyModel) !== name) {
    throw invalid(["model"], `the body names model '${bodyModel}' but the URL names '${name}'`);
  }
  const extensions: Record<string, unknown> = {};
  collectUnknown(body, TOP_KEYS, [], extensions);

  const contentsEntry = field(body, "contents", []);
  if (contentsEntry.value === undefined || contentsEntry.value === null) throw missing(contentsEntry.path);
  const contents = asArray(contentsEntry.value, contentsEntry.path);
  if (contents.length === 0) throw invalid(contentsEntry.path, "must contain at least one content");
  if (contents.length > MAX_CONTENTS) {
    throw invalid(contentsEntry.path, `may contain at most ${MAX_CONTENTS} contents`);
  }

  const generation = field(body, "generationConfig", []);
  const settings = optional(generation, (v, p) => decodeGenerationConfig(v, p, extensions)) ?? { stop: [] };
  const toolsEntry = field(body, "tools", []);
  const tools = optional(toolsEntry, (v, p) => decodeTools(v, p, extensions)) ?? [];
  const toolChoice = optional(field(body, "toolConfig", []), (v, p) =>
    decodeToolConfig(v, p, tools, extensions),
  );
  const systemEntry = field(body, "systemInstruction", []);
  const system = optional(systemEntry, (v, p) => decodeSystem(v, p, extensions)) ?? [];
  const cached = field(body, "cachedContent", []);
  if (cached.value !== undefined && cached.value !== null) {
    throw unsupported(
      cached.path,
      "cachedContent",
      "the cached content is held by Google, not sent with the request",
    );
  }

  const calls = new CallLedger(contents);
  const messages = decodeContents(contents, contentsEntry.path, calls, extensions);

  const ir: IrRequest = {
    model: name,
    system,
    messages,
    tools,
    ...settings,
    stream,
    dialect: DIALECT,
    extensions,
  };
  if (toolChoice !== undefined) ir.toolChoice = toolChoice;
  return ir;
}
