/**
 * Serialises an SSE stream with grammar faults (catalogue C3): comment lines,
 * unknown event types, a non-JSON data line, two data lines without the blank
 * line between them, and CRLF line endings.
 */
import { type SseFrame, serializeFrame } from "./stream.js";
import type { SseFault } from "./types.js";

export const NON_JSON_DATA = "data: this is not json {\n\n";
export const UNKNOWN_EVENT = 'event: simulator.unknown\ndata: {"type":"simulator.unknown","ignore":true}\n\n';
export const PING_COMMENT = ": ping\n\n";

export function renderMalformed(
  frames: readonly SseFrame[],
  faults: readonly SseFault[],
  atChunk: number,
): string {
  const has = (fault: SseFault) => faults.includes(fault);
  const at = Math.min(Math.max(atChunk, 0), frames.length - 1);
  let out = "";
  for (let i = 0; i < frames.length; i++) {
    const frame = frames[i];
    if (frame === undefined) continue;
    if (has("comment-ping")) out += PING_COMMENT;
    if (i === at) {
      if (has("unknown-event")) out += UNKNOWN_EVENT;
      if (has("non-json-data")) out += NON_JSON_DATA;
    }
    const next = frames[i + 1];
    if (i === at && has("missing-blank-line") && next !== undefined) {
      // `data: A\ndata: B\n\n`: one event whose data is "A\nB" — not JSON.
      out += `data: ${frame.data}\ndata: ${next.data}\n\n`;
      i++;
      continue;
    }
    out += serializeFrame(frame);
  }
  return has("crlf") ? out.replace(/\n/g, "\r\n") : out;
}
