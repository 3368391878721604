/** The embedded backend (DESIGN §6): better-sqlite3 in WAL mode behind the Kysely query layer. */
import { chmodSync, closeSync, mkdirSync, openSync } from "node:fs";
import { dirname } from "node:path";
import { Kysely, SqliteDialect } from "kysely";
import { KyselyStorage, type OwnedChangeSignal } from "./kysely-storage.js";
import type { LogStore, Storage, UsageRecord } from "./ports.js";
import type { Database } from "./schema.js";
import { type SqliteDatabase, sqliteConstructor } from "./sqlite-driver.js";
import { type LogSequencing, workerLogSequencing } from "./sqlite-log-sequencing.js";
import { inPlaceWriter, type UsageWriter, workerWriter } from "./sqlite-usage-writer.js";

/** Longest time a change committed by another process (e.g. `overt keys revoke`) can go unseen. */
export const CHANGE_STALENESS_MS = 20;

function isInMemory(path: string): boolean {
  return path === ":memory:" || path === "";
}

/**
 * `PRAGMA data_version` changes whenever ANOTHER connection (another process such as
 * the CLI) commits to the file; this connection's own commits leave it unchanged.
 * One prepared statement, one synchronous step: cheap enough for the hot path.
 */
function dataVersionSignal(raw: SqliteDatabase, maxStalenessMs: number): OwnedChangeSignal {
  const stmt = raw.prepare("PRAGMA data_version").pluck().safeIntegers(false);
  let last = 0;
  let readAt = Number.NEGATIVE_INFINITY;
  return {
    version(): number {
      if (!raw.open) return last;
      // The pragma costs a few µs; under load it is read at most once per `maxStalenessMs`,
      // which bounds how long another process's change (a CLI revocation) can go unseen.
      const now = performance.now();
      if (now - readAt < maxStalenessMs) return last;
      readAt = now;
      const value: unknown = stmt.get();
      if (typeof value === "number") last = value;
      return last;
    },
    async announce(): Promise<void> {
      // Other connections see our commits through their own data_version.
    },
  };
}

/**
 * Opens (creating if needed) the SQLite database at `path`. The parent directory is
 * created (mode 0700) and the database file is made 0600. Does not migrate; see
 * ./open.ts. `:memory:` gives a private in-memory database.
 */
export async function openSqliteStorage(path: string): Promise<Storage> {
  if (!isInMemory(path)) {
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    // Create the file ourselves so it never exists with a wider mode; SQLite gives the
    // -wal and -shm files the database file's permissions.
    closeSync(openSync(path, "a", 0o600));
    chmodSync(path, 0o600);
  }
  const Sqlite = sqliteConstructor();
  const raw = new Sqlite(path);
  try {
    // Integers come back as bigint so 64-bit money sums stay exact; ./codec.ts narrows.
    raw.defaultSafeIntegers(true);
    raw.pragma("journal_mode = WAL");
    raw.pragma("busy_timeout = 5000");
    raw.pragma("synchronous = NORMAL");
    raw.pragma("foreign_keys = ON");
    // Freed cells and pages are zeroed, so shredded keys and purged captures leave no bytes behind.
    raw.pragma("secure_delete = ON");
    const signal = dataVersionSignal(raw, CHANGE_STALENESS_MS);
    const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: raw }) });
    const usage = isInMemory(path) ? inPlaceWriter(raw) : workerWriter(path);
    const log = isInMemory(path) ? null : workerLogSequencing(path);
    return new SqliteStorage(db, usage, log, signal);
  } catch (err) {
    raw.close();
    throw err;
  }
}

/**
 * The SQLite backend: everything through the shared Kysely layer except usage
 * inserts, which go through sqlite-usage-writer.ts, and, for a database file, the
 * log sequencer's runs (sequenceBatch), which happen on a worker thread
 * (sqlite-log-sequencing.ts; see those files for why).
 */
class SqliteStorage extends KyselyStorage {
  readonly #usage: UsageWriter;
  readonly #log: LogSequencing | null;
  /** Present for a database file only: the sequencer then uses it instead of sequenceLog. */
  readonly sequenceBatch?: LogStore["sequenceBatch"];

  constructor(
    db: Kysely<Database>,
    usage: UsageWriter,
    log: LogSequencing | null,
    signal: OwnedChangeSignal,
  ) {
    super(db, "sqlite", signal);
    this.#usage = usage;
    this.#log = log;
    if (log !== null)
      this.sequenceBatch = (entries, queueLimit, sign) => log.sequenceBatch(entries, queueLimit, sign);
  }

  override async insertUsage(records: readonly UsageRecord[]): Promise<void> {
    if (records.length > 0) await this.#usage.write(records);
  }

  override async close(): Promise<void> {
    await this.#usage.close();
    await this.#log?.close();
    await super.close();
  }
}
