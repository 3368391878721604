/**
 * Storage conformance for the cross-border transfer ledger (issue 4): inserts
 * are idempotent per (request, attempt), summaries group per destination and
 * data class, and individuals are counted distinct across requests, split into
 * sent-as-is, sensitive and protected — on SQLite always and on PostgreSQL when
 * OVERT_TEST_POSTGRES_URL is set (required in CI).
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { Storage, TransferRecord } from "../../src/storage/ports.js";
import { postgresTestTarget } from "../helpers/postgres.js";
import { type Backend, postgresBackend, sqliteBackend, T0, uid } from "./storage-fixtures.js";

function transfer(tenantId: string, overrides: Partial<TransferRecord> = {}): TransferRecord {
  return {
    requestId: uid("req"),
    attempt: 1,
    createdAt: T0,
    tenantId,
    keyId: "key_1",
    provider: "openai",
    jurisdiction: "US",
    home: "CN",
    classes: [],
    subjects: [],
    ...overrides,
  };
}

function transferConformance(makeBackend: () => Promise<Backend>): void {
  let backend: Backend;
  let s: Storage;

  before(async () => {
    backend = await makeBackend();
    s = await backend.open();
    await s.migrate();
  });
  after(async () => {
    await s?.close();
    await backend?.cleanup();
  });

  it("summarises per destination, class and action; counts individuals distinct", async () => {
    const tenant = uid("tenant");
    const alice = {
      kind: "pii.cn_resident_id",
      fingerprint: "aa".repeat(16),
      sensitive: true,
      action: "allow",
    };
    const alicePhone = {
      kind: "pii.cn_mobile",
      fingerprint: "ab".repeat(16),
      sensitive: false,
      action: "allow",
    };
    const bob = { kind: "pii.email", fingerprint: "bb".repeat(16), sensitive: false, action: "pseudonymize" };
    const first = transfer(tenant, {
      classes: [
        { kind: "pii.cn_resident_id", action: "allow", occurrences: 2 },
        { kind: "pii.email", action: "pseudonymize", occurrences: 1 },
      ],
      subjects: [alice, bob],
    });
    const second = transfer(tenant, {
      createdAt: T0 + 10,
      classes: [{ kind: "pii.cn_resident_id", action: "allow", occurrences: 1 }],
      subjects: [alice, alicePhone],
    });
    const failover = transfer(tenant, {
      requestId: second.requestId,
      attempt: 2,
      createdAt: T0 + 11,
      provider: "gemini",
      jurisdiction: "SG",
      classes: [{ kind: "pii.cn_resident_id", action: "allow", occurrences: 1 }],
      subjects: [alice],
    });
    const outside = transfer(tenant, {
      createdAt: T0 + 1_000_000,
      subjects: [{ ...bob, fingerprint: "cc".repeat(16) }],
    });
    await s.insertTransfers([first, second, failover, outside]);
    await s.insertTransfers([first]); // a retried batch is not counted twice

    const summary = await s.summarizeTransfers({ since: T0, until: T0 + 1000, tenantId: tenant });
    assert.deepEqual(summary.destinations, [
      { jurisdiction: "SG", provider: "gemini", requests: 1 },
      { jurisdiction: "US", provider: "openai", requests: 2 },
    ]);
    assert.deepEqual(summary.classes, [
      { jurisdiction: "SG", kind: "pii.cn_resident_id", action: "allow", requests: 1, occurrences: 1 },
      { jurisdiction: "US", kind: "pii.cn_resident_id", action: "allow", requests: 2, occurrences: 3 },
      { jurisdiction: "US", kind: "pii.email", action: "pseudonymize", requests: 1, occurrences: 1 },
    ]);
    assert.deepEqual(summary.individuals, [
      { jurisdiction: "SG", individuals: 1, sensitiveIndividuals: 1, protectedIndividuals: 0 },
      { jurisdiction: "US", individuals: 2, sensitiveIndividuals: 1, protectedIndividuals: 1 },
      { jurisdiction: "*", individuals: 2, sensitiveIndividuals: 1, protectedIndividuals: 1 },
    ]);
  });

  it("filters by tenant and returns nothing for an empty window", async () => {
    const tenant = uid("tenant");
    await s.insertTransfers([transfer(tenant), transfer(uid("other"))]);
    const mine = await s.summarizeTransfers({ since: T0, tenantId: tenant });
    assert.deepEqual(mine.destinations, [{ jurisdiction: "US", provider: "openai", requests: 1 }]);
    const none = await s.summarizeTransfers({ since: T0 + 5_000_000, tenantId: tenant });
    assert.deepEqual(none, { destinations: [], classes: [], individuals: [] });
  });
}

describe("transfer ledger conformance: sqlite", () => {
  transferConformance(async () => sqliteBackend());
});

const target = postgresTestTarget();
if (target.kind === "fail") {
  describe("transfer ledger conformance: postgres", () => {
    it("has a PostgreSQL server to test against", () => {
      assert.fail(target.reason);
    });
  });
} else if (target.kind === "skip") {
  describe("transfer ledger conformance: postgres", { skip: target.reason }, () => {});
} else {
  const url = target.url;
  describe("transfer ledger conformance: postgres", () => {
    transferConformance(() => postgresBackend(url));
  });
}
