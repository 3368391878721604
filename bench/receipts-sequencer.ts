import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { LogAppender } from "../src/integrity/log-appender.js";
import { signNote } from "../src/integrity/note.js";
import { signerFromSeed } from "../src/integrity/note-keys.js";
import { formatReceipt } from "../src/integrity/receipt.js";
import { ReceiptHandle } from "../src/integrity/receipt-handle.js";
import { LogSequencer } from "../src/integrity/sequencer.js";
import { openStorage } from "../src/storage/open.js";
import { chatBody } from "./load.js";
import { cpuMicros } from "./procs.js";

// ---- the sequencer on its own -----------------------------------------------------------------

export interface SequencerResult {
  batch: number;
  runs: number;
  entries: number;
  /** Entries integrated per second of wall time, one core (this process, nothing else running in it). */
  entriesPerSecond: number;
  /** All threads (the main thread and, for a database file, the SQLite worker). */
  cpuUsPerEntry: number;
  /** The main thread alone (hashing, signing, handing rows over): what the relay's event loop pays. */
  mainCpuUsPerEntry: number | null;
  /** Mean duration of one sequencer run (lock, hashes, inserts, checkpoint signature, commit), ms. */
  runMs: number;
}

export function sampleReceipt(): Buffer {
  const handle = new ReceiptHandle(Buffer.from(chatBody(false)));
  handle.write(randomBytes(400));
  handle.settle({
    model: "bench-model",
    provider: "bench",
    endpoint: "127.0.0.1:41234",
    upstreamModel: "bench-model",
    upstreamResponseId: "chatcmpl-bench0000000000000000000001",
    upstreamRequestId: "",
    upstreamUsage: { input: 12, cached: 0, cacheWrite: 0, output: 20, reasoning: 0 },
    billed: {
      input: 12,
      cached: 0,
      cacheWrite: 0,
      output: 20,
      reasoning: 0,
      source: "upstream",
      costNano: "0",
      currency: "USD",
    },
    transformations: [],
    status: "ok",
    httpStatus: 200,
  });
  return Buffer.from(formatReceipt(handle.finish(Date.now(), 0)), "utf8");
}

/**
 * The relay's own sequencer code on a fresh SQLite file: `perBatch` receipts appended, then one run
 * (what the relay's 1 s timer does), repeated until `entries` were integrated. Appending is the request
 * path's cost and is not timed; the run is, in wall and CPU time.
 */
export async function sequencerCost(perBatch: number, entries: number): Promise<SequencerResult> {
  const dir = mkdtempSync(join(tmpdir(), "overt-bench-log-"));
  const storage = await openStorage({ driver: "sqlite", path: join(dir, "log.db") });
  try {
    const origin = "bench.example/log";
    const signer = signerFromSeed(origin, randomBytes(32));
    const appender = new LogAppender();
    const sequencer = new LogSequencer(
      storage,
      appender,
      { origin, sign: (text) => signNote(text, [signer]) },
      { intervalMs: 3_600_000 },
    );
    const data = sampleReceipt();
    const fill = (n: number): void => {
      for (let i = 0; i < n; i++) {
        // Real ids (time-ordered, as the relay issues them): the log's index on them is part of the cost.
        const ref = new ReceiptHandle(undefined).id;
        appender.append({ kind: "receipt", ref, keyId: "key_bench", createdAt: Date.now(), data });
      }
    };
    // Warm-up: JIT, prepared statements, the first checkpoint.
    for (let i = 0; i < 3; i++) {
      fill(Math.min(perBatch, 1000));
      await sequencer.run();
    }
    let wall = 0;
    let cpu = 0;
    let main: number | null = 0;
    let runs = 0;
    let done = 0;
    while (done < entries) {
      const n = Math.min(perBatch, entries - done);
      fill(n);
      const m0 = cpuMicros(process.pid, true);
      const c0 = process.cpuUsage();
      const t0 = performance.now();
      await sequencer.run();
      wall += performance.now() - t0;
      const c = process.cpuUsage(c0);
      const m1 = cpuMicros(process.pid, true);
      cpu += c.user + c.system;
      main = main === null || m0 === null || m1 === null ? null : main + (m1 - m0);
      if (appender.size !== 0) throw new Error(`sequencer left ${appender.size} entries waiting`);
      done += n;
      runs++;
    }
    await sequencer.close();
    return {
      batch: perBatch,
      runs,
      entries: done,
      entriesPerSecond: done / (wall / 1000),
      cpuUsPerEntry: cpu / done,
      mainCpuUsPerEntry: main === null ? null : main / done,
      runMs: wall / runs,
    };
  } finally {
    await storage.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
