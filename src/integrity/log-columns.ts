/**
 * Log entries as columns (LogEntryColumns, log-ports.ts) back to entry objects,
 * for the code that writes them one row each: the Kysely sequencer path and the
 * SQLite worker's session (storage/sqlite-log-session.ts).
 */
import type { LogEntryColumns, LogEntryKind, NewLogEntry } from "../storage/ports.js";

/** The entries in order, their bytes views of the columns' buffer (no copy). */
export function entriesOf(columns: LogEntryColumns): NewLogEntry[] {
  const data = Buffer.from(columns.data.buffer, columns.data.byteOffset, columns.data.byteLength);
  let at = 0;
  return columns.lengths.map((length, i) => {
    const entry: NewLogEntry = {
      kind: columns.kinds[i] as LogEntryKind,
      ref: columns.refs[i] ?? null,
      keyId: columns.keyIds[i] ?? null,
      createdAt: columns.createdAts[i] as number,
      data: data.subarray(at, at + length),
    };
    at += length;
    return entry;
  });
}
