/**
 * Pieces shared by the offline receipt verifier (verify-receipt.ts) and the
 * log auditor (audit.ts): the failure code and message of an error, what a
 * failed checkpoint means in words, and the consistency check between two
 * verified checkpoints given a caller-supplied proof (base64 hashes, one per line).
 */
import type { Checkpoint } from "./checkpoint.js";
import { decodeBase64 } from "./encoding.js";
import { VerificationError } from "./errors.js";
import { checkTree } from "./merkle-proof.js";

const UTF8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

export function codeOf(error: unknown): string | undefined {
  return error instanceof VerificationError ? error.code : undefined;
}

export function why(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Says what a failed checkpoint opening means, in the words `overt verify` promises. */
export function checkpointFailure(what: string, error: unknown, origin: string): string {
  switch (codeOf(error)) {
    case "invalid-signature":
      return `${what} signature does not verify (${why(error)})`;
    case "unverified-note":
    case "missing-log-signature":
      return `${what} signature does not verify with any given key (${why(error)})`;
    case "origin-mismatch":
      return `${what} is from another log: ${why(error)}`;
    case "malformed-note":
    case "malformed-checkpoint":
      return `${what} is malformed: ${why(error)}`;
    default:
      return `${what} does not verify under origin ${origin}: ${why(error)}`;
  }
}

/** Parses a consistency proof file: standard base64 SHA-256 hashes, one per line. */
export function parseConsistency(bytes: Uint8Array): Buffer[] {
  let text: string;
  try {
    text = UTF8.decode(bytes);
  } catch {
    throw new VerificationError("malformed-proof", "consistency proof is not UTF-8 text");
  }
  const lines = text.split("\n").map((line) => line.trim());
  while (lines.length > 0 && lines[lines.length - 1] === "") lines.pop();
  return lines.map((line, i) => {
    const hash = decodeBase64(line);
    if (hash?.length !== 32) {
      throw new VerificationError(
        "malformed-proof",
        `consistency proof line ${i + 1} is not a base64 SHA-256 hash`,
      );
    }
    return hash;
  });
}

/**
 * Checks that the smaller of two verified checkpoints is a prefix of the larger
 * one, reporting through `pass`/`failed` (check name "consistency").
 */
export function checkConsistency(
  a: Checkpoint,
  b: Checkpoint,
  consistency: Uint8Array | undefined,
  pass: (check: string, message: string) => void,
  failed: (check: string, message: string, error?: unknown) => void,
): void {
  const [older, newer] = a.size <= b.size ? [a, b] : [b, a];
  if (older.size === newer.size) {
    if (older.root.equals(newer.root))
      pass("consistency", `both checkpoints are the tree of size ${older.size}`);
    else
      failed(
        "consistency",
        `checkpoints of the same size ${older.size} have different roots: the log forked`,
      );
    return;
  }
  if (older.size === 0) {
    pass("consistency", "the earlier checkpoint is the empty tree");
    return;
  }
  if (consistency === undefined) {
    failed("consistency", "consistency not checked: no consistency proof (--consistency FILE)");
    return;
  }
  try {
    checkTree(parseConsistency(consistency), newer.size, newer.root, older.size, older.root);
    pass("consistency", `the log at size ${newer.size} extends the log at size ${older.size}`);
  } catch (error) {
    const code = codeOf(error);
    const message =
      code === "old-root-mismatch"
        ? `consistency proof does not lead to the earlier checkpoint's root (size ${older.size}): the log rewrote history, or the proof is wrong`
        : code === "root-mismatch"
          ? `consistency proof does not lead to the newer checkpoint's root (size ${newer.size})`
          : `consistency proof is invalid: ${why(error)}`;
    failed("consistency", message, error);
  }
}
