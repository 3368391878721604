/**
 * Tenant data keys and encrypted captures (DESIGN §5) over Kysely, for both
 * dialects. Rows hold only wrapped keys and ciphertext; nothing here can decrypt.
 */
import { type Kysely, sql } from "kysely";
import { toInt, toIntOrNull } from "./codec.js";
import type {
  CaptureMetadata,
  CaptureQuery,
  CaptureRecord,
  NewTenantDataKey,
  ShredResult,
  TenantDataKeyRecord,
  Wrapping,
} from "./ports.js";
import type { Database, DbInt, SqlDialect } from "./schema.js";

interface KeyRow {
  tenant_id: string;
  version: DbInt;
  wrapped_key: Uint8Array | null;
  master_key_id: string;
  created_at: DbInt;
  destroyed_at: DbInt | null;
}

function bytes(value: Uint8Array): Buffer {
  return Buffer.isBuffer(value) ? value : Buffer.from(value.buffer, value.byteOffset, value.byteLength);
}

function decodeKey(row: KeyRow): TenantDataKeyRecord {
  return {
    tenantId: row.tenant_id,
    version: toInt(row.version),
    wrappedKey: row.wrapped_key === null ? null : bytes(row.wrapped_key),
    masterKeyId: row.master_key_id,
    createdAt: toInt(row.created_at),
    destroyedAt: toIntOrNull(row.destroyed_at),
  };
}

export async function listTenantKeys(
  db: Kysely<Database>,
  tenantId?: string,
): Promise<TenantDataKeyRecord[]> {
  let q = db.selectFrom("tenant_data_keys").selectAll();
  if (tenantId !== undefined) q = q.where("tenant_id", "=", tenantId);
  const rows = await q.orderBy("tenant_id", "asc").orderBy("version", "asc").execute();
  return rows.map(decodeKey);
}

export async function getTenantKey(
  db: Kysely<Database>,
  tenantId: string,
  version: number,
): Promise<TenantDataKeyRecord | undefined> {
  const row = await db
    .selectFrom("tenant_data_keys")
    .selectAll()
    .where("tenant_id", "=", tenantId)
    .where("version", "=", version)
    .executeTakeFirst();
  return row === undefined ? undefined : decodeKey(row);
}

export async function insertTenantKey(db: Kysely<Database>, key: NewTenantDataKey): Promise<boolean> {
  const result = await db
    .insertInto("tenant_data_keys")
    .values({
      tenant_id: key.tenantId,
      version: key.version,
      wrapped_key: key.wrappedKey,
      master_key_id: key.masterKeyId,
      created_at: key.createdAt,
      destroyed_at: null,
    })
    .onConflict((oc) => oc.columns(["tenant_id", "version"]).doNothing())
    .executeTakeFirst();
  return (result.numInsertedOrUpdatedRows ?? 0n) > 0n;
}

export async function rewrapTenantKey(
  db: Kysely<Database>,
  tenantId: string,
  version: number,
  fromMasterKeyId: string,
  to: Wrapping,
): Promise<boolean> {
  const result = await db
    .updateTable("tenant_data_keys")
    .set({ wrapped_key: to.wrappedKey, master_key_id: to.masterKeyId })
    .where("tenant_id", "=", tenantId)
    .where("version", "=", version)
    .where("master_key_id", "=", fromMasterKeyId)
    .where("destroyed_at", "is", null)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/**
 * On SQLite the connection runs with secure_delete on (sqlite.ts), so the freed
 * key and capture bytes are zeroed in their pages; the WAL, which still holds
 * earlier images of those pages, is then checkpointed and truncated.
 */
export async function shredTenantKeys(
  db: Kysely<Database>,
  dialect: SqlDialect,
  tenantId: string,
  at: number,
): Promise<ShredResult> {
  const counts = await db.transaction().execute(async (trx) => {
    const keys = await trx
      .updateTable("tenant_data_keys")
      .set({ wrapped_key: null, destroyed_at: at })
      .where("tenant_id", "=", tenantId)
      .where("destroyed_at", "is", null)
      .executeTakeFirst();
    const captures = await trx.deleteFrom("captures").where("tenant_id", "=", tenantId).executeTakeFirst();
    return { keysDestroyed: Number(keys.numUpdatedRows), capturesDeleted: Number(captures.numDeletedRows) };
  });
  if (dialect !== "sqlite") return { ...counts, walCleared: true };
  const { rows } = await sql<{ busy: DbInt }>`PRAGMA wal_checkpoint(TRUNCATE)`.execute(db);
  return { ...counts, walCleared: rows.length > 0 && toInt(rows[0]!.busy) === 0 };
}

export async function insertCapture(db: Kysely<Database>, record: CaptureRecord): Promise<void> {
  await db
    .insertInto("captures")
    .values({
      id: record.id,
      tenant_id: record.tenantId,
      key_id: record.keyId,
      request_id: record.requestId,
      created_at: record.createdAt,
      expires_at: record.expiresAt,
      dek_version: record.dekVersion,
      ciphertext: record.ciphertext,
    })
    .execute();
}

interface CaptureMetaRow {
  id: string;
  tenant_id: string;
  key_id: string;
  request_id: string;
  created_at: DbInt;
  expires_at: DbInt;
  dek_version: DbInt;
}

function decodeMeta(row: CaptureMetaRow): Omit<CaptureRecord, "ciphertext"> {
  return {
    id: row.id,
    tenantId: row.tenant_id,
    keyId: row.key_id,
    requestId: row.request_id,
    createdAt: toInt(row.created_at),
    expiresAt: toInt(row.expires_at),
    dekVersion: toInt(row.dek_version),
  };
}

export async function getCapture(db: Kysely<Database>, id: string): Promise<CaptureRecord | undefined> {
  const row = await db.selectFrom("captures").selectAll().where("id", "=", id).executeTakeFirst();
  return row === undefined ? undefined : { ...decodeMeta(row), ciphertext: bytes(row.ciphertext) };
}

export async function listCaptures(db: Kysely<Database>, query: CaptureQuery): Promise<CaptureMetadata[]> {
  let q = db
    .selectFrom("captures")
    .select(["id", "tenant_id", "key_id", "request_id", "created_at", "expires_at", "dek_version"])
    .select(sql<DbInt>`length(ciphertext)`.as("size_bytes"))
    .where("expires_at", ">", query.now);
  if (query.tenantId !== undefined) q = q.where("tenant_id", "=", query.tenantId);
  if (query.before !== undefined) q = q.where("created_at", "<", query.before);
  const rows = await q.orderBy("created_at", "desc").orderBy("id", "desc").limit(query.limit).execute();
  return rows.map((row) => ({ ...decodeMeta(row), sizeBytes: toInt(row.size_bytes) }));
}

export async function deleteExpiredCaptures(
  db: Kysely<Database>,
  now: number,
  limit: number,
): Promise<number> {
  // A bounded batch per statement keeps each write transaction (and SQLite's lock) short.
  const result = await db
    .deleteFrom("captures")
    .where("id", "in", (eb) =>
      eb.selectFrom("captures").select("id").where("expires_at", "<=", now).limit(limit),
    )
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}
