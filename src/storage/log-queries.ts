/**
 * Transparency-log queries (migrations 004, 005; port in log-ports.ts). The sequencer
 * lock is the first statement of its transaction, an UPDATE of the one state
 * row: SQLite takes its write lock there (so two processes never both read the
 * same size), PostgreSQL a row lock held to commit.
 */
import { type Kysely, type Selectable, sql } from "kysely";
import { toInt } from "./codec.js";
import type {
  LogEntryKind,
  LogEntryRecord,
  LogSequencerTx,
  NewLogEntry,
  QueuedLogEntry,
  StoredCheckpoint,
} from "./log-ports.js";
import type { LogEntriesTable } from "./log-types.js";
import { RARE_KINDS_CONDITION } from "./migrations/005-log-indexes.js";
import type { Database } from "./schema.js";

const CHUNK = 400;

function bytes(value: Buffer | Uint8Array): Buffer {
  return Buffer.isBuffer(value) ? value : Buffer.from(value);
}

function entryOf(row: Selectable<LogEntriesTable>): LogEntryRecord {
  return {
    index: toInt(row.idx),
    kind: row.kind as LogEntryKind,
    ref: row.ref,
    keyId: row.key_id,
    createdAt: toInt(row.created_at),
    data: bytes(row.data),
  };
}

export async function enqueueLogEntries(
  db: Kysely<Database>,
  entries: readonly NewLogEntry[],
): Promise<void> {
  for (let i = 0; i < entries.length; i += CHUNK) {
    await db
      .insertInto("log_queue")
      .values(
        entries.slice(i, i + CHUNK).map((e) => ({
          kind: e.kind,
          ref: e.ref,
          key_id: e.keyId,
          created_at: e.createdAt,
          data: e.data,
        })),
      )
      .execute();
  }
}

export async function readLogHashes(db: Kysely<Database>, indexes: readonly number[]): Promise<Buffer[]> {
  if (indexes.length === 0) return [];
  const found = new Map<number, Buffer>();
  const unique = [...new Set(indexes)];
  for (let i = 0; i < unique.length; i += CHUNK) {
    const rows = await db
      .selectFrom("log_hashes")
      .select(["idx", "hash"])
      .where("idx", "in", unique.slice(i, i + CHUNK))
      .execute();
    for (const row of rows) found.set(toInt(row.idx), bytes(row.hash));
  }
  return indexes.map((index) => {
    const hash = found.get(index);
    if (hash === undefined) throw new Error(`log: stored hash ${index} is missing`);
    return hash;
  });
}

function sequencerTx(tx: Kysely<Database>, size: number, now: number): LogSequencerTx {
  return {
    size,
    async pending(limit) {
      const rows = await tx.selectFrom("log_queue").selectAll().orderBy("id").limit(limit).execute();
      return rows.map(
        (row): QueuedLogEntry => ({
          id: toInt(row.id),
          kind: row.kind as LogEntryKind,
          ref: row.ref,
          keyId: row.key_id,
          createdAt: toInt(row.created_at),
          data: bytes(row.data),
        }),
      );
    },
    readHashes: (indexes) => readLogHashes(tx, indexes),
    async append(entries, hashes) {
      if (entries.length === 0) return;
      const rows = entries.map((e, i) => ({
        idx: size + i,
        kind: e.kind,
        ref: e.ref,
        key_id: e.keyId,
        created_at: e.createdAt,
        data: e.data,
      }));
      for (let i = 0; i < rows.length; i += CHUNK)
        await tx
          .insertInto("log_entries")
          .values(rows.slice(i, i + CHUNK))
          .execute();
      const hashRows = [...hashes].map(([idx, hash]) => ({ idx, hash }));
      for (let i = 0; i < hashRows.length; i += CHUNK)
        await tx
          .insertInto("log_hashes")
          .values(hashRows.slice(i, i + CHUNK))
          .execute();
      // Entries handed over in memory (id < 0) were never queued.
      const ids = entries.map((e) => e.id).filter((id) => id >= 0);
      for (let i = 0; i < ids.length; i += CHUNK)
        await tx
          .deleteFrom("log_queue")
          .where("id", "in", ids.slice(i, i + CHUNK))
          .execute();
      await tx
        .updateTable("log_state")
        .set({ size: size + entries.length, updated_at: now })
        .where("id", "=", 1)
        .execute();
    },
    async saveCheckpoint(checkpoint) {
      await tx
        .insertInto("log_checkpoints")
        .values({ size: checkpoint.size, created_at: checkpoint.createdAt, note: checkpoint.note })
        .onConflict((oc) => oc.column("size").doNothing())
        .execute();
    },
  };
}

export async function sequenceLog<T>(
  db: Kysely<Database>,
  work: (tx: LogSequencerTx) => Promise<T>,
): Promise<T> {
  return db.transaction().execute(async (tx) => {
    const now = Date.now();
    // The lock: the first statement writes, so the size read below is the committed one.
    await tx.updateTable("log_state").set({ updated_at: now }).where("id", "=", 1).execute();
    const state = await tx
      .selectFrom("log_state")
      .select("size")
      .where("id", "=", 1)
      .executeTakeFirstOrThrow();
    return work(sequencerTx(tx, toInt(state.size), now));
  });
}

export async function logSize(db: Kysely<Database>): Promise<number> {
  const state = await db.selectFrom("log_state").select("size").where("id", "=", 1).executeTakeFirst();
  return toInt(state?.size ?? 0);
}

export async function readLogEntries(
  db: Kysely<Database>,
  start: number,
  count: number,
): Promise<LogEntryRecord[]> {
  const rows = await db
    .selectFrom("log_entries")
    .selectAll()
    .where("idx", ">=", start)
    .where("idx", "<", start + count)
    .orderBy("idx")
    .execute();
  return rows.map(entryOf);
}

export async function findLogEntry(
  db: Kysely<Database>,
  ref: string,
): Promise<(NewLogEntry & { index: number | null }) | undefined> {
  const row = await db.selectFrom("log_entries").selectAll().where("ref", "=", ref).executeTakeFirst();
  if (row) return entryOf(row);
  const queued = await db.selectFrom("log_queue").selectAll().where("ref", "=", ref).executeTakeFirst();
  if (!queued) return undefined;
  return {
    index: null,
    kind: queued.kind as LogEntryKind,
    ref: queued.ref,
    keyId: queued.key_id,
    createdAt: toInt(queued.created_at),
    data: bytes(queued.data),
  };
}

function checkpointOf(row: { size: unknown; created_at: unknown; note: string }): StoredCheckpoint {
  return { size: toInt(row.size as number), createdAt: toInt(row.created_at as number), note: row.note };
}

export async function latestCheckpoint(db: Kysely<Database>): Promise<StoredCheckpoint | undefined> {
  const row = await db
    .selectFrom("log_checkpoints")
    .selectAll()
    .orderBy("size", "desc")
    .limit(1)
    .executeTakeFirst();
  return row ? checkpointOf(row) : undefined;
}

export async function checkpointAt(
  db: Kysely<Database>,
  size: number,
): Promise<StoredCheckpoint | undefined> {
  const row = await db.selectFrom("log_checkpoints").selectAll().where("size", "=", size).executeTakeFirst();
  return row ? checkpointOf(row) : undefined;
}

export async function listLogEntriesOfKind(
  db: Kysely<Database>,
  kind: LogEntryKind,
  start: number,
  limit: number,
): Promise<LogEntryRecord[]> {
  let query = db.selectFrom("log_entries").selectAll().where("kind", "=", kind);
  // The (kind, idx) index covers only the rare kinds; repeating its condition lets planners use it.
  if (kind !== "receipt") query = query.where(sql.raw<boolean>(RARE_KINDS_CONDITION));
  const rows = await query.where("idx", ">=", start).orderBy("idx").limit(limit).execute();
  return rows.map(entryOf);
}
