/**
 * Usage-ledger inserts for SQLite, the one write on the request path (DESIGN §6).
 * Rows are written by a cached prepared statement, once per row inside one
 * transaction — a fraction of the cost of compiling a fresh multi-row Kysely INSERT
 * per batch. For a database file the writes run on a worker thread with its own
 * connection, so the SQLite work (B-tree updates, WAL checkpoints) never blocks the
 * event loop; `:memory:` databases, private to one connection, write in place.
 * Same columns and conflict rule as the shared Kysely path.
 */
import { Worker } from "node:worker_threads";
import { encodeUsage } from "./codec.js";
import type { UsageRecord } from "./ports.js";
import type { SqliteDatabase } from "./sqlite-driver.js";
import { stopWorker } from "./worker-thread.js";

export type UsageRow = unknown[];

export function usageColumns(): string[] {
  return Object.keys(encodeUsage(SAMPLE));
}

export function insertStatementSql(columns: readonly string[]): string {
  return `INSERT INTO usage_records (${columns.join(", ")}) VALUES (${columns.map(() => "?").join(", ")}) ON CONFLICT (request_id) DO NOTHING`;
}

/** Positional values in `usageColumns()` order (binding by position is cheaper than by name). */
export function usageRow(record: UsageRecord): UsageRow {
  return Object.values(encodeUsage(record));
}

export interface UsageWriter {
  write(records: readonly UsageRecord[]): Promise<void>;
  close(): Promise<void>;
}

/** Writes on the caller's connection (in-memory databases). */
export function inPlaceWriter(raw: SqliteDatabase): UsageWriter {
  // Prepared on first use: the table exists only after migration.
  let insertAll: ((rows: readonly UsageRow[]) => void) | null = null;
  return {
    async write(records) {
      if (insertAll === null) {
        const statement = raw.prepare(insertStatementSql(usageColumns()));
        insertAll = raw.transaction((rows: readonly UsageRow[]) => {
          for (const row of rows) statement.run(row);
        });
      }
      insertAll(records.map(usageRow));
    },
    async close() {},
  };
}

interface Reply {
  id: number;
  error?: string;
}

/** Writes on a worker thread with its own connection to `path`. */
export function workerWriter(path: string): UsageWriter {
  let worker: Worker | null = null;
  let nextId = 0;
  const waiting = new Map<number, { resolve: () => void; reject: (error: Error) => void }>();

  const start = (): Worker => {
    const w = new Worker(new URL("./sqlite-usage-worker.js", import.meta.url), {
      workerData: { path, sql: insertStatementSql(usageColumns()) },
    });
    w.on("message", (reply: Reply) => {
      const pending = waiting.get(reply.id);
      waiting.delete(reply.id);
      // Keep the process alive only while a write is outstanding.
      if (waiting.size === 0) w.unref();
      if (reply.error === undefined) pending?.resolve();
      else pending?.reject(new Error(reply.error));
    });
    const failAll = (error: Error) => {
      for (const pending of waiting.values()) pending.reject(error);
      waiting.clear();
      worker = null;
    };
    w.on("error", failAll);
    w.on("exit", () => failAll(new Error("usage writer stopped")));
    w.unref();
    return w;
  };

  return {
    write(records) {
      worker ??= start();
      const id = nextId++;
      const rows = records.map(usageRow);
      return new Promise<void>((resolve, reject) => {
        waiting.set(id, { resolve, reject });
        worker?.ref();
        worker?.postMessage({ id, rows });
      });
    },
    async close() {
      const w = worker;
      worker = null;
      if (w !== null) await stopWorker(w);
    },
  };
}

const SAMPLE: UsageRecord = {
  requestId: "",
  createdAt: 0,
  keyId: "",
  tenantId: "",
  requestedModel: "",
  provider: null,
  upstreamModel: null,
  stream: false,
  inputTokens: 0,
  cachedInputTokens: 0,
  cacheWriteTokens: 0,
  outputTokens: 0,
  reasoningTokens: 0,
  costNano: 0n,
  currency: "USD",
  unpriced: false,
  usageSource: "none",
  usageFlagged: false,
  latencyMs: 0,
  ttftMs: null,
  status: "ok",
  httpStatus: 200,
  errorCode: null,
  attempts: 0,
};
