/**
 * Reads a Chat Completions request body into the few facts the simulator
 * needs, answering OpenAI-style 400s for bodies a real upstream would refuse.
 */
import { countTokens, TOKENS_PER_MESSAGE, TOKENS_PER_REQUEST } from "./tokens.js";
import type { OpenAIErrorObject } from "./types.js";

export interface MessageView {
  role: string;
  text: string;
}

export interface ToolView {
  name: string;
  parameters: unknown;
}

export type ResponseFormatView =
  | { type: "text" }
  | { type: "json_object" }
  | { type: "json_schema"; schema: unknown };

export type ToolChoiceView = "auto" | "none" | "required" | { name: string };

export interface ChatRequestView {
  model: string;
  messages: MessageView[];
  stream: boolean;
  includeUsage: boolean;
  includeObfuscation: boolean;
  n: number;
  stop: string[];
  maxTokens: number | null;
  logprobs: boolean;
  topLogprobs: number;
  seed: number | null;
  responseFormat: ResponseFormatView;
  tools: ToolView[];
  toolChoice: ToolChoiceView;
  promptTokens: number;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function isErrorObject(value: unknown): value is OpenAIErrorObject {
  return isRecord(value) && typeof value["message"] === "string" && typeof value["type"] === "string";
}

function invalid(message: string, param: string | null, code: string | null = null): OpenAIErrorObject {
  return { message, type: "invalid_request_error", param, code };
}

/** Text of a message's `content`: strings as-is, parts joined by spaces, non-text parts as placeholders. */
export function contentText(content: unknown): string {
  if (typeof content === "string") return content;
  if (!Array.isArray(content)) return "";
  const parts: string[] = [];
  for (const part of content) {
    if (typeof part === "string") parts.push(part);
    else if (!isRecord(part)) continue;
    else if (part["type"] === "text" && typeof part["text"] === "string") parts.push(part["text"]);
    else if (part["type"] === "image_url") parts.push("[image]");
    else if (part["type"] === "input_audio") parts.push("[audio]");
    else if (part["type"] === "file") parts.push("[file]");
    else if (part["type"] === "refusal" && typeof part["refusal"] === "string") parts.push(part["refusal"]);
  }
  return parts.join(" ");
}

function messageText(message: Record<string, unknown>): string {
  const text = contentText(message["content"]);
  const calls = message["tool_calls"];
  if (!Array.isArray(calls)) return text;
  const rendered = calls.map((call) => {
    const fn = isRecord(call) && isRecord(call["function"]) ? call["function"] : {};
    return `${String(fn["name"] ?? "")}(${String(fn["arguments"] ?? "")})`;
  });
  return [text, ...rendered].filter((s) => s !== "").join(" ");
}

function readTools(value: unknown): ToolView[] {
  if (!Array.isArray(value)) return [];
  const tools: ToolView[] = [];
  for (const tool of value) {
    if (!isRecord(tool) || !isRecord(tool["function"])) continue;
    const fn = tool["function"];
    if (typeof fn["name"] !== "string") continue;
    tools.push({ name: fn["name"], parameters: fn["parameters"] ?? { type: "object", properties: {} } });
  }
  return tools;
}

function readToolChoice(value: unknown): ToolChoiceView {
  if (value === "none" || value === "required" || value === "auto") return value;
  if (isRecord(value) && isRecord(value["function"]) && typeof value["function"]["name"] === "string") {
    return { name: value["function"]["name"] };
  }
  return "auto";
}

function readResponseFormat(value: unknown): ResponseFormatView {
  if (!isRecord(value)) return { type: "text" };
  if (value["type"] === "json_object") return { type: "json_object" };
  if (value["type"] === "json_schema") {
    const spec = isRecord(value["json_schema"]) ? value["json_schema"] : {};
    return { type: "json_schema", schema: spec["schema"] ?? { type: "object", properties: {} } };
  }
  return { type: "text" };
}

function optionalPositiveInt(
  body: Record<string, unknown>,
  field: string,
): number | null | OpenAIErrorObject {
  const value = body[field];
  if (value === undefined || value === null) return null;
  if (typeof value !== "number" || !Number.isInteger(value) || value < 1) {
    return invalid(
      `Invalid '${field}': expected an integer greater than or equal to 1.`,
      field,
      "invalid_value",
    );
  }
  return value;
}

export function parseChatRequest(body: unknown): ChatRequestView | OpenAIErrorObject {
  if (!isRecord(body)) return invalid("The request body must be a JSON object.", null);
  const model = body["model"];
  if (typeof model !== "string" || model === "") {
    return invalid("Missing required parameter: 'model'.", "model", "missing_required_parameter");
  }
  const rawMessages = body["messages"];
  if (!Array.isArray(rawMessages) || rawMessages.length === 0) {
    return invalid("Missing required parameter: 'messages'.", "messages", "missing_required_parameter");
  }
  const messages: MessageView[] = [];
  for (const [i, m] of rawMessages.entries()) {
    if (!isRecord(m) || typeof m["role"] !== "string") {
      return invalid(`Missing required parameter: 'messages[${i}].role'.`, `messages[${i}].role`);
    }
    messages.push({ role: m["role"], text: messageText(m) });
  }
  const n = optionalPositiveInt(body, "n");
  if (isErrorObject(n)) return n;
  if (n !== null && n > 128) return invalid("Invalid 'n': must be at most 128.", "n", "invalid_value");
  const maxCompletion = optionalPositiveInt(body, "max_completion_tokens");
  if (isErrorObject(maxCompletion)) return maxCompletion;
  const maxTokens = optionalPositiveInt(body, "max_tokens");
  if (isErrorObject(maxTokens)) return maxTokens;

  const stopValue = body["stop"];
  const stop = (
    typeof stopValue === "string" ? [stopValue] : Array.isArray(stopValue) ? stopValue : []
  ).filter((s): s is string => typeof s === "string" && s !== "");
  const streamOptions = isRecord(body["stream_options"]) ? body["stream_options"] : {};
  const topLogprobs = body["top_logprobs"];
  const tools = readTools(body["tools"]);
  const promptTokens =
    TOKENS_PER_REQUEST +
    messages.reduce((sum, m) => sum + TOKENS_PER_MESSAGE + countTokens(m.text), 0) +
    (tools.length > 0 ? countTokens(JSON.stringify(body["tools"])) : 0);

  return {
    model,
    messages,
    stream: body["stream"] === true,
    includeUsage: streamOptions["include_usage"] === true,
    includeObfuscation: streamOptions["include_obfuscation"] !== false,
    n: n ?? 1,
    stop,
    maxTokens: maxCompletion ?? maxTokens,
    logprobs: body["logprobs"] === true,
    topLogprobs:
      typeof topLogprobs === "number" && Number.isInteger(topLogprobs)
        ? Math.min(Math.max(topLogprobs, 0), 20)
        : 0,
    seed: typeof body["seed"] === "number" ? body["seed"] : null,
    responseFormat: readResponseFormat(body["response_format"]),
    tools,
    toolChoice: readToolChoice(body["tool_choice"]),
    promptTokens,
  };
}
