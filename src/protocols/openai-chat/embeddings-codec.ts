/**
 * POST /v1/embeddings, OpenAI's dialect (https://platform.openai.com/docs/api-reference/embeddings/create).
 * Forwarded to OpenAI-dialect upstreams as a passthrough; there is no IR for
 * embeddings, so other upstream dialects are refused.
 */
import { z } from "zod";
import { OvertError } from "../../errors/overt-error.js";
import type { ClientCodec, ParsedClientRequest } from "../codec.js";
import { openAiErrors } from "./errors.js";

/** OpenAI's own limit on inputs per request. */
const MAX_INPUTS = 2048;

const embeddingsRequest = z.looseObject({
  model: z.string({ error: "model must be a string" }).min(1, { error: "model must not be empty" }),
  input: z.union(
    [
      z.string(),
      z.array(z.string()).min(1).max(MAX_INPUTS),
      z.array(z.number().int()).min(1),
      z.array(z.array(z.number().int()).min(1)).min(1).max(MAX_INPUTS),
    ],
    { error: `input must be a string, an array of up to ${MAX_INPUTS} strings, or token arrays` },
  ),
  encoding_format: z
    .enum(["float", "base64"], { error: "encoding_format must be float or base64" })
    .optional(),
  dimensions: z
    .number({ error: "dimensions must be an integer 1–65536" })
    .int({ error: "dimensions must be an integer 1–65536" })
    .min(1, { error: "dimensions must be an integer 1–65536" })
    .max(65_536, { error: "dimensions must be an integer 1–65536" })
    .optional(),
  user: z.string().max(256).optional(),
});

const FORBIDDEN = ["api_base", "base_url", "api_key", "organization", "extra_headers", "custom_llm_provider"];

export const openAiEmbeddingsCodec: ClientCodec = {
  dialect: "openai-embeddings",
  errors: openAiErrors,
  parse(body): ParsedClientRequest {
    if (typeof body !== "object" || body === null || Array.isArray(body)) {
      throw new OvertError("OVT_ERR_REQ_INVALID_FIELD", {
        detail: "The request body must be a JSON object.",
      });
    }
    const record = body as Record<string, unknown>;
    for (const field of FORBIDDEN) {
      if (Object.hasOwn(record, field))
        throw new OvertError("OVT_ERR_REQ_FORBIDDEN_PARAMETER", { param: field }, { param: field });
    }
    for (const required of ["model", "input"]) {
      if (record[required] === undefined)
        throw new OvertError("OVT_ERR_REQ_MISSING_FIELD", { param: required }, { param: required });
    }
    const result = embeddingsRequest.safeParse(body);
    if (!result.success) {
      const issue = result.error.issues[0];
      const param = issue?.path.map(String).join(".") || null;
      throw new OvertError(
        "OVT_ERR_REQ_INVALID_FIELD",
        { detail: issue?.message ?? "Invalid request." },
        { param },
      );
    }
    return {
      dialect: "openai-embeddings",
      model: result.data.model,
      stream: false,
      n: 1,
      maxOutputTokens: 0,
      clientWantsUsage: true,
      body: record,
      ir() {
        throw new OvertError("OVT_ERR_TRANSLATE_UNSUPPORTED", {
          feature: "An embeddings request",
          detail: "embeddings go only to OpenAI-dialect upstreams",
        });
      },
      forwardHeaders: {},
    };
  },
};
