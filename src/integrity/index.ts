/**
 * The integrity library (DESIGN §8, issue 5): RFC 6962 Merkle trees in Go
 * tlog's stored-hash layout, C2SP tlog-tiles, signed notes, checkpoints,
 * cosignatures and tlog-proofs. Pure: imports only node built-ins, so the log
 * sequencer, the HTTP routes and offline verifiers all share one implementation.
 */
export * from "./checkpoint.js";
export * from "./cosignature.js";
export * from "./entry-bundle.js";
export * from "./errors.js";
export * from "./memory-tree.js";
export * from "./merkle.js";
export * from "./merkle-proof.js";
export * from "./note.js";
export * from "./note-keys.js";
export * from "./proof.js";
export * from "./tile-reader.js";
export * from "./tiles.js";
