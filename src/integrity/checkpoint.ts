/**
 * C2SP tlog-checkpoint note text (https://c2sp.org/tlog-checkpoint):
 *
 *   <origin>\n
 *   <tree size, decimal, no leading zeros>\n
 *   <base64 RFC 6962 root hash>\n
 *   [<extension line>\n]…
 *
 * Parsing accepts what filippo.io/torchwood's ParseCheckpoint accepts, and also
 * rejects an empty origin (the spec's MUST) and sizes above 2^53 − 1 (this
 * library's number range).
 */
import { decodeBase64, encodeBase64, parseDecimal } from "./encoding.js";
import { VerificationError } from "./errors.js";
import { HASH_SIZE } from "./merkle.js";
import { type OpenedNote, openNote } from "./note.js";
import type { NoteVerifier } from "./note-keys.js";

const MAX_CHECKPOINT_BYTES = 1_000_000;

export interface Checkpoint {
  readonly origin: string;
  readonly size: number;
  readonly root: Buffer;
  /** Extension lines, without their newlines (usually none). */
  readonly extensions: readonly string[];
}

function malformed(why: string): VerificationError {
  return new VerificationError("malformed-checkpoint", `malformed checkpoint: ${why}`);
}

/** The checkpoint's note text, ready for signNote. */
export function formatCheckpoint(checkpoint: Checkpoint): string {
  const { origin, size, root, extensions } = checkpoint;
  if (origin === "" || origin.includes("\n")) throw new RangeError("origin must be one non-empty line");
  if (!Number.isSafeInteger(size) || size < 0)
    throw new RangeError("tree size must be a non-negative safe integer");
  if (root.length !== HASH_SIZE) throw new RangeError("root must be 32 bytes");
  for (const line of extensions) {
    if (line === "" || line.includes("\n"))
      throw new RangeError("extension lines must be single non-empty lines");
  }
  return [origin, String(size), encodeBase64(root), ...extensions].map((line) => `${line}\n`).join("");
}

/** Parses checkpoint note text (the signed text, not the whole signed note). */
export function parseCheckpoint(text: string): Checkpoint {
  if (text.length > MAX_CHECKPOINT_BYTES) throw malformed("too large");
  if (!text.endsWith("\n")) throw malformed("does not end in a newline");
  const [origin, sizeLine, rootLine, ...extensions] = text.slice(0, -1).split("\n");
  if (origin === undefined || sizeLine === undefined || rootLine === undefined)
    throw malformed("fewer than three lines");
  if (origin === "") throw malformed("empty origin");
  const size = parseDecimal(sizeLine);
  if (size === undefined) {
    throw malformed(
      /^(?:0|[1-9][0-9]*)$/.test(sizeLine) ? "tree size above 2^53 − 1" : "tree size is not a decimal",
    );
  }
  const root = decodeBase64(rootLine);
  if (!root || root.length !== HASH_SIZE) throw malformed("root hash is not 32 bytes of base64");
  if (extensions.some((line) => line === "")) throw malformed("empty extension line");
  return { origin, size, root, extensions };
}

export interface CheckpointPolicy {
  /** The origin line the verifier expects. */
  readonly origin: string;
  /** The log's own keys: at least one must have signed. */
  readonly logVerifiers: readonly NoteVerifier[];
  /** Witness (cosignature) verifiers; their signatures are checked when present. */
  readonly witnessVerifiers?: readonly NoteVerifier[];
  /** How many distinct witnesses must have cosigned (default 0). */
  readonly witnessQuorum?: number;
}

export interface VerifiedCheckpoint {
  readonly checkpoint: Checkpoint;
  readonly note: OpenedNote;
  /** Names of the witnesses whose cosignatures verified. */
  readonly witnesses: readonly string[];
}

/**
 * Opens a signed checkpoint under a policy: every signature by a known key must
 * verify, one must be the log's, the origin must be the expected one, and at
 * least `witnessQuorum` known witnesses must have cosigned.
 */
export function openCheckpoint(signed: string | Uint8Array, policy: CheckpointPolicy): VerifiedCheckpoint {
  const witnessVerifiers = policy.witnessVerifiers ?? [];
  const note = openNote(signed, [...policy.logVerifiers, ...witnessVerifiers]);
  const isFrom = (list: readonly NoteVerifier[]) => (s: { name: string; keyId: number }) =>
    list.some((v) => v.name === s.name && v.keyId === s.keyId);
  if (!note.signatures.some(isFrom(policy.logVerifiers))) {
    throw new VerificationError(
      "missing-log-signature",
      `checkpoint is not signed by the log ${policy.origin}`,
    );
  }
  const checkpoint = parseCheckpoint(note.text);
  if (checkpoint.origin !== policy.origin) {
    throw new VerificationError(
      "origin-mismatch",
      `checkpoint origin ${JSON.stringify(checkpoint.origin)} is not ${JSON.stringify(policy.origin)}`,
    );
  }
  const witnesses = [...new Set(note.signatures.filter(isFrom(witnessVerifiers)).map((s) => s.name))];
  const quorum = policy.witnessQuorum ?? 0;
  if (witnesses.length < quorum) {
    throw new VerificationError(
      "witness-quorum",
      `${witnesses.length} witness cosignatures verified, policy needs ${quorum}`,
    );
  }
  return { checkpoint, note, witnesses };
}
