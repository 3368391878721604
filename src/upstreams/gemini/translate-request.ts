/**
 * IR request → Gemini API `GenerateContentRequest` body, for a client of another
 * dialect reaching Gemini (AI Studio). Reference:
 * https://ai.google.dev/api/generate-content#request-body
 *
 * A translation is lossless or loud (DESIGN §4): each field is mapped, refused
 * with OVT_ERR_TRANSLATE_UNSUPPORTED, or named in `transformations`. Labels:
 * `dropped:`, `converted:`, `merged:`, `moved:`, `joined:`, `inferred:`, `inserted:`.
 *
 * The model and streaming are in the URL, not the body (geminiPath). Beyond
 * contents (translate-contents.ts):
 * - tools → one `functionDeclarations` tool, schemas as `parametersJsonSchema`
 *   (JSON Schema, as the IR holds them); `strict` has no Gemini field
 *   (`dropped:tool.strict`); server (built-in) tools are refused.
 * - tool choice → `toolConfig.functionCallingConfig`: auto → AUTO, none → NONE,
 *   required → ANY, one tool → ANY with `allowedFunctionNames: [name]`.
 *   `parallel_tool_calls` has no Gemini switch (`dropped:parallel_tool_calls`).
 * - sampling and limits → `generationConfig` (temperature, topP, topK,
 *   maxOutputTokens, stopSequences (at most 5), candidateCount from n, seed);
 *   `logprobs` / `top_logprobs` are refused: Gemini's logprobsResult has no IR
 *   event to come back in. `user` has no Gemini field (`dropped:user`).
 * - response format → `responseMimeType: application/json` (+ `responseJsonSchema`);
 *   the schema's name has no field (`dropped:response_format.name`) and Gemini
 *   always enforces it (`converted:response_format.strict` for strict: false).
 * - thinking → thinkingConfig: see thinkingConfig below.
 * - Extension fields of a Gemini-dialect client are forwarded where they came
 *   from (top-level keys, `generationConfig.*`, `generationConfig.thinkingConfig.*`,
 *   `toolConfig.*`) unless the translation set them (and never `store`);
 *   everything else is dropped and named (`dropped:<field>`).
 */
import type { IrRequest, ThinkingConfig, ToolChoice } from "../../ir/request.js";
import { isRecord, refuse, Transforms } from "./common.js";
import { encodeContents } from "./translate-contents.js";

const DIALECT = "gemini";
/** Extensions never forwarded: `store` would let a client opt into retention upstream (DESIGN §5). */
const NEVER_FORWARD: ReadonlySet<string> = new Set(["store", "cachedContent"]);
/** Gemini accepts at most five stop sequences. */
export const MAX_STOP_SEQUENCES = 5;

export interface GenerateContentTranslation {
  body: Record<string, unknown>;
  transformations: string[];
}

/** The request path under the API root: `/v1beta/models/{model}:generateContent` or its SSE stream. */
export function geminiPath(upstreamModel: string, stream: boolean): string {
  const model = encodeURIComponent(upstreamModel.replace(/^models\//, ""));
  return stream
    ? `/v1beta/models/${model}:streamGenerateContent?alt=sse`
    : `/v1beta/models/${model}:generateContent`;
}

function callingConfig(choice: ToolChoice): Record<string, unknown> {
  switch (choice.type) {
    case "auto":
      return { mode: "AUTO" };
    case "none":
      return { mode: "NONE" };
    case "required":
      return { mode: "ANY" };
    case "tool":
      return { mode: "ANY", allowedFunctionNames: [choice.name] };
  }
}

function tools(ir: IrRequest, body: Record<string, unknown>, t: Transforms): void {
  if (ir.parallelToolCalls !== undefined) t.add("dropped:parallel_tool_calls");
  if (ir.tools.length === 0) {
    if (ir.toolChoice && ir.toolChoice.type !== "none" && ir.toolChoice.type !== "auto") {
      throw refuse("tool_choice", `tool_choice '${ir.toolChoice.type}'`, "the request defines no tools");
    }
    if (ir.toolChoice) t.add("dropped:tool_choice");
    return;
  }
  const declarations = ir.tools.map((tool, i) => {
    if (tool.builtin) {
      throw refuse(
        `tools.${i}`,
        `Server tool '${tool.builtin.type}'`,
        "it runs only on its provider's own servers",
      );
    }
    if (tool.cacheControl) t.add("dropped:cache_control");
    if (tool.strict !== undefined) t.add("dropped:tool.strict");
    return {
      name: tool.name,
      ...(tool.description !== undefined ? { description: tool.description } : {}),
      parametersJsonSchema: tool.inputSchema ?? { type: "object", properties: {} },
    };
  });
  body.tools = [{ functionDeclarations: declarations }];
  if (ir.toolChoice) body.toolConfig = { functionCallingConfig: callingConfig(ir.toolChoice) };
}

/** Gemini 1.x/2.x models take a token budget; Gemini 3 and later a thinking level (Gemini 4 refuses budgets). */
function takesBudget(model: string): boolean {
  return /^(models\/)?gemini-[12]\./.test(model);
}

/**
 * IR thinking → `thinkingConfig`. `includeThoughts` follows the display
 * (thought summaries unless "omitted"). For budget models (Gemini 2.x):
 * disabled → budget 0, adaptive → -1 (dynamic), enabled → the budget.
 * For level models (Gemini 3 and later, which think at a level, not to a
 * budget, and cannot turn thinking off): adaptive → the model's default level;
 * disabled → "low", the lowest every such model takes
 * (`converted:thinking.disabled_to_low`); a budget → "low" up to 2048 tokens,
 * "medium" up to 8192, "high" above (`converted:thinking.budget_to_level`;
 * these are the budgets the OpenAI codec gives reasoning efforts).
 */
function thinkingConfig(config: ThinkingConfig, model: string, t: Transforms): Record<string, unknown> {
  const include = config.type !== "disabled" && config.display !== "omitted" ? { includeThoughts: true } : {};
  if (config.type === "disabled" && config.display !== undefined) t.add("dropped:thinking.display");
  if (takesBudget(model)) {
    if (config.type !== "enabled" && config.budgetTokens !== undefined)
      t.add("dropped:thinking.budget_tokens");
    const budget =
      config.type === "disabled" ? 0 : config.type === "adaptive" ? -1 : (config.budgetTokens ?? -1);
    if (config.type === "enabled" && config.budgetTokens === undefined)
      t.add("converted:thinking.enabled_to_dynamic");
    return { thinkingBudget: budget, ...include };
  }
  if (config.type === "disabled") {
    t.add("converted:thinking.disabled_to_low");
    return { thinkingLevel: "low" };
  }
  if (config.type === "adaptive" || config.budgetTokens === undefined) {
    if (config.budgetTokens !== undefined) t.add("dropped:thinking.budget_tokens");
    return { ...include };
  }
  t.add("converted:thinking.budget_to_level");
  const level = config.budgetTokens <= 2048 ? "low" : config.budgetTokens <= 8192 ? "medium" : "high";
  return { thinkingLevel: level, ...include };
}

function generationConfig(ir: IrRequest, model: string, t: Transforms): Record<string, unknown> {
  const g: Record<string, unknown> = {};
  if (ir.temperature !== undefined) g.temperature = ir.temperature;
  if (ir.topP !== undefined) g.topP = ir.topP;
  if (ir.topK !== undefined) g.topK = ir.topK;
  if (ir.maxOutputTokens !== undefined) g.maxOutputTokens = ir.maxOutputTokens;
  if (ir.stop.length > MAX_STOP_SEQUENCES) {
    throw refuse("stop", `${ir.stop.length} stop sequences`, `Gemini accepts at most ${MAX_STOP_SEQUENCES}`);
  }
  if (ir.stop.length > 0) g.stopSequences = [...ir.stop];
  if (ir.n !== undefined && ir.n > 1) g.candidateCount = ir.n;
  if (ir.seed !== undefined) g.seed = ir.seed;
  if (ir.logprobs === true) {
    throw refuse(
      "logprobs",
      "logprobs",
      "Gemini's token probabilities cannot be returned through the translation",
    );
  }
  if (ir.topLogprobs !== undefined && ir.topLogprobs > 0) {
    throw refuse(
      "top_logprobs",
      "top_logprobs",
      "Gemini's token probabilities cannot be returned through the translation",
    );
  }
  const format = ir.responseFormat;
  if (format?.type === "json_object") g.responseMimeType = "application/json";
  if (format?.type === "json_schema") {
    t.add("dropped:response_format.name");
    if (format.strict === false) t.add("converted:response_format.strict");
    g.responseMimeType = "application/json";
    g.responseJsonSchema = format.schema;
  }
  if (ir.thinking) g.thinkingConfig = thinkingConfig(ir.thinking, model, t);
  return g;
}

/** Puts a Gemini-dialect extension back where it came from, if the translation left that place free. */
function forward(body: Record<string, unknown>, key: string, value: unknown): boolean {
  if (NEVER_FORWARD.has(key)) return false;
  const path = key.split(".");
  if (path.some((segment) => !/^[A-Za-z_]+$/.test(segment))) return false;
  const [head, ...rest] = path;
  const allowed =
    rest.length === 0 ||
    (rest.length === 1 && (head === "generationConfig" || head === "toolConfig")) ||
    (rest.length === 2 && head === "generationConfig" && rest[0] === "thinkingConfig");
  if (!allowed || head === undefined) return false;
  let target = body;
  for (const segment of [head, ...rest].slice(0, -1)) {
    const next = target[segment] ?? {};
    if (!isRecord(next)) return false;
    target[segment] = next;
    target = next;
  }
  const leaf = path.at(-1) ?? head;
  if (Object.hasOwn(target, leaf)) return false;
  target[leaf] = value;
  return true;
}

/** Builds the upstream body for `upstreamModel`; throws OVT_ERR_TRANSLATE_UNSUPPORTED for what cannot be sent. */
export function encodeGenerateContentRequest(
  ir: IrRequest,
  upstreamModel: string,
): GenerateContentTranslation {
  const t = new Transforms();
  const { system, contents } = encodeContents(ir, t);
  const body: Record<string, unknown> = { contents };
  if (system.length > 0) body.systemInstruction = { parts: system };
  tools(ir, body, t);
  const generation = generationConfig(ir, upstreamModel, t);
  if (Object.keys(generation).length > 0) body.generationConfig = generation;
  if (ir.user !== undefined) t.add("dropped:user");
  for (const [key, value] of Object.entries(ir.extensions)) {
    if (!(ir.dialect === DIALECT && forward(body, key, value))) t.add(`dropped:${key}`);
  }
  return { body, transformations: t.list() };
}
