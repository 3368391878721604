/**
 * The relay's own upstream keys never reach a client (catalogue D9), even in a
 * 200 answer: an upstream (or a third-party relay configured as one) that
 * reflects our request headers into its output would otherwise hand the client
 * the operator's credential. Applied to every client-bound write; a key split
 * across two stream events is not caught (each event is checked on its own).
 */
import type { Finding } from "../guard/types.js";

export const UPSTREAM_KEY_REDACTION = "[redacted upstream key]";

export type OutputScrubber = (text: string) => string;

export function outputScrubber(detect: ((text: string) => Finding[]) | undefined): OutputScrubber {
  if (detect === undefined) return (text) => text;
  return (text) => {
    const findings = detect(text);
    if (findings.length === 0) return text;
    let out = "";
    let cursor = 0;
    for (const f of findings) {
      out += text.slice(cursor, f.start) + UPSTREAM_KEY_REDACTION;
      cursor = f.end;
    }
    return out + text.slice(cursor);
  };
}
