/**
 * IR request → Bedrock Converse request body, for a client of any dialect
 * reaching Claude, Llama, Nova… on Amazon Bedrock. Reference:
 * https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_Converse.html
 *
 * A translation is lossless or loud (DESIGN §4): each field is mapped, refused
 * with OVT_ERR_TRANSLATE_UNSUPPORTED, or named in `transformations`.
 * The model id and streaming are in the URL (`/model/{modelId}/converse` or
 * `/converse-stream`, see conversePath), never in the body. Beyond the
 * conversation (translate-messages.ts):
 * - sampling → `inferenceConfig` {maxTokens, temperature, topP, stopSequences};
 * - top_k → `additionalModelRequestFields`: `top_k` for Anthropic models,
 *   `inferenceConfig.topK` for Amazon Nova; refused for other families;
 * - thinking (Anthropic models only) → `additionalModelRequestFields.thinking`
 *   ({type: "enabled", budget_tokens} or {type: "adaptive"}); disabled is the
 *   default and sends nothing; on other families enabled/adaptive is refused;
 * - tools → `toolConfig.tools[].toolSpec {name, description, inputSchema: {json}}`,
 *   a cache mark → a `cachePoint` after the tool; `strict` has no field
 *   (`dropped:tool.strict`); server (built-in) tools are refused;
 * - tool choice → `toolConfig.toolChoice` {auto: {}} | {any: {}} | {tool: {name}};
 *   Converse has no "none": with no tool blocks in the history the tools are
 *   left out (`converted:tool_choice_none_to_no_tools`), else it is refused;
 * - n > 1, logprobs, top_logprobs and response_format json_object/json_schema
 *   are refused (one choice, no probabilities, no structured output switch);
 *   seed, user and parallel_tool_calls have no field (`dropped:`…), nor do
 *   client-dialect extension fields (`dropped:<field>`).
 */
import type { IrRequest } from "../../ir/request.js";
import { refuse, Transforms } from "./common.js";
import { CACHE_POINT, encodeConversation } from "./translate-messages.js";

export interface ConverseTranslation {
  body: Record<string, unknown>;
  transformations: string[];
}

/** The request path: `/model/{modelId}/converse` or `/model/{modelId}/converse-stream` (model id URL-encoded). */
export function conversePath(modelId: string, stream: boolean): string {
  return `/model/${encodeURIComponent(modelId)}/${stream ? "converse-stream" : "converse"}`;
}

/** Anthropic's models on Bedrock, including cross-region inference profiles (`us.anthropic.…`). */
export function isAnthropicModel(modelId: string): boolean {
  return /^(?:[a-z]{2,4}\.)?anthropic\./.test(modelId) || modelId.includes("anthropic.claude");
}

function isNovaModel(modelId: string): boolean {
  return /^(?:[a-z]{2,4}\.)?amazon\.nova/.test(modelId);
}

function inferenceConfig(ir: IrRequest): Record<string, unknown> {
  const c: Record<string, unknown> = {};
  if (ir.maxOutputTokens !== undefined) c.maxTokens = ir.maxOutputTokens;
  if (ir.temperature !== undefined) c.temperature = ir.temperature;
  if (ir.topP !== undefined) c.topP = ir.topP;
  if (ir.stop.length > 0) c.stopSequences = [...ir.stop];
  return c;
}

function additionalFields(ir: IrRequest, modelId: string): Record<string, unknown> {
  const extra: Record<string, unknown> = {};
  const anthropic = isAnthropicModel(modelId);
  if (ir.topK !== undefined) {
    if (anthropic) extra.top_k = ir.topK;
    else if (isNovaModel(modelId)) extra.inferenceConfig = { topK: ir.topK };
    else throw refuse("top_k", "top_k", `Converse has no top_k for '${modelId}'`);
  }
  const thinking = ir.thinking;
  if (thinking && thinking.type !== "disabled") {
    if (!anthropic) throw refuse("thinking", "Extended thinking", `not available for '${modelId}' here`);
    if (thinking.type === "adaptive") extra.thinking = { type: "adaptive" };
    else extra.thinking = { type: "enabled", budget_tokens: thinking.budgetTokens ?? 1024 };
  }
  return extra;
}

function hasToolBlocks(ir: IrRequest): boolean {
  return ir.messages.some((m) => m.content.some((b) => b.type === "tool_use" || b.type === "tool_result"));
}

function toolConfig(ir: IrRequest, t: Transforms): Record<string, unknown> | undefined {
  if (ir.parallelToolCalls !== undefined) t.add("dropped:parallel_tool_calls");
  const choice = ir.toolChoice;
  if (ir.tools.length === 0) {
    if (choice && choice.type !== "none" && choice.type !== "auto") {
      throw refuse("tool_choice", `tool_choice '${choice.type}'`, "the request defines no tools");
    }
    if (choice) t.add("dropped:tool_choice");
    return undefined;
  }
  if (choice?.type === "none") {
    if (hasToolBlocks(ir)) {
      throw refuse(
        "tool_choice",
        "tool_choice 'none'",
        "Converse has no 'none' and the history has tool calls",
      );
    }
    t.add("converted:tool_choice_none_to_no_tools");
    return undefined;
  }
  const tools: Record<string, unknown>[] = [];
  ir.tools.forEach((tool, i) => {
    if (tool.builtin) {
      throw refuse(
        `tools.${i}`,
        `Server tool '${tool.builtin.type}'`,
        "it runs only on its provider's servers",
      );
    }
    if (tool.strict !== undefined) t.add("dropped:tool.strict");
    tools.push({
      toolSpec: {
        name: tool.name,
        ...(tool.description !== undefined ? { description: tool.description } : {}),
        inputSchema: { json: tool.inputSchema ?? { type: "object", properties: {} } },
      },
    });
    if (tool.cacheControl) {
      if (tool.cacheControl.ttl !== undefined) t.add("dropped:cache_control.ttl");
      t.add("converted:cache_control");
      tools.push({ ...CACHE_POINT });
    }
  });
  const config: Record<string, unknown> = { tools };
  if (choice?.type === "auto") config.toolChoice = { auto: {} };
  if (choice?.type === "required") config.toolChoice = { any: {} };
  if (choice?.type === "tool") config.toolChoice = { tool: { name: choice.name } };
  return config;
}

function refusals(ir: IrRequest, t: Transforms): void {
  if (ir.n !== undefined && ir.n > 1) throw refuse("n", `n=${ir.n}`, "Converse returns one choice");
  if (ir.logprobs === true) throw refuse("logprobs", "logprobs", "Converse returns no token probabilities");
  if (ir.topLogprobs !== undefined && ir.topLogprobs > 0) {
    throw refuse("top_logprobs", "top_logprobs", "Converse returns no token probabilities");
  }
  const format = ir.responseFormat;
  if (format && format.type !== "text") {
    throw refuse("response_format", `response_format '${format.type}'`, "Converse has no JSON output mode");
  }
  if (ir.seed !== undefined) t.add("dropped:seed");
  if (ir.user !== undefined) t.add("dropped:user");
}

/** Builds the Converse body for `modelId`; throws OVT_ERR_TRANSLATE_UNSUPPORTED for what cannot be sent. */
export function encodeConverseRequest(ir: IrRequest, modelId: string): ConverseTranslation {
  const t = new Transforms();
  refusals(ir, t);
  const { system, turns } = encodeConversation(ir, t);
  const body: Record<string, unknown> = { messages: turns };
  if (system.length > 0) body.system = system;
  const inference = inferenceConfig(ir);
  if (Object.keys(inference).length > 0) body.inferenceConfig = inference;
  const tools = toolConfig(ir, t);
  if (tools) body.toolConfig = tools;
  const extra = additionalFields(ir, modelId);
  if (Object.keys(extra).length > 0) body.additionalModelRequestFields = extra;
  for (const key of Object.keys(ir.extensions)) t.add(`dropped:${key}`);
  return { body, transformations: t.list() };
}
