/**
 * Why a piece of integrity evidence (a proof, a note, a checkpoint, a tile) was
 * rejected. `code` names the failed check so callers such as `overt verify` can
 * say what failed without parsing messages; messages name sizes, indexes and
 * key names, never secret material.
 */

export type VerificationFailure =
  /** A hash is not 32 bytes, or not valid base64 where text was expected. */
  | "malformed-hash"
  /** A tree size or index is outside what the check allows (e.g. index ≥ size, old size > new size). */
  | "invalid-size"
  /** The proof has more or fewer hashes than the tree shape requires. */
  | "proof-length"
  /** The proof recomputes a different root than the one claimed. */
  | "root-mismatch"
  /** A consistency proof recomputes a different root for the older tree. */
  | "old-root-mismatch"
  | "malformed-tile-path"
  /** Tile data has the wrong length, or an index is not in the tile. */
  | "malformed-tile"
  /** Fetched tiles do not hash up to the trusted root: at least one is wrong. */
  | "inconsistent-tile"
  | "malformed-entry-bundle"
  /** A signer or verifier key string is malformed, has an unknown type or a wrong key ID. */
  | "malformed-key"
  | "malformed-note"
  /** A known key's signature on the note does not verify: the whole note is rejected. */
  | "invalid-signature"
  /** No signature on the note is from a known key. */
  | "unverified-note"
  /** Two configured verifiers share one key name and key ID. */
  | "ambiguous-key"
  | "malformed-checkpoint"
  | "origin-mismatch"
  /** The note verified, but not with any of the log's own keys (only witnesses signed). */
  | "missing-log-signature"
  /** Fewer witness cosignatures verified than the policy requires. */
  | "witness-quorum"
  | "malformed-proof";

export class VerificationError extends Error {
  override readonly name = "VerificationError";

  constructor(
    readonly code: VerificationFailure,
    message: string,
  ) {
    super(message);
  }
}
