/**
 * Validation of an OpenAI Chat Completions request (catalogue B4, B5, B9, B10, B12).
 * Only what the relay relies on, or what would change meaning if coerced, is
 * checked; every other field passes through untouched to the upstream.
 * Reference: https://platform.openai.com/docs/api-reference/chat/create
 */
import { z } from "zod";
import { OvertError } from "../../errors/overt-error.js";

export const LIMITS = Object.freeze({
  messages: 10_000,
  tools: 1_000,
  logitBias: 1_024,
  stop: 4,
  n: 8,
  maxTokens: 10_000_000,
});

/**
 * Top-level fields that belong to another client dialect (catalogue B18): a body
 * sent to the wrong route is refused by name rather than half-forwarded.
 */
const FOREIGN: Readonly<Record<string, string>> = {
  system: "Anthropic Messages (send it to /v1/messages, or use a system message)",
  stop_sequences: "Anthropic Messages (send it to /v1/messages)",
  contents: "the Gemini API (send it to /v1beta/models/{model}:generateContent)",
  systemInstruction: "the Gemini API (send it to /v1beta/models/{model}:generateContent)",
  generationConfig: "the Gemini API (send it to /v1beta/models/{model}:generateContent)",
  input: "the Responses API (send it to /v1/responses)",
  instructions: "the Responses API (send it to /v1/responses)",
};

/** Body fields that would steer the relay's egress or credentials (catalogue B9). */
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

const integerIn = (name: string, min: number, max: number) =>
  z
    .number({ error: `${name} must be an integer ${min}–${max}` })
    .int({ error: `${name} must be an integer ${min}–${max}` })
    .min(min, { error: `${name} must be an integer ${min}–${max}` })
    .max(max, { error: `${name} must be an integer ${min}–${max}` });

const numberIn = (name: string, min: number, max: number) =>
  z
    .number({ error: `${name} must be a number ${min}–${max}` })
    .min(min, { error: `${name} must be a number ${min}–${max}` })
    .max(max, { error: `${name} must be a number ${min}–${max}` });

/** Content part types of the Chat Completions API; anything else (tool_use, input_text, …) is another dialect's. */
const PART_TYPES = ["text", "image_url", "input_audio", "file", "refusal"] as const;

const content = z.union([z.string(), z.array(z.looseObject({ type: z.string() })), z.null()], {
  error: "content must be a string, an array of content parts, or null",
});

const MISSING_CONTENT = "content is required for this role";

const message = z
  .looseObject({
    role: z.enum(["system", "developer", "user", "assistant", "tool", "function"], {
      error: "role must be one of system, developer, user, assistant, tool, function",
    }),
    content: content.optional(),
  })
  .refine((m) => m.role === "assistant" || m.content !== undefined, {
    error: MISSING_CONTENT,
    path: ["content"],
  });

const chatRequest = z.looseObject({
  model: z.string({ error: "model must be a string" }).min(1, { error: "model must not be empty" }),
  messages: z
    .array(message, { error: "messages must be an array" })
    .min(1, { error: "messages must contain at least one message" })
    .max(LIMITS.messages, { error: `messages may contain at most ${LIMITS.messages} messages` }),
  stream: z.boolean({ error: "stream must be a boolean" }).nullish(),
  stream_options: z
    .looseObject({ include_usage: z.boolean({ error: "include_usage must be a boolean" }).optional() })
    .nullish(),
  n: integerIn("n", 1, LIMITS.n).nullish(),
  max_tokens: integerIn("max_tokens", 1, LIMITS.maxTokens).nullish(),
  max_completion_tokens: integerIn("max_completion_tokens", 1, LIMITS.maxTokens).nullish(),
  temperature: numberIn("temperature", 0, 2).nullish(),
  top_p: numberIn("top_p", 0, 1).nullish(),
  presence_penalty: numberIn("presence_penalty", -2, 2).nullish(),
  frequency_penalty: numberIn("frequency_penalty", -2, 2).nullish(),
  seed: integerIn("seed", Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER).nullish(),
  logprobs: z.boolean({ error: "logprobs must be a boolean" }).nullish(),
  top_logprobs: integerIn("top_logprobs", 0, 20).nullish(),
  stop: z
    .union([z.string(), z.array(z.string()).max(LIMITS.stop)], {
      error: `stop must be a string or an array of at most ${LIMITS.stop} strings`,
    })
    .nullish(),
  tools: z
    .array(z.looseObject({ type: z.string({ error: "tools[].type must be a string" }) }), {
      error: "tools must be an array",
    })
    .max(LIMITS.tools, { error: `tools may contain at most ${LIMITS.tools} tools` })
    .nullish(),
  tool_choice: z
    .union([z.string(), z.looseObject({})], { error: "tool_choice must be a string or an object" })
    .nullish(),
  parallel_tool_calls: z.boolean({ error: "parallel_tool_calls must be a boolean" }).nullish(),
  response_format: z
    .looseObject({
      type: z.enum(["text", "json_object", "json_schema"], {
        error: "response_format.type must be text, json_object or json_schema",
      }),
    })
    .nullish(),
  logit_bias: z
    .record(z.string(), numberIn("logit_bias values", -100, 100), { error: "logit_bias must be an object" })
    .refine((v) => Object.keys(v).length <= LIMITS.logitBias, {
      error: `logit_bias may contain at most ${LIMITS.logitBias} entries`,
    })
    .nullish(),
  user: z.string({ error: "user must be a string" }).max(256).optional(),
});

export type ChatRequest = z.infer<typeof chatRequest>;

function fieldPath(path: ReadonlyArray<PropertyKey>): string {
  let out = "";
  for (const part of path) {
    if (typeof part === "number") out += `[${part}]`;
    else out += out.length === 0 ? String(part) : `.${String(part)}`;
  }
  return out;
}

/** Another dialect's content parts (tool_use, input_text, …) are refused by path, before anything else. */
function checkPartTypes(messages: unknown): void {
  if (!Array.isArray(messages)) return;
  messages.forEach((message, i) => {
    const content = (message as { content?: unknown } | null)?.content;
    if (!Array.isArray(content)) return;
    content.forEach((part, j) => {
      const type = (part as { type?: unknown } | null)?.type;
      if (typeof type === "string" && !(PART_TYPES as readonly string[]).includes(type)) {
        const param = `messages[${i}].content[${j}].type`;
        const detail = `unknown content part type '${type.slice(0, 40)}' (at ${param}); expected ${PART_TYPES.join(", ")}`;
        throw new OvertError("OVT_ERR_REQ_INVALID_FIELD", { detail }, { param });
      }
    });
  });
}

/** Validates and returns the same object (not a copy), typed; throws OVT_ERR_REQ_* naming the field. */
export function validateChatRequest(body: unknown): ChatRequest {
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    throw new OvertError("OVT_ERR_REQ_INVALID_FIELD", { detail: "The request body must be a JSON object." });
  }
  const record = body as Record<string, unknown>;
  for (const field of FORBIDDEN) {
    if (Object.hasOwn(record, field))
      throw new OvertError("OVT_ERR_REQ_FORBIDDEN_PARAMETER", { param: field }, { param: field });
  }
  for (const [field, dialect] of Object.entries(FOREIGN)) {
    if (Object.hasOwn(record, field)) {
      throw new OvertError(
        "OVT_ERR_REQ_INVALID_FIELD",
        { detail: `${field} is not a Chat Completions field: this body looks like ${dialect}.` },
        { param: field },
      );
    }
  }
  checkPartTypes(record.messages);
  for (const required of ["model", "messages"]) {
    if (record[required] === undefined) {
      throw new OvertError("OVT_ERR_REQ_MISSING_FIELD", { param: required }, { param: required });
    }
  }
  const result = chatRequest.safeParse(body);
  if (!result.success) {
    const issue = result.error.issues[0];
    const param = issue ? fieldPath(issue.path) : null;
    if (issue?.message === MISSING_CONTENT && param !== null) {
      throw new OvertError("OVT_ERR_REQ_MISSING_FIELD", { param }, { param });
    }
    const detail = !issue
      ? "Invalid request."
      : issue.path.length <= 1
        ? issue.message
        : `${issue.message} (at ${param})`;
    throw new OvertError("OVT_ERR_REQ_INVALID_FIELD", { detail }, { param });
  }
  return body as ChatRequest;
}
