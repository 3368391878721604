import type { Kysely, Migration } from "kysely";
import type { SqlDialect } from "../schema.js";

/**
 * Creates every table of ../schema.ts. Column types are chosen to mean the same on
 * both dialects: SQLite gives "bigint" INTEGER affinity, so only the audit log's
 * generated id needs a dialect branch.
 */
export function initialMigration(dialect: SqlDialect): Migration {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable("tenants")
        .addColumn("id", "text", (c) => c.primaryKey())
        .addColumn("name", "text", (c) => c.notNull())
        .addColumn("created_at", "bigint", (c) => c.notNull())
        .execute();

      await db.schema
        .createTable("virtual_keys")
        .addColumn("id", "text", (c) => c.primaryKey())
        .addColumn("tenant_id", "text", (c) => c.notNull().references("tenants.id"))
        .addColumn("name", "text", (c) => c.notNull())
        .addColumn("digest", "text", (c) => c.notNull())
        .addColumn("prefix", "text", (c) => c.notNull())
        .addColumn("models", "text", (c) => c.notNull())
        .addColumn("created_at", "bigint", (c) => c.notNull())
        .addColumn("expires_at", "bigint")
        .addColumn("revoked_at", "bigint")
        .execute();
      await db.schema
        .createIndex("virtual_keys_digest_uq")
        .on("virtual_keys")
        .column("digest")
        .unique()
        .execute();
      await db.schema.createIndex("virtual_keys_tenant_idx").on("virtual_keys").column("tenant_id").execute();

      await db.schema
        .createTable("usage_records")
        .addColumn("request_id", "text", (c) => c.primaryKey())
        .addColumn("created_at", "bigint", (c) => c.notNull())
        .addColumn("key_id", "text", (c) => c.notNull())
        .addColumn("tenant_id", "text", (c) => c.notNull())
        .addColumn("requested_model", "text", (c) => c.notNull())
        .addColumn("provider", "text")
        .addColumn("upstream_model", "text")
        .addColumn("stream", "integer", (c) => c.notNull())
        .addColumn("input_tokens", "integer", (c) => c.notNull())
        .addColumn("cached_input_tokens", "integer", (c) => c.notNull())
        .addColumn("cache_write_tokens", "integer", (c) => c.notNull())
        .addColumn("output_tokens", "integer", (c) => c.notNull())
        .addColumn("reasoning_tokens", "integer", (c) => c.notNull())
        .addColumn("cost_nano", "bigint", (c) => c.notNull())
        .addColumn("currency", "text", (c) => c.notNull())
        .addColumn("unpriced", "integer", (c) => c.notNull())
        .addColumn("usage_source", "text", (c) => c.notNull())
        .addColumn("usage_flagged", "integer", (c) => c.notNull())
        .addColumn("latency_ms", "integer", (c) => c.notNull())
        .addColumn("ttft_ms", "integer")
        .addColumn("status", "text", (c) => c.notNull())
        .addColumn("http_status", "integer", (c) => c.notNull())
        .addColumn("error_code", "text")
        .addColumn("attempts", "integer", (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex("usage_records_created_idx")
        .on("usage_records")
        .column("created_at")
        .execute();
      await db.schema
        .createIndex("usage_records_key_created_idx")
        .on("usage_records")
        .columns(["key_id", "created_at"])
        .execute();

      await db.schema
        .createTable("admin_tokens")
        .addColumn("id", "text", (c) => c.primaryKey())
        .addColumn("digest", "text", (c) => c.notNull())
        .addColumn("name", "text", (c) => c.notNull())
        .addColumn("created_at", "bigint", (c) => c.notNull())
        .addColumn("revoked_at", "bigint")
        .execute();
      await db.schema
        .createIndex("admin_tokens_digest_uq")
        .on("admin_tokens")
        .column("digest")
        .unique()
        .execute();

      await db.schema
        .createTable("settings")
        .addColumn("name", "text", (c) => c.primaryKey())
        .addColumn("value", "text", (c) => c.notNull())
        .execute();

      let audit = db.schema.createTable("audit_log");
      audit =
        dialect === "postgres"
          ? audit.addColumn("id", "bigint", (c) => c.primaryKey().generatedAlwaysAsIdentity())
          : audit.addColumn("id", "integer", (c) => c.primaryKey().autoIncrement());
      await audit
        .addColumn("at", "bigint", (c) => c.notNull())
        .addColumn("actor", "text", (c) => c.notNull())
        .addColumn("action", "text", (c) => c.notNull())
        .addColumn("target", "text", (c) => c.notNull())
        .addColumn("details", "text", (c) => c.notNull())
        .execute();
    },

    async down(db: Kysely<unknown>): Promise<void> {
      for (const table of [
        "audit_log",
        "settings",
        "admin_tokens",
        "usage_records",
        "virtual_keys",
        "tenants",
      ]) {
        await db.schema.dropTable(table).ifExists().execute();
      }
    },
  };
}
