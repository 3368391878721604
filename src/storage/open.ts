/** Composition helper: the configured backend, migrated to the latest schema. */
import type { StorageConfig } from "../config/types.js";
import type { Storage } from "./ports.js";
import { openPostgresStorage } from "./postgres.js";
import { openSqliteStorage } from "./sqlite.js";

export async function openStorage(config: StorageConfig): Promise<Storage> {
  const storage =
    config.driver === "sqlite"
      ? await openSqliteStorage(config.path)
      : await openPostgresStorage(config.url.reveal());
  try {
    await storage.migrate();
  } catch (err) {
    await storage.close().catch(() => {});
    throw err;
  }
  return storage;
}
