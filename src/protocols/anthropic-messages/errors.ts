/**
 * Anthropic's error envelope (https://docs.claude.com/en/api/errors):
 * `{"type":"error","error":{"type","message"},"request_id"}`. In a stream that
 * has started, the same object is sent as an `event: error` SSE event, after
 * which the stream closes without `message_stop`.
 *
 * The error type follows the documented HTTP status where the relay answers with
 * one of them (400, 401, 403, 404, 413, 429, 500, 529); otherwise the registry's
 * kind decides. Relay-side statuses Anthropic never uses (502 upstream failure,
 * 504 timeout) become `api_error`, its generic server-side type; 503 storage
 * busy becomes `overloaded_error` so clients back off and retry as they do on 529.
 */
import type { OvertError } from "../../errors/overt-error.js";
import { ERRORS, type ErrorKind } from "../../errors/registry.js";
import type { ErrorDialect, RenderedError } from "../dialect.js";

export type AnthropicErrorType =
  | "invalid_request_error"
  | "authentication_error"
  | "permission_error"
  | "not_found_error"
  | "request_too_large"
  | "rate_limit_error"
  | "api_error"
  | "overloaded_error";

const BY_STATUS: Readonly<Record<number, AnthropicErrorType>> = {
  400: "invalid_request_error",
  401: "authentication_error",
  403: "permission_error",
  404: "not_found_error",
  413: "request_too_large",
  429: "rate_limit_error",
  500: "api_error",
  529: "overloaded_error",
};

const BY_KIND: Readonly<Record<ErrorKind, AnthropicErrorType>> = {
  invalid_request: "invalid_request_error",
  authentication: "authentication_error",
  permission: "permission_error",
  not_found: "not_found_error",
  too_large: "request_too_large",
  rate_limit: "rate_limit_error",
  upstream: "api_error",
  overloaded: "overloaded_error",
  timeout: "api_error",
  internal: "api_error",
};

/** The Anthropic error type for a relay error (exported for tests and the stream encoder). */
export function anthropicErrorType(error: OvertError): AnthropicErrorType {
  return BY_STATUS[error.status] ?? BY_KIND[error.definition.kind];
}

/** Type for an IR `error` event's code: a registry name if it is one, else `api_error`. */
export function anthropicErrorTypeForCode(code: string): AnthropicErrorType {
  const definition = Object.hasOwn(ERRORS, code) ? ERRORS[code as keyof typeof ERRORS] : undefined;
  return definition ? (BY_STATUS[definition.status] ?? BY_KIND[definition.kind]) : "api_error";
}

export function errorEnvelope(type: AnthropicErrorType, message: string, requestId: string): string {
  return JSON.stringify({ type: "error", error: { type, message }, request_id: requestId });
}

/** One `event: error` SSE event. */
export function streamErrorEvent(type: AnthropicErrorType, message: string, requestId: string): string {
  return `event: error\ndata: ${errorEnvelope(type, message, requestId)}\n\n`;
}

export const anthropicErrors: ErrorDialect = {
  name: "anthropic-messages",
  renderError(error: OvertError, requestId: string): RenderedError {
    return { status: error.status, body: errorEnvelope(anthropicErrorType(error), error.message, requestId) };
  },
  renderStreamError(error: OvertError, requestId: string): string {
    return streamErrorEvent(anthropicErrorType(error), error.message, requestId);
  },
};
