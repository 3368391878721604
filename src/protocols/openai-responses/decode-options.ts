/**
 * The Responses request's tool, output-format and reasoning settings → IR.
 *
 * - `tools`: function tools (`name`, `description`, `parameters`, `strict`)
 *   map one to one. Every other tool type — OpenAI's built-in tools
 *   (web_search, file_search, code_interpreter, computer_use_preview,
 *   image_generation, mcp, local_shell, shell, apply_patch…) and `custom`
 *   (free-form) tools — is refused with OVT_ERR_TRANSLATE_UNSUPPORTED naming it.
 *   A function tool's `strict` is carried only when sent: the Responses API
 *   defaults it to true, other upstreams to their own default.
 * - `tool_choice`: none/auto/required and `{type:"function",name}`; choices of
 *   built-in tools, `allowed_tools`, `custom` and `mcp` are refused.
 * - `text.format` → the IR response format (`description` of a json_schema,
 *   and `text.verbosity`, have no IR home: kept in `extensions`).
 * - `reasoning.effort` → an IR thinking budget (the table below, as the Chat
 *   Completions codec maps `reasoning_effort`); `reasoning.summary` → thinking
 *   `display: "summarized"` when thinking is enabled (the IR has no
 *   concise/detailed distinction), else kept in `extensions`.
 */
import type { ResponseFormat, ThinkingConfig, ToolChoice, ToolDefinition } from "../../ir/request.js";
import {
  collectUnknown,
  invalid,
  isRecord,
  isSet,
  missing,
  optionalBoolean,
  optionalString,
  type Path,
  stringAt,
  unsupported,
} from "./decode-common.js";

const TOOL_KEYS = new Set(["type", "name", "description", "parameters", "strict"]);
const FORMAT_KEYS = new Set(["type", "name", "schema", "strict"]);
const TEXT_KEYS = new Set(["format"]);
const REASONING_KEYS = new Set(["effort", "summary", "generate_summary"]);
const BUILTIN = "OpenAI's built-in tools run on OpenAI's servers; the relay forwards function tools only";
const CUSTOM = "the IR carries function tools (JSON-schema parameters) only";

/**
 * `reasoning.effort` → thinking budget: a fixed budget per level (`minimal` is
 * Anthropic's smallest, 1024); `none` disables thinking. Reasoning counts inside
 * `max_output_tokens`, and Anthropic needs the budget below `max_tokens`, so
 * with a limit set the budget is at most half of it (never below 1024).
 */
export const REASONING_BUDGETS: Readonly<Record<string, number>> = Object.freeze({
  minimal: 1024,
  low: 2048,
  medium: 8192,
  high: 16384,
  xhigh: 32768,
});
const MIN_BUDGET = 1024;
const SUMMARIES = new Set(["auto", "concise", "detailed"]);

/**
 * Tools the upstream cannot run that a client offers by default rather than asks
 * for (Codex sends its sub-agent namespace and hosted web search with every
 * request): offered but not forced, they are left out and the answer says so in
 * `overt-transformations` (see hostedToolNotes) — the model simply does not see
 * them. Forced through tool_choice, they are refused.
 */
const OFFERED_ONLY = new Set([
  "namespace",
  "web_search",
  "web_search_preview",
  "file_search",
  "code_interpreter",
  "image_generation",
  "local_shell",
]);

/** Notes for the tools decodeTool leaves out, e.g. "dropped:tools[7](web_search)". */
export function hostedToolNotes(tools: unknown): string[] {
  if (!Array.isArray(tools)) return [];
  const notes: string[] = [];
  tools.forEach((tool, i) => {
    const type = isRecord(tool) ? tool.type : undefined;
    if (typeof type === "string" && OFFERED_ONLY.has(type)) notes.push(`dropped:tools[${i}](${type})`);
  });
  return notes;
}

/** A function tool, or null for a hosted tool that is left out (hostedToolNotes reports it). */
export function decodeTool(raw: unknown, path: Path, ext: Record<string, unknown>): ToolDefinition | null {
  if (!isRecord(raw)) throw invalid(path, "tools must be objects");
  const type = raw.type;
  if (!isSet(type)) throw missing([...path, "type"]);
  if (typeof type !== "string") throw invalid([...path, "type"], "type must be a string");
  if (type === "custom") throw unsupported([...path, "type"], "A custom tool", CUSTOM);
  if (OFFERED_ONLY.has(type)) return null;
  if (type !== "function") throw unsupported([...path, "type"], `The built-in tool '${type}'`, BUILTIN);
  collectUnknown(raw, TOOL_KEYS, path, ext);
  // "Omitting parameters defines a function with an empty parameter list."
  const parameters = isSet(raw.parameters) ? raw.parameters : { type: "object", properties: {} };
  if (!isRecord(parameters))
    throw invalid([...path, "parameters"], "parameters must be a JSON schema object");
  const tool: ToolDefinition = { name: stringAt(raw, "name", path), inputSchema: parameters };
  const description = optionalString(raw, "description", path);
  if (description !== undefined) tool.description = description;
  const strict = optionalBoolean(raw, "strict", path);
  if (strict !== undefined) tool.strict = strict;
  return tool;
}

export function decodeToolChoice(raw: unknown): ToolChoice {
  const path = ["tool_choice"];
  if (raw === "none" || raw === "auto" || raw === "required") return { type: raw };
  if (!isRecord(raw)) throw invalid(path, "tool_choice must be none, auto, required or an object");
  const type = raw.type;
  if (type === "function") return { type: "tool", name: stringAt(raw, "name", path) };
  if (typeof type !== "string") throw invalid([...path, "type"], "tool_choice.type must be a string");
  const why = type === "allowed_tools" || type === "custom" || type === "mcp" ? CUSTOM : BUILTIN;
  throw unsupported([...path, "type"], `tool_choice '${type}'`, why);
}

export function decodeText(raw: unknown, ext: Record<string, unknown>): ResponseFormat | undefined {
  const path = ["text"];
  if (!isRecord(raw)) throw invalid(path, "text must be an object");
  collectUnknown(raw, TEXT_KEYS, path, ext); // verbosity
  const format = raw.format;
  if (!isSet(format)) return undefined;
  const at = [...path, "format"];
  if (!isRecord(format)) throw invalid(at, "text.format must be an object");
  const type = format.type;
  if (type === "text" || type === "json_object") return { type };
  if (type !== "json_schema") {
    throw invalid([...at, "type"], "text.format.type must be text, json_object or json_schema");
  }
  collectUnknown(format, FORMAT_KEYS, at, ext); // description
  if (!isSet(format.schema)) throw missing([...at, "schema"]);
  if (!isRecord(format.schema)) throw invalid([...at, "schema"], "schema must be a JSON schema object");
  const out: ResponseFormat = {
    type: "json_schema",
    name: stringAt(format, "name", at),
    schema: format.schema,
  };
  const strict = optionalBoolean(format, "strict", at);
  if (strict !== undefined) out.strict = strict;
  return out;
}

export function decodeReasoning(
  raw: unknown,
  maxOutputTokens: number | undefined,
  ext: Record<string, unknown>,
): ThinkingConfig | undefined {
  const path = ["reasoning"];
  if (!isRecord(raw)) throw invalid(path, "reasoning must be an object");
  collectUnknown(raw, REASONING_KEYS, path, ext);
  const summaryKey = isSet(raw.summary) ? "summary" : "generate_summary";
  const summary = optionalString(raw, summaryKey, path);
  if (summary !== undefined && !SUMMARIES.has(summary)) {
    throw invalid([...path, summaryKey], `reasoning.${summaryKey} must be one of auto, concise, detailed`);
  }
  const effort = raw.effort;
  let thinking: ThinkingConfig | undefined;
  if (effort === "none") thinking = { type: "disabled" };
  else if (isSet(effort)) {
    const budget = typeof effort === "string" ? REASONING_BUDGETS[effort] : undefined;
    if (budget === undefined) {
      throw invalid(
        [...path, "effort"],
        "reasoning.effort must be one of none, minimal, low, medium, high, xhigh",
      );
    }
    const fitted =
      maxOutputTokens === undefined
        ? budget
        : Math.min(budget, Math.max(MIN_BUDGET, Math.floor(maxOutputTokens / 2)));
    thinking = { type: "enabled", budgetTokens: fitted };
  }
  if (summary !== undefined) {
    if (thinking?.type === "enabled") thinking.display = "summarized";
    else ext[`reasoning.${summaryKey}`] = summary;
  }
  return thinking;
}
