import type { Kysely, Migration } from "kysely";
import type { SqlDialect } from "../schema.js";

/**
 * Envelope encryption at rest (DESIGN §5): tenants' wrapped data keys and the
 * encrypted capture rows. Binary columns are BLOB on SQLite and BYTEA on
 * PostgreSQL; both drivers hand back a Buffer.
 */
export function envelopeMigration(dialect: SqlDialect): Migration {
  const bytes = dialect === "postgres" ? "bytea" : "blob";
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable("tenant_data_keys")
        .addColumn("tenant_id", "text", (c) => c.notNull().references("tenants.id"))
        .addColumn("version", "integer", (c) => c.notNull())
        .addColumn("wrapped_key", bytes)
        .addColumn("master_key_id", "text", (c) => c.notNull())
        .addColumn("created_at", "bigint", (c) => c.notNull())
        .addColumn("destroyed_at", "bigint")
        .addPrimaryKeyConstraint("tenant_data_keys_pk", ["tenant_id", "version"])
        .execute();
      // Rotation looks for live rows still under an old master key.
      await db.schema
        .createIndex("tenant_data_keys_master_idx")
        .on("tenant_data_keys")
        .column("master_key_id")
        .execute();

      await db.schema
        .createTable("captures")
        .addColumn("id", "text", (c) => c.primaryKey())
        .addColumn("tenant_id", "text", (c) => c.notNull().references("tenants.id"))
        .addColumn("key_id", "text", (c) => c.notNull())
        .addColumn("request_id", "text", (c) => c.notNull())
        .addColumn("created_at", "bigint", (c) => c.notNull())
        .addColumn("expires_at", "bigint", (c) => c.notNull())
        .addColumn("dek_version", "integer", (c) => c.notNull())
        .addColumn("ciphertext", bytes, (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex("captures_tenant_created_idx")
        .on("captures")
        .columns(["tenant_id", "created_at"])
        .execute();
      await db.schema.createIndex("captures_expires_idx").on("captures").column("expires_at").execute();
    },

    async down(db: Kysely<unknown>): Promise<void> {
      await db.schema.dropTable("captures").ifExists().execute();
      await db.schema.dropTable("tenant_data_keys").ifExists().execute();
    },
  };
}
