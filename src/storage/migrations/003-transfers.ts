import type { Kysely, Migration } from "kysely";

/**
 * The cross-border transfer ledger (issue 4): one row per request attempt sent
 * to an upstream outside the tenant's home jurisdiction, the data classes found
 * in it with what the guard did, and keyed fingerprints of the identifiers it
 * carried (to count distinct individuals; never the values).
 */
export function transfersMigration(): Migration {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable("transfers")
        .addColumn("request_id", "text", (c) => c.notNull())
        .addColumn("attempt", "integer", (c) => c.notNull())
        .addColumn("created_at", "bigint", (c) => c.notNull())
        .addColumn("tenant_id", "text", (c) => c.notNull())
        .addColumn("key_id", "text", (c) => c.notNull())
        .addColumn("provider", "text", (c) => c.notNull())
        .addColumn("jurisdiction", "text", (c) => c.notNull())
        .addColumn("home", "text")
        .addPrimaryKeyConstraint("transfers_pk", ["request_id", "attempt"])
        .execute();
      await db.schema.createIndex("transfers_created_idx").on("transfers").column("created_at").execute();

      await db.schema
        .createTable("transfer_classes")
        .addColumn("request_id", "text", (c) => c.notNull())
        .addColumn("attempt", "integer", (c) => c.notNull())
        .addColumn("created_at", "bigint", (c) => c.notNull())
        .addColumn("tenant_id", "text", (c) => c.notNull())
        .addColumn("jurisdiction", "text", (c) => c.notNull())
        .addColumn("kind", "text", (c) => c.notNull())
        .addColumn("action", "text", (c) => c.notNull())
        .addColumn("occurrences", "integer", (c) => c.notNull())
        .addPrimaryKeyConstraint("transfer_classes_pk", ["request_id", "attempt", "kind"])
        .execute();
      await db.schema
        .createIndex("transfer_classes_created_idx")
        .on("transfer_classes")
        .column("created_at")
        .execute();

      await db.schema
        .createTable("transfer_subjects")
        .addColumn("request_id", "text", (c) => c.notNull())
        .addColumn("attempt", "integer", (c) => c.notNull())
        .addColumn("created_at", "bigint", (c) => c.notNull())
        .addColumn("tenant_id", "text", (c) => c.notNull())
        .addColumn("jurisdiction", "text", (c) => c.notNull())
        .addColumn("kind", "text", (c) => c.notNull())
        .addColumn("fingerprint", "text", (c) => c.notNull())
        .addColumn("sensitive", "integer", (c) => c.notNull())
        .addColumn("action", "text", (c) => c.notNull())
        .addPrimaryKeyConstraint("transfer_subjects_pk", ["request_id", "attempt", "kind", "fingerprint"])
        .execute();
      await db.schema
        .createIndex("transfer_subjects_created_idx")
        .on("transfer_subjects")
        .column("created_at")
        .execute();
    },
    async down(db: Kysely<unknown>): Promise<void> {
      await db.schema.dropTable("transfer_subjects").execute();
      await db.schema.dropTable("transfer_classes").execute();
      await db.schema.dropTable("transfers").execute();
    },
  };
}
