/**
 * Offline verification of one receipt (issue 5; `overt verify`): everything a
 * client can check with its own bytes and the relay's published verifier keys,
 * without contacting the relay. Each check yields one result line that says
 * exactly what held or what failed:
 *
 *   receipt             the text parses as overt.receipt/v1 (a signed note's text when signed one by one);
 *   receipt signature   a signed receipt verifies under the given keys;
 *   request/response    HMAC-SHA-256 under the blind over the caller's own bytes equals the receipt's field;
 *   proof …             the tlog-proof's checkpoint is signed by the log (keys, origin) and its inclusion
 *                       proof leads from the receipt, exactly as served, to the checkpoint's root;
 *   consistency         an earlier checkpoint is a prefix of the newer one (a consistency proof given
 *                       by the caller; `overt log audit` builds one online from the log's tiles).
 */
import { createHmac } from "node:crypto";
import { type Checkpoint, type CheckpointPolicy, openCheckpoint } from "./checkpoint.js";
import { leafHash } from "./merkle.js";
import { checkRecord } from "./merkle-proof.js";
import { openNote } from "./note.js";
import { type NoteVerifier, newVerifier } from "./note-keys.js";
import { parseProof } from "./proof.js";
import { parseReceipt, type Receipt, ReceiptFormatError } from "./receipt.js";
import { checkConsistency, checkpointFailure, codeOf, why } from "./verify-checks.js";

export interface ReceiptEvidence {
  /** The receipt exactly as served by GET /v1/receipts/{id} (a signed note when receipts are signed one by one). */
  receipt: Uint8Array;
  /** The log's verifier keys (C2SP vkeys). */
  vkeys: readonly string[];
  /** The log's origin; default: the keys' name when they share one, else the checkpoint's own origin line. */
  origin?: string;
  /** c2sp.org/tlog-proof@v1 text from GET /v1/receipts/{id}/proof. */
  proof?: Uint8Array;
  /** The request body the caller sent and the response body bytes it received. */
  body?: Uint8Array;
  response?: Uint8Array;
  /** The `overt-receipt-blind` header value, as bytes (decoded from hex). */
  blind?: Uint8Array;
  /** A newer signed checkpoint (default for consistency: the proof's checkpoint). */
  checkpoint?: Uint8Array;
  /** An earlier signed checkpoint to prove consistent with the newer one. */
  oldCheckpoint?: Uint8Array;
  /** The consistency proof between them, base64 hashes one per line. */
  consistency?: Uint8Array;
}

export type CheckStatus = "ok" | "FAIL" | "skip";

export interface CheckResult {
  /** Short name of the check, e.g. "response hash". */
  readonly check: string;
  readonly status: CheckStatus;
  /** What held, or exactly what failed. */
  readonly message: string;
  /** The VerificationError code behind a failure, when there is one. */
  readonly code?: string;
}

export interface ReceiptVerification {
  readonly ok: boolean;
  readonly checks: readonly CheckResult[];
  readonly receipt?: Receipt;
  /** The receipt's log index (from the proof) and the checkpoint it was proven under. */
  readonly index?: number;
  readonly checkpoint?: Checkpoint;
}

/** Thrown for evidence the caller gave in an unusable shape (a usage error, not a failed check). */
export class EvidenceError extends Error {}

const UTF8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

/** The origin to require: --origin, else the keys' one name (an Overt log's keys are named after it), else the note's own first line. */
function expectedOrigin(
  evidence: ReceiptEvidence,
  verifiers: readonly NoteVerifier[],
  signed: string,
): string {
  if (evidence.origin !== undefined) return evidence.origin;
  const names = new Set(verifiers.map((v) => v.name));
  if (names.size === 1) return [...names][0]!;
  return signed.slice(0, Math.max(0, signed.indexOf("\n")));
}

/** Runs every check the evidence allows; never throws for bad evidence, only for unusable keys. */
export function verifyReceipt(evidence: ReceiptEvidence): ReceiptVerification {
  if (evidence.vkeys.length === 0) throw new EvidenceError("at least one --vkey is needed");
  const verifiers = evidence.vkeys.map((vkey) => {
    try {
      return newVerifier(vkey);
    } catch (error) {
      throw new EvidenceError(`bad verifier key ${JSON.stringify(vkey.slice(0, 60))}: ${why(error)}`);
    }
  });
  const checks: CheckResult[] = [];
  const pass = (check: string, message: string) => checks.push({ check, status: "ok", message });
  const skip = (check: string, message: string) => checks.push({ check, status: "skip", message });
  const failed = (check: string, message: string, error?: unknown) => {
    const code = codeOf(error);
    checks.push(
      code === undefined ? { check, status: "FAIL", message } : { check, status: "FAIL", message, code },
    );
  };

  // 1. The receipt parses; a signed one verifies.
  let receipt: Receipt | undefined;
  let text: string | undefined;
  try {
    text = UTF8.decode(evidence.receipt);
  } catch {
    failed("receipt", "receipt is not UTF-8 text");
  }
  if (text !== undefined) {
    const signed = text.includes("\n\n");
    let body = text;
    if (signed) {
      try {
        const opened = openNote(text, verifiers);
        body = opened.text;
        pass("receipt signature", `receipt signed by ${opened.signatures.map((s) => s.name).join(", ")}`);
      } catch (error) {
        failed(
          "receipt signature",
          codeOf(error) === "unverified-note"
            ? `receipt signature does not verify with any given key (${why(error)})`
            : `receipt signature does not verify: ${why(error)}`,
          error,
        );
        body = text.slice(0, text.lastIndexOf("\n\n") + 1);
      }
    }
    try {
      receipt = parseReceipt(body);
      pass("receipt", `receipt ${receipt.id} parses (overt.receipt/v1, ${receipt.time})`);
      if (!signed) skip("receipt signature", "receipt is not signed one by one; --proof proves it");
    } catch (error) {
      failed(
        "receipt",
        `receipt does not parse: ${error instanceof ReceiptFormatError ? error.message : why(error)}`,
      );
    }
  }

  // 2. The blinded hashes, from the caller's own bytes.
  if (evidence.blind !== undefined) {
    const blind = evidence.blind;
    const mac = (bytes: Uint8Array) => createHmac("sha256", blind).update(bytes).digest("hex");
    for (const [check, bytes, field, noun] of [
      ["request hash", evidence.body, receipt?.request, "request body"],
      ["response hash", evidence.response, receipt?.response, "response"],
    ] as const) {
      if (bytes === undefined) continue;
      if (field === undefined) failed(check, `${check} not checked: the receipt did not parse`);
      else if (mac(bytes) === field)
        pass(check, `${check} matches your ${noun} (${bytes.length} bytes) under the blind`);
      else
        failed(
          check,
          `${check} differs: HMAC-SHA-256 of your ${noun} (${bytes.length} bytes) under the blind is not the receipt's`,
        );
    }
  }

  // 3. Inclusion under a signed checkpoint.
  let proven: { index: number; checkpoint: Checkpoint } | undefined;
  let proofCheckpoint: Checkpoint | undefined;
  if (evidence.proof !== undefined) {
    try {
      const parsed = parseProof(evidence.proof);
      pass(
        "proof",
        `tlog-proof parses: index ${parsed.index}, ${parsed.proof.length} hash${parsed.proof.length === 1 ? "" : "es"}`,
      );
      const origin = expectedOrigin(evidence, verifiers, parsed.checkpoint);
      const policy: CheckpointPolicy = { origin, logVerifiers: verifiers };
      let head: Checkpoint | undefined;
      try {
        const opened = openCheckpoint(parsed.checkpoint, policy);
        head = opened.checkpoint;
        proofCheckpoint = head;
        pass(
          "proof checkpoint",
          `proof's checkpoint (${origin}, size ${head.size}) is signed by ${opened.note.signatures.map((s) => s.name).join(", ")}`,
        );
      } catch (error) {
        failed("proof checkpoint", checkpointFailure("proof's checkpoint", error, origin), error);
      }
      if (head !== undefined) {
        try {
          checkRecord(parsed.proof, head.size, head.root, parsed.index, leafHash(evidence.receipt));
          proven = { index: parsed.index, checkpoint: head };
          pass("inclusion", `receipt is entry ${parsed.index} of the log at size ${head.size}`);
        } catch (error) {
          const code = codeOf(error);
          failed(
            "inclusion",
            code === "root-mismatch"
              ? `proof does not lead to the checkpoint root: the receipt is not entry ${parsed.index} of the log at size ${head.size} (the receipt, the proof or the checkpoint was changed)`
              : `inclusion proof is invalid: ${why(error)}`,
            error,
          );
        }
      }
    } catch (error) {
      failed("proof", `proof is malformed: ${why(error)}`, error);
    }
  }

  // 4. Consistency of an earlier checkpoint with a newer one.
  const open = (what: string, bytes: Uint8Array): Checkpoint | undefined => {
    let origin = evidence.origin ?? "";
    try {
      origin = expectedOrigin(evidence, verifiers, UTF8.decode(bytes));
      const opened = openCheckpoint(bytes, { origin, logVerifiers: verifiers });
      pass(
        what,
        `${what} (${origin}, size ${opened.checkpoint.size}) is signed by ${opened.note.signatures.map((s) => s.name).join(", ")}`,
      );
      return opened.checkpoint;
    } catch (error) {
      failed(what, checkpointFailure(what, error, origin), error);
      return undefined;
    }
  };
  const newer = evidence.checkpoint === undefined ? proofCheckpoint : open("checkpoint", evidence.checkpoint);
  if (evidence.checkpoint !== undefined && newer && proofCheckpoint) {
    if (newer.size !== proofCheckpoint.size)
      skip(
        "proof checkpoint",
        `the proof's checkpoint (size ${proofCheckpoint.size}) and --checkpoint (size ${newer.size}) are not linked by a consistency proof here`,
      );
    else if (!newer.root.equals(proofCheckpoint.root))
      failed(
        "checkpoint",
        `checkpoint and the proof's checkpoint both have size ${newer.size} but different roots: the log forked`,
      );
  }
  if (evidence.oldCheckpoint !== undefined) {
    const older = open("old checkpoint", evidence.oldCheckpoint);
    if (newer && older) checkConsistency(older, newer, evidence.consistency, pass, failed);
    else if (evidence.checkpoint === undefined && evidence.proof === undefined)
      failed("consistency", "consistency not checked: no newer checkpoint (give --checkpoint or --proof)");
    else failed("consistency", "consistency not checked: a checkpoint did not verify");
  }

  const ok = checks.every((c) => c.status !== "FAIL");
  return {
    ok,
    checks,
    ...(receipt ? { receipt } : {}),
    ...(proven ? { index: proven.index, checkpoint: proven.checkpoint } : {}),
  };
}

/** Decodes the `overt-receipt-blind` hex value; EvidenceError when it is not hex. */
export function parseBlind(hex: string): Buffer {
  if (!/^(?:[0-9a-fA-F]{2})+$/.test(hex))
    throw new EvidenceError("--blind must be the hex value of the overt-receipt-blind header");
  return Buffer.from(hex, "hex");
}
