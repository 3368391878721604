/**
 * IR request → Anthropic Messages request body, for a client of another dialect
 * (OpenAI Chat via the IR) reaching an Anthropic-dialect upstream. Reference:
 * https://docs.claude.com/en/api/messages
 *
 * A translation is lossless or loud (DESIGN §4): each field is mapped, refused
 * with OVT_ERR_TRANSLATE_UNSUPPORTED, or named in `transformations`. Labels:
 * `dropped:`, `defaulted:`, `converted:`, `merged:`, `moved:`, `inserted:`.
 *
 * - `max_tokens` is required by Anthropic: without one in the IR it is
 *   DEFAULT_MAX_TOKENS (4096, what every Claude model can produce and the common
 *   gateway default) plus the thinking budget, recorded as `defaulted:max_tokens`.
 * - `temperature` above 1 (OpenAI allows up to 2) is refused: Anthropic's range
 *   is 0–1 and neither clamping nor rescaling keeps the client's meaning.
 * - `n` > 1, `logprobs` and `top_logprobs` are refused: Anthropic returns one
 *   choice and no token probabilities.
 * - `response_format` json_schema → `output_config.format` (structured outputs);
 *   its name has no Anthropic field (`dropped:response_format.name`), and
 *   `strict: false` becomes enforced (`converted:response_format.strict`).
 *   json_object is refused: Anthropic has no "any JSON" mode, and emulating it
 *   with a prompt or a tool would change the conversation behind the client's back.
 * - `seed` is dropped (`dropped:seed`): Anthropic has no seeded sampling.
 * - Server (built-in) tools are refused: their result blocks have no IR form
 *   to bring back.
 * - Extension fields of the client dialect are dropped and named
 *   (`dropped:<field>`); from an Anthropic-dialect client, top-level ones are forwarded.
 */
import type { IrRequest, ThinkingConfig, ToolChoice } from "../../ir/request.js";
import { refuse, Transforms } from "./translate-common.js";
import { type AnthropicBlock, cacheOf, encodeConversation } from "./translate-messages.js";

export const DEFAULT_MAX_TOKENS = 4096;
/** Anthropic's documented minimum `thinking.budget_tokens`, used when the IR enables thinking without a budget. */
export const MIN_THINKING_BUDGET = 1024;
const DIALECT = "anthropic-messages";

export interface MessagesTranslateOptions {
  /** `max_tokens` when the IR has none (plus any thinking budget). Default DEFAULT_MAX_TOKENS. */
  defaultMaxTokens?: number;
  /**
   * A conversation that opens with an assistant turn: `insert_user` (default)
   * puts a "." user turn before it, for Bedrock and compatible servers that
   * refuse it; `keep` sends it as is (Anthropic's own API accepts it).
   */
  leadingAssistant?: "insert_user" | "keep";
}

export interface MessagesTranslation {
  body: Record<string, unknown>;
  transformations: string[];
}

function toolChoice(choice: ToolChoice): Record<string, unknown> {
  switch (choice.type) {
    case "auto":
    case "none":
      return { type: choice.type };
    case "required":
      return { type: "any" };
    case "tool":
      return { type: "tool", name: choice.name };
  }
}

function tools(ir: IrRequest, body: Record<string, unknown>, t: Transforms): void {
  if (ir.tools.length === 0) {
    if (ir.toolChoice && ir.toolChoice.type !== "none" && ir.toolChoice.type !== "auto") {
      throw refuse("tool_choice", `tool_choice '${ir.toolChoice.type}'`, "the request defines no tools");
    }
    if (ir.toolChoice) t.add("dropped:tool_choice");
    if (ir.parallelToolCalls !== undefined) t.add("dropped:parallel_tool_calls");
    return;
  }
  body.tools = ir.tools.map((tool, i) => {
    if (tool.builtin) {
      throw refuse(
        `tools.${i}`,
        `Server tool '${tool.builtin.type}'`,
        "its result blocks cannot be translated back to the client's dialect",
      );
    }
    return {
      name: tool.name,
      ...(tool.description !== undefined ? { description: tool.description } : {}),
      input_schema: tool.inputSchema ?? { type: "object", properties: {} },
      ...(tool.strict !== undefined ? { strict: tool.strict } : {}),
      ...cacheOf(tool.cacheControl),
    };
  });
  const choice: Record<string, unknown> | undefined = ir.toolChoice ? toolChoice(ir.toolChoice) : undefined;
  // Anthropic's default is auto; "only one tool call" lives on tool_choice. With `none` it is moot.
  if (ir.parallelToolCalls === false && choice?.type !== "none") {
    body.tool_choice = { ...(choice ?? { type: "auto" }), disable_parallel_tool_use: true };
  } else if (choice) {
    body.tool_choice = choice;
  }
}

function thinking(config: ThinkingConfig, t: Transforms): Record<string, unknown> {
  const display = config.display !== undefined ? { display: config.display } : {};
  switch (config.type) {
    case "disabled":
      if (config.budgetTokens !== undefined) t.add("dropped:thinking.budget_tokens");
      if (config.display !== undefined) t.add("dropped:thinking.display");
      return { type: "disabled" };
    case "adaptive":
      if (config.budgetTokens !== undefined) t.add("dropped:thinking.budget_tokens");
      return { type: "adaptive", ...display };
    case "enabled":
      if (config.budgetTokens === undefined) t.add("defaulted:thinking.budget_tokens");
      return { type: "enabled", budget_tokens: config.budgetTokens ?? MIN_THINKING_BUDGET, ...display };
  }
}

function sampling(ir: IrRequest, body: Record<string, unknown>, t: Transforms): void {
  if (ir.temperature !== undefined) {
    if (ir.temperature < 0 || ir.temperature > 1) {
      throw refuse(
        "temperature",
        `temperature ${ir.temperature}`,
        "Anthropic accepts 0–1, and the relay neither clamps nor rescales it",
      );
    }
    body.temperature = ir.temperature;
  }
  if (ir.topP !== undefined) body.top_p = ir.topP;
  if (ir.topK !== undefined) body.top_k = ir.topK;
  if (ir.stop.length > 0) body.stop_sequences = [...ir.stop];
  if (ir.seed !== undefined) t.add("dropped:seed");
  if (ir.n !== undefined && ir.n > 1) {
    throw refuse("n", `n=${ir.n}`, "Anthropic returns exactly one choice per request");
  }
  if (ir.logprobs === true) throw refuse("logprobs", "logprobs", "Anthropic returns no token probabilities");
  if (ir.topLogprobs !== undefined && ir.topLogprobs > 0) {
    throw refuse("top_logprobs", "top_logprobs", "Anthropic returns no token probabilities");
  }
}

function responseFormat(ir: IrRequest, body: Record<string, unknown>, t: Transforms): void {
  const format = ir.responseFormat;
  if (format === undefined || format.type === "text") return;
  if (format.type === "json_object") {
    throw refuse(
      "response_format",
      "response_format 'json_object'",
      "Anthropic has no schemaless JSON mode; send a json_schema instead",
    );
  }
  t.add("dropped:response_format.name");
  if (format.strict === false) t.add("converted:response_format.strict");
  body.output_config = { format: { type: "json_schema", schema: format.schema } };
}

/** Builds the upstream body for `upstreamModel`; throws OVT_ERR_TRANSLATE_UNSUPPORTED for what cannot be sent. */
export function encodeMessagesRequest(
  ir: IrRequest,
  upstreamModel: string,
  options: MessagesTranslateOptions = {},
): MessagesTranslation {
  const t = new Transforms();
  const { system, turns } = encodeConversation(
    ir,
    { leadingAssistant: options.leadingAssistant ?? "insert_user" },
    t,
  );
  const thinkingConfig = ir.thinking ? thinking(ir.thinking, t) : undefined;
  const budget = typeof thinkingConfig?.budget_tokens === "number" ? thinkingConfig.budget_tokens : 0;
  if (ir.maxOutputTokens === undefined) t.add("defaulted:max_tokens");
  const body: Record<string, unknown> = {
    model: upstreamModel,
    max_tokens: ir.maxOutputTokens ?? (options.defaultMaxTokens ?? DEFAULT_MAX_TOKENS) + budget,
  };
  if (system.length > 0) body.system = systemField(system);
  body.messages = turns;
  tools(ir, body, t);
  if (thinkingConfig) body.thinking = thinkingConfig;
  sampling(ir, body, t);
  responseFormat(ir, body, t);
  if (ir.user !== undefined) body.metadata = { user_id: ir.user };
  if (ir.stream) body.stream = true;
  for (const [key, value] of Object.entries(ir.extensions)) {
    if (ir.dialect === DIALECT && !key.includes(".") && !Object.hasOwn(body, key)) body[key] = value;
    else t.add(`dropped:${key}`);
  }
  return { body, transformations: t.list() };
}

/** One uncached text block is sent as a plain string; anything else as blocks (cache marks need blocks). */
function systemField(system: AnthropicBlock[]): string | AnthropicBlock[] {
  const only = system[0];
  if (system.length === 1 && only && only.cache_control === undefined && typeof only.text === "string") {
    return only.text;
  }
  return system;
}
