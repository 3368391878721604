/**
 * Deterministic thought signatures: base64 of HMAC-SHA256 over the signed
 * function call (its name and args) or answer text, with a fixed simulator key.
 * Like Gemini 3, the simulator signs the first function call of every step and
 * refuses a request whose current turn sends such a call back unsigned or with
 * a signature it did not make — except Google's documented placeholders for
 * history from elsewhere. Tests recompute them to check a relay passes
 * signatures back byte-exact.
 */
import { createHmac, timingSafeEqual } from "node:crypto";

const SIMULATOR_SIGNATURE_KEY = "overt-simulator-gemini-thought-signature-key-v1";

/** Signatures Gemini accepts for calls it did not produce (documented validator bypasses). */
export const PLACEHOLDER_SIGNATURES: ReadonlySet<string> = new Set([
  "skip_thought_signature_validator",
  "context_engineering_is_the_way_to_go",
]);

function sign(kind: string, payload: string): string {
  return createHmac("sha256", SIMULATOR_SIGNATURE_KEY).update(`${kind}\n${payload}`, "utf8").digest("base64");
}

/** The signature the simulator puts on a function call part. */
export function callSignature(name: string, args: unknown): string {
  return sign("call", JSON.stringify({ name, args: args ?? {} }));
}

/** The signature the simulator puts on the last text part of a thinking answer. */
export function textSignature(text: string): string {
  return sign("text", text);
}

/** True when `signature` is a placeholder or the simulator's own signature for this call. */
export function verifyCallSignature(name: string, args: unknown, signature: string): boolean {
  if (PLACEHOLDER_SIGNATURES.has(signature)) return true;
  const expected = Buffer.from(callSignature(name, args), "utf8");
  const presented = Buffer.from(signature, "utf8");
  return expected.length === presented.length && timingSafeEqual(expected, presented);
}
