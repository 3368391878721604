/**
 * Structured logs (pino) with an allowlist mindset: callers log named fields
 * only — request ids, key ids, model names, statuses — never bodies, headers or
 * errors from the transport (catalogue K1, K3). Redaction paths are a second net.
 */
import { pino } from "pino";

export type Logger = pino.Logger;

export function createLogger(level: string): Logger {
  return pino({
    level,
    base: undefined,
    redact: {
      paths: ["authorization", "headers", "body", "apiKey", "key", "*.authorization", "*.apiKey", "*.key"],
      censor: "[redacted]",
    },
  });
}
