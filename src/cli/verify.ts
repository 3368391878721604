/**
 * `overt verify RECEIPT [--proof FILE] [--body FILE --response FILE --blind HEX] --vkey VKEY…
 *   [--origin O] [--checkpoint FILE --old-checkpoint FILE --consistency FILE] [--json]`
 *
 * Offline: reads only the files given (RECEIPT may be `-` for stdin) and never
 * contacts the relay. One line per check (ok / FAIL / skip); exit 0 when every
 * check passed, 1 when any failed, 2 for usage errors (a missing file, a
 * malformed key, an option without its partner).
 */
import { readFileSync } from "node:fs";
import {
  type CheckResult,
  EvidenceError,
  parseBlind,
  type ReceiptEvidence,
  verifyReceipt,
} from "../integrity/verify-receipt.js";

export interface VerifyOptions {
  proof?: string;
  body?: string;
  response?: string;
  blind?: string;
  vkey: string[];
  origin?: string;
  checkpoint?: string;
  oldCheckpoint?: string;
  consistency?: string;
  json?: boolean;
}

export const USAGE_EXIT = 2;

function usageError(message: string): never {
  process.stderr.write(`overt verify: ${message}\n`);
  process.exit(USAGE_EXIT);
}

function readInput(what: string, path: string): Buffer {
  try {
    return path === "-" ? readFileSync(0) : readFileSync(path);
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    usageError(`cannot read ${what} ${JSON.stringify(path)}: ${reason}`);
  }
}

function evidenceFrom(receiptPath: string, options: VerifyOptions): ReceiptEvidence {
  const stdin = [receiptPath, options.proof, options.body, options.response].filter((p) => p === "-");
  if (stdin.length > 1) usageError("only one input can be read from stdin (-)");
  const hashed = options.body !== undefined || options.response !== undefined;
  if (hashed && options.blind === undefined)
    usageError("--body and --response need --blind (the overt-receipt-blind header value)");
  if (!hashed && options.blind !== undefined) usageError("--blind needs --body and/or --response");
  if (options.oldCheckpoint !== undefined) {
    if (options.checkpoint === undefined && options.proof === undefined)
      usageError("--old-checkpoint needs a newer checkpoint: --checkpoint FILE or --proof FILE");
    if (options.consistency === undefined)
      usageError(
        "--old-checkpoint needs --consistency FILE (base64 hashes, one per line); " +
          "`overt log audit URL` checks consistency online from the log's tiles",
      );
  }
  if (options.consistency !== undefined && options.oldCheckpoint === undefined)
    usageError("--consistency needs --old-checkpoint");
  let blind: Buffer | undefined;
  try {
    blind = options.blind === undefined ? undefined : parseBlind(options.blind);
  } catch (error) {
    usageError((error as Error).message);
  }
  const evidence: ReceiptEvidence = { receipt: readInput("receipt", receiptPath), vkeys: options.vkey };
  const file = (what: string, path: string | undefined) =>
    path === undefined ? undefined : readInput(what, path);
  return {
    ...evidence,
    ...(options.origin !== undefined ? { origin: options.origin } : {}),
    ...(options.proof !== undefined ? { proof: file("proof", options.proof) } : {}),
    ...(options.body !== undefined ? { body: file("request body", options.body) } : {}),
    ...(options.response !== undefined ? { response: file("response", options.response) } : {}),
    ...(blind !== undefined ? { blind } : {}),
    ...(options.checkpoint !== undefined ? { checkpoint: file("checkpoint", options.checkpoint) } : {}),
    ...(options.oldCheckpoint !== undefined
      ? { oldCheckpoint: file("old checkpoint", options.oldCheckpoint) }
      : {}),
    ...(options.consistency !== undefined
      ? { consistency: file("consistency proof", options.consistency) }
      : {}),
  };
}

function renderChecks(checks: readonly CheckResult[]): string {
  const width = Math.max(...checks.map((c) => c.check.length));
  return checks.map((c) => `${c.status.padEnd(4)}  ${c.check.padEnd(width)}  ${c.message}\n`).join("");
}

export async function verify(receiptPath: string, options: VerifyOptions): Promise<void> {
  if (options.vkey.length === 0)
    usageError("give the log's verifier key with --vkey (see /.well-known/overt.json)");
  const evidence = evidenceFrom(receiptPath, options);
  let result: ReturnType<typeof verifyReceipt>;
  try {
    result = verifyReceipt(evidence);
  } catch (error) {
    if (error instanceof EvidenceError) usageError(error.message);
    throw error;
  }
  const failed = result.checks.filter((c) => c.status === "FAIL");
  if (options.json) {
    process.stdout.write(
      `${JSON.stringify(
        {
          ok: result.ok,
          checks: result.checks,
          receipt: result.receipt ?? null,
          index: result.index ?? null,
          checkpoint: result.checkpoint
            ? {
                origin: result.checkpoint.origin,
                size: result.checkpoint.size,
                root: result.checkpoint.root.toString("base64"),
              }
            : null,
        },
        null,
        2,
      )}\n`,
    );
  } else {
    process.stdout.write(renderChecks(result.checks));
    if (result.ok) {
      const passed = result.checks.filter((c) => c.status === "ok").length;
      process.stdout.write(`verified: ${passed} checks passed\n`);
      if (
        evidence.proof === undefined &&
        !result.checks.some((c) => c.check === "receipt signature" && c.status === "ok")
      )
        process.stdout.write(
          "note: nothing here proves the relay issued this receipt; give --proof (or a signed receipt)\n",
        );
    } else {
      process.stdout.write(`FAILED: ${failed.map((c) => c.message).join("; ")}\n`);
    }
  }
  process.exitCode = result.ok ? 0 : 1;
}
