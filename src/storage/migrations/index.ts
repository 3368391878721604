import { type Kysely, type Migration, type MigrationProvider, Migrator } from "kysely";
import type { Database, SqlDialect } from "../schema.js";
import { initialMigration } from "./001-initial.js";
import { envelopeMigration } from "./002-envelope.js";
import { transfersMigration } from "./003-transfers.js";
import { logMigration } from "./004-log.js";
import { logIndexesMigration } from "./005-log-indexes.js";

/**
 * Migrations live in code (no files read at run time). Names sort in order; never
 * rename or edit a released migration, add a new one.
 */
export function migrationsFor(dialect: SqlDialect): Record<string, Migration> {
  return {
    "001_initial": initialMigration(dialect),
    "002_envelope": envelopeMigration(dialect),
    "003_transfers": transfersMigration(),
    "004_log": logMigration(dialect),
    "005_log_indexes": logIndexesMigration(dialect),
  };
}

class InCodeMigrationProvider implements MigrationProvider {
  constructor(private readonly dialect: SqlDialect) {}

  async getMigrations(): Promise<Record<string, Migration>> {
    return migrationsFor(this.dialect);
  }
}

/** Brings the schema to the latest version; a no-op when it already is. */
export async function migrateToLatest(db: Kysely<Database>, dialect: SqlDialect): Promise<void> {
  const migrator = new Migrator({ db, provider: new InCodeMigrationProvider(dialect) });
  const { error, results } = await migrator.migrateToLatest();
  if (error !== undefined) {
    const failed = results?.find((r) => r.status === "Error")?.migrationName;
    const message = error instanceof Error ? error.message : String(error);
    throw new Error(`storage migration ${failed ?? "(setup)"} failed: ${message}`, { cause: error });
  }
}
