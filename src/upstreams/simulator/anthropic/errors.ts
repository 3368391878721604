/**
 * Anthropic's error envelope `{"type":"error","error":{"type","message"},"request_id"}`
 * with the documented type per status (docs "Errors": 400 invalid_request_error,
 * 401 authentication_error, 402 billing_error, 403 permission_error,
 * 404 not_found_error, 413 request_too_large, 429 rate_limit_error,
 * 500 api_error, 504 timeout_error, 529 overloaded_error) and the wording the
 * real API uses. Rate-limit messages name the organization, as the real API's
 * do, so the relay's scrubbing is tested against realistic text.
 */
import type { AnthropicErrorObject } from "./types.js";

/** The simulated upstream organization (a UUID, like Anthropic's `anthropic-organization-id`). */
export const ANTHROPIC_SIMULATOR_ORG_ID = "0e7e5a1d-5117-4a7e-8d1e-0c0ffee0ca4e";

export interface AnthropicErrorEnvelope {
  type: "error";
  error: AnthropicErrorObject;
  request_id: string;
}

export function anthropicEnvelope(error: AnthropicErrorObject, requestId: string): AnthropicErrorEnvelope {
  return { type: "error", error, request_id: requestId };
}

export function invalidRequest(message: string): AnthropicErrorObject {
  return { type: "invalid_request_error", message };
}

const TYPE_BY_STATUS: Readonly<Record<number, string>> = {
  400: "invalid_request_error",
  401: "authentication_error",
  402: "billing_error",
  403: "permission_error",
  404: "not_found_error",
  413: "request_too_large",
  429: "rate_limit_error",
  500: "api_error",
  504: "timeout_error",
  529: "overloaded_error",
};

/** The documented `error.type` for a status (other 4xx → invalid_request_error, other 5xx → api_error). */
export function errorTypeFor(status: number): string {
  return TYPE_BY_STATUS[status] ?? (status >= 500 ? "api_error" : "invalid_request_error");
}

/** The status the real API pairs with an error type (used for non-streaming `stream-error`). */
export function statusForType(type: string): number {
  for (const [status, t] of Object.entries(TYPE_BY_STATUS)) if (t === type) return Number(status);
  return 500;
}

function defaultMessage(type: string, model: string): string {
  switch (type) {
    case "authentication_error":
      return "invalid x-api-key";
    case "billing_error":
      return "Your credit balance is too low to access the Anthropic API. Please go to Plans & Billing to upgrade or purchase credits.";
    case "permission_error":
      return "Your API key does not have permission to use the specified resource.";
    case "not_found_error":
      return `model: ${model}`;
    case "request_too_large":
      return "Request exceeds the maximum allowed number of bytes.";
    case "rate_limit_error":
      return `This request would exceed the rate limit for your organization (${ANTHROPIC_SIMULATOR_ORG_ID}) of 50 requests per minute. For details, refer to: https://docs.claude.com/en/api/rate-limits. You can see the response headers for current usage. Please reduce the prompt length or the maximum tokens requested, or try again later. You may also contact sales at https://www.anthropic.com/contact-sales to discuss your options for a rate limit increase.`;
    case "timeout_error":
      return "Request timed out";
    case "api_error":
      return "Internal server error";
    case "overloaded_error":
      return "Overloaded";
    default:
      return "Invalid request.";
  }
}

/** The default error object for a status, optionally with a given type and message. */
export function defaultAnthropicError(
  status: number,
  options: { type?: string; message?: string; model?: string } = {},
): AnthropicErrorObject {
  const type = options.type ?? errorTypeFor(status);
  return { type, message: options.message ?? defaultMessage(type, options.model ?? "claude-echo") };
}
