import assert from "node:assert/strict";
import { it } from "node:test";
import { UsageLedger } from "../../src/accounting/ledger.js";
import type { UsageRecord, UsageStore } from "../../src/storage/ports.js";

function record(i: number): UsageRecord {
  return {
    requestId: `req_${i}`,
    createdAt: i,
    keyId: "k",
    tenantId: "t",
    requestedModel: "m",
    provider: "p",
    upstreamModel: "m",
    stream: false,
    inputTokens: 1,
    cachedInputTokens: 0,
    cacheWriteTokens: 0,
    outputTokens: 1,
    reasoningTokens: 0,
    costNano: 1n,
    currency: "USD",
    unpriced: false,
    usageSource: "upstream",
    usageFlagged: false,
    latencyMs: 1,
    ttftMs: 1,
    status: "ok",
    httpStatus: 200,
    errorCode: null,
    attempts: 1,
  };
}

it("keeps records whose write failed and writes them on a later flush, in order", async () => {
  const written: string[] = [];
  let failing = true;
  const errors: number[] = [];
  const store = {
    async insertUsage(records: readonly UsageRecord[]) {
      if (failing) throw new Error("database is locked");
      written.push(...records.map((r) => r.requestId));
    },
  } as unknown as UsageStore;
  const ledger = new UsageLedger(store, {
    intervalMs: 60_000,
    onError: (_e, waiting) => errors.push(waiting),
  });
  await ledger.record(record(1));
  await ledger.record(record(2));
  await ledger.flush();
  assert.deepEqual(written, []);
  assert.deepEqual(errors, [2]);
  assert.equal(ledger.pending, 2);
  await ledger.record(record(3));
  failing = false;
  await ledger.close();
  assert.deepEqual(written, ["req_1", "req_2", "req_3"]);
  assert.equal(ledger.pending, 0);
});

it("estimates tokens linearly and bounded (catalogue H4)", async () => {
  const { estimateTokens } = await import("../../src/accounting/estimate.js");
  assert.equal(estimateTokens(""), 0);
  assert.equal(estimateTokens("abcd"), 1);
  assert.equal(estimateTokens("你好"), 2);
  const huge = "中".repeat(30 * 1024 * 1024);
  const started = process.hrtime.bigint();
  assert.equal(estimateTokens(huge), huge.length);
  // Not a timing assertion on the relay: a sanity bound that the sample cap works at all.
  assert.ok(process.hrtime.bigint() - started < 2_000_000_000n);
});
