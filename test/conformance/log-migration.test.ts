/**
 * Migration 005 (cheaper log inserts) on a log written under 004's layout: every
 * entry, stored hash and checkpoint survives unchanged and stays readable by
 * index, by receipt id and by kind; on SQLite `idx` becomes the rowid and the
 * kind query uses the partial index. SQLite always; PostgreSQL when
 * OVERT_TEST_POSTGRES_URL is set (required in CI).
 */
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { Kysely, type Migration, Migrator, PostgresDialect, SqliteDialect, sql } from "kysely";
import pg from "pg";
import { migrationsFor } from "../../src/storage/migrations/index.js";
import type { Storage } from "../../src/storage/ports.js";
import { openPostgresStorage } from "../../src/storage/postgres.js";
import { openSqliteStorage } from "../../src/storage/sqlite.js";
import { sqliteConstructor } from "../../src/storage/sqlite-driver.js";
import { createTestDatabase, postgresTestTarget } from "../helpers/postgres.js";

type Dialect = "sqlite" | "postgres";

/** Brings an empty database to 004_log, the layout before this migration. */
async function migrateTo004(db: Kysely<unknown>, dialect: Dialect): Promise<void> {
  const all = migrationsFor(dialect);
  const upTo004: Record<string, Migration> = {};
  for (const [name, migration] of Object.entries(all)) if (name <= "004_log") upTo004[name] = migration;
  const migrator = new Migrator({ db, provider: { getMigrations: async () => upTo004 } });
  const { error } = await migrator.migrateToLatest();
  if (error !== undefined) throw error;
}

const ENTRIES = [
  { idx: 0, kind: "policy", ref: "policy:a", keyId: null },
  { idx: 1, kind: "receipt", ref: "rcpt_01KB0000000000000000000001", keyId: "key_a" },
  { idx: 2, kind: "admin", ref: null, keyId: null },
  { idx: 3, kind: "receipt", ref: "rcpt_01KB0000000000000000000002", keyId: "key_b" },
  { idx: 4, kind: "policy", ref: "policy:b", keyId: null },
].map((e) => ({ ...e, createdAt: 1_764_000_000_000 + e.idx, data: randomBytes(50 + e.idx) }));
const HASHES = Array.from({ length: 9 }, (_, idx) => ({ idx, hash: randomBytes(32) }));

async function writeUnder004(db: Kysely<unknown>): Promise<void> {
  for (const e of ENTRIES)
    await sql`INSERT INTO log_entries (idx, kind, ref, key_id, created_at, data)
      VALUES (${e.idx}, ${e.kind}, ${e.ref}, ${e.keyId}, ${e.createdAt}, ${e.data})`.execute(db);
  for (const h of HASHES)
    await sql`INSERT INTO log_hashes (idx, hash) VALUES (${h.idx}, ${h.hash})`.execute(db);
  await sql`UPDATE log_state SET size = ${ENTRIES.length} WHERE id = 1`.execute(db);
}

async function assertLogIntact(storage: Storage): Promise<void> {
  assert.equal(await storage.logSize(), ENTRIES.length);
  const entries = await storage.readLogEntries(0, ENTRIES.length);
  assert.deepEqual(
    entries.map((e) => [e.index, e.kind, e.ref, e.keyId, e.createdAt, e.data.toString("hex")]),
    ENTRIES.map((e) => [e.idx, e.kind, e.ref, e.keyId, e.createdAt, e.data.toString("hex")]),
  );
  const hashes = await storage.readLogHashes(HASHES.map((h) => h.idx));
  assert.deepEqual(
    hashes.map((h) => h.toString("hex")),
    HASHES.map((h) => h.hash.toString("hex")),
  );
  const receipt = await storage.findLogEntry("rcpt_01KB0000000000000000000002");
  assert.equal(receipt?.index, 3);
  assert.equal(receipt?.keyId, "key_b");
  const policies = await storage.listLogEntriesOfKind("policy", 0, 10);
  assert.deepEqual(
    policies.map((e) => e.index),
    [0, 4],
  );
  assert.deepEqual(
    (await storage.listLogEntriesOfKind("receipt", 2, 10)).map((e) => e.index),
    [3],
  );
}

describe("migration 005 (log indexes) on SQLite", () => {
  it("keeps a 004 log intact, makes idx the rowid and serves kind queries from the partial index", async () => {
    const dir = mkdtempSync(join(tmpdir(), "overt-log-migration-"));
    const path = join(dir, "overt.db");
    try {
      const Sqlite = sqliteConstructor();
      const raw = new Sqlite(path);
      const db = new Kysely<unknown>({ dialect: new SqliteDialect({ database: raw }) });
      await migrateTo004(db, "sqlite");
      await writeUnder004(db);
      await db.destroy();

      const storage = await openSqliteStorage(path);
      try {
        await storage.migrate();
        await assertLogIntact(storage);
      } finally {
        await storage.close();
      }

      const check = new Sqlite(path, { readonly: true });
      try {
        const tables = check
          .prepare("SELECT name, sql FROM sqlite_master WHERE name IN ('log_entries', 'log_hashes')")
          .all() as { name: string; sql: string }[];
        assert.equal(tables.length, 2);
        for (const t of tables) assert.match(t.sql, /"idx" integer primary key/, t.name);
        const plan = check
          .prepare(
            "EXPLAIN QUERY PLAN SELECT * FROM log_entries WHERE kind = ? AND kind <> 'receipt' AND idx >= ? ORDER BY idx",
          )
          .all("policy", 0) as { detail: string }[];
        assert.match(plan.map((p) => p.detail).join("\n"), /USING INDEX log_entries_rare_kind_idx/);
      } finally {
        check.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

const target = postgresTestTarget();
describe("migration 005 (log indexes) on PostgreSQL", {
  skip: target.kind === "skip" ? target.reason : false,
}, () => {
  it("keeps a 004 log intact and replaces the kind index with the partial one", async () => {
    // In CI a missing server is a failure, never a skip (test/helpers/postgres.ts).
    if (target.kind !== "url") assert.fail(target.kind === "fail" ? target.reason : "no PostgreSQL");
    const database = await createTestDatabase(target.url);
    try {
      const pool = new pg.Pool({ connectionString: database.url });
      const db = new Kysely<unknown>({ dialect: new PostgresDialect({ pool }) });
      await migrateTo004(db, "postgres");
      await writeUnder004(db);
      await db.destroy();

      const storage = await openPostgresStorage(database.url);
      try {
        await storage.migrate();
        await assertLogIntact(storage);
      } finally {
        await storage.close();
      }

      const check = new pg.Client({ connectionString: database.url });
      await check.connect();
      try {
        const { rows } = await check.query<{ indexname: string; indexdef: string }>(
          "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'log_entries'",
        );
        const names = rows.map((r) => r.indexname);
        assert.ok(!names.includes("log_entries_kind_idx"), names.join(", "));
        const partial = rows.find((r) => r.indexname === "log_entries_rare_kind_idx");
        assert.match(partial?.indexdef ?? "", /WHERE \(kind <> 'receipt'::text\)/);
      } finally {
        await check.end();
      }
    } finally {
      await database.drop();
    }
  });
});
