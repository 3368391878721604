/**
 * Turns anything thrown at the HTTP edge into the client dialect's envelope plus
 * the stable headers every error carries: `overt-error-code` and `x-request-id`
 * (security catalogue conventions). Unknown errors become OVT_ERR_RELAY_INTERNAL and
 * never expose their message.
 */
import { isOvertError, OvertError } from "../errors/overt-error.js";
import type { ErrorDialect } from "../protocols/dialect.js";

export interface ErrorResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** Maps Fastify's own errors (body parsing, limits) onto the registry. */
export function toOvertError(error: unknown, requestId: string, bodyLimit: number): OvertError {
  if (isOvertError(error)) return error;
  const code = typeof error === "object" && error !== null ? (error as { code?: unknown }).code : undefined;
  switch (code) {
    case "FST_ERR_CTP_BODY_TOO_LARGE":
      return new OvertError(
        "OVT_ERR_REQ_BODY_TOO_LARGE",
        { limit: bodyLimit },
        { headers: { connection: "close" } },
      );
    case "FST_ERR_CTP_INVALID_MEDIA_TYPE":
      return new OvertError("OVT_ERR_REQ_INVALID_JSON", { detail: "Content-Type must be application/json" });
    case "FST_ERR_CTP_EMPTY_JSON_BODY":
      return new OvertError("OVT_ERR_REQ_INVALID_JSON", { detail: "the body is empty" });
    case "FST_ERR_CTP_INVALID_CONTENT_LENGTH":
      return new OvertError("OVT_ERR_REQ_INVALID_JSON", { detail: "Content-Length does not match the body" });
    default:
      return new OvertError("OVT_ERR_RELAY_INTERNAL", { requestId });
  }
}

export function renderErrorResponse(
  error: OvertError,
  dialect: ErrorDialect,
  requestId: string,
): ErrorResponse {
  const rendered = dialect.renderError(error, requestId);
  return {
    status: rendered.status,
    headers: {
      "content-type": "application/json",
      "overt-error-code": error.code,
      "x-request-id": requestId,
      ...error.headers,
    },
    body: rendered.body,
  };
}
