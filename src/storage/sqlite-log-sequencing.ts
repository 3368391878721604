/**
 * The log sequencer's runs for an SQLite file (issue 5), off the event loop: a
 * worker thread with its own connection (sqlite-log-session.ts) does a run's
 * Merkle hashing and inserts, as sqlite-usage-writer.ts does for usage rows, so
 * under load the B-tree inserts and hashing of every receipt — most of the
 * sequencer's cost — stay off the thread that serves requests. Signing the
 * checkpoint stays with the sequencer, on the main thread, between the worker's
 * prepare and commit; the lock is only held within commit. A commit that finds
 * the log grown (another process sequenced in between) is prepared again.
 *
 * `:memory:` databases (private to one connection) keep the Kysely path.
 */
import { Worker } from "node:worker_threads";
import type { LogEntryColumns, StoredCheckpoint } from "./log-ports.js";
import { CONFLICT, type LogReply, type LogRequest, type Prepared } from "./sqlite-log-session.js";
import { stopWorker } from "./worker-thread.js";

export interface LogSequencing {
  /** LogStore.sequenceBatch. */
  sequenceBatch(
    entries: LogEntryColumns,
    queueLimit: number,
    sign: (size: number, root: Buffer) => StoredCheckpoint,
  ): Promise<number>;
  close(): Promise<void>;
}

/** Prepare-and-commit rounds before a run gives up (each lost to another process's run). */
const ATTEMPTS = 10;

type Args<O extends LogRequest["op"]> = Omit<Extract<LogRequest, { op: O }>, "id" | "op">;

/** Sequencer runs on a worker thread with its own connection to the SQLite file at `path`. */
export function workerLogSequencing(path: string): LogSequencing {
  let worker: Worker | null = null;
  let nextId = 0;
  const waiting = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  // One run at a time: the worker keeps one prepared run.
  let queue: Promise<unknown> = Promise.resolve();

  const start = (): Worker => {
    const w = new Worker(new URL("./sqlite-log-worker.js", import.meta.url), { workerData: { path } });
    w.on("message", (reply: LogReply) => {
      const pending = waiting.get(reply.id);
      waiting.delete(reply.id);
      // Keep the process alive only while a call is outstanding.
      if (waiting.size === 0) w.unref();
      if (reply.error === undefined) pending?.resolve(reply.result);
      else pending?.reject(new Error(reply.error));
    });
    const failAll = (error: Error) => {
      for (const pending of waiting.values()) pending.reject(error);
      waiting.clear();
      if (worker === w) worker = null;
    };
    w.on("error", failAll);
    w.on("exit", () => failAll(new Error("log sequencing worker stopped")));
    w.unref();
    return w;
  };

  function call<O extends LogRequest["op"]>(op: O, args: Args<O>): Promise<unknown> {
    worker ??= start();
    const w = worker;
    const id = nextId++;
    return new Promise((resolve, reject) => {
      waiting.set(id, { resolve, reject });
      w.ref();
      w.postMessage({ id, op, ...args });
    });
  }

  async function run(
    batch: LogEntryColumns,
    queueLimit: number,
    sign: (size: number, root: Buffer) => StoredCheckpoint,
  ): Promise<number> {
    for (let attempt = 1; ; attempt++) {
      const prepared = (await call("prepare", { batch: columnsOnly(batch), queueLimit })) as Prepared;
      if (prepared.root === null) return prepared.size;
      const checkpoint = sign(prepared.size, Buffer.from(prepared.root));
      try {
        return (await call("commit", { checkpoint, now: Date.now() })) as number;
      } catch (error) {
        if (!(error instanceof Error && error.message.endsWith(CONFLICT)) || attempt >= ATTEMPTS) throw error;
      }
    }
  }

  return {
    sequenceBatch(entries, queueLimit, sign) {
      const done = queue.then(() => run(entries, queueLimit, sign));
      queue = done.catch(() => {});
      return done;
    },
    async close() {
      await queue;
      const w = worker;
      worker = null;
      if (w !== null) await stopWorker(w);
    },
  };
}

/**
 * The columns and nothing else (a caller's batch may carry more, such as the appender's
 * lookup hashes): everything in the message is copied to the worker, for every entry.
 */
function columnsOnly(batch: LogEntryColumns): LogEntryColumns {
  const { kinds, refs, keyIds, createdAts, lengths, data } = batch;
  return { kinds, refs, keyIds, createdAts, lengths, data };
}
