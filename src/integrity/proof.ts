/**
 * C2SP tlog-proof (https://c2sp.org/tlog-proof), an offline-verifiable proof
 * that an entry is in a log:
 *
 *   c2sp.org/tlog-proof@v1\n
 *   [extra <base64>\n]
 *   index <decimal>\n
 *   <base64 inclusion proof hash>\n   (zero or more, leaf's sibling first)
 *   \n
 *   <the signed checkpoint, verbatim>
 *
 * Formatting matches filippo.io/torchwood's FormatProofWithExtraData. Verifying
 * follows the spec's steps: leaf hash, the checkpoint's origin and log
 * signature, witness cosignatures, then the inclusion proof.
 */
import { type CheckpointPolicy, openCheckpoint, type VerifiedCheckpoint } from "./checkpoint.js";
import { decodeBase64, encodeBase64, parseDecimal } from "./encoding.js";
import { VerificationError } from "./errors.js";
import { HASH_SIZE, leafHash } from "./merkle.js";
import { checkRecord } from "./merkle-proof.js";

export const TLOG_PROOF_HEADER = "c2sp.org/tlog-proof@v1";

export interface TlogProof {
  readonly index: number;
  /** Inclusion proof hashes, leaf's sibling first. */
  readonly proof: readonly Buffer[];
  /** The signed checkpoint note, verbatim. */
  readonly checkpoint: string;
  /** Opaque, unauthenticated application data. */
  readonly extra?: Buffer;
}

function malformed(why: string): VerificationError {
  return new VerificationError("malformed-proof", `malformed tlog-proof: ${why}`);
}

export function formatProof(p: TlogProof): string {
  if (!Number.isSafeInteger(p.index) || p.index < 0)
    throw new RangeError("index must be a non-negative safe integer");
  if (p.proof.some((h) => h.length !== HASH_SIZE)) throw new RangeError("proof hashes must be 32 bytes");
  if (!p.checkpoint.endsWith("\n"))
    throw new RangeError("checkpoint must be a signed note (ending in a newline)");
  const lines = [TLOG_PROOF_HEADER];
  if (p.extra !== undefined) lines.push(`extra ${encodeBase64(p.extra)}`);
  lines.push(`index ${p.index}`, ...p.proof.map((h) => encodeBase64(h)), "");
  return `${lines.join("\n")}\n${p.checkpoint}`;
}

const UTF8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

/** Parses a tlog-proof (text, or the bytes of a .tlog-proof file, which must be UTF-8). */
export function parseProof(input: string | Uint8Array): TlogProof {
  let rest: string;
  try {
    rest = typeof input === "string" ? input : UTF8.decode(input);
  } catch {
    throw malformed("not valid UTF-8");
  }
  const nextLine = (what: string): string => {
    const end = rest.indexOf("\n");
    if (end < 0) throw malformed(`missing ${what}`);
    const line = rest.slice(0, end);
    rest = rest.slice(end + 1);
    return line;
  };
  if (nextLine("header") !== TLOG_PROOF_HEADER) throw malformed(`first line is not ${TLOG_PROOF_HEADER}`);
  let line = nextLine("index line");
  let extra: Buffer | undefined;
  if (line.startsWith("extra ")) {
    extra = decodeBase64(line.slice("extra ".length));
    if (!extra) throw malformed("extra data is not base64");
    line = nextLine("index line");
  }
  if (!line.startsWith("index ")) throw malformed("missing index line");
  const index = parseDecimal(line.slice("index ".length));
  if (index === undefined) throw malformed("index is not a decimal up to 2^53 − 1 without leading zeros");
  const proof: Buffer[] = [];
  for (
    line = nextLine("blank line before the checkpoint");
    line !== "";
    line = nextLine("blank line before the checkpoint")
  ) {
    const hash = decodeBase64(line);
    if (!hash || hash.length !== HASH_SIZE)
      throw malformed(`proof line ${proof.length + 1} is not a base64 SHA-256 hash`);
    proof.push(hash);
  }
  if (rest === "") throw malformed("missing checkpoint");
  return extra === undefined ? { index, proof, checkpoint: rest } : { index, proof, checkpoint: rest, extra };
}

/** What the verifier knows the entry to be: its bytes, or its RFC 6962 leaf hash. */
export type ProvenLeaf = { readonly entry: Uint8Array } | { readonly leafHash: Uint8Array };

export interface VerifiedProof extends VerifiedCheckpoint {
  readonly index: number;
  readonly extra?: Buffer;
}

/**
 * Verifies a tlog-proof for `leaf` under `policy` (log origin and keys, witness
 * keys and quorum). Throws VerificationError naming the failed step.
 */
export function verifyProof(
  text: string | Uint8Array,
  leaf: ProvenLeaf,
  policy: CheckpointPolicy,
): VerifiedProof {
  const parsed = parseProof(text);
  const hash = "entry" in leaf ? leafHash(leaf.entry) : leaf.leafHash;
  const verified = openCheckpoint(parsed.checkpoint, policy);
  const { size, root } = verified.checkpoint;
  checkRecord(parsed.proof, size, root, parsed.index, hash);
  return parsed.extra === undefined
    ? { ...verified, index: parsed.index }
    : { ...verified, index: parsed.index, extra: parsed.extra };
}
