/**
 * Decodes an Anthropic Messages request (`POST /v1/messages`, as Claude Code and
 * @anthropic-ai/sdk send it) into the IR. Reference:
 * https://docs.claude.com/en/api/messages
 *
 * Validation answers 400 with `param` in Anthropic's dotted form
 * (`messages.0.content.1.type`). Every field lands somewhere: mapped into the IR,
 * kept in `extensions` (top-level fields under their name, nested ones under
 * their dotted path), or refused — never silently dropped.
 */
import { z } from "zod";
import { OvertError } from "../../errors/overt-error.js";
import type { IrRequest, Message, ThinkingConfig, ToolChoice, ToolDefinition } from "../../ir/request.js";
import { decodeContent } from "./blocks.js";
import { collectUnknown, invalid, isRecord, missing, type Path, parse, unsupported } from "./schema.js";

export const DIALECT = "anthropic-messages";

export const LIMITS = Object.freeze({ messages: 100_000, tools: 1_000, maxTokens: 10_000_000 });

/** Body fields that would steer the relay's egress or credentials (catalogue B9), as in the OpenAI codec. */
const FORBIDDEN = ["api_base", "base_url", "api_key", "api_version", "extra_headers", "headers"];

const TOP_KEYS = new Set([
  "model",
  "max_tokens",
  "messages",
  "system",
  "temperature",
  "top_p",
  "top_k",
  "stop_sequences",
  "stream",
  "metadata",
  "tools",
  "tool_choice",
  "thinking",
]);
const MESSAGE_KEYS = new Set(["role", "content"]);
const TOOL_KEYS = new Set(["type", "name", "description", "input_schema", "cache_control", "strict"]);
const THINKING_KEYS = new Set(["type", "budget_tokens", "display"]);
const TOOL_CHOICE_KEYS = new Set(["type", "name", "disable_parallel_tool_use"]);

const str = z.string({ error: "must be a string" });
const nonEmpty = str.min(1, { error: "must not be empty" });
const int = (min: number, max: number) =>
  z
    .number({ error: `must be an integer ${min}–${max}` })
    .int({ error: `must be an integer ${min}–${max}` })
    .min(min, { error: `must be an integer ${min}–${max}` })
    .max(max, { error: `must be an integer ${min}–${max}` });
const unit = z
  .number({ error: "must be a number 0–1" })
  .min(0, { error: "must be a number 0–1" })
  .max(1, { error: "must be a number 0–1" });

const request = z.looseObject({
  model: nonEmpty,
  max_tokens: int(1, LIMITS.maxTokens),
  messages: z
    .array(z.unknown(), { error: "must be an array" })
    .min(1, { error: "must contain at least one message" })
    .max(LIMITS.messages, { error: `may contain at most ${LIMITS.messages} messages` }),
  temperature: unit.nullish(),
  top_p: unit.nullish(),
  top_k: int(0, Number.MAX_SAFE_INTEGER).nullish(),
  stop_sequences: z.array(str, { error: "must be an array of strings" }).nullish(),
  stream: z.boolean({ error: "must be a boolean" }).nullish(),
  metadata: z.looseObject({ user_id: str.nullish() }, { error: "must be an object" }).nullish(),
  tools: z
    .array(z.unknown(), { error: "must be an array" })
    .max(LIMITS.tools, { error: `may contain at most ${LIMITS.tools} tools` })
    .nullish(),
});
const toolChoice = z.looseObject({
  type: z.enum(["auto", "any", "tool", "none"], { error: "type must be auto, any, tool or none" }),
  name: nonEmpty.optional(),
  disable_parallel_tool_use: z.boolean({ error: "must be a boolean" }).nullish(),
});
const thinking = z.looseObject({
  type: str,
  budget_tokens: int(1, LIMITS.maxTokens).optional(),
  display: z.enum(["summarized", "omitted"], { error: "must be 'summarized' or 'omitted'" }).nullish(),
});
const customTool = z.looseObject({
  name: nonEmpty,
  description: str.nullish(),
  input_schema: z.record(z.string(), z.unknown(), { error: "must be a JSON schema object" }),
  cache_control: z
    .looseObject({
      type: z.literal("ephemeral", { error: "type must be 'ephemeral'" }),
      ttl: z.enum(["5m", "1h"], { error: "ttl must be '5m' or '1h'" }).optional(),
    })
    .nullish(),
  strict: z.boolean({ error: "must be a boolean" }).nullish(),
});

function decodeMessage(raw: unknown, path: Path, ext: Record<string, unknown>): Message {
  if (!isRecord(raw)) throw invalid(path, "must be a message object");
  const role = raw.role;
  if (role === undefined) throw missing([...path, "role"]);
  if (role === "system") {
    throw invalid(
      [...path, "role"],
      "must be 'user' or 'assistant'; send system instructions in top-level `system`",
    );
  }
  if (role !== "user" && role !== "assistant")
    throw invalid([...path, "role"], "must be 'user' or 'assistant'");
  collectUnknown(raw, MESSAGE_KEYS, path, ext);
  return { role, content: decodeContent(raw.content, [...path, "content"], role, ext) };
}

function decodeTool(raw: unknown, path: Path, ext: Record<string, unknown>): ToolDefinition {
  if (!isRecord(raw)) throw invalid(path, "must be a tool object");
  if (raw.type !== undefined && raw.type !== null && raw.type !== "custom") {
    if (typeof raw.type !== "string") throw invalid([...path, "type"], "must be a string");
    const name = parse(z.looseObject({ name: nonEmpty }), raw, path).name;
    const { type, ...fields } = raw;
    return { name, inputSchema: undefined, builtin: { type, fields } };
  }
  const t = parse(customTool, raw, path);
  collectUnknown(raw, TOOL_KEYS, path, ext);
  const tool: ToolDefinition = { name: t.name, inputSchema: t.input_schema };
  if (t.description) tool.description = t.description;
  if (typeof t.strict === "boolean") tool.strict = t.strict;
  if (t.cache_control)
    tool.cacheControl = { type: "ephemeral", ...(t.cache_control.ttl ? { ttl: t.cache_control.ttl } : {}) };
  return tool;
}

function decodeToolChoice(
  raw: unknown,
  ext: Record<string, unknown>,
): { choice: ToolChoice; parallel?: boolean } {
  const path = ["tool_choice"];
  if (!isRecord(raw)) throw invalid(path, "must be an object");
  const c = parse(toolChoice, raw, path);
  collectUnknown(raw, TOOL_CHOICE_KEYS, path, ext);
  const parallel =
    typeof c.disable_parallel_tool_use === "boolean" ? { parallel: !c.disable_parallel_tool_use } : {};
  switch (c.type) {
    case "auto":
      return { choice: { type: "auto" }, ...parallel };
    case "any":
      return { choice: { type: "required" }, ...parallel };
    case "none":
      return { choice: { type: "none" }, ...parallel };
    default:
      if (c.name === undefined) throw missing([...path, "name"]);
      return { choice: { type: "tool", name: c.name }, ...parallel };
  }
}

function decodeThinking(raw: unknown, ext: Record<string, unknown>): ThinkingConfig {
  const path = ["thinking"];
  if (!isRecord(raw)) throw invalid(path, "must be an object");
  const t = parse(thinking, raw, path);
  collectUnknown(raw, THINKING_KEYS, path, ext);
  if (t.type !== "enabled" && t.type !== "disabled" && t.type !== "adaptive") {
    throw unsupported(
      [...path, "type"],
      `Thinking type '${t.type}'`,
      "only enabled, adaptive and disabled have an IR form",
    );
  }
  if (t.type === "enabled" && t.budget_tokens === undefined) throw missing([...path, "budget_tokens"]);
  const config: ThinkingConfig = { type: t.type };
  if (t.type === "enabled" && t.budget_tokens !== undefined) config.budgetTokens = t.budget_tokens;
  if (t.display) config.display = t.display;
  return config;
}

/** Validates an Anthropic Messages body and maps it to the IR; throws OVT_ERR_REQ_* / OVT_ERR_TRANSLATE_*. */
export function decodeMessagesRequest(body: unknown): IrRequest {
  if (!isRecord(body)) {
    throw new OvertError("OVT_ERR_REQ_INVALID_FIELD", { detail: "The request body must be a JSON object." });
  }
  for (const field of FORBIDDEN) {
    if (Object.hasOwn(body, field))
      throw new OvertError("OVT_ERR_REQ_FORBIDDEN_PARAMETER", { param: field }, { param: field });
  }
  for (const required of ["model", "max_tokens", "messages"]) {
    if (body[required] === undefined) throw missing([required]);
  }
  const r = parse(request, body, []);
  const extensions: Record<string, unknown> = {};
  collectUnknown(body, TOP_KEYS, [], extensions);

  const system =
    body.system === undefined || body.system === null || body.system === ""
      ? []
      : decodeContent(body.system, ["system"], "system", extensions);
  const messages = r.messages.map((m, i) => decodeMessage(m, ["messages", i], extensions));
  const tools = (r.tools ?? []).map((t, i) => decodeTool(t, ["tools", i], extensions));

  const ir: IrRequest = {
    model: r.model,
    system,
    messages,
    tools,
    maxOutputTokens: r.max_tokens,
    stop: r.stop_sequences ?? [],
    stream: r.stream === true,
    dialect: DIALECT,
    extensions,
  };
  if (body.tool_choice !== undefined && body.tool_choice !== null) {
    const { choice, parallel } = decodeToolChoice(body.tool_choice, extensions);
    ir.toolChoice = choice;
    if (parallel !== undefined) ir.parallelToolCalls = parallel;
  }
  if (typeof r.temperature === "number") ir.temperature = r.temperature;
  if (typeof r.top_p === "number") ir.topP = r.top_p;
  if (typeof r.top_k === "number") ir.topK = r.top_k;
  if (body.thinking !== undefined && body.thinking !== null)
    ir.thinking = decodeThinking(body.thinking, extensions);
  if (r.metadata) {
    if (typeof r.metadata.user_id === "string") ir.user = r.metadata.user_id;
    collectUnknown(r.metadata, new Set(["user_id"]), ["metadata"], extensions);
  }
  return ir;
}
