/**
 * The seam between an upstream's wire format and the client's: a transcoder turns
 * upstream responses into client bytes and reads usage on the way. Same-dialect
 * transcoders pass bytes through (DESIGN §4 passthrough); cross-dialect ones go
 * through IR events (upstream decoder → client encoder).
 */
import type { OvertError } from "../errors/overt-error.js";
import type { SettledUsage } from "../ir/usage.js";
import type { EventSourceMessage } from "../transport/sse-reader.js";

export interface StreamStep {
  /** Bytes for the client (may be ""). */
  out: string;
  /** The upstream finished properly: write `out` and stop. */
  done?: boolean;
  /** The stream failed: write `out`, then the client's in-stream error, and stop. */
  failure?: OvertError;
}

export interface StreamTranscoder {
  event(event: EventSourceMessage): StreamStep;
  /** The upstream's bytes ended without a terminal event. */
  end(): StreamStep;
  /** Usage the upstream reported so far (normalised and validated), if any. */
  readonly usage: SettledUsage | null;
  /** Generated text delivered so far, for estimates when usage is missing. */
  readonly delivered: string[];
  /** The in-stream error, when the client dialect's framing needs the stream's own state. */
  renderFailure?(failure: OvertError): string | undefined;
}

export type JsonResult =
  | { ok: true; body: string | Buffer; usage: SettledUsage | null; delivered: string[] }
  | { ok: false; error: OvertError };

export interface JsonTranscoder {
  /** `json` is the parsed upstream body, `raw` its bytes. */
  transcode(json: Record<string, unknown>, raw: Buffer): JsonResult;
}
