/**
 * Kysely table types of the cross-border transfer ledger (migration 003), kept
 * apart from schema.ts so the ledger's storage reads as one unit.
 */
import type { ColumnType } from "kysely";
import type { DbInt } from "./schema.js";

type Int = ColumnType<DbInt, number | bigint, number | bigint>;

export interface TransfersTable {
  request_id: string;
  attempt: Int;
  created_at: Int;
  tenant_id: string;
  key_id: string;
  provider: string;
  jurisdiction: string;
  home: string | null;
}

export interface TransferClassesTable {
  request_id: string;
  attempt: Int;
  created_at: Int;
  tenant_id: string;
  jurisdiction: string;
  kind: string;
  action: string;
  occurrences: Int;
}

export interface TransferSubjectsTable {
  request_id: string;
  attempt: Int;
  created_at: Int;
  tenant_id: string;
  jurisdiction: string;
  kind: string;
  /** Keyed HMAC of the normalised identifier (guard/fingerprint.ts). */
  fingerprint: string;
  /** 0/1: sensitive personal information (ID documents, financial accounts). */
  sensitive: Int;
  action: string;
}

export interface TransferTables {
  transfers: TransfersTable;
  transfer_classes: TransferClassesTable;
  transfer_subjects: TransferSubjectsTable;
}
