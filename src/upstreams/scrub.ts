/**
 * Upstream error text is untrusted (catalogue D2, D9): before it reaches a client
 * or a log, account identifiers and any configured secret are removed, and it is
 * cut to a readable length.
 */
const ACCOUNT_IDS: RegExp[] = [
  /\borg-[A-Za-z0-9]{6,}/g,
  /\bproj_[A-Za-z0-9]{6,}/g,
  /\buser-[A-Za-z0-9]{6,}/g,
  /\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/gi,
  /\b(?:sk|ak|pk)-[A-Za-z0-9_-]{8,}/g,
  /\bovt_[A-Za-z0-9]{10,}/g,
  /https?:\/\/[^\s"'<>]+/g,
];

const MAX_LENGTH = 500;

export function scrubUpstreamText(text: string, secrets: readonly string[]): string {
  let out = text.length > 4 * MAX_LENGTH ? text.slice(0, 4 * MAX_LENGTH) : text;
  for (const secret of secrets) {
    if (secret.length >= 8) out = out.split(secret).join("[redacted]");
  }
  for (const pattern of ACCOUNT_IDS) out = out.replace(pattern, "[redacted]");
  out = out.replace(/\s+/g, " ").trim();
  return out.length > MAX_LENGTH ? `${out.slice(0, MAX_LENGTH)}…` : out;
}

/** Pulls a human message out of an OpenAI/Anthropic/Gemini-style error body, if any. */
export function upstreamErrorMessage(body: string): string | null {
  try {
    const parsed: unknown = JSON.parse(body);
    if (typeof parsed !== "object" || parsed === null) return null;
    const error = (parsed as { error?: unknown }).error;
    if (typeof error === "string") return error;
    if (typeof error === "object" && error !== null) {
      const message = (error as { message?: unknown }).message;
      if (typeof message === "string") return message;
    }
    const message = (parsed as { message?: unknown }).message;
    return typeof message === "string" ? message : null;
  } catch {
    return null;
  }
}
