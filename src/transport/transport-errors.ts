/**
 * Maps errors thrown by undici and the egress guard to relay errors (catalogue
 * D4, K3). The raw error is never serialised to the client or the log: it can
 * carry URLs and headers.
 */
import { OvertError } from "../errors/overt-error.js";

export type TransportFailureKind = "timeout" | "unreachable" | "disconnected" | "aborted";

export function transportFailureKind(error: unknown): TransportFailureKind {
  if (typeof error !== "object" || error === null) return "unreachable";
  const { code, name } = error as { code?: unknown; name?: unknown };
  if (name === "AbortError" || code === "UND_ERR_ABORTED" || code === "ABORT_ERR") return "aborted";
  if (
    code === "UND_ERR_HEADERS_TIMEOUT" ||
    code === "UND_ERR_BODY_TIMEOUT" ||
    code === "UND_ERR_CONNECT_TIMEOUT"
  ) {
    return "timeout";
  }
  if (code === "UND_ERR_SOCKET" || code === "ECONNRESET" || code === "UND_ERR_CLOSED" || code === "EPIPE") {
    return "disconnected";
  }
  return "unreachable";
}

export interface Timeouts {
  connectTimeoutMs: number;
  headersTimeoutMs: number;
  idleTimeoutMs: number;
}

function timeoutSeconds(error: unknown, timeouts: Timeouts): number {
  const code = (error as { code?: unknown }).code;
  const ms =
    code === "UND_ERR_CONNECT_TIMEOUT"
      ? timeouts.connectTimeoutMs
      : code === "UND_ERR_HEADERS_TIMEOUT"
        ? timeouts.headersTimeoutMs
        : timeouts.idleTimeoutMs;
  return Math.round(ms / 100) / 10;
}

export function transportError(error: unknown, provider: string, timeouts: Timeouts): OvertError {
  const kind = transportFailureKind(error);
  if (kind === "timeout") {
    return new OvertError("OVT_ERR_UPSTREAM_TIMEOUT", { provider, seconds: timeoutSeconds(error, timeouts) });
  }
  if (kind === "disconnected") return new OvertError("OVT_ERR_UPSTREAM_DISCONNECTED", { provider });
  return new OvertError("OVT_ERR_UPSTREAM_UNREACHABLE", { provider });
}
