/**
 * What the HTTP edge needs from a client dialect to answer errors in the
 * client's own envelope, before and after a stream has started (DESIGN §7).
 */
import type { OvertError } from "../errors/overt-error.js";

export interface RenderedError {
  status: number;
  body: string;
}

export interface ErrorDialect {
  readonly name: string;
  renderError(error: OvertError, requestId: string): RenderedError;
  /** The bytes of an in-stream error event (SSE), sent when a stream fails after its first byte. */
  renderStreamError(error: OvertError, requestId: string): string;
}
