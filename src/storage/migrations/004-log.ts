import type { Kysely, Migration } from "kysely";
import type { SqlDialect } from "../schema.js";

/**
 * The transparency log (issue 5; DESIGN §8): entries waiting for the sequencer,
 * sequenced entries, every stored Merkle hash (Go tlog's stored-hash index
 * scheme), signed checkpoints, and the one-row state whose update is the
 * sequencer lock on both dialects.
 */
export function logMigration(dialect: SqlDialect): Migration {
  const bytes = dialect === "postgres" ? "bytea" : "blob";
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      let queue = db.schema.createTable("log_queue");
      queue =
        dialect === "postgres"
          ? queue.addColumn("id", "bigint", (c) => c.primaryKey().generatedAlwaysAsIdentity())
          : queue.addColumn("id", "integer", (c) => c.primaryKey().autoIncrement());
      await queue
        .addColumn("kind", "text", (c) => c.notNull())
        .addColumn("ref", "text")
        .addColumn("key_id", "text")
        .addColumn("created_at", "bigint", (c) => c.notNull())
        .addColumn("data", bytes, (c) => c.notNull())
        .execute();
      await db.schema.createIndex("log_queue_ref_idx").on("log_queue").column("ref").execute();

      await db.schema
        .createTable("log_entries")
        .addColumn("idx", "bigint", (c) => c.primaryKey())
        .addColumn("kind", "text", (c) => c.notNull())
        .addColumn("ref", "text")
        .addColumn("key_id", "text")
        .addColumn("created_at", "bigint", (c) => c.notNull())
        .addColumn("data", bytes, (c) => c.notNull())
        .execute();
      await db.schema.createIndex("log_entries_ref_idx").on("log_entries").column("ref").execute();
      await db.schema
        .createIndex("log_entries_kind_idx")
        .on("log_entries")
        .columns(["kind", "idx"])
        .execute();

      await db.schema
        .createTable("log_hashes")
        .addColumn("idx", "bigint", (c) => c.primaryKey())
        .addColumn("hash", bytes, (c) => c.notNull())
        .execute();

      await db.schema
        .createTable("log_checkpoints")
        .addColumn("size", "bigint", (c) => c.primaryKey())
        .addColumn("created_at", "bigint", (c) => c.notNull())
        .addColumn("note", "text", (c) => c.notNull())
        .execute();

      await db.schema
        .createTable("log_state")
        .addColumn("id", "integer", (c) => c.primaryKey())
        .addColumn("size", "bigint", (c) => c.notNull())
        .addColumn("updated_at", "bigint", (c) => c.notNull())
        .execute();
      await db
        .insertInto("log_state" as never)
        .values({ id: 1, size: 0, updated_at: 0 } as never)
        .execute();
    },
    async down(db: Kysely<unknown>): Promise<void> {
      for (const table of ["log_state", "log_checkpoints", "log_hashes", "log_entries", "log_queue"]) {
        await db.schema.dropTable(table).ifExists().execute();
      }
    },
  };
}
