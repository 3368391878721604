/**
 * Storage conformance for envelope encryption (DESIGN §5-6): tenant data keys and
 * encrypted captures, on SQLite always and on PostgreSQL when OVERT_TEST_POSTGRES_URL
 * is set (required in CI). Byte columns must round-trip exactly, NULs included.
 */
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { after, before, describe, it } from "node:test";
import type { CaptureRecord, NewTenantDataKey, Storage } from "../../src/storage/ports.js";
import { postgresTestTarget } from "../helpers/postgres.js";
import { type Backend, postgresBackend, sqliteBackend, T0, uid } from "./storage-fixtures.js";

const DAY = 86_400_000;

function dataKey(tenantId: string, overrides: Partial<NewTenantDataKey> = {}): NewTenantDataKey {
  return {
    tenantId,
    version: 1,
    // Leading and embedded zero bytes catch text-typed or NUL-terminated handling.
    wrappedKey: Buffer.concat([Buffer.from([0, 1, 0]), randomBytes(62)]),
    masterKeyId: "mk_00000000000000aa",
    createdAt: T0,
    ...overrides,
  };
}

function capture(tenantId: string, overrides: Partial<CaptureRecord> = {}): CaptureRecord {
  return {
    id: uid("cap"),
    tenantId,
    keyId: uid("key"),
    requestId: uid("req"),
    createdAt: T0,
    expiresAt: T0 + DAY,
    dekVersion: 1,
    ciphertext: Buffer.concat([Buffer.from([1, 0, 0, 0, 1]), randomBytes(100), Buffer.alloc(3)]),
    ...overrides,
  };
}

function envelopeConformance(makeBackend: () => Promise<Backend>): void {
  let backend: Backend;
  let s: Storage;

  const tenant = async () => {
    const id = uid("tenant");
    await s.ensureTenant({ id, name: id, createdAt: T0 });
    return id;
  };

  before(async () => {
    backend = await makeBackend();
    s = await backend.open();
    await s.migrate();
  });
  after(async () => {
    await s?.close();
    await backend?.cleanup();
  });

  it("stores tenant data keys and refuses a second row for the same version", async () => {
    const t = await tenant();
    const v1 = dataKey(t);
    assert.equal(await s.insertTenantKey(v1), true);
    assert.equal(await s.insertTenantKey(dataKey(t)), false, "same (tenant, version)");
    assert.equal(await s.insertTenantKey(dataKey(t, { version: 2, createdAt: T0 + 5 })), true);
    const got = await s.getTenantKey(t, 1);
    assert.deepEqual(got, { ...v1, destroyedAt: null });
    assert.ok(Buffer.isBuffer(got?.wrappedKey));
    assert.equal(await s.getTenantKey(t, 3), undefined);
    assert.deepEqual(
      (await s.listTenantKeys(t)).map((k) => k.version),
      [1, 2],
    );
    assert.ok((await s.listTenantKeys()).length >= 2, "all tenants");
    await assert.rejects(s.insertTenantKey(dataKey(uid("no-such-tenant"))), "tenant must exist");
  });

  it("re-wraps only a live key still under the expected master key", async () => {
    const t = await tenant();
    await s.insertTenantKey(dataKey(t));
    const to = { wrappedKey: randomBytes(65), masterKeyId: "mk_00000000000000bb" };
    assert.equal(await s.rewrapTenantKey(t, 1, "mk_0000000000000zzz", to), false, "wrong expected id");
    assert.equal(await s.rewrapTenantKey(t, 1, "mk_00000000000000aa", to), true);
    assert.equal(await s.rewrapTenantKey(t, 1, "mk_00000000000000aa", to), false, "already moved");
    const row = await s.getTenantKey(t, 1);
    assert.equal(row?.masterKeyId, "mk_00000000000000bb");
    assert.deepEqual(row?.wrappedKey, to.wrappedKey);
  });

  it("shreds one tenant: keys lose their bytes and are marked destroyed, its captures go", async () => {
    const [t, other] = [await tenant(), await tenant()];
    await s.insertTenantKey(dataKey(t));
    await s.insertTenantKey(dataKey(t, { version: 2 }));
    await s.insertTenantKey(dataKey(other));
    const mine = [capture(t), capture(t, { dekVersion: 2 })];
    const theirs = capture(other);
    for (const c of [...mine, theirs]) await s.insertCapture(c);

    const result = await s.shredTenantKeys(t, T0 + 100);
    assert.equal(result.keysDestroyed, 2);
    assert.equal(result.capturesDeleted, 2);
    assert.equal(typeof result.walCleared, "boolean");
    for (const row of await s.listTenantKeys(t)) {
      assert.equal(row.wrappedKey, null);
      assert.equal(row.destroyedAt, T0 + 100);
    }
    for (const c of mine) assert.equal(await s.getCapture(c.id), undefined);
    assert.deepEqual(await s.getCapture(theirs.id), theirs, "other tenant untouched");
    assert.ok((await s.getTenantKey(other, 1))?.wrappedKey, "other tenant's key untouched");

    const again = await s.shredTenantKeys(t, T0 + 200);
    assert.deepEqual([again.keysDestroyed, again.capturesDeleted], [0, 0]);
    assert.equal((await s.getTenantKey(t, 1))?.destroyedAt, T0 + 100, "first destruction time kept");
    assert.equal(
      await s.rewrapTenantKey(t, 1, "mk_00000000000000aa", dataKey(t)),
      false,
      "no re-wrap of the dead",
    );
  });

  it("stores, reads and lists captures (newest first, by tenant, paged, expired hidden)", async () => {
    const [t, other] = [await tenant(), await tenant()];
    const a = capture(t, { createdAt: T0, expiresAt: T0 + 10 * DAY });
    const b = capture(t, { createdAt: T0 + 1000, expiresAt: T0 + 10 * DAY, dekVersion: 7 });
    const expired = capture(t, { createdAt: T0 + 2000, expiresAt: T0 + 3000 });
    const c = capture(other, { createdAt: T0 + 500, expiresAt: T0 + 10 * DAY });
    for (const r of [a, b, expired, c]) await s.insertCapture(r);

    assert.deepEqual(await s.getCapture(b.id), b);
    assert.equal(await s.getCapture(uid("nope")), undefined);
    await assert.rejects(s.insertCapture({ ...a }), "id is unique");

    const now = T0 + 5000;
    const listed = await s.listCaptures({ tenantId: t, now, limit: 10 });
    assert.deepEqual(
      listed.map((m) => m.id),
      [b.id, a.id],
    );
    const { ciphertext, ...meta } = b;
    assert.deepEqual(listed[0], { ...meta, sizeBytes: ciphertext.length });
    assert.deepEqual(
      (await s.listCaptures({ tenantId: t, now, limit: 1 })).map((m) => m.id),
      [b.id],
    );
    assert.deepEqual(
      (await s.listCaptures({ tenantId: t, now, before: T0 + 1000, limit: 10 })).map((m) => m.id),
      [a.id],
    );
    assert.deepEqual(
      (await s.listCaptures({ tenantId: t, now: T0, limit: 10 })).map((m) => m.id),
      [expired.id, b.id, a.id],
      "not yet expired at T0",
    );
    const all = (await s.listCaptures({ now, limit: 1000 })).map((m) => m.id);
    assert.ok(all.includes(c.id) && all.includes(a.id));
  });

  it("deletes expired captures in bounded batches", async () => {
    const t = await tenant();
    const old = Array.from({ length: 5 }, (_, i) => capture(t, { expiresAt: T0 + i }));
    const fresh = capture(t, { expiresAt: T0 + 100 * DAY });
    for (const r of [...old, fresh]) await s.insertCapture(r);
    // Other tests' rows may also be expired by then; count only ours.
    let deleted = 0;
    deleted += await s.deleteExpiredCaptures(T0 + 4, 3);
    assert.ok(deleted <= 3, "the limit holds");
    while ((await s.deleteExpiredCaptures(T0 + 4, 3)) > 0) deleted++;
    for (const r of old) assert.equal(await s.getCapture(r.id), undefined, "expired row deleted");
    assert.deepEqual(await s.getCapture(fresh.id), fresh);
    assert.equal(await s.deleteExpiredCaptures(T0 + 4, 3), 0);
  });
}

describe("envelope storage conformance: sqlite", () => {
  envelopeConformance(async () => sqliteBackend());
});

const target = postgresTestTarget();
if (target.kind === "fail") {
  describe("envelope storage conformance: postgres", () => {
    it("has a PostgreSQL server to test against", () => {
      assert.fail(target.reason);
    });
  });
} else if (target.kind === "skip") {
  describe("envelope storage conformance: postgres", { skip: target.reason }, () => {});
} else {
  const url = target.url;
  describe("envelope storage conformance: postgres", () => {
    envelopeConformance(() => postgresBackend(url));
  });
}
