/**
 * The log sequencer's batched path (issue 5): appendRecords gives exactly the
 * stored hashes and root that appending record by record gives; the sequencer
 * writes the same log through the Kysely transaction (`:memory:`) and through the
 * SQLite worker (a database file) — entries in order, every stored hash, every
 * checkpoint the signed root of the one tree; run() integrates what was appended
 * before the call even while a run is under way, and close() drains a backlog
 * of more than one batch. The one-shot hashes of merkle.ts equal createHash's.
 */
import assert from "node:assert/strict";
import { createHash, randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { openCheckpoint } from "../../src/integrity/checkpoint.js";
import { LogAppender } from "../../src/integrity/log-appender.js";
import { MemoryTree } from "../../src/integrity/memory-tree.js";
import {
  appendRecords,
  leafHash,
  nodeHash,
  storedHashCount,
  storedHashIndex,
  subtreeIndexes,
} from "../../src/integrity/merkle.js";
import { signNote } from "../../src/integrity/note.js";
import { generateNoteKey, newSigner, newVerifier } from "../../src/integrity/note-keys.js";
import { LogSequencer } from "../../src/integrity/sequencer.js";
import { openStorage } from "../../src/storage/open.js";
import type { NewLogEntry, Storage } from "../../src/storage/ports.js";

const ORIGIN = "test.example/log";
const keys = generateNoteKey(ORIGIN);

function entry(name: string, bytes = 40 + (name.length % 7) * 30): NewLogEntry {
  const data = Buffer.concat([Buffer.from(`overt.admin/v1\n${name}\n`), randomBytes(bytes)]);
  return { kind: "admin", ref: name, keyId: null, createdAt: Date.now(), data };
}

describe("merkle: appending records in a batch", () => {
  it("gives the hashes and root of appending one by one", async () => {
    for (let size = 0; size <= 70; size++) {
      for (const count of [0, 1, 2, 3, 5, 8, 13]) {
        const tree = new MemoryTree();
        const entries = Array.from({ length: size + count }, (_, i) => Buffer.from(`entry ${size}/${i}`));
        for (const e of entries.slice(0, size)) await tree.append(e);
        const peaks = await tree.reader(subtreeIndexes(0, size));
        const { hashes, root } = appendRecords(
          size,
          entries.slice(size).map((e) => leafHash(e)),
          peaks,
        );
        for (const e of entries.slice(size)) await tree.append(e);
        const first = size === 0 ? 0 : storedHashIndex(0, size);
        const expected = await tree.reader(
          Array.from({ length: storedHashCount(size + count) - first }, (_, i) => first + i),
        );
        assert.deepEqual(
          [...hashes.keys()],
          expected.map((_, i) => first + i),
          `indexes ${size}+${count}`,
        );
        assert.deepEqual([...hashes.values()], expected, `hashes ${size}+${count}`);
        assert.deepEqual(root, await tree.root(), `root ${size}+${count}`);
      }
    }
  });

  it("needs exactly the tree's complete-subtree hashes", () => {
    assert.throws(() => appendRecords(3, [leafHash(Buffer.from("x"))], []), /has 2 subtree hashes, got 0/);
  });

  it("hashes in one call what createHash hashes in pieces", () => {
    for (const length of [0, 1, 31, 600, 8191, 8192, 20_000]) {
      const data = randomBytes(length);
      const reference = createHash("sha256").update(Buffer.of(0)).update(data).digest();
      assert.deepEqual(leafHash(data), reference, `leaf of ${length} bytes`);
    }
    for (const [l, r] of [
      [32, 32],
      [31, 32],
      [32, 0],
      [64, 1],
    ] as const) {
      const left = randomBytes(l);
      const right = randomBytes(r);
      const reference = createHash("sha256").update(Buffer.of(1)).update(left).update(right).digest();
      assert.deepEqual(nodeHash(left, right), reference, `node of ${l} + ${r} bytes`);
    }
  });
});

async function checkLog(storage: Storage, expected: readonly NewLogEntry[], checkpoints = 2): Promise<void> {
  const size = await storage.logSize();
  assert.equal(size, expected.length, "log size");
  const entries = await storage.readLogEntries(0, size);
  assert.deepEqual(
    entries.map((e) => [e.index, e.ref, e.data.toString("hex")]),
    expected.map((e, i) => [i, e.ref, e.data.toString("hex")]),
  );
  const tree = new MemoryTree();
  for (const e of expected) await tree.append(e.data);
  const all = Array.from({ length: storedHashCount(size) }, (_, i) => i);
  assert.deepEqual(await storage.readLogHashes(all), await tree.reader(all), "every stored hash");
  const policy = { origin: ORIGIN, logVerifiers: [newVerifier(keys.verifierKey)] };
  let checked = 0;
  for (let s = 0; s <= size; s++) {
    const stored = await storage.checkpointAt(s);
    if (!stored) continue;
    const { checkpoint } = openCheckpoint(stored.note, policy);
    assert.equal(checkpoint.size, s);
    assert.deepEqual(checkpoint.root, await tree.root(s), `checkpoint ${s}`);
    checked++;
  }
  assert.ok(checked >= checkpoints, "checkpoints were signed");
  assert.equal((await storage.latestCheckpoint())?.size, size);
}

function sequencer(storage: Storage, appender: LogAppender): LogSequencer {
  const signer = newSigner(keys.signerKey);
  return new LogSequencer(
    storage,
    appender,
    { origin: ORIGIN, sign: (body) => signNote(body, [signer]) },
    { intervalMs: 3_600_000 },
  );
}

for (const backend of ["memory (Kysely transaction)", "file (runs on the SQLite worker)"] as const) {
  describe(`log sequencer, ${backend}`, () => {
    const open = async (): Promise<{ storage: Storage; done: () => Promise<void> }> => {
      if (backend.startsWith("memory")) {
        const storage = await openStorage({ driver: "sqlite", path: ":memory:" });
        return { storage, done: () => storage.close() };
      }
      const dir = mkdtempSync(join(tmpdir(), "overt-log-seq-"));
      const storage = await openStorage({ driver: "sqlite", path: join(dir, "overt.db") });
      return {
        storage,
        done: async () => {
          await storage.close();
          rmSync(dir, { recursive: true, force: true });
        },
      };
    };

    it("appends queued, then in-memory entries, run after run, as one tree", async () => {
      const { storage, done } = await open();
      try {
        const appender = new LogAppender();
        const seq = sequencer(storage, appender);
        const expected: NewLogEntry[] = [];
        assert.equal(await seq.run(), 0); // the empty log's checkpoint
        for (let run = 0; run < 9; run++) {
          const queued = Array.from({ length: run % 3 }, (_, i) => entry(`q${run}.${i}`));
          const memory = Array.from({ length: (run * 5) % 11 }, (_, i) => entry(`m${run}.${i}`));
          await storage.enqueueLogEntries(queued);
          for (const e of memory) appender.append(e);
          // Each run takes the database queue first, then what waits in memory.
          expected.push(...queued, ...memory);
          assert.equal(await seq.run(), expected.length);
        }
        await seq.close();
        await checkLog(storage, expected);
      } finally {
        await done();
      }
    });

    it("run() during a run integrates what was appended after that run began", async () => {
      const { storage, done } = await open();
      try {
        const appender = new LogAppender();
        const seq = sequencer(storage, appender);
        const first = entry("first");
        const second = entry("second");
        appender.append(first);
        const running = seq.run();
        appender.append(second);
        const size = await seq.run();
        assert.equal(size, 2);
        assert.equal(await running, 1);
        assert.equal(appender.size, 0);
        assert.equal(appender.pending("second"), undefined);
        await seq.close();
        await checkLog(storage, [first, second]);
      } finally {
        await done();
      }
    });

    it("close() integrates a backlog of more than one batch", async () => {
      const { storage, done } = await open();
      try {
        const appender = new LogAppender();
        const seq = sequencer(storage, appender);
        const expected = Array.from({ length: 11_000 }, (_, i) => entry(`b${i}`, 8));
        await seq.run();
        for (const e of expected) appender.append(e);
        await seq.close();
        assert.equal(appender.size, 0);
        assert.equal(await storage.logSize(), expected.length);
        const entries = await storage.readLogEntries(10_990, 10);
        assert.deepEqual(
          entries.map((e) => e.ref),
          expected.slice(10_990).map((e) => e.ref),
        );
      } finally {
        await done();
      }
    });

    it("a failed run changes nothing and gives its entries back", async () => {
      const { storage, done } = await open();
      try {
        const appender = new LogAppender();
        const errors: unknown[] = [];
        const signer = newSigner(keys.signerKey);
        let fail = true;
        const seq = new LogSequencer(
          storage,
          appender,
          {
            origin: ORIGIN,
            sign: (body) => {
              if (fail) throw new Error("signer unavailable");
              return signNote(body, [signer]);
            },
          },
          { intervalMs: 3_600_000, onError: (error) => errors.push(error) },
        );
        const entries = [entry("a"), entry("b")];
        for (const e of entries) appender.append(e);
        await assert.rejects(seq.run(), /signer unavailable/);
        assert.equal(errors.length, 1);
        assert.equal(appender.size, 2);
        assert.equal(await storage.logSize(), 0);
        fail = false;
        assert.equal(await seq.run(), 2);
        await seq.close();
        await checkLog(storage, entries, 1);
      } finally {
        await done();
      }
    });

    it("sequenceLog's transaction steps: pending, readHashes, append, saveCheckpoint", async () => {
      const { storage, done } = await open();
      try {
        const tree = new MemoryTree();
        const entries = [entry("x1"), entry("x2"), entry("x3")];
        await storage.enqueueLogEntries(entries.slice(0, 2));
        await storage.sequenceLog(async (tx) => {
          assert.equal(tx.size, 0);
          const queued = await tx.pending(10);
          assert.deepEqual(
            queued.map((q) => q.ref),
            ["x1", "x2"],
          );
          const all = [...queued, { ...entries[2]!, id: -1 }];
          const written = new Map<number, Buffer>();
          for (const e of all) {
            const before = storedHashCount(tree.size);
            await tree.append(e.data);
            const added = await tree.reader(
              Array.from({ length: storedHashCount(tree.size) - before }, (_, i) => before + i),
            );
            for (const [i, h] of added.entries()) written.set(before + i, h);
          }
          await tx.append(all, written);
          await tx.saveCheckpoint({ size: 3, createdAt: 1, note: "note\n" });
        });
        assert.equal(await storage.logSize(), 3);
        assert.equal((await storage.latestCheckpoint())?.note, "note\n");
        await storage.sequenceLog(async (tx) => {
          assert.equal(tx.size, 3);
          assert.deepEqual(await tx.pending(10), []);
          assert.deepEqual(await tx.readHashes([0, 2, 1]), await tree.reader([0, 2, 1]));
          await assert.rejects(tx.readHashes([99]), /stored hash 99 is missing/);
        });
        assert.deepEqual(
          (await storage.readLogEntries(0, 3)).map((e) => e.ref),
          ["x1", "x2", "x3"],
        );
      } finally {
        await done();
      }
    });
  });
}

describe("log sequencer, two connections to one SQLite file", () => {
  it("runs racing from two storages (as two processes) still make one log", async () => {
    const dir = mkdtempSync(join(tmpdir(), "overt-log-race-"));
    const path = join(dir, "overt.db");
    const a = await openStorage({ driver: "sqlite", path });
    const b = await openStorage({ driver: "sqlite", path });
    try {
      const appenders = [new LogAppender(), new LogAppender()];
      const sequencers = [sequencer(a, appenders[0]!), sequencer(b, appenders[1]!)];
      const all: NewLogEntry[] = [];
      for (let round = 0; round < 12; round++) {
        for (const [i, appender] of appenders.entries()) {
          for (let k = 0; k < 1 + ((round + i) % 4); k++) {
            const e = entry(`r${round}.${i}.${k}`);
            all.push(e);
            appender.append(e);
          }
        }
        await Promise.all(sequencers.map((s) => s.run()));
      }
      await Promise.all(sequencers.map((s) => s.close()));
      const size = await a.logSize();
      assert.equal(size, all.length);
      const logged = await a.readLogEntries(0, size);
      assert.deepEqual(new Set(logged.map((e) => e.ref)), new Set(all.map((e) => e.ref)));
      const byRef = new Map(all.map((e) => [e.ref, e]));
      await checkLog(
        a,
        logged.map((e) => byRef.get(e.ref)!),
      );
    } finally {
      await a.close();
      await b.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("a write on the main connection during a run neither waits long nor fails", async () => {
    const dir = mkdtempSync(join(tmpdir(), "overt-log-lock-"));
    const storage = await openStorage({ driver: "sqlite", path: join(dir, "overt.db") });
    try {
      const appender = new LogAppender();
      const seq = sequencer(storage, appender);
      for (let i = 0; i < 20_000; i++) appender.append(entry(`w${i}`, 400));
      const started = performance.now();
      const run = seq.run();
      const writes: Promise<void>[] = [];
      for (let i = 0; i < 20; i++) {
        writes.push(storage.enqueueLogEntries([entry(`admin${i}`)]));
        await new Promise((resolve) => setTimeout(resolve, 2));
      }
      await Promise.all([run, ...writes]);
      assert.ok(performance.now() - started < 4_000, "no write waited for the busy timeout");
      await seq.close();
      await seq.run(); // the entries queued in the database meanwhile (memory goes first while it fills a batch)
      assert.equal(await storage.logSize(), 20_020);
    } finally {
      await storage.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
