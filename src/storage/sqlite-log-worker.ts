/** Worker thread of sqlite-log-sequencing.ts: a connection of its own, and the session (sqlite-log-session.ts) on it. */
import { parentPort, workerData } from "node:worker_threads";
import { sqliteConstructor } from "./sqlite-driver.js";
import { type LogReply, type LogRequest, SqliteLogSession } from "./sqlite-log-session.js";

const { path } = workerData as { path: string };
const Sqlite = sqliteConstructor();
const db = new Sqlite(path);
db.pragma("journal_mode = WAL");
db.pragma("busy_timeout = 5000");
db.pragma("synchronous = NORMAL");
db.pragma("secure_delete = ON");
const session = new SqliteLogSession(db);

function run(request: LogRequest): unknown {
  switch (request.op) {
    case "prepare":
      return session.prepare(request.batch, request.queueLimit);
    case "commit":
      return session.commit(request.checkpoint, request.now);
  }
}

parentPort?.on("message", (message: LogRequest | { close: true }) => {
  if ("close" in message) {
    // Close here, on this thread, rather than being terminated mid-transaction.
    db.close();
    parentPort?.close();
    return;
  }
  let reply: LogReply;
  try {
    reply = { id: message.id, result: run(message) };
  } catch (error) {
    // The class, SQLite code and message (statements and indexes, never entry contents).
    const code = (error as { code?: unknown }).code;
    const name = `${(error as Error).name}${typeof code === "string" ? `(${code})` : ""}`;
    reply = { id: message.id, error: `${name}: ${(error as Error).message}` };
  }
  parentPort?.postMessage(reply);
});
