/**
 * The one query layer (DESIGN §6): every Storage port implemented with Kysely, for
 * both SQLite and PostgreSQL. Backend specifics (connection, change signal) live in
 * ./sqlite.ts and ./postgres.ts.
 */
import type { Kysely } from "kysely";
import { decodeAdminToken, decodeAudit, decodeKey, decodeTenant, toInt } from "./codec.js";
import * as envelope from "./envelope-queries.js";
import * as log from "./log-queries.js";
import { migrateToLatest } from "./migrations/index.js";
import type {
  AdminTokenRecord,
  AuditEntry,
  CaptureMetadata,
  CaptureQuery,
  CaptureRecord,
  ChangeSignal,
  LogEntryKind,
  LogEntryRecord,
  LogSequencerTx,
  NewLogEntry,
  NewTenantDataKey,
  NewVirtualKey,
  ShredResult,
  Storage,
  StoredCheckpoint,
  TenantDataKeyRecord,
  TenantRecord,
  TransferQuery,
  TransferRecord,
  TransferSummary,
  UsageGroupBy,
  UsageQuery,
  UsageRecord,
  UsageSummaryRow,
  VirtualKeyRecord,
  Wrapping,
} from "./ports.js";
import type { Database, DbInt, SqlDialect } from "./schema.js";
import * as transfers from "./transfer-queries.js";
import * as usage from "./usage-queries.js";

/** A change signal that may hold resources of its own (PostgreSQL's LISTEN client). */
export interface OwnedChangeSignal extends ChangeSignal {
  close?(): Promise<void>;
}

export class KyselyStorage implements Storage {
  readonly #db: Kysely<Database>;
  readonly #signal: OwnedChangeSignal;
  #closed = false;

  constructor(
    db: Kysely<Database>,
    readonly dialect: SqlDialect,
    changes: OwnedChangeSignal,
  ) {
    this.#db = db;
    this.#signal = changes;
  }

  get changes(): ChangeSignal {
    return this.#signal;
  }

  /** The Kysely instance, for backend-specific tooling and tests. */
  get db(): Kysely<Database> {
    return this.#db;
  }

  async migrate(): Promise<void> {
    await migrateToLatest(this.#db, this.dialect);
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    try {
      await this.#signal.close?.();
    } finally {
      await this.#db.destroy();
    }
  }

  // ---- keys -------------------------------------------------------------------------

  async createKey(key: NewVirtualKey): Promise<void> {
    await this.#db
      .insertInto("virtual_keys")
      .values({
        id: key.id,
        tenant_id: key.tenantId,
        name: key.name,
        digest: key.digest,
        prefix: key.prefix,
        models: JSON.stringify(key.models),
        created_at: key.createdAt,
        expires_at: key.expiresAt,
        revoked_at: null,
      })
      .execute();
    await this.#signal.announce();
  }

  async findKeyByDigest(digest: string): Promise<VirtualKeyRecord | undefined> {
    const row = await this.#db
      .selectFrom("virtual_keys")
      .selectAll()
      .where("digest", "=", digest)
      .executeTakeFirst();
    return row === undefined ? undefined : decodeKey(row);
  }

  async findKeyById(id: string): Promise<VirtualKeyRecord | undefined> {
    const row = await this.#db.selectFrom("virtual_keys").selectAll().where("id", "=", id).executeTakeFirst();
    return row === undefined ? undefined : decodeKey(row);
  }

  /** Oldest first (then by id). */
  async listKeys(tenantId?: string): Promise<VirtualKeyRecord[]> {
    let q = this.#db.selectFrom("virtual_keys").selectAll();
    if (tenantId !== undefined) q = q.where("tenant_id", "=", tenantId);
    const rows = await q.orderBy("created_at", "asc").orderBy("id", "asc").execute();
    return rows.map(decodeKey);
  }

  async revokeKey(id: string, at: number): Promise<boolean> {
    const result = await this.#db
      .updateTable("virtual_keys")
      .set({ revoked_at: at })
      .where("id", "=", id)
      .where("revoked_at", "is", null)
      .executeTakeFirst();
    const revoked = result.numUpdatedRows > 0n;
    if (revoked) await this.#signal.announce();
    return revoked;
  }

  async countKeys(): Promise<number> {
    return this.#count("virtual_keys");
  }

  // ---- tenants ----------------------------------------------------------------------

  /** Inserts the tenant unless one with that id exists (an existing one is left as is). */
  async ensureTenant(tenant: TenantRecord): Promise<void> {
    await this.#db
      .insertInto("tenants")
      .values({ id: tenant.id, name: tenant.name, created_at: tenant.createdAt })
      .onConflict((oc) => oc.column("id").doNothing())
      .execute();
  }

  async getTenant(id: string): Promise<TenantRecord | undefined> {
    const row = await this.#db.selectFrom("tenants").selectAll().where("id", "=", id).executeTakeFirst();
    return row === undefined ? undefined : decodeTenant(row);
  }

  // ---- usage ------------------------------------------------------------------------

  insertUsage(records: readonly UsageRecord[]): Promise<void> {
    return usage.insertUsage(this.#db, records);
  }

  summarizeUsage(query: UsageQuery, groupBy: UsageGroupBy): Promise<UsageSummaryRow[]> {
    return usage.summarizeUsage(this.#db, query, groupBy);
  }

  listUsage(query: UsageQuery, limit: number): Promise<UsageRecord[]> {
    return usage.listUsage(this.#db, query, limit);
  }

  // ---- admin tokens -----------------------------------------------------------------

  async createAdminToken(token: AdminTokenRecord): Promise<void> {
    await this.#db
      .insertInto("admin_tokens")
      .values({
        id: token.id,
        digest: token.digest,
        name: token.name,
        created_at: token.createdAt,
        revoked_at: token.revokedAt,
      })
      .execute();
    await this.#signal.announce();
  }

  async findAdminTokenByDigest(digest: string): Promise<AdminTokenRecord | undefined> {
    const row = await this.#db
      .selectFrom("admin_tokens")
      .selectAll()
      .where("digest", "=", digest)
      .executeTakeFirst();
    return row === undefined ? undefined : decodeAdminToken(row);
  }

  async countAdminTokens(): Promise<number> {
    return this.#count("admin_tokens");
  }

  // ---- settings ---------------------------------------------------------------------

  async getSetting(name: string): Promise<string | undefined> {
    const row = await this.#db
      .selectFrom("settings")
      .select("value")
      .where("name", "=", name)
      .executeTakeFirst();
    return row?.value;
  }

  async setSetting(name: string, value: string): Promise<void> {
    await this.#db
      .insertInto("settings")
      .values({ name, value })
      .onConflict((oc) => oc.column("name").doUpdateSet({ value }))
      .execute();
    await this.#signal.announce();
  }

  async initSetting(name: string, value: string): Promise<string> {
    const inserted = await this.#db
      .insertInto("settings")
      .values({ name, value })
      .onConflict((oc) => oc.column("name").doNothing())
      .executeTakeFirst();
    if ((inserted.numInsertedOrUpdatedRows ?? 0n) > 0n) {
      await this.#signal.announce();
      return value;
    }
    const stored = await this.getSetting(name);
    // Set before this call and deleted since (consumeSetting): nothing to defer to.
    return stored ?? this.initSetting(name, value);
  }

  /** A single conditional DELETE: of concurrent callers, exactly one sees true. */
  async consumeSetting(name: string, expected: string): Promise<boolean> {
    const result = await this.#db
      .deleteFrom("settings")
      .where("name", "=", name)
      .where("value", "=", expected)
      .executeTakeFirst();
    const consumed = result.numDeletedRows > 0n;
    if (consumed) await this.#signal.announce();
    return consumed;
  }

  // ---- audit ------------------------------------------------------------------------

  async appendAudit(entry: AuditEntry): Promise<void> {
    await this.#db
      .insertInto("audit_log")
      .values({
        at: entry.at,
        actor: entry.actor,
        action: entry.action,
        target: entry.target,
        details: JSON.stringify(entry.details),
      })
      .execute();
  }

  /** Newest first (by insertion order). */
  async listAudit(limit: number): Promise<AuditEntry[]> {
    const rows = await this.#db
      .selectFrom("audit_log")
      .select(["at", "actor", "action", "target", "details"])
      .orderBy("id", "desc")
      .limit(limit)
      .execute();
    return rows.map(decodeAudit);
  }

  // ---- tenant data keys and captures (envelope-queries.ts) ---------------------------

  listTenantKeys(tenantId?: string): Promise<TenantDataKeyRecord[]> {
    return envelope.listTenantKeys(this.#db, tenantId);
  }

  getTenantKey(tenantId: string, version: number): Promise<TenantDataKeyRecord | undefined> {
    return envelope.getTenantKey(this.#db, tenantId, version);
  }

  insertTenantKey(key: NewTenantDataKey): Promise<boolean> {
    return envelope.insertTenantKey(this.#db, key);
  }

  async rewrapTenantKey(tenantId: string, version: number, from: string, to: Wrapping): Promise<boolean> {
    const done = await envelope.rewrapTenantKey(this.#db, tenantId, version, from, to);
    if (done) await this.#signal.announce();
    return done;
  }

  /** Other processes drop their cached data keys on the change signal. */
  async shredTenantKeys(tenantId: string, at: number): Promise<ShredResult> {
    const result = await envelope.shredTenantKeys(this.#db, this.dialect, tenantId, at);
    await this.#signal.announce();
    return result;
  }

  insertCapture(record: CaptureRecord): Promise<void> {
    return envelope.insertCapture(this.#db, record);
  }

  getCapture(id: string): Promise<CaptureRecord | undefined> {
    return envelope.getCapture(this.#db, id);
  }

  listCaptures(query: CaptureQuery): Promise<CaptureMetadata[]> {
    return envelope.listCaptures(this.#db, query);
  }

  deleteExpiredCaptures(now: number, limit: number): Promise<number> {
    return envelope.deleteExpiredCaptures(this.#db, now, limit);
  }

  async #count(table: "virtual_keys" | "admin_tokens"): Promise<number> {
    const row = await this.#db
      .selectFrom(table)
      .select((eb) => eb.fn.countAll<DbInt>().as("n"))
      .executeTakeFirstOrThrow();
    return toInt(row.n);
  }

  // ---- cross-border transfers (transfer-queries.ts) ----------------------------------

  insertTransfers(records: readonly TransferRecord[]): Promise<void> {
    return transfers.insertTransfers(this.#db, records);
  }

  summarizeTransfers(query: TransferQuery): Promise<TransferSummary> {
    return transfers.summarizeTransfers(this.#db, query);
  }

  // ---- transparency log (log-queries.ts) ----------------------------------------------

  enqueueLogEntries(entries: readonly NewLogEntry[]): Promise<void> {
    return log.enqueueLogEntries(this.#db, entries);
  }

  sequenceLog<T>(work: (tx: LogSequencerTx) => Promise<T>): Promise<T> {
    return log.sequenceLog(this.#db, work);
  }

  logSize(): Promise<number> {
    return log.logSize(this.#db);
  }

  readLogHashes(indexes: readonly number[]): Promise<Buffer[]> {
    return log.readLogHashes(this.#db, indexes);
  }

  readLogEntries(start: number, count: number): Promise<LogEntryRecord[]> {
    return log.readLogEntries(this.#db, start, count);
  }

  findLogEntry(ref: string): Promise<(NewLogEntry & { index: number | null }) | undefined> {
    return log.findLogEntry(this.#db, ref);
  }

  latestCheckpoint(): Promise<StoredCheckpoint | undefined> {
    return log.latestCheckpoint(this.#db);
  }

  checkpointAt(size: number): Promise<StoredCheckpoint | undefined> {
    return log.checkpointAt(this.#db, size);
  }

  listLogEntriesOfKind(kind: LogEntryKind, start: number, limit: number): Promise<LogEntryRecord[]> {
    return log.listLogEntriesOfKind(this.#db, kind, start, limit);
  }
}
