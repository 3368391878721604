/**
 * CaptureService: exchanges sealed under the tenant's data key, read back
 * decrypted, hidden and purged after their retention (injected clock), bound
 * to their row and tenant; and the unref'd purge timer.
 */
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { after, describe, it } from "node:test";
import { type CaptureInput, CaptureService } from "../../src/capture/capture-service.js";
import { startPurgeTimer } from "../../src/capture/purge-timer.js";
import { IntegrityError, KeyShreddedError } from "../../src/crypto/errors.js";
import { LocalKeyProvider } from "../../src/crypto/key-provider.js";
import { masterKeyId } from "../../src/crypto/master-keys.js";
import { TenantKeyring } from "../../src/crypto/tenant-keyring.js";
import type { Storage } from "../../src/storage/ports.js";
import { openSqliteStorage } from "../../src/storage/sqlite.js";

const DAY = 86_400_000;
const T0 = 1_700_000_000_000;
const stores: Storage[] = [];
after(async () => {
  for (const s of stores) await s.close();
});

async function setup(secrets: string[] = []) {
  const storage = await openSqliteStorage(":memory:");
  stores.push(storage);
  await storage.migrate();
  for (const id of ["acme", "globex"]) await storage.ensureTenant({ id, name: id, createdAt: T0 });
  const key = randomBytes(32);
  const keyring = new TenantKeyring(
    storage,
    new LocalKeyProvider({ active: { id: masterKeyId(key), key }, previous: [], generatedAt: null }),
    { audit: storage },
  );
  const clock = { now: T0 };
  const service = new CaptureService(storage, keyring, { now: () => clock.now, secrets });
  return { storage, keyring, service, clock };
}

function input(overrides: Partial<CaptureInput> = {}): CaptureInput {
  return {
    tenantId: "acme",
    keyId: "key_1",
    requestId: "req_1",
    at: T0,
    retentionDays: 30,
    request: '{"messages":[{"role":"user","content":"my private prompt"}]}',
    response: '{"choices":[{"message":{"content":"the answer"}}]}',
    ...overrides,
  };
}

describe("CaptureService", () => {
  it("records sealed content and reads it back with its metadata", async () => {
    const { storage, service } = await setup();
    const id = await service.record(input());
    assert.match(id, /^cap_[0-9a-f]{24}$/);
    const row = (await storage.getCapture(id))!;
    assert.ok(!row.ciphertext.includes("my private prompt"), "stored encrypted");
    assert.deepEqual(
      { ...row, ciphertext: undefined },
      {
        id,
        tenantId: "acme",
        keyId: "key_1",
        requestId: "req_1",
        createdAt: T0,
        expiresAt: T0 + 30 * DAY,
        dekVersion: 1,
        ciphertext: undefined,
      },
    );
    const read = (await service.read(id))!;
    assert.equal(read.request, input().request);
    assert.equal(read.response, input().response);
    assert.equal(read.sizeBytes, row.ciphertext.length);
    assert.equal(await service.read("cap_missing"), undefined);
  });

  it("lists metadata newest first, by tenant, with a limit and paging", async () => {
    const { service } = await setup();
    const a = await service.record(input({ at: T0 - 2000 }));
    const b = await service.record(input({ at: T0 - 1000, requestId: "req_2" }));
    const g = await service.record(input({ tenantId: "globex", at: T0 - 1500 }));
    assert.deepEqual(
      (await service.list({ tenantId: "acme" })).map((m) => m.id),
      [b, a],
    );
    assert.deepEqual(
      (await service.list()).map((m) => m.id),
      [b, g, a],
    );
    assert.deepEqual(
      (await service.list({ limit: 1 })).map((m) => m.id),
      [b],
    );
    assert.deepEqual(
      (await service.list({ before: T0 - 1000 })).map((m) => m.id),
      [g, a],
    );
    const [meta] = await service.list({ tenantId: "globex" });
    assert.equal(Object.hasOwn(meta!, "ciphertext"), false, "no ciphertext in listings");
  });

  it("hides captures past their retention at once and purges them by TTL", async () => {
    const { storage, service, clock } = await setup();
    const short = await service.record(input({ retentionDays: 1 }));
    const long = await service.record(input({ retentionDays: 2, requestId: "req_2" }));
    clock.now = T0 + DAY - 1;
    assert.ok(await service.read(short));
    assert.equal(await service.purgeExpired(), 0);
    clock.now = T0 + DAY;
    assert.equal(await service.read(short), undefined, "expired: not readable even before the purge");
    assert.deepEqual(
      (await service.list()).map((m) => m.id),
      [long],
    );
    assert.ok(await storage.getCapture(short), "still on disk until purged");
    assert.equal(await service.purgeExpired(), 1);
    assert.equal(await storage.getCapture(short), undefined);
    assert.ok(await service.read(long));
    assert.equal(await service.purgeExpired(T0 + 2 * DAY), 1, "an explicit time wins over the clock");
    assert.equal(await storage.getCapture(long), undefined);
  });

  it("purges more than one batch", async () => {
    const { storage, service } = await setup();
    const rows = Array.from({ length: 2501 }, (_, i) => ({
      id: `cap_bulk_${i}`,
      tenantId: "acme",
      keyId: "k",
      requestId: `r${i}`,
      createdAt: T0,
      expiresAt: T0 + 1,
      dekVersion: 1,
      ciphertext: Buffer.alloc(40),
    }));
    for (const r of rows) await storage.insertCapture(r);
    assert.equal(await service.purgeExpired(T0 + 1), 2501);
  });

  it("refuses a retention outside 1-3650 days", async () => {
    const { service } = await setup();
    for (const retentionDays of [0, -1, 1.5, 3651, Number.NaN]) {
      await assert.rejects(service.record(input({ retentionDays })), RangeError);
    }
  });

  it("never stores a provider secret that found its way into an exchange", async () => {
    const secret = "sk-upstream-0123456789abcdef";
    const { storage, service } = await setup([secret, "short"]);
    const id = await service.record(input({ request: `key ${secret} twice ${secret}`, response: "short" }));
    const read = (await service.read(id))!;
    assert.equal(read.request, "key [redacted provider secret] twice [redacted provider secret]");
    assert.equal(read.response, "short", "values under 8 characters are not treated as secrets");
    assert.ok(!(await storage.getCapture(id))!.ciphertext.includes(secret));
  });

  it("a ciphertext altered, moved to another row or to another tenant does not open", async () => {
    const { storage, service } = await setup();
    const a = await service.record(input());
    const b = await service.record(input({ requestId: "req_2" }));
    const g = await service.record(input({ tenantId: "globex" }));
    const rowA = (await storage.getCapture(a))!;
    const flipped = Buffer.from(rowA.ciphertext);
    flipped[30]! ^= 0x40;
    await storage.insertCapture({ ...rowA, id: "cap_tampered", ciphertext: flipped });
    await storage.insertCapture({ ...rowA, id: "cap_moved" });
    await storage.insertCapture({ ...rowA, id: "cap_to_globex", tenantId: "globex" });
    for (const id of ["cap_tampered", "cap_moved", "cap_to_globex"]) {
      await assert.rejects(service.read(id), IntegrityError, id);
    }
    assert.ok(await service.read(b));
    assert.ok(await service.read(g));
  });

  it("after a shred its captures are gone, and a copy (a backup) no longer opens", async () => {
    const { storage, keyring, service } = await setup();
    const id = await service.record(input());
    const backup = (await storage.getCapture(id))!;
    const other = await service.record(input({ tenantId: "globex" }));
    const result = await keyring.shred("acme", "test");
    assert.deepEqual([result.keysDestroyed, result.capturesDeleted], [1, 1]);
    assert.equal(await service.read(id), undefined);
    await storage.insertCapture(backup);
    await assert.rejects(service.read(id), KeyShreddedError);
    assert.ok(await service.read(other));
  });
});

describe("purge timer", () => {
  it("purges on its interval, reports counts and errors, and stops cleanly", async () => {
    let calls = 0;
    const purged: number[] = [];
    const errors: unknown[] = [];
    let release: () => void = () => {};
    const timer = startPurgeTimer(
      {
        purgeExpired: async () => {
          calls++;
          if (calls === 2) throw new Error("disk on fire");
          if (calls === 3) await new Promise<void>((resolve) => (release = resolve));
          return calls === 1 ? 5 : 0;
        },
      },
      { intervalMs: 10, onPurged: (n) => purged.push(n), onError: (e) => errors.push(e) },
    );
    while (calls < 3) await new Promise((resolve) => setTimeout(resolve, 5));
    let stopped = false;
    const stopping = timer.stop().then(() => {
      stopped = true;
    });
    await new Promise((resolve) => setTimeout(resolve, 30));
    assert.equal(stopped, false, "stop waits for the purge in progress");
    assert.equal(calls, 3, "no overlapping or further purges");
    release();
    await stopping;
    assert.deepEqual(purged, [5]);
    assert.equal((errors[0] as Error).message, "disk on fire");
  });
});
