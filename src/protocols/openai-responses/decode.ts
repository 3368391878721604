/**
 * Decodes an OpenAI Responses API request (`POST /v1/responses`, as Codex CLI
 * and the SDKs' `client.responses.create` send it) into the IR, so it can reach
 * an upstream of another dialect. Reference:
 * https://platform.openai.com/docs/api-reference/responses/create
 *
 * validateResponsesRequest checks the top level (what the relay relies on for
 * any upstream); decodeResponsesRequest also decodes `input` and the tool,
 * format and reasoning settings (decode-items.ts, decode-options.ts). Every
 * field lands somewhere: mapped into the IR, kept in `extensions` (top-level
 * fields under their name, nested ones under their path, `dialect:
 * "openai-responses"`), or refused — never silently dropped.
 *
 * The relay keeps no conversation state (zero retention), so what needs it is
 * refused: `previous_response_id`, `conversation`, `prompt` (a stored prompt
 * template), `background: true`. `store` is accepted but the relay stores
 * nothing: see storeForcedFalse. `instructions` becomes the first system text;
 * `include` is read by the encoders (`reasoning.encrypted_content`), other
 * entries are kept in `extensions`; `stream_options.include_obfuscation` is read
 * by the relay, which never pads.
 */
import { OvertError } from "../../errors/overt-error.js";
import type { ContentBlock, IrRequest } from "../../ir/request.js";
import {
  collectUnknown,
  invalid,
  isRecord,
  isSet,
  optionalBoolean,
  optionalNumber,
  optionalString,
} from "./decode-common.js";
import { decodeInput } from "./decode-items.js";
import { decodeReasoning, decodeText, decodeTool, decodeToolChoice } from "./decode-options.js";

export const DIALECT = "openai-responses";

export const LIMITS = Object.freeze({ inputItems: 100_000, tools: 1_000, maxTokens: 10_000_000 });

/** A body validateResponsesRequest accepted: the same object, typed where the relay reads it. */
export interface ResponsesRequest extends Record<string, unknown> {
  model: string;
  input: string | unknown[];
  stream?: boolean | null;
  max_output_tokens?: number | null;
}

/** Body fields that would steer the relay's egress or credentials (DESIGN §10). */
const FORBIDDEN = [
  "api_base",
  "base_url",
  "api_key",
  "api_version",
  "organization",
  "extra_headers",
  "custom_llm_provider",
  "azure_endpoint",
  "headers",
];

const TOP_KEYS = new Set([
  "model",
  "input",
  "instructions",
  "stream",
  "stream_options",
  "max_output_tokens",
  "temperature",
  "top_p",
  "tools",
  "tool_choice",
  "parallel_tool_calls",
  "text",
  "reasoning",
  "user",
  "safety_identifier",
  "store",
  "include",
  "truncation",
  "background",
  "previous_response_id",
  "conversation",
  "prompt",
]);
const STREAM_OPTION_KEYS = new Set(["include_obfuscation"]);
const ENCRYPTED_REASONING = "reasoning.encrypted_content";
const STATELESS =
  "the relay keeps no conversation state (zero retention); send the whole conversation in input";

/**
 * True when the client asked OpenAI to store the response (`store: true`, or
 * `store` absent: the API's default is true) — the relay stores nothing and
 * every Responses answer says `store: false`, so the pipeline should record
 * the change (e.g. "store=false" in the transformations header). False only
 * when the client itself sent `store: false`.
 */
export function storeForcedFalse(body: unknown): boolean {
  return isRecord(body) && body.store !== false;
}

/** Validates the top level and returns the same object, typed; throws OVT_ERR_REQ_* / OVT_ERR_TRANSLATE_UNSUPPORTED. */
export function validateResponsesRequest(body: unknown): ResponsesRequest {
  if (!isRecord(body)) {
    throw new OvertError("OVT_ERR_REQ_INVALID_FIELD", { detail: "The request body must be a JSON object." });
  }
  for (const field of FORBIDDEN) {
    if (Object.hasOwn(body, field))
      throw new OvertError("OVT_ERR_REQ_FORBIDDEN_PARAMETER", { param: field }, { param: field });
  }
  for (const field of ["previous_response_id", "conversation", "prompt"]) {
    if (isSet(body[field])) throw invalid([field], `${field} is not supported: ${STATELESS}`);
  }
  if (optionalBoolean(body, "background", []) === true) {
    throw invalid(["background"], "background responses are not supported: the relay stores no responses");
  }
  const model = body.model;
  if (!isSet(model))
    throw new OvertError("OVT_ERR_REQ_MISSING_FIELD", { param: "model" }, { param: "model" });
  if (typeof model !== "string" || model === "") throw invalid(["model"], "model must be a non-empty string");
  const input = body.input;
  if (!isSet(input))
    throw new OvertError("OVT_ERR_REQ_MISSING_FIELD", { param: "input" }, { param: "input" });
  if (typeof input !== "string" && !Array.isArray(input)) {
    throw invalid(["input"], "input must be a string or an array of input items");
  }
  if (Array.isArray(input) && (input.length === 0 || input.length > LIMITS.inputItems)) {
    throw invalid(["input"], `input must contain 1–${LIMITS.inputItems} items`);
  }
  optionalBoolean(body, "stream", []);
  optionalBoolean(body, "store", []);
  optionalBoolean(body, "parallel_tool_calls", []);
  optionalNumber(body, "max_output_tokens", { min: 1, max: LIMITS.maxTokens, integer: true });
  optionalNumber(body, "temperature", { min: 0, max: 2 });
  optionalNumber(body, "top_p", { min: 0, max: 1 });
  optionalString(body, "instructions", []);
  optionalString(body, "user", []);
  optionalString(body, "safety_identifier", []);
  if (isSet(body.tools)) {
    if (!Array.isArray(body.tools)) throw invalid(["tools"], "tools must be an array");
    if (body.tools.length > LIMITS.tools)
      throw invalid(["tools"], `tools may contain at most ${LIMITS.tools}`);
  }
  if (isSet(body.metadata) && !isRecord(body.metadata))
    throw invalid(["metadata"], "metadata must be an object");
  if (isSet(body.include)) {
    if (!Array.isArray(body.include) || !body.include.every((v) => typeof v === "string")) {
      throw invalid(["include"], "include must be an array of strings");
    }
  }
  if (isSet(body.truncation) && body.truncation !== "auto" && body.truncation !== "disabled") {
    throw invalid(["truncation"], "truncation must be auto or disabled");
  }
  if (isSet(body.stream_options) && !isRecord(body.stream_options)) {
    throw invalid(["stream_options"], "stream_options must be an object");
  }
  return body as ResponsesRequest;
}

/** Maps a Responses request to the IR; throws OVT_ERR_REQ_* / OVT_ERR_TRANSLATE_UNSUPPORTED. */
export function decodeResponsesRequest(body: unknown): IrRequest {
  const request = validateResponsesRequest(body);
  const raw: Record<string, unknown> = request;
  const extensions: Record<string, unknown> = {};
  collectUnknown(raw, TOP_KEYS, [], extensions);
  if (isRecord(raw.stream_options)) {
    collectUnknown(raw.stream_options, STREAM_OPTION_KEYS, ["stream_options"], extensions);
  }
  if (Array.isArray(raw.include)) {
    const rest = raw.include.filter((entry) => entry !== ENCRYPTED_REASONING);
    if (rest.length > 0) extensions.include = rest;
  }
  if (raw.truncation === "auto") extensions.truncation = "auto";

  const instructions = optionalString(raw, "instructions", []);
  const leading: ContentBlock[] = instructions ? [{ type: "text", text: instructions }] : [];
  const { system, messages } = decodeInput(request.input, extensions);
  const tools = Array.isArray(raw.tools)
    ? raw.tools.flatMap((t, i) => decodeTool(t, ["tools", i], extensions) ?? [])
    : [];

  const ir: IrRequest = {
    model: request.model,
    system: [...leading, ...system],
    messages,
    tools,
    stop: [],
    stream: request.stream === true,
    dialect: DIALECT,
    extensions,
  };
  if (isSet(raw.tool_choice)) ir.toolChoice = decodeToolChoice(raw.tool_choice);
  const parallel = optionalBoolean(raw, "parallel_tool_calls", []);
  if (parallel !== undefined) ir.parallelToolCalls = parallel;
  if (isSet(request.max_output_tokens)) ir.maxOutputTokens = request.max_output_tokens;
  const temperature = optionalNumber(raw, "temperature", { min: 0, max: 2 });
  if (temperature !== undefined) ir.temperature = temperature;
  const topP = optionalNumber(raw, "top_p", { min: 0, max: 1 });
  if (topP !== undefined) ir.topP = topP;
  if (isSet(raw.text)) {
    const format = decodeText(raw.text, extensions);
    if (format) ir.responseFormat = format;
  }
  if (isSet(raw.reasoning)) {
    const thinking = decodeReasoning(raw.reasoning, ir.maxOutputTokens, extensions);
    if (thinking) ir.thinking = thinking;
  }
  // `safety_identifier` is the API's newer name for the end-user id `user` was.
  const user = optionalString(raw, "user", []);
  const safety = optionalString(raw, "safety_identifier", []);
  if (user !== undefined) ir.user = user;
  else if (safety !== undefined) ir.user = safety;
  if (user !== undefined && safety !== undefined) extensions.safety_identifier = safety;
  return ir;
}
