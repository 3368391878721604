/**
 * The Kysely table types shared by the SQLite and PostgreSQL backends.
 *
 * Portability rules (DESIGN §5-6):
 * - times are integer epoch milliseconds (SQLite INTEGER, PostgreSQL BIGINT);
 * - money (`cost_nano`) is a 64-bit integer of nano-units;
 * - booleans are integers 0/1;
 * - lists and objects are JSON text.
 *
 * What a driver hands back for a 64-bit integer differs: better-sqlite3 (opened with
 * safe integers) returns bigint, pg returns int8 and numeric as strings. Selected
 * integer columns are therefore typed `DbInt` and decoded by ./codec.ts.
 */
import type { ColumnType, Generated } from "kysely";
import type { LogTables } from "./log-types.js";
import type { TransferTables } from "./transfer-types.js";

/** A database integer as a driver returns it. */
export type DbInt = string | number | bigint;

type Int = ColumnType<DbInt, number | bigint, number | bigint>;
type NullableInt = ColumnType<DbInt | null, number | bigint | null, number | bigint | null>;

export interface TenantsTable {
  id: string;
  name: string;
  created_at: Int;
}

export interface VirtualKeysTable {
  id: string;
  tenant_id: string;
  name: string;
  /** Unique. */
  digest: string;
  prefix: string;
  /** JSON array of strings. */
  models: string;
  created_at: Int;
  expires_at: NullableInt;
  revoked_at: NullableInt;
}

export interface UsageRecordsTable {
  request_id: string;
  created_at: Int;
  key_id: string;
  tenant_id: string;
  requested_model: string;
  provider: string | null;
  upstream_model: string | null;
  /** 0/1 */
  stream: Int;
  input_tokens: Int;
  cached_input_tokens: Int;
  cache_write_tokens: Int;
  output_tokens: Int;
  reasoning_tokens: Int;
  cost_nano: Int;
  currency: string;
  /** 0/1 */
  unpriced: Int;
  usage_source: string;
  /** 0/1 */
  usage_flagged: Int;
  latency_ms: Int;
  ttft_ms: NullableInt;
  status: string;
  http_status: Int;
  error_code: string | null;
  attempts: Int;
}

export interface AdminTokensTable {
  id: string;
  /** Unique. */
  digest: string;
  name: string;
  created_at: Int;
  revoked_at: NullableInt;
}

export interface SettingsTable {
  name: string;
  value: string;
}

export interface AuditLogTable {
  id: Generated<DbInt>;
  at: Int;
  actor: string;
  action: string;
  target: string;
  /** JSON object. */
  details: string;
}

export interface TenantDataKeysTable {
  tenant_id: string;
  /** 1, 2, …; (tenant_id, version) is the primary key. */
  version: Int;
  /** The data key wrapped by a master key; NULL once destroyed (crypto-shredded). */
  wrapped_key: Uint8Array | null;
  master_key_id: string;
  created_at: Int;
  destroyed_at: NullableInt;
}

export interface CapturesTable {
  id: string;
  tenant_id: string;
  key_id: string;
  request_id: string;
  created_at: Int;
  expires_at: Int;
  dek_version: Int;
  /** crypto/aead.ts format, sealed under the tenant's data key of dek_version. */
  ciphertext: Uint8Array;
}

export interface Database extends TransferTables, LogTables {
  tenants: TenantsTable;
  virtual_keys: VirtualKeysTable;
  usage_records: UsageRecordsTable;
  admin_tokens: AdminTokensTable;
  settings: SettingsTable;
  audit_log: AuditLogTable;
  tenant_data_keys: TenantDataKeysTable;
  captures: CapturesTable;
}

export type SqlDialect = "sqlite" | "postgres";
