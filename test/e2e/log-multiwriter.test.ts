/**
 * Multi-writer safety of the transparency log (issue 5): several processes
 * sharing one database append concurrently, each running its own sequencer.
 * Every entry gets exactly one index, indexes are contiguous, and every signed
 * checkpoint is the root of the one tree those entries make — so any two
 * checkpoints are consistent. On SQLite always; on PostgreSQL when
 * OVERT_TEST_POSTGRES_URL is set (required in CI).
 */
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { Secret } from "../../src/config/secret.js";
import { loadMasterKeys } from "../../src/crypto/master-keys.js";
import { openCheckpoint } from "../../src/integrity/checkpoint.js";
import { loadLogIdentity } from "../../src/integrity/log-identity.js";
import { MemoryTree } from "../../src/integrity/memory-tree.js";
import { checkTree, proveTree } from "../../src/integrity/merkle-proof.js";
import { newVerifier } from "../../src/integrity/note-keys.js";
import { openStorage } from "../../src/storage/open.js";
import { createTestDatabase, postgresTestTarget } from "../helpers/postgres.js";

const WRITER = resolve(dirname(fileURLToPath(import.meta.url)), "../helpers/log-writer-process.js");
const WRITERS = 4;
const PER_WRITER = 60;

function runWriter(target: string, dataDir: string, name: string): Promise<void> {
  return new Promise((done, fail) => {
    execFile(
      process.execPath,
      [WRITER, target, dataDir, name, String(PER_WRITER)],
      { timeout: 60_000 },
      (error, stdout, stderr) => {
        if (error) fail(new Error(`${name} failed: ${stderr || error.message}`));
        else if (!stdout.includes("done")) fail(new Error(`${name} did not finish`));
        else done();
      },
    );
  });
}

async function checkOneTree(target: string, dataDir: string): Promise<void> {
  const storage = await openStorage(
    target.startsWith("postgres")
      ? { driver: "postgres", url: new Secret(target) }
      : { driver: "sqlite", path: target },
  );
  try {
    const masterKeys = loadMasterKeys(undefined, dataDir, { create: false });
    assert.ok(masterKeys);
    const identity = await loadLogIdentity(storage, masterKeys, null);
    const size = await storage.logSize();
    assert.equal(size, WRITERS * PER_WRITER, "every entry sequenced exactly once");
    const entries = await storage.readLogEntries(0, size);
    assert.deepEqual(
      entries.map((e) => e.index),
      [...Array(size).keys()],
      "indexes are contiguous",
    );
    assert.equal(new Set(entries.map((e) => e.ref)).size, size, "no entry twice");
    const tree = new MemoryTree();
    for (const e of entries) await tree.append(e.data);

    const policy = { origin: identity.origin, logVerifiers: identity.verifierKeys.map(newVerifier) };
    const sizes: number[] = [];
    for (let s = 1; s <= size; s++) {
      const stored = await storage.checkpointAt(s);
      if (!stored) continue;
      const { checkpoint } = openCheckpoint(stored.note, policy);
      assert.deepEqual(checkpoint.root, await tree.root(s), `checkpoint at ${s} is the root of the one tree`);
      sizes.push(s);
    }
    assert.ok(sizes.length >= WRITERS, "several checkpoints were signed");
    assert.equal(sizes.at(-1), size);
    // Any two checkpoints are consistent: the stored hashes prove it.
    const read = (indexes: readonly number[]) => storage.readLogHashes(indexes);
    for (let i = 1; i < sizes.length; i++) {
      const [oldSize, newSize] = [sizes[i - 1] as number, sizes[i] as number];
      const proof = await proveTree(newSize, oldSize, read);
      checkTree(proof, newSize, await tree.root(newSize), oldSize, await tree.root(oldSize));
    }
  } finally {
    await storage.close();
  }
}

async function exercise(target: string, dataDir: string): Promise<void> {
  // The first start creates the master key and the log identity every writer then shares.
  loadMasterKeys(undefined, dataDir, { create: true });
  const storage = await openStorage(
    target.startsWith("postgres")
      ? { driver: "postgres", url: new Secret(target) }
      : { driver: "sqlite", path: target },
  );
  await loadLogIdentity(storage, loadMasterKeys(undefined, dataDir, { create: false })!, null);
  await storage.close();
  await Promise.all(Array.from({ length: WRITERS }, (_, i) => runWriter(target, dataDir, `w${i}`)));
  await checkOneTree(target, dataDir);
}

describe("transparency log with several processes on one database", () => {
  it("SQLite: one sequence, one tree", async () => {
    const dir = mkdtempSync(join(tmpdir(), "overt-multiwriter-"));
    try {
      await exercise(join(dir, "overt.db"), dir);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  const target = postgresTestTarget();
  it("PostgreSQL: one sequence, one tree", {
    skip: target.kind === "skip" ? target.reason : false,
  }, async () => {
    if (target.kind === "fail") assert.fail(target.reason);
    if (target.kind !== "url") return;
    const database = await createTestDatabase(target.url);
    const dir = mkdtempSync(join(tmpdir(), "overt-multiwriter-"));
    try {
      await exercise(database.url, dir);
    } finally {
      rmSync(dir, { recursive: true, force: true });
      await database.drop();
    }
  });
});
