/** Kysely table types of the transparency log (migration 004). */
import type { ColumnType, Generated } from "kysely";
import type { DbInt } from "./schema.js";

type Int = ColumnType<DbInt, number | bigint, number | bigint>;
type NullableText = string | null;

export interface LogQueueTable {
  id: Generated<DbInt>;
  kind: string;
  ref: NullableText;
  key_id: NullableText;
  created_at: Int;
  data: Buffer;
}

export interface LogEntriesTable {
  idx: Int;
  kind: string;
  ref: NullableText;
  key_id: NullableText;
  created_at: Int;
  data: Buffer;
}

export interface LogHashesTable {
  idx: Int;
  hash: Buffer;
}

export interface LogCheckpointsTable {
  size: Int;
  created_at: Int;
  note: string;
}

export interface LogStateTable {
  id: Int;
  size: Int;
  updated_at: Int;
}

export interface LogTables {
  log_queue: LogQueueTable;
  log_entries: LogEntriesTable;
  log_hashes: LogHashesTable;
  log_checkpoints: LogCheckpointsTable;
  log_state: LogStateTable;
}
