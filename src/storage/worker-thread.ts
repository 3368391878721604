/** The storage worker threads' shared shutdown (sqlite-usage-writer.ts, sqlite-log-sequencing.ts). */
import type { Worker } from "node:worker_threads";

/**
 * Asks the worker to close its connection and exit on its own thread (rather than
 * being terminated mid-transaction), and waits until it has.
 */
export async function stopWorker(worker: Worker): Promise<void> {
  const exited = new Promise<void>((resolve) => worker.once("exit", () => resolve()));
  worker.ref();
  worker.postMessage({ close: true });
  await exited;
}
