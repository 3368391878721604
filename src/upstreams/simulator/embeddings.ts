/**
 * POST /v1/embeddings in OpenAI's wire format (https://platform.openai.com/docs/api-reference/embeddings):
 * deterministic unit vectors derived from a hash of each input, so tests can compare them.
 */
import { createHash } from "node:crypto";
import { countTokens } from "./tokens.js";

const DEFAULT_DIMENSIONS = 8;

function vector(text: string, dimensions: number): number[] {
  const digest = createHash("sha256").update(text).digest();
  const raw = Array.from({ length: dimensions }, (_, i) => (digest[i % digest.length] ?? 0) - 127.5);
  const norm = Math.hypot(...raw) || 1;
  return raw.map((v) => v / norm);
}

export type EmbeddingsAnswer = { status: number; body: unknown };

export function answerEmbeddings(body: unknown): EmbeddingsAnswer {
  const request = typeof body === "object" && body !== null ? (body as Record<string, unknown>) : {};
  const model = request.model;
  const input = request.input;
  if (typeof model !== "string" || model.length === 0) {
    return {
      status: 400,
      body: {
        error: {
          message: "you must provide a model parameter",
          type: "invalid_request_error",
          param: "model",
          code: null,
        },
      },
    };
  }
  const inputs =
    typeof input === "string"
      ? [input]
      : Array.isArray(input)
        ? input.map((v) => (typeof v === "string" ? v : JSON.stringify(v)))
        : null;
  if (inputs === null || inputs.length === 0) {
    return {
      status: 400,
      body: {
        error: {
          message: "'input' is a required property",
          type: "invalid_request_error",
          param: "input",
          code: null,
        },
      },
    };
  }
  const dimensions =
    typeof request.dimensions === "number" && request.dimensions > 0
      ? Math.min(request.dimensions, 3072)
      : DEFAULT_DIMENSIONS;
  const tokens = inputs.reduce((sum, text) => sum + countTokens(text), 0);
  return {
    status: 200,
    body: {
      object: "list",
      data: inputs.map((text, index) => ({
        object: "embedding",
        index,
        embedding: vector(text, dimensions),
      })),
      model,
      usage: { prompt_tokens: tokens, total_tokens: tokens },
    },
  };
}
