/**
 * Crypto-shredding on a running relay's SQLite file (DESIGN §5): after a tenant is
 * shredded, its wrapped data key, the data key itself and its captures' ciphertext
 * are nowhere in the database file or its write-ahead log, a copy of a capture
 * (a backup) no longer opens, and other tenants are untouched. Plaintext is never
 * on disk at any point.
 */
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { KeyShreddedError } from "../../src/crypto/errors.js";
import { LocalKeyProvider } from "../../src/crypto/key-provider.js";
import { loadMasterKeys } from "../../src/crypto/master-keys.js";
import type { CaptureRecord } from "../../src/storage/ports.js";
import { startTestRelay, type TestRelay } from "../helpers/relay.js";

const MARKER = "PLAINTEXT-MARKER-7f3a9c";

function dbFiles(dataDir: string): Buffer {
  const base = join(dataDir, "overt.db");
  return Buffer.concat(
    [base, `${base}-wal`, `${base}-shm`].filter((p) => existsSync(p)).map((p) => readFileSync(p)),
  );
}

describe("crypto-shredding on disk (SQLite)", () => {
  let t: TestRelay;
  before(async () => {
    t = await startTestRelay({ providers: [] });
    await t.relay.storage.ensureTenant({ id: "acme", name: "Acme", createdAt: Date.now() });
  });
  after(async () => {
    await t?.close();
  });

  it("leaves no key, ciphertext or plaintext bytes of the tenant behind", async () => {
    const { capture, keyring, storage } = t.relay;
    const record = (tenantId: string, i: number) =>
      capture.record({
        tenantId,
        keyId: "key_test",
        requestId: `req_${tenantId}_${i}`,
        at: Date.now(),
        retentionDays: 30,
        request: `${MARKER} request ${i} ${"x".repeat(i * 500)}`,
        response: `${MARKER} response ${i}`,
      });
    const ids: string[] = [];
    for (let i = 0; i < 20; i++) ids.push(await record("default", i));
    const survivor = await record("acme", 0);

    const [row] = await storage.listTenantKeys("default");
    const wrapped = row!.wrappedKey!;
    const provider = new LocalKeyProvider(loadMasterKeys(undefined, t.dataDir, { create: false })!);
    const dek = await provider.unwrap({ wrapped, masterKeyId: row!.masterKeyId }, "default");
    const ciphertexts: CaptureRecord[] = [];
    for (const id of ids) ciphertexts.push((await storage.getCapture(id))!);

    const beforeShred = dbFiles(t.dataDir);
    assert.ok(beforeShred.includes(wrapped), "sanity: the wrapped key is on disk before the shred");
    assert.ok(beforeShred.includes(ciphertexts[3]!.ciphertext), "sanity: so is a capture");
    assert.ok(!beforeShred.includes(MARKER), "plaintext is never on disk");
    assert.ok(!beforeShred.includes(dek), "the data key is only ever stored wrapped");

    const result = await keyring.shred("default", "test");
    assert.equal(result.keysDestroyed, 1);
    assert.equal(result.capturesDeleted, 20);
    assert.equal(result.walCleared, true);

    const afterShred = dbFiles(t.dataDir);
    assert.ok(!afterShred.includes(wrapped), "the wrapped key is gone from the file and the WAL");
    assert.ok(!afterShred.includes(dek));
    assert.ok(!afterShred.includes(MARKER));
    for (const c of ciphertexts) {
      // A 32-byte window of each ciphertext's body is enough to prove it is gone.
      assert.ok(!afterShred.includes(c.ciphertext.subarray(17, 49)), `capture ${c.id} ciphertext gone`);
    }

    for (const id of ids) assert.equal(await capture.read(id), undefined);
    // A copy taken before the shred (a backup) is restored: it must not open.
    await storage.insertCapture(ciphertexts[0]!);
    await assert.rejects(capture.read(ids[0]!), KeyShreddedError);
    assert.equal((await capture.read(survivor))?.response, `${MARKER} response 0`, "other tenant readable");

    // Capture goes on for the tenant under a fresh data key.
    const fresh = await record("default", 99);
    assert.equal((await storage.getCapture(fresh))?.dekVersion, 2);
    assert.match((await capture.read(fresh))!.request, /request 99/);
  });
});
