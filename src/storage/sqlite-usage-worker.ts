/** Worker thread of sqlite-usage-writer.ts: its own connection, one transaction per batch. */
import { parentPort, workerData } from "node:worker_threads";
import { sqliteConstructor } from "./sqlite-driver.js";

const { path, sql } = workerData as { path: string; sql: string };
const Sqlite = sqliteConstructor();
const db = new Sqlite(path);
db.pragma("journal_mode = WAL");
db.pragma("busy_timeout = 5000");
db.pragma("synchronous = NORMAL");
const statement = db.prepare(sql);
const insertAll = db.transaction((rows: unknown[][]) => {
  for (const row of rows) statement.run(row);
});

parentPort?.on("message", (message: { id: number; rows?: unknown[][]; close?: true }) => {
  if (message.close) {
    // Close here, on this thread, rather than being terminated mid-write.
    db.close();
    parentPort?.close();
    return;
  }
  if (message.rows === undefined) return;
  try {
    insertAll(message.rows);
    parentPort?.postMessage({ id: message.id });
  } catch (error) {
    // Only the class and SQLite code: never row contents.
    const code = (error as { code?: unknown }).code;
    parentPort?.postMessage({
      id: message.id,
      error: `${(error as Error).name}${typeof code === "string" ? `(${code})` : ""}`,
    });
  }
});
