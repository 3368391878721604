/**
 * Decodes an OpenAI Chat Completions request (as the official `openai` SDKs send
 * it) into the IR, so it can reach an upstream of another dialect. Reference:
 * https://platform.openai.com/docs/api-reference/chat/create
 *
 * The body has passed validateChatRequest (types and bounds of the top-level
 * fields); this checks what the translation relies on underneath. Every field
 * lands somewhere: mapped into the IR, kept in `extensions` (top-level fields
 * under their name, nested ones under their `messages[0].name` path, with
 * `dialect: "openai-chat"`), or refused — never silently dropped. Refused:
 * `input_audio` and `file` parts, custom tools and `allowed_tools` choices, the
 * legacy functions API (`functions`, `function_call`, `function` role).
 * Sampling values are carried as sent (OpenAI's `temperature` runs 0–2, other
 * upstreams' may not): the adapter maps or refuses them, as it does `n` > 1,
 * logprobs and response formats its upstream lacks.
 */
import type {
  IrRequest,
  ResponseFormat,
  ThinkingConfig,
  ToolChoice,
  ToolDefinition,
} from "../../ir/request.js";
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
import { decodeMessages } from "./decode-messages.js";
import type { ChatRequest } from "./validate.js";

export const DIALECT = "openai-chat";

/**
 * `reasoning_effort` → thinking budget. The IR's ThinkingConfig has a budget, not
 * an effort level, so each level gets a fixed budget (`minimal` is Anthropic's
 * smallest, 1024); `none` disables thinking. OpenAI counts reasoning inside
 * `max_completion_tokens`, and Anthropic needs the budget below `max_tokens`, so
 * when the request sets a limit the budget is at most half of it (never below
 * 1024): the budget is the relay's own choice, not the client's, so fitting it
 * changes nothing the client said.
 */
export const REASONING_BUDGETS: Readonly<Record<string, number>> = Object.freeze({
  minimal: 1024,
  low: 2048,
  medium: 8192,
  high: 16384,
  xhigh: 32768,
});

const TOP_KEYS = new Set([
  "model",
  "messages",
  "stream",
  "stream_options",
  "n",
  "max_tokens",
  "max_completion_tokens",
  "temperature",
  "top_p",
  "stop",
  "seed",
  "logprobs",
  "top_logprobs",
  "tools",
  "tool_choice",
  "parallel_tool_calls",
  "response_format",
  "reasoning_effort",
  "user",
  "functions",
  "function_call",
]);
/** Read by the relay itself: include_usage by the stream encoder; obfuscation padding is never sent. */
const STREAM_OPTION_KEYS = new Set(["include_usage", "include_obfuscation"]);
const TOOL_KEYS = new Set(["type", "function", "cache_control"]);
const FUNCTION_KEYS = new Set(["name", "description", "parameters", "strict"]);
const SCHEMA_KEYS = new Set(["name", "schema", "strict"]);
const LEGACY = "the deprecated functions API has no IR form; send tools and tool_choice instead";

function decodeTool(raw: unknown, path: Path, ext: Record<string, unknown>): ToolDefinition {
  if (!isRecord(raw)) throw invalid(path, "tools must be objects");
  if (raw.type === "custom") {
    throw unsupported([...path, "type"], "A custom tool", "the IR carries function tools only");
  }
  if (raw.type !== "function") throw invalid([...path, "type"], "type must be 'function' or 'custom'");
  collectUnknown(raw, TOOL_KEYS, path, ext);
  const at = [...path, "function"];
  const fn = raw.function;
  if (!isSet(fn)) throw missing(at);
  if (!isRecord(fn)) throw invalid(at, "function must be an object");
  collectUnknown(fn, FUNCTION_KEYS, at, ext);
  // OpenAI: "Omitting parameters defines a function with an empty parameter list."
  const parameters = isSet(fn.parameters) ? fn.parameters : { type: "object", properties: {} };
  if (!isRecord(parameters)) throw invalid([...at, "parameters"], "parameters must be a JSON schema object");
  const tool: ToolDefinition = { name: stringAt(fn, "name", at), inputSchema: parameters };
  if (isSet(fn.description)) tool.description = stringAt(fn, "description", at);
  if (isSet(fn.strict)) {
    if (typeof fn.strict !== "boolean") throw invalid([...at, "strict"], "strict must be a boolean");
    tool.strict = fn.strict;
  }
  return { ...tool, ...cacheControlOf(raw, path) };
}

function decodeToolChoice(raw: unknown): ToolChoice {
  const path = ["tool_choice"];
  if (raw === "none" || raw === "auto" || raw === "required") return { type: raw };
  if (!isRecord(raw)) throw invalid(path, "tool_choice must be none, auto, required or an object");
  if (raw.type === "allowed_tools" || raw.type === "custom") {
    throw unsupported([...path, "type"], `tool_choice '${raw.type}'`, "the IR names function tools only");
  }
  if (raw.type !== "function") throw invalid([...path, "type"], "type must be 'function'");
  const fn = raw.function;
  if (!isSet(fn)) throw missing([...path, "function"]);
  if (!isRecord(fn)) throw invalid([...path, "function"], "function must be an object");
  return { type: "tool", name: stringAt(fn, "name", [...path, "function"]) };
}

function decodeResponseFormat(raw: Record<string, unknown>, ext: Record<string, unknown>): ResponseFormat {
  if (raw.type === "text" || raw.type === "json_object") return { type: raw.type };
  const path = ["response_format", "json_schema"];
  const schema = raw.json_schema;
  if (!isSet(schema)) throw missing(path);
  if (!isRecord(schema)) throw invalid(path, "json_schema must be an object");
  collectUnknown(schema, SCHEMA_KEYS, path, ext); // `description` has no IR home
  const format: ResponseFormat = {
    type: "json_schema",
    name: stringAt(schema, "name", path),
    schema: schema.schema,
  };
  if (isSet(schema.strict)) {
    if (typeof schema.strict !== "boolean") throw invalid([...path, "strict"], "strict must be a boolean");
    format.strict = schema.strict;
  }
  return format;
}

const MIN_BUDGET = 1024;

function decodeReasoningEffort(raw: unknown, maxOutputTokens: number | undefined): ThinkingConfig {
  if (raw === "none") return { type: "disabled" };
  const budget = typeof raw === "string" ? REASONING_BUDGETS[raw] : undefined;
  if (budget === undefined) {
    throw invalid(
      ["reasoning_effort"],
      "reasoning_effort must be one of none, minimal, low, medium, high, xhigh",
    );
  }
  if (maxOutputTokens === undefined) return { type: "enabled", budgetTokens: budget };
  const fitted = Math.min(budget, Math.max(MIN_BUDGET, Math.floor(maxOutputTokens / 2)));
  return { type: "enabled", budgetTokens: fitted };
}

/** Maps a validated Chat Completions body to the IR; throws OVT_ERR_REQ_* / OVT_ERR_TRANSLATE_UNSUPPORTED. */
export function decodeChatRequest(body: ChatRequest): IrRequest {
  const raw: Record<string, unknown> = body;
  if (isSet(raw.functions)) throw unsupported(["functions"], "functions", LEGACY);
  if (isSet(raw.function_call)) throw unsupported(["function_call"], "function_call", LEGACY);
  const extensions: Record<string, unknown> = {};
  collectUnknown(raw, TOP_KEYS, [], extensions);
  if (isRecord(raw.stream_options)) {
    collectUnknown(raw.stream_options, STREAM_OPTION_KEYS, ["stream_options"], extensions);
  }
  const { system, messages } = decodeMessages(body.messages, extensions);
  const tools = (body.tools ?? []).map((t, i) => decodeTool(t, ["tools", i], extensions));

  const ir: IrRequest = {
    model: body.model,
    system,
    messages,
    tools,
    stop: typeof body.stop === "string" ? [body.stop] : [...(body.stop ?? [])],
    stream: body.stream === true,
    dialect: DIALECT,
    extensions,
  };
  if (isSet(body.tool_choice)) ir.toolChoice = decodeToolChoice(body.tool_choice);
  if (isSet(body.parallel_tool_calls)) ir.parallelToolCalls = body.parallel_tool_calls;
  // As the codec's parse(): max_completion_tokens (current) wins over max_tokens (deprecated).
  const maxTokens = body.max_completion_tokens ?? body.max_tokens;
  if (isSet(maxTokens)) ir.maxOutputTokens = maxTokens;
  if (isSet(body.temperature)) ir.temperature = body.temperature;
  if (isSet(body.top_p)) ir.topP = body.top_p;
  if (isSet(body.seed)) ir.seed = body.seed;
  if (isSet(body.n)) ir.n = body.n;
  if (isSet(body.logprobs)) ir.logprobs = body.logprobs;
  if (isSet(body.top_logprobs)) ir.topLogprobs = body.top_logprobs;
  if (isSet(body.response_format)) ir.responseFormat = decodeResponseFormat(body.response_format, extensions);
  if (isSet(raw.reasoning_effort))
    ir.thinking = decodeReasoningEffort(raw.reasoning_effort, ir.maxOutputTokens);
  if (isSet(body.user)) ir.user = body.user;
  return ir;
}
