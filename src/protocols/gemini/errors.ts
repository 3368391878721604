/**
 * Google's error envelope, as the Gemini API answers
 * (https://ai.google.dev/gemini-api/docs/troubleshooting):
 *
 *   {"error": {"code": <HTTP status>, "message", "status": "INVALID_ARGUMENT", "details": [...]}}
 *
 * `status` is the google.rpc.Code name for the HTTP status where Google has
 * one (400, 401, 403, 404, 429, 500, 503, 504); otherwise the registry's kind
 * decides (a relay-side 502 upstream failure is UNAVAILABLE: transient, as
 * clients treat it; a 413 is INVALID_ARGUMENT, Google's answer to an
 * oversized payload). `details` carries a `google.rpc.ErrorInfo` with the relay's error
 * name as `reason` (domain "overt", the short code and request id in
 * `metadata`) and, when a field is at fault, a `google.rpc.BadRequest` naming it.
 *
 * In a stream that has started, the same object is one SSE `data:` event
 * (`\r\n\r\n`-terminated, like Gemini's), after which the stream closes;
 * @google/genai raises it as an ApiError with the code as status. For the
 * JSON-array stream form (no `alt=sse`) use GenerateContentStreamEncoder.error,
 * which knows whether the array has been opened.
 */
import type { OvertError } from "../../errors/overt-error.js";
import type { ErrorKind } from "../../errors/registry.js";
import type { ErrorDialect, RenderedError } from "../dialect.js";

export type GeminiErrorStatus =
  | "INVALID_ARGUMENT"
  | "UNAUTHENTICATED"
  | "PERMISSION_DENIED"
  | "NOT_FOUND"
  | "RESOURCE_EXHAUSTED"
  | "INTERNAL"
  | "UNAVAILABLE"
  | "DEADLINE_EXCEEDED";

const BY_STATUS: Readonly<Record<number, GeminiErrorStatus>> = {
  400: "INVALID_ARGUMENT",
  401: "UNAUTHENTICATED",
  403: "PERMISSION_DENIED",
  404: "NOT_FOUND",
  429: "RESOURCE_EXHAUSTED",
  500: "INTERNAL",
  503: "UNAVAILABLE",
  504: "DEADLINE_EXCEEDED",
};

const BY_KIND: Readonly<Record<ErrorKind, GeminiErrorStatus>> = {
  invalid_request: "INVALID_ARGUMENT",
  authentication: "UNAUTHENTICATED",
  permission: "PERMISSION_DENIED",
  not_found: "NOT_FOUND",
  too_large: "INVALID_ARGUMENT",
  rate_limit: "RESOURCE_EXHAUSTED",
  upstream: "UNAVAILABLE",
  overloaded: "UNAVAILABLE",
  timeout: "DEADLINE_EXCEEDED",
  internal: "INTERNAL",
};

/** The google.rpc status name for a relay error (exported for tests and the stream encoder). */
export function geminiErrorStatus(error: OvertError): GeminiErrorStatus {
  return BY_STATUS[error.status] ?? BY_KIND[error.definition.kind];
}

/** The envelope's JSON text. */
export function geminiErrorBody(error: OvertError, requestId: string): string {
  const details: Record<string, unknown>[] = [
    {
      "@type": "type.googleapis.com/google.rpc.ErrorInfo",
      reason: error.errorName,
      domain: "overt",
      metadata: { code: error.code, requestId },
    },
  ];
  if (error.param !== null) {
    details.push({
      "@type": "type.googleapis.com/google.rpc.BadRequest",
      fieldViolations: [{ field: error.param, description: error.message }],
    });
  }
  return JSON.stringify({
    error: { code: error.status, message: error.message, status: geminiErrorStatus(error), details },
  });
}

/** One SSE `data:` event carrying the envelope. */
export function geminiStreamErrorEvent(error: OvertError, requestId: string): string {
  return `data: ${geminiErrorBody(error, requestId)}\r\n\r\n`;
}

export const geminiErrors: ErrorDialect = {
  name: "gemini",
  renderError(error: OvertError, requestId: string): RenderedError {
    return { status: error.status, body: geminiErrorBody(error, requestId) };
  },
  renderStreamError(error: OvertError, requestId: string): string {
    return geminiStreamErrorEvent(error, requestId);
  },
};
