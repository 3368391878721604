/**
 * The in-memory appender (issue 5): entries kept as columns over one growing
 * buffer come out of take() exactly as appended (bytes, order, UTF-8 text), a
 * failed run puts its batch back in front, and a waiting receipt is found by its
 * id — in memory or in a run under way — until that run commits.
 */
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { describe, it } from "node:test";
import { LogAppender } from "../../src/integrity/log-appender.js";
import { entriesOf } from "../../src/integrity/log-columns.js";
import type { NewLogEntry } from "../../src/storage/ports.js";

function entry(i: number, bytes: number): NewLogEntry {
  return {
    kind: "admin",
    ref: `admin-${i}`,
    keyId: null,
    createdAt: 1_764_000_000_000 + i,
    data: randomBytes(bytes),
  };
}

describe("log appender", () => {
  it("hands out entries as appended, in order, across batches and buffer growth", () => {
    const appender = new LogAppender();
    const expected: NewLogEntry[] = [];
    // More than the initial 1 MB buffer, in entries of assorted sizes.
    for (let i = 0; i < 400; i++) {
      const e = entry(i, 1 + ((i * 7919) % 9000));
      expected.push(e);
      appender.append(e);
    }
    const text = "overt.receipt/v1\nmodel 模型-😀\n";
    appender.appendText("receipt", "rcpt_text", "key_a", 42, text);
    expected.push({
      kind: "receipt",
      ref: "rcpt_text",
      keyId: "key_a",
      createdAt: 42,
      data: Buffer.from(text),
    });
    assert.equal(appender.size, expected.length);

    const taken: NewLogEntry[] = [];
    for (const limit of [150, 150, 1000]) {
      const batch = appender.take(limit);
      assert.equal(
        batch.data.byteLength,
        batch.lengths.reduce((a, b) => a + b, 0),
      );
      taken.push(...entriesOf(batch));
      appender.integrated(batch);
    }
    assert.equal(appender.size, 0);
    assert.deepEqual(
      taken.map((e) => [e.kind, e.ref, e.keyId, e.createdAt, Buffer.from(e.data).toString("hex")]),
      expected.map((e) => [e.kind, e.ref, e.keyId, e.createdAt, e.data.toString("hex")]),
    );
  });

  it("puts a failed run's batch back in front of what came since", () => {
    const appender = new LogAppender();
    const all = Array.from({ length: 10 }, (_, i) => entry(i, 50 + i));
    for (const e of all.slice(0, 6)) appender.append(e);
    const batch = appender.take(4);
    for (const e of all.slice(6)) appender.append(e);
    appender.putBack(batch);
    const again = entriesOf(appender.take(100));
    assert.deepEqual(
      again.map((e) => [e.ref, Buffer.from(e.data).toString("hex")]),
      all.map((e) => [e.ref, e.data.toString("hex")]),
    );
  });

  it("finds a waiting entry by id until its run commits", () => {
    const appender = new LogAppender();
    appender.appendText("receipt", "rcpt_a", "key_a", 1, "first\n");
    appender.appendText("receipt", "rcpt_b", "key_b", 2, "second ✓\n");
    assert.deepEqual(appender.pending("rcpt_b"), { keyId: "key_b", data: Buffer.from("second ✓\n") });
    const batch = appender.take(1);
    appender.appendText("receipt", "rcpt_c", "key_c", 3, "third\n");
    // In the run under way, and still waiting in memory.
    assert.equal(appender.pending("rcpt_a")?.data.toString(), "first\n");
    assert.equal(appender.pending("rcpt_b")?.data.toString(), "second ✓\n");
    assert.equal(appender.pending("rcpt_c")?.keyId, "key_c");
    appender.integrated(batch);
    assert.equal(appender.pending("rcpt_a"), undefined);
    assert.equal(appender.pending("rcpt_nope"), undefined);
    // A copy: the buffer behind it is reused by later appends.
    const b = appender.pending("rcpt_b");
    appender.take(100);
    for (let i = 0; i < 50; i++)
      appender.appendText("receipt", `rcpt_x${i}`, null, i, "overwrite overwrite\n");
    assert.equal(b?.data.toString(), "second ✓\n");
  });
});
