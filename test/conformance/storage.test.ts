/**
 * The one storage conformance suite (DESIGN §6), run against every backend:
 * SQLite always; PostgreSQL when OVERT_TEST_POSTGRES_URL is set (required in CI).
 */
import assert from "node:assert/strict";
import { statSync } from "node:fs";
import { after, before, describe, it } from "node:test";
import { sql } from "kysely";
import { KyselyStorage } from "../../src/storage/kysely-storage.js";
import type { Storage } from "../../src/storage/ports.js";
import { CHANGE_STALENESS_MS, openSqliteStorage } from "../../src/storage/sqlite.js";
import { postgresTestTarget } from "../helpers/postgres.js";
import {
  type Backend,
  newKey,
  postgresBackend,
  sqliteBackend,
  T0,
  uid,
  usage,
  waitFor,
} from "./storage-fixtures.js";

/** Waits until no notification has arrived for 150 ms (earlier writes announce too). */
async function settle(storage: Storage): Promise<void> {
  let last = storage.changes.version();
  for (;;) {
    await new Promise((resolve) => setTimeout(resolve, 150));
    const now = storage.changes.version();
    if (now === last) return;
    last = now;
  }
}

function conformance(dialect: "sqlite" | "postgres", makeBackend: () => Promise<Backend>): void {
  let backend: Backend;
  let s: Storage;
  let other: Storage;

  before(async () => {
    backend = await makeBackend();
    s = await backend.open();
    await s.migrate();
    other = await backend.open();
  });

  after(async () => {
    await other?.close();
    await s?.close();
    await backend?.cleanup();
  });

  it("reports its dialect and migrates idempotently", async () => {
    assert.equal(s.dialect, dialect);
    await s.migrate();
    await other.migrate();
    assert.equal(typeof (await s.countKeys()), "number");
  });

  it("ensures and reads tenants", async () => {
    const id = uid("tenant");
    await s.ensureTenant({ id, name: "Acme", createdAt: T0 });
    await s.ensureTenant({ id, name: "Renamed", createdAt: T0 + 1 });
    assert.deepEqual(await s.getTenant(id), { id, name: "Acme", createdAt: T0 });
    assert.equal(await s.getTenant(uid("missing")), undefined);
  });

  it("creates, finds, lists and revokes keys", async () => {
    const tenant = uid("tenant");
    await s.ensureTenant({ id: tenant, name: "t", createdAt: T0 });
    const before = await s.countKeys();
    const a = newKey(tenant, { models: ["gpt-x", "claude-y"], expiresAt: T0 + 86_400_000 });
    const b = newKey(tenant, { createdAt: T0 + 5 });
    await s.createKey(b);
    await s.createKey(a);
    assert.equal(await s.countKeys(), before + 2);

    const found = await s.findKeyByDigest(a.digest);
    assert.deepEqual(found, { ...a, revokedAt: null });
    assert.deepEqual(await s.findKeyById(b.id), { ...b, revokedAt: null });
    assert.equal((await s.findKeyById(b.id))?.expiresAt, null);
    assert.equal(await s.findKeyByDigest("0".repeat(64)), undefined);
    assert.equal(await s.findKeyById(uid("nope")), undefined);

    assert.deepEqual(
      (await s.listKeys(tenant)).map((k) => k.id),
      [a.id, b.id],
    );
    assert.ok((await s.listKeys()).length >= 2);
    assert.deepEqual(await s.listKeys(uid("empty-tenant")), []);

    await assert.rejects(s.createKey(newKey(tenant, { digest: a.digest })), "digest is unique");

    assert.equal(await s.revokeKey(a.id, T0 + 100), true);
    assert.equal(await s.revokeKey(a.id, T0 + 200), false, "second revoke");
    assert.equal(await s.revokeKey(uid("nope"), T0), false, "unknown key");
    assert.equal((await s.findKeyById(a.id))?.revokedAt, T0 + 100);
    assert.equal(
      (await other.findKeyByDigest(a.digest))?.revokedAt,
      T0 + 100,
      "visible to other connections",
    );
  });

  it("inserts usage and round-trips every field", async () => {
    const keyId = uid("key");
    const full = usage({
      keyId,
      stream: true,
      unpriced: true,
      usageFlagged: true,
      usageSource: "estimated",
      provider: null,
      upstreamModel: null,
      ttftMs: null,
      status: "partial",
      httpStatus: 502,
      errorCode: "upstream_error",
      attempts: 3,
      costNano: 2n ** 62n,
    });
    await s.insertUsage([]);
    await s.insertUsage([full]);
    await s.insertUsage([full]); // a retried batch is not double-counted
    assert.deepEqual(await s.listUsage({ since: 0, keyId }, 10), [full]);
  });

  it("summarizes usage by key, model, provider and nothing, per currency", async () => {
    const tenantId = uid("tenant");
    const since = T0 + 1_000_000;
    const big = 2n ** 53n + 1n;
    const records = [
      usage({ tenantId, createdAt: since, keyId: "k1", requestedModel: "m1", provider: "p1", costNano: big }),
      usage({
        tenantId,
        createdAt: since + 1,
        keyId: "k1",
        requestedModel: "m2",
        provider: "p2",
        costNano: big,
      }),
      usage({
        tenantId,
        createdAt: since + 2,
        keyId: "k2",
        requestedModel: "m1",
        provider: "p1",
        status: "error",
      }),
      usage({
        tenantId,
        createdAt: since + 3,
        keyId: "k2",
        requestedModel: "m1",
        provider: null,
        status: "partial",
      }),
      usage({
        tenantId,
        createdAt: since + 4,
        keyId: "k1",
        requestedModel: "m1",
        currency: "CNY",
        provider: "p1",
        costNano: 7n,
      }),
    ];
    await s.insertUsage(records);
    const q = { since, tenantId };

    const none = await s.summarizeUsage(q, "none");
    assert.deepEqual(
      none.map((r) => [r.group, r.currency, r.requests, r.errors, r.partial, r.costNano]),
      [
        ["all", "CNY", 1, 0, 0, 7n],
        ["all", "USD", 4, 1, 1, 2n * big + 2000n],
      ],
    );
    const usd = none.find((r) => r.currency === "USD");
    assert.equal(usd?.costNano, 18014398509483986n, "exact beyond 2^53");
    assert.deepEqual(
      [usd?.inputTokens, usd?.cachedInputTokens, usd?.outputTokens, usd?.reasoningTokens],
      [40, 8, 80, 12],
    );

    const byKey = await s.summarizeUsage(q, "key");
    assert.deepEqual(
      byKey.map((r) => [r.group, r.currency, r.requests, r.costNano]),
      [
        ["k1", "CNY", 1, 7n],
        ["k1", "USD", 2, 2n * big],
        ["k2", "USD", 2, 2000n],
      ],
    );

    const byModel = await s.summarizeUsage(q, "model");
    assert.deepEqual(
      byModel.map((r) => [r.group, r.currency, r.requests, r.errors, r.partial]),
      [
        ["m1", "CNY", 1, 0, 0],
        ["m1", "USD", 3, 1, 1],
        ["m2", "USD", 1, 0, 0],
      ],
    );

    const byProvider = await s.summarizeUsage(q, "provider");
    assert.deepEqual(
      byProvider.map((r) => [r.group, r.currency, r.requests]),
      [
        ["(none)", "USD", 1],
        ["p1", "CNY", 1],
        ["p1", "USD", 2],
        ["p2", "USD", 1],
      ],
    );

    const window = await s.summarizeUsage(
      { since: since + 1, until: since + 3, tenantId, keyId: "k2" },
      "none",
    );
    assert.deepEqual(
      window.map((r) => [r.requests, r.errors]),
      [[1, 1]],
      "since inclusive, until exclusive, key filter",
    );
    assert.deepEqual(await s.summarizeUsage({ since, tenantId: uid("nobody") }, "key"), []);
  });

  it("inserts large batches exactly", async () => {
    const tenantId = uid("tenant");
    const records = Array.from({ length: 1234 }, (_, i) =>
      usage({ tenantId, createdAt: T0 + i, costNano: 2n ** 50n + BigInt(i) }),
    );
    await s.insertUsage(records);
    const [row] = await s.summarizeUsage({ since: 0, tenantId }, "none");
    assert.equal(row?.requests, 1234);
    assert.equal(row?.costNano, 1234n * 2n ** 50n + (1233n * 1234n) / 2n);
  });

  it("lists usage newest first with a limit", async () => {
    const tenantId = uid("tenant");
    const records = [0, 2, 1, 3].map((i) =>
      usage({ tenantId, createdAt: T0 + i, requestId: `${tenantId}_${i}` }),
    );
    await s.insertUsage(records);
    const listed = await s.listUsage({ since: 0, tenantId }, 3);
    assert.deepEqual(
      listed.map((r) => r.createdAt - T0),
      [3, 2, 1],
    );
    assert.deepEqual(await s.listUsage({ since: T0 + 10, tenantId }, 10), []);
  });

  it("stores admin tokens", async () => {
    const before = await s.countAdminTokens();
    const token = { id: uid("adm"), digest: uid("digest"), name: "ops", createdAt: T0, revokedAt: null };
    await s.createAdminToken(token);
    assert.equal(await s.countAdminTokens(), before + 1);
    assert.deepEqual(await s.findAdminTokenByDigest(token.digest), token);
    assert.equal(await s.findAdminTokenByDigest(uid("none")), undefined);
    await assert.rejects(s.createAdminToken({ ...token, id: uid("adm") }), "digest is unique");
  });

  it("gets, sets and consumes settings", async () => {
    const name = uid("setting");
    assert.equal(await s.getSetting(name), undefined);
    await s.setSetting(name, "one");
    await s.setSetting(name, "two");
    assert.equal(await s.getSetting(name), "two");
    assert.equal(await s.consumeSetting(name, "one"), false, "wrong value");
    assert.equal(await s.getSetting(name), "two");
    assert.equal(await s.consumeSetting(name, "two"), true);
    assert.equal(await s.getSetting(name), undefined);
    assert.equal(await s.consumeSetting(name, "two"), false, "already consumed");
  });

  it("initializes a setting once: every racing caller gets the first value", async () => {
    const name = uid("init");
    const results = await Promise.all(
      Array.from({ length: 12 }, (_, i) => (i % 2 === 0 ? s : other).initSetting(name, `value-${i}`)),
    );
    const stored = await s.getSetting(name);
    assert.ok(stored !== undefined && /^value-\d+$/.test(stored));
    assert.deepEqual(new Set(results), new Set([stored]));
    assert.equal(await other.initSetting(name, "later"), stored, "an existing value is kept");
    await s.setSetting(name, "changed");
    assert.equal(await s.initSetting(name, "later"), "changed");
  });

  it("lets exactly one of concurrent consumers win", async () => {
    const name = uid("setup-token");
    await s.setSetting(name, "digest");
    const results = await Promise.all(
      Array.from({ length: 12 }, (_, i) => (i % 2 === 0 ? s : other).consumeSetting(name, "digest")),
    );
    assert.equal(results.filter(Boolean).length, 1);
  });

  it("appends and lists the audit log newest first", async () => {
    const actor = uid("actor");
    for (let i = 0; i < 3; i++) {
      await s.appendAudit({
        at: T0 + i,
        actor,
        action: `act${i}`,
        target: "key:1",
        details: { i, nested: [i] },
      });
    }
    const listed = await s.listAudit(2);
    assert.deepEqual(listed, [
      { at: T0 + 2, actor, action: "act2", target: "key:1", details: { i: 2, nested: [2] } },
      { at: T0 + 1, actor, action: "act1", target: "key:1", details: { i: 1, nested: [1] } },
    ]);
  });

  if (dialect === "sqlite") {
    it("bumps version() when another connection commits, within the staleness bound", async () => {
      const v0 = s.changes.version();
      await new Promise((resolve) => setTimeout(resolve, CHANGE_STALENESS_MS + 5));
      assert.equal(s.changes.version(), v0, "stable without changes");
      await other.setSetting(uid("changed"), "x");
      await new Promise((resolve) => setTimeout(resolve, CHANGE_STALENESS_MS + 5));
      assert.notEqual(s.changes.version(), v0);
      await s.changes.announce(); // no-op, must not throw
    });
  } else {
    it("bumps version() when another instance announces", async () => {
      await settle(s);
      const v0 = s.changes.version();
      await other.changes.announce();
      assert.ok(await waitFor(() => s.changes.version() !== v0), "notification within 2 s");
    });

    it("bumps version() when the listener is lost, then listens again", async () => {
      assert.ok(other instanceof KyselyStorage);
      await settle(s);
      const v0 = s.changes.version();
      await sql`SELECT pg_terminate_backend(pid) FROM pg_stat_activity
        WHERE datname = current_database() AND query LIKE 'LISTEN%' AND pid <> pg_backend_pid()`.execute(
        other.db,
      );
      // One bump for the loss, one for the reconnect.
      assert.ok(await waitFor(() => s.changes.version() >= v0 + 2, 3000), "lost and reconnected");
      await settle(s);
      const v1 = s.changes.version();
      await other.changes.announce();
      assert.ok(await waitFor(() => s.changes.version() !== v1), "listening again");
    });
  }
}

describe("storage conformance: sqlite", () => {
  conformance("sqlite", async () => sqliteBackend());

  it("creates the parent directory and a 0600 database file", async () => {
    const backend = sqliteBackend();
    try {
      const st = await backend.open();
      await st.migrate();
      await st.setSetting("a", "b");
      assert.equal(statSync(backend.path).mode & 0o777, 0o600);
      await st.close();
    } finally {
      await backend.cleanup();
    }
  });

  it("works in memory", async () => {
    const mem = await openSqliteStorage(":memory:");
    await mem.migrate();
    await mem.setSetting("a", "b");
    assert.equal(await mem.getSetting("a"), "b");
    await mem.close();
  });
});

const target = postgresTestTarget();
if (target.kind === "fail") {
  describe("storage conformance: postgres", () => {
    it("has a PostgreSQL server to test against", () => {
      assert.fail(target.reason);
    });
  });
} else if (target.kind === "skip") {
  describe("storage conformance: postgres", { skip: target.reason }, () => {});
} else {
  const url = target.url;
  describe("storage conformance: postgres", () => {
    conformance("postgres", () => postgresBackend(url));
  });
}
