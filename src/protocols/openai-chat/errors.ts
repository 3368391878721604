/**
 * OpenAI's error envelope: {"error":{"message","type","param","code"}}
 * (https://platform.openai.com/docs/guides/error-codes). In-stream errors are a
 * `data:` event carrying the same object, after which the stream closes without
 * `[DONE]`.
 */
import type { OvertError } from "../../errors/overt-error.js";
import type { ErrorKind } from "../../errors/registry.js";
import type { ErrorDialect, RenderedError } from "../dialect.js";

const TYPES: Record<ErrorKind, string> = {
  invalid_request: "invalid_request_error",
  authentication: "authentication_error",
  permission: "permission_error",
  not_found: "invalid_request_error",
  too_large: "invalid_request_error",
  rate_limit: "rate_limit_error",
  upstream: "server_error",
  overloaded: "server_error",
  timeout: "server_error",
  internal: "server_error",
};

function envelope(error: OvertError): string {
  return JSON.stringify({
    error: {
      message: error.message,
      type: TYPES[error.definition.kind],
      param: error.param,
      code: error.code,
    },
  });
}

export const openAiErrors: ErrorDialect = {
  name: "openai-chat",
  renderError(error: OvertError): RenderedError {
    return { status: error.status, body: envelope(error) };
  },
  renderStreamError(error: OvertError): string {
    return `data: ${envelope(error)}\n\n`;
  },
};
