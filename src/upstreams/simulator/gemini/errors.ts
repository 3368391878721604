/**
 * Google's error envelope as the Gemini API sends it
 * (https://ai.google.dev/gemini-api/docs/troubleshooting):
 *
 *   {"error": {"code": 429, "message": "…", "status": "RESOURCE_EXHAUSTED", "details": [...]}}
 *
 * with the google.rpc status name per HTTP status and the real API's wording.
 * A 429 carries QuotaFailure and RetryInfo details naming the simulated
 * project, so the relay's scrubbing is tested against realistic text.
 */
import type { GeminiErrorObject } from "./types.js";

/** The simulated Google Cloud project number (appears in quota errors, like the real API's). */
export const GEMINI_SIMULATOR_PROJECT = "projects/831552210066";

const NAMES: Readonly<Record<number, string>> = {
  400: "INVALID_ARGUMENT",
  401: "UNAUTHENTICATED",
  403: "PERMISSION_DENIED",
  404: "NOT_FOUND",
  409: "ABORTED",
  429: "RESOURCE_EXHAUSTED",
  499: "CANCELLED",
  500: "INTERNAL",
  501: "UNIMPLEMENTED",
  503: "UNAVAILABLE",
  504: "DEADLINE_EXCEEDED",
};

/** The google.rpc status name for an HTTP status (other 4xx → FAILED_PRECONDITION, other 5xx → INTERNAL). */
export function statusNameFor(status: number): string {
  return NAMES[status] ?? (status >= 500 ? "INTERNAL" : "FAILED_PRECONDITION");
}

function defaultMessage(status: number, model: string): string {
  switch (status) {
    case 400:
      return "Request contains an invalid argument.";
    case 401:
      return "API key not valid. Please pass a valid API key.";
    case 403:
      return "Method doesn't allow unregistered callers (callers without established identity). Please use API Key or other form of API consumer identity to call this API.";
    case 404:
      return `models/${model} is not found for API version v1beta, or is not supported for generateContent. Call ListModels to see the list of available models and their supported methods.`;
    case 429:
      return `You exceeded your current quota, please check your plan and billing details. For more information on this error, head to: https://ai.google.dev/gemini-api/docs/rate-limits. To monitor your current usage, head to: https://ai.dev/usage?tab=rate-limit. \n* Quota exceeded for metric: generativelanguage.googleapis.com/generate_content_paid_tier_input_token_count, limit: 1000000, model: ${model}, consumer: ${GEMINI_SIMULATOR_PROJECT}\nPlease retry in 13.2s.`;
    case 500:
      return "An internal error has occurred. Please retry or report in https://developers.generativeai.google/guide/troubleshooting";
    case 503:
      return "The model is overloaded. Please try again later.";
    case 504:
      return "The request timed out. Please try again.";
    default:
      return status >= 500 ? "Internal error encountered." : "Precondition check failed.";
  }
}

function quotaDetails(model: string, retryDelay: string | null): unknown[] {
  const details: unknown[] = [
    {
      "@type": "type.googleapis.com/google.rpc.QuotaFailure",
      violations: [
        {
          quotaMetric: "generativelanguage.googleapis.com/generate_content_paid_tier_input_token_count",
          quotaId: "GenerateContentPaidTierInputTokensPerModelPerMinute",
          quotaDimensions: { location: "global", model },
          quotaValue: "1000000",
        },
      ],
    },
    {
      "@type": "type.googleapis.com/google.rpc.Help",
      links: [
        {
          description: "Learn more about Gemini API quotas",
          url: "https://ai.google.dev/gemini-api/docs/rate-limits",
        },
      ],
    },
  ];
  if (retryDelay !== null) details.push({ "@type": "type.googleapis.com/google.rpc.RetryInfo", retryDelay });
  return details;
}

/** The error object for a status, with the real API's message, status name and details. */
export function googleError(
  status: number,
  options: { message?: string; statusName?: string; model?: string; retryDelay?: string | null } = {},
): GeminiErrorObject {
  const model = options.model ?? "gemini-echo";
  const error: GeminiErrorObject = {
    code: status,
    message: options.message ?? defaultMessage(status, model),
    status: options.statusName ?? statusNameFor(status),
  };
  if (status === 429)
    error.details = quotaDetails(model, options.retryDelay === undefined ? "13s" : options.retryDelay);
  if (status === 401 && options.message === undefined) {
    error.details = [
      {
        "@type": "type.googleapis.com/google.rpc.ErrorInfo",
        reason: "API_KEY_INVALID",
        domain: "googleapis.com",
        metadata: { service: "generativelanguage.googleapis.com" },
      },
    ];
  }
  return error;
}

/** A 400 INVALID_ARGUMENT with the given message. */
export function invalidArgument(message: string): GeminiErrorObject {
  return { code: 400, message, status: "INVALID_ARGUMENT" };
}

export function isGeminiError(value: unknown): value is GeminiErrorObject {
  return typeof value === "object" && value !== null && "code" in value && "status" in value;
}
