/**
 * The relay's own upstream credentials as a detector (catalogue B15: "the
 * operator's own stored upstream key"): exact occurrences, whatever their shape.
 * A credential configured as `id:secret` (Bedrock) is matched in parts too.
 */
import type { Finding } from "./types.js";

const MIN_LENGTH = 12;

export function knownSecretsDetector(secrets: readonly string[]): ((text: string) => Finding[]) | undefined {
  const needles = new Set<string>();
  for (const secret of secrets) {
    for (const part of [secret, ...secret.split(":")]) if (part.length >= MIN_LENGTH) needles.add(part);
  }
  if (needles.size === 0) return undefined;
  const list = [...needles].sort((a, b) => b.length - a.length);
  return (text) => {
    const out: Finding[] = [];
    for (const needle of list) {
      for (let at = text.indexOf(needle); at >= 0; at = text.indexOf(needle, at + needle.length)) {
        if (!out.some((f) => at < f.end && f.start < at + needle.length))
          out.push({ kind: "secret.relay_upstream_key", start: at, end: at + needle.length });
      }
    }
    return out.sort((a, b) => a.start - b.start);
  };
}
