/**
 * Content capture (issue 4; DESIGN §5): off unless the tenant opts in. Then the
 * request as the client sent it and the response as the client received it are
 * handed to the capture sink, which seals them under the tenant's data key; they
 * are never written anywhere in the clear. Each side is capped so one huge
 * exchange cannot balloon memory; a cut is marked in the captured text.
 */
import type { TenantConfig } from "../config/types.js";
import type { RequestState } from "./attempt-state.js";

export const MAX_CAPTURE_CHARS = 4 * 1024 * 1024;

export interface CaptureSink {
  record(input: {
    tenantId: string;
    keyId: string;
    requestId: string;
    at: number;
    retentionDays: number;
    request: string;
    response: string;
  }): Promise<unknown>;
}

/** Starts collecting the response when the tenant captures content. */
export function startCapture(state: RequestState, tenant: TenantConfig): void {
  if (tenant.capture.enabled) state.captured = { tenant, response: [], chars: 0, cut: false };
}

export function captureResponse(state: RequestState, text: string | Buffer): void {
  const capture = state.captured;
  if (capture === null || capture.cut) return;
  const piece = typeof text === "string" ? text : text.toString("utf8");
  const room = MAX_CAPTURE_CHARS - capture.chars;
  if (piece.length > room) {
    capture.response.push(piece.slice(0, room));
    capture.cut = true;
    capture.chars = MAX_CAPTURE_CHARS;
    return;
  }
  capture.response.push(piece);
  capture.chars += piece.length;
}

function capped(text: string): string {
  return text.length > MAX_CAPTURE_CHARS
    ? `${text.slice(0, MAX_CAPTURE_CHARS)}\n[overt: capture cut at ${MAX_CAPTURE_CHARS} characters]`
    : text;
}

/** Hands the exchange to the sink; the request body is re-serialised from the parsed one. */
export function finishCapture(
  state: RequestState,
  requestBody: unknown,
  sink: CaptureSink,
): Promise<unknown> | null {
  const capture = state.captured;
  if (capture === null || state.key === null) return null;
  let response = capture.response.join("");
  if (capture.cut) response += `\n[overt: capture cut at ${MAX_CAPTURE_CHARS} characters]`;
  return sink.record({
    tenantId: capture.tenant.id,
    keyId: state.key.id,
    requestId: state.requestId,
    at: Date.now(),
    retentionDays: capture.tenant.capture.retentionDays,
    request: capped(JSON.stringify(requestBody) ?? ""),
    response,
  });
}
