/**
 * Errors in the OpenAI Responses dialect.
 *
 * Before the first byte: the OpenAI envelope `{"error":{"message","type","param","code"}}`
 * (https://platform.openai.com/docs/guides/error-codes), as for Chat Completions
 * (rendered here again: protocol folders do not import each other).
 *
 * After the first byte, the Responses stream ends the way the live API ends a
 * failed stream (recorded: `event: error` then `event: response.failed`):
 *
 *   event: error
 *   data: {"type":"error","sequence_number":n,"code","message","param","error":{"type","code","message","param"}}
 *
 * The API reference documents `code`/`message`/`param` at the top level; the live
 * API nests them under `error`, and only that nested object makes the official
 * SDKs raise an APIError (openai-node's Stream throws when `data.error` is set).
 * Both are sent, so a client written against either shape sees the failure.
 * Codex ignores `error` events and reads `response.failed` (see stream.ts),
 * whose `response.error.code` is one of the documented ResponseError codes.
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

export interface ResponsesErrorObject {
  message: string;
  type: string;
  param: string | null;
  code: string;
}

export function errorObject(error: OvertError): ResponsesErrorObject {
  return {
    message: error.message,
    type: TYPES[error.definition.kind],
    param: error.param,
    code: error.code,
  };
}

/**
 * `response.error` of a failed response: its `code` is one of the documented
 * ResponseError codes (Codex retries on any code but a few it names), so a relay
 * rate limit is `rate_limit_exceeded` and everything else `server_error`; the
 * relay's own code travels in the `error` event.
 */
export function failedResponseError(error: OvertError): { code: string; message: string } {
  const code = error.definition.kind === "rate_limit" ? "rate_limit_exceeded" : "server_error";
  return { code, message: error.message };
}

/**
 * One `event: error` SSE event. `sequenceNumber` is omitted when unknown (the
 * stateless renderer below, used by callers that hold no stream encoder).
 */
export function streamErrorEvent(error: OvertError, sequenceNumber?: number): string {
  const body = errorObject(error);
  const data = {
    type: "error",
    ...(sequenceNumber === undefined ? {} : { sequence_number: sequenceNumber }),
    code: body.code,
    message: body.message,
    param: body.param,
    error: body,
  };
  return `event: error\ndata: ${JSON.stringify(data)}\n\n`;
}

export const responsesErrors: ErrorDialect = {
  name: "openai-responses",
  renderError(error: OvertError): RenderedError {
    return { status: error.status, body: JSON.stringify({ error: errorObject(error) }) };
  },
  /**
   * Without the stream's state this can only send the `error` event (no
   * `sequence_number`, no `response.failed`); ResponsesStreamEncoder.error()
   * sends both and should be preferred once a stream has started.
   */
  renderStreamError(error: OvertError): string {
    return streamErrorEvent(error);
  },
};
