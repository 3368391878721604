/**
 * OpenAI's error envelope `{"error":{"message","type","param","code"}}` with the
 * messages the real API sends for each status — including, as OpenAI does, the
 * organization id in rate-limit messages and a masked key in 401s, so the relay's
 * scrubbing (catalogue D2, D9) is tested against realistic text.
 */
import type { OpenAIErrorObject } from "./types.js";

/** The simulated upstream account's organization id (appears where OpenAI would put one). */
export const SIMULATOR_ORG_ID = "org-0vertSimu1at0rAcc0unt42";

export function errorEnvelope(error: OpenAIErrorObject): { error: OpenAIErrorObject } {
  return { error };
}

/** OpenAI's masking of a presented key: first 3 and last 4 characters. */
export function maskKey(key: string): string {
  if (key.length <= 8) return "*".repeat(key.length);
  return `${key.slice(0, 3)}${"*".repeat(Math.min(key.length - 7, 32))}${key.slice(-4)}`;
}

export function missingKeyError(): OpenAIErrorObject {
  return {
    message:
      "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY).",
    type: "invalid_request_error",
    param: null,
    code: null,
  };
}

export function incorrectKeyError(presented: string): OpenAIErrorObject {
  return {
    message: `Incorrect API key provided: ${maskKey(presented)}. You can find your API key at https://platform.openai.com/account/api-keys.`,
    type: "invalid_request_error",
    param: null,
    code: "invalid_api_key",
  };
}

export function invalidJsonError(): OpenAIErrorObject {
  return {
    message:
      "We could not parse the JSON body of your request. (HINT: This likely means you aren't using your HTTP library correctly. The OpenAI API expects a JSON payload, but what was sent was not valid JSON.)",
    type: "invalid_request_error",
    param: null,
    code: null,
  };
}

export function invalidUrlError(method: string, path: string): OpenAIErrorObject {
  return {
    message: `Invalid URL (${method} ${path})`,
    type: "invalid_request_error",
    param: null,
    code: null,
  };
}

/** The default error object for a status, optionally with a given message. */
export function defaultErrorFor(status: number, message?: string, model = "gpt-4o"): OpenAIErrorObject {
  const m = (fallback: string) => message ?? fallback;
  switch (status) {
    case 400:
      return { message: m("Invalid request."), type: "invalid_request_error", param: null, code: null };
    case 401:
      return incorrectKeyError("sk-simulator-presented-key");
    case 403:
      return {
        message: m("Country, region, or territory not supported"),
        type: "request_forbidden",
        param: null,
        code: "unsupported_country_region_territory",
      };
    case 404:
      return {
        message: m(`The model \`${model}\` does not exist or you do not have access to it.`),
        type: "invalid_request_error",
        param: null,
        code: "model_not_found",
      };
    case 429:
      return {
        message: m(
          `Rate limit reached for ${model} in organization ${SIMULATOR_ORG_ID} on requests per min (RPM): Limit 3, Used 3, Requested 1. Please try again in 20s.`,
        ),
        type: "requests",
        param: null,
        code: "rate_limit_exceeded",
      };
    case 503:
      return {
        message: m("The engine is currently overloaded, please try again later."),
        type: "server_error",
        param: null,
        code: null,
      };
    case 529:
      return { message: m("Overloaded"), type: "overloaded_error", param: null, code: null };
    default:
      return {
        message: m("The server had an error while processing your request. Sorry about that!"),
        type: status >= 500 ? "server_error" : "invalid_request_error",
        param: null,
        code: null,
      };
  }
}
