/**
 * IR request → OpenAI Chat Completions request body, for OpenAI and every
 * OpenAI-dialect upstream (DeepSeek, Qwen, GLM, Kimi, …). Reference:
 * https://platform.openai.com/docs/api-reference/chat/create
 *
 * A translation is lossless or loud (DESIGN §4): each field is mapped, refused
 * with OVT_ERR_TRANSLATE_UNSUPPORTED, or named in `transformations` (which the
 * receipt's `transform` field records). Labels: `dropped:<what>`,
 * `converted:<what>`, `joined:<what>`, `moved:<what>`.
 */
import { OvertError } from "../../errors/overt-error.js";
import type { IrRequest, ToolChoice } from "../../ir/request.js";
import { chatMessages, Transforms } from "./translate-messages.js";

export interface ChatTranslateOptions {
  /**
   * Where the output limit goes. Default `max_tokens`: every OpenAI-compatible
   * server accepts it (DeepSeek, Qwen, GLM, Kimi, vLLM, Ollama), while several
   * reject or ignore `max_completion_tokens`. OpenAI deprecated `max_tokens` and
   * refuses it for its reasoning models (o-series, gpt-5): descriptors for those
   * set `max_completion_tokens`. Both count reasoning tokens, as Anthropic's
   * `max_tokens` counts thinking.
   */
  maxTokensField?: "max_tokens" | "max_completion_tokens";
  /**
   * What thinking blocks in the history become. Default `drop` (recorded as
   * `dropped:thinking_history`). `reasoning_content` puts their text on the
   * assistant message, which DeepSeek's thinking mode requires back after tool calls.
   */
  reasoningHistory?: "drop" | "reasoning_content";
  /**
   * How a thinking config is sent. Default `none` (recorded as
   * `dropped:thinking_config`); `thinking_object` sends DeepSeek's
   * `thinking: {type: "enabled" | "disabled"}`.
   */
  thinkingParam?: "none" | "thinking_object";
  /** How usage is obtained on streams (the descriptor's quirks.streamUsage). Default `stream_options`. */
  streamUsage?: "stream_options" | "always" | "none";
  /** The most stop sequences the upstream accepts. Default 4 (OpenAI's limit). */
  maxStopSequences?: number;
}

export interface ChatTranslation {
  body: Record<string, unknown>;
  transformations: string[];
}

function refuse(param: string, feature: string, detail: string): OvertError {
  return new OvertError("OVT_ERR_TRANSLATE_UNSUPPORTED", { feature, detail }, { param });
}

function toolChoice(choice: ToolChoice): unknown {
  switch (choice.type) {
    case "auto":
    case "none":
    case "required":
      return choice.type;
    case "tool":
      return { type: "function", function: { name: choice.name } };
  }
}

function tools(ir: IrRequest, t: Transforms): Record<string, unknown>[] {
  return ir.tools.map((tool, i) => {
    if (tool.builtin) {
      throw refuse(
        `tools.${i}`,
        `Server tool '${tool.builtin.type}'`,
        "it runs only on its provider's own servers",
      );
    }
    if (tool.cacheControl) t.add("dropped:cache_control");
    const fn: Record<string, unknown> = { name: tool.name };
    if (tool.description !== undefined) fn.description = tool.description;
    fn.parameters = tool.inputSchema ?? { type: "object", properties: {} };
    if (tool.strict !== undefined) fn.strict = tool.strict;
    return { type: "function", function: fn };
  });
}

function thinking(
  ir: IrRequest,
  body: Record<string, unknown>,
  mode: "none" | "thinking_object",
  t: Transforms,
): void {
  const config = ir.thinking;
  if (!config) return;
  if (mode === "none") {
    if (config.type !== "disabled") t.add("dropped:thinking_config");
    return;
  }
  body.thinking = { type: config.type === "disabled" ? "disabled" : "enabled" };
  if (config.type === "adaptive") t.add("converted:thinking.adaptive_to_enabled");
  if (config.budgetTokens !== undefined) t.add("dropped:thinking.budget_tokens");
  if (config.display !== undefined) t.add("dropped:thinking.display");
}

function responseFormat(ir: IrRequest): unknown {
  const format = ir.responseFormat;
  if (format?.type !== "json_schema") return format;
  const schema: Record<string, unknown> = { name: format.name, schema: format.schema };
  if (format.strict !== undefined) schema.strict = format.strict;
  return { type: "json_schema", json_schema: schema };
}

/** Builds the upstream body for `upstreamModel`; throws OVT_ERR_TRANSLATE_UNSUPPORTED for what cannot be sent. */
export function encodeChatCompletionsRequest(
  ir: IrRequest,
  upstreamModel: string,
  options: ChatTranslateOptions = {},
): ChatTranslation {
  const t = new Transforms();
  const body: Record<string, unknown> = {
    model: upstreamModel,
    messages: chatMessages(ir, { reasoningHistory: options.reasoningHistory ?? "drop" }, t),
  };
  if (ir.maxOutputTokens !== undefined) body[options.maxTokensField ?? "max_tokens"] = ir.maxOutputTokens;
  if (ir.temperature !== undefined) body.temperature = ir.temperature;
  if (ir.topP !== undefined) body.top_p = ir.topP;
  if (ir.topK !== undefined) t.add("dropped:top_k");
  if (ir.stop.length > 0) {
    const max = options.maxStopSequences ?? 4;
    if (ir.stop.length > max) {
      throw refuse(
        "stop_sequences",
        `${ir.stop.length} stop sequences`,
        `the upstream accepts at most ${max}`,
      );
    }
    body.stop = [...ir.stop];
  }
  if (ir.seed !== undefined) body.seed = ir.seed;
  if (ir.n !== undefined) body.n = ir.n;
  if (ir.logprobs !== undefined) body.logprobs = ir.logprobs;
  if (ir.topLogprobs !== undefined) body.top_logprobs = ir.topLogprobs;
  const format = responseFormat(ir);
  if (format !== undefined) body.response_format = format;
  if (ir.tools.length > 0) {
    body.tools = tools(ir, t);
    if (ir.toolChoice) body.tool_choice = toolChoice(ir.toolChoice);
    if (ir.parallelToolCalls !== undefined) body.parallel_tool_calls = ir.parallelToolCalls;
  } else {
    if (ir.toolChoice && ir.toolChoice.type !== "none" && ir.toolChoice.type !== "auto") {
      throw refuse("tool_choice", `tool_choice '${ir.toolChoice.type}'`, "the request defines no tools");
    }
    if (ir.toolChoice) t.add("dropped:tool_choice");
    if (ir.parallelToolCalls !== undefined) t.add("dropped:parallel_tool_calls");
  }
  thinking(ir, body, options.thinkingParam ?? "none", t);
  if (ir.user !== undefined) body.user = ir.user;
  if (ir.stream) {
    body.stream = true;
    if ((options.streamUsage ?? "stream_options") === "stream_options")
      body.stream_options = { include_usage: true };
  }
  for (const [key, value] of Object.entries(ir.extensions)) {
    if (ir.dialect === "openai-chat" && !Object.hasOwn(body, key)) body[key] = value;
    else t.add(`dropped:${key}`);
  }
  return { body, transformations: t.list() };
}
