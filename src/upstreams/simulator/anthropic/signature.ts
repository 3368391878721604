/**
 * Deterministic thinking-block signatures: base64 of HMAC-SHA256 over the
 * thinking text with a fixed simulator key. Tests recompute them to check that
 * a relay passes thinking blocks back byte-exact; the simulator rejects an
 * assistant thinking block whose signature does not match, as the real API does.
 */
import { createHmac, timingSafeEqual } from "node:crypto";

const SIMULATOR_THINKING_KEY = "overt-simulator-thinking-signature-key-v1";

export function thinkingSignature(thinking: string): string {
  return createHmac("sha256", SIMULATOR_THINKING_KEY).update(thinking, "utf8").digest("base64");
}

export function verifyThinkingSignature(thinking: string, signature: string): boolean {
  const expected = Buffer.from(thinkingSignature(thinking), "utf8");
  const presented = Buffer.from(signature, "utf8");
  return expected.length === presented.length && timingSafeEqual(expected, presented);
}
