/**
 * Which better-sqlite3 build to load. Version 12 (V8 ABI, compiled at install)
 * aborts at process exit on Node 24 (`RemoveEnvironmentCleanupHook` assertion in
 * Statement's destructor, WiseLibs/better-sqlite3#1515); version 13 (Node-API,
 * prebuilt) fixes that but needs Node 22 and crashes on Node 20. So Node 20 loads
 * 12 and Node 22+ loads 13 (installed under the alias `better-sqlite3-napi`).
 * Same API, same SQLite file format.
 */
import { createRequire } from "node:module";
import type BetterSqlite3 from "better-sqlite3";

const require = createRequire(import.meta.url);

export type SqliteDatabase = BetterSqlite3.Database;
type SqliteConstructor = new (path: string, options?: BetterSqlite3.Options) => SqliteDatabase;

let cached: SqliteConstructor | null = null;

export function sqliteConstructor(): SqliteConstructor {
  if (cached === null) {
    const major = Number(process.versions.node.split(".")[0]);
    cached = require(major >= 22 ? "better-sqlite3-napi" : "better-sqlite3") as SqliteConstructor;
  }
  return cached;
}
