/**
 * TenantKeyring over real SQLite storage: get-or-create of tenant data keys,
 * tenant binding, crypto-shredding (also seen by another process), and
 * master-key rotation that re-wraps without touching content.
 */
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { IntegrityError, KeyShreddedError, MasterKeyUnavailableError } from "../../src/crypto/errors.js";
import { LocalKeyProvider } from "../../src/crypto/key-provider.js";
import { type MasterKeySet, masterKeyId } from "../../src/crypto/master-keys.js";
import { TenantKeyring } from "../../src/crypto/tenant-keyring.js";
import type { Storage } from "../../src/storage/ports.js";
import { openSqliteStorage } from "../../src/storage/sqlite.js";

const dirs: string[] = [];
const stores: Storage[] = [];
after(async () => {
  for (const s of stores) await s.close();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function keySet(...keys: Buffer[]): MasterKeySet {
  const [active, ...previous] = keys.map((key) => ({ id: masterKeyId(key), key }));
  return { active: active!, previous, generatedAt: null };
}

async function storage(path = ":memory:"): Promise<Storage> {
  const s = await openSqliteStorage(path);
  stores.push(s);
  await s.migrate();
  for (const id of ["acme", "globex"]) await s.ensureTenant({ id, name: id, createdAt: 1 });
  return s;
}

function filePath(): string {
  const dir = mkdtempSync(join(tmpdir(), "overt-keyring-"));
  dirs.push(dir);
  return join(dir, "overt.db");
}

const binding = { purpose: "overt.test.v1", parts: ["row-1"] };
const text = (b: Buffer) => b.toString("utf8");

describe("TenantKeyring", () => {
  it("creates one data key per tenant on first use and reuses it", async () => {
    const s = await storage();
    const ring = new TenantKeyring(s, new LocalKeyProvider(keySet(randomBytes(32))));
    const a = await ring.seal("acme", Buffer.from("one"), binding);
    const b = await ring.seal("acme", Buffer.from("two"), binding);
    assert.equal(a.dekVersion, 1);
    assert.equal(b.dekVersion, 1);
    assert.equal(text(await ring.open("acme", a.ciphertext, binding)), "one");
    const rows = await s.listTenantKeys("acme");
    assert.equal(rows.length, 1);
    assert.equal(rows[0]!.wrappedKey!.length, 65, "a wrapped 32-byte key: header, nonce, key, tag");
    // A restart with another master key finds the key row but cannot unwrap it.
    const again = new TenantKeyring(s, new LocalKeyProvider(keySet(randomBytes(32))));
    await assert.rejects(again.open("acme", a.ciphertext, binding), MasterKeyUnavailableError);
  });

  it("creates exactly one key under concurrent first use", async () => {
    const s = await storage();
    const ring = new TenantKeyring(s, new LocalKeyProvider(keySet(randomBytes(32))));
    const other = new TenantKeyring(s, new LocalKeyProvider(keySet(randomBytes(32))));
    const sealed = await Promise.all(
      Array.from({ length: 20 }, (_, i) => ring.seal("globex", Buffer.from(`m${i}`), binding)),
    );
    assert.equal((await s.listTenantKeys("globex")).length, 1);
    assert.ok(sealed.every((x) => x.dekVersion === 1));
    // A process with another master key finds the existing row rather than making a second one.
    await assert.rejects(other.seal("globex", Buffer.from("x"), binding), MasterKeyUnavailableError);
  });

  it("binds content to its tenant and binding", async () => {
    const s = await storage();
    const ring = new TenantKeyring(s, new LocalKeyProvider(keySet(randomBytes(32))));
    const sealed = await ring.seal("acme", Buffer.from("acme's prompt"), binding);
    await ring.seal("globex", Buffer.from("warm up globex's key"), binding);
    await assert.rejects(ring.open("globex", sealed.ciphertext, binding), IntegrityError, "other tenant");
    await assert.rejects(
      ring.open("acme", sealed.ciphertext, { purpose: "overt.test.v1", parts: ["row-2"] }),
      IntegrityError,
      "other row",
    );
    const flipped = Buffer.from(sealed.ciphertext);
    flipped[flipped.length - 20]! ^= 1;
    await assert.rejects(ring.open("acme", flipped, binding), IntegrityError, "tampered");
  });

  it("shredding makes content unreadable, is audited, and a later seal uses a new version", async () => {
    const s = await storage();
    const ring = new TenantKeyring(s, new LocalKeyProvider(keySet(randomBytes(32))), { audit: s });
    const before = await ring.seal("acme", Buffer.from("to be forgotten"), binding);
    const kept = await ring.seal("globex", Buffer.from("unaffected"), binding);
    const result = await ring.shred("acme", "test");
    assert.equal(result.keysDestroyed, 1);
    await assert.rejects(
      ring.open("acme", before.ciphertext, binding),
      (e: Error) => e instanceof KeyShreddedError && /destroyed \(crypto-shredded\)/.test(e.message),
    );
    assert.equal(text(await ring.open("globex", kept.ciphertext, binding)), "unaffected");
    const after = await ring.seal("acme", Buffer.from("new content"), binding);
    assert.equal(after.dekVersion, 2);
    assert.equal(text(await ring.open("acme", after.ciphertext, binding)), "new content");
    const [entry] = await s.listAudit(1);
    assert.equal(entry?.action, "tenant.shred");
    assert.equal(entry?.target, "acme");
    assert.deepEqual(entry?.details, { keysDestroyed: 1, capturesDeleted: 0, walCleared: true });
  });

  it("a shred by another process is seen: its cached key is dropped", async () => {
    const path = filePath();
    const server = await storage(path);
    const cli = await storage(path);
    const provider = new LocalKeyProvider(keySet(randomBytes(32)));
    const serving = new TenantKeyring(server, provider, { changes: server.changes });
    const first = await serving.seal("acme", Buffer.from("x"), binding);
    await new TenantKeyring(cli, provider).shred("acme", "cli");
    await new Promise((resolve) => setTimeout(resolve, 50)); // past the change signal's staleness bound
    await assert.rejects(serving.open("acme", first.ciphertext, binding), KeyShreddedError);
    assert.equal((await serving.seal("acme", Buffer.from("y"), binding)).dekVersion, 2);
  });
});

describe("master-key rotation", () => {
  it("re-wraps every live key; content is untouched and opens with only the new key", async () => {
    const s = await storage();
    const [oldKey, newKey] = [randomBytes(32), randomBytes(32)];
    const before = new TenantKeyring(s, new LocalKeyProvider(keySet(oldKey)));
    const a = await before.seal("acme", Buffer.from("acme secret"), binding);
    const g = await before.seal("globex", Buffer.from("globex secret"), binding);
    await before.shred("globex", "test");
    const wrappedBefore = (await s.getTenantKey("acme", 1))!.wrappedKey!;

    const rotating = new TenantKeyring(s, new LocalKeyProvider(keySet(newKey, oldKey)), { audit: s });
    const result = await rotating.rotateMaster("test");
    assert.deepEqual(result, {
      activeKeyId: masterKeyId(newKey),
      rewrapped: 1,
      alreadyCurrent: 0,
      unavailable: [],
    });
    const row = (await s.getTenantKey("acme", 1))!;
    assert.equal(row.masterKeyId, masterKeyId(newKey));
    assert.notDeepEqual(row.wrappedKey, wrappedBefore);
    assert.equal((await s.getTenantKey("globex", 1))!.wrappedKey, null, "shredded keys stay shredded");
    assert.equal((await s.listAudit(1))[0]?.action, "master_key.rotate");

    const onlyNew = new TenantKeyring(s, new LocalKeyProvider(keySet(newKey)));
    assert.equal(text(await onlyNew.open("acme", a.ciphertext, binding)), "acme secret");
    await assert.rejects(onlyNew.open("globex", g.ciphertext, binding), KeyShreddedError);
    const onlyOld = new TenantKeyring(s, new LocalKeyProvider(keySet(oldKey)));
    await assert.rejects(onlyOld.open("acme", a.ciphertext, binding), MasterKeyUnavailableError);

    const rerun = await rotating.rotateMaster("test");
    assert.deepEqual([rerun.rewrapped, rerun.alreadyCurrent], [0, 1], "idempotent");
  });

  it("reports keys under a master key it was not given, and leaves them alone", async () => {
    const s = await storage();
    const [a, b, c] = [randomBytes(32), randomBytes(32), randomBytes(32)];
    await new TenantKeyring(s, new LocalKeyProvider(keySet(a))).seal("acme", Buffer.from("x"), binding);
    const result = await new TenantKeyring(s, new LocalKeyProvider(keySet(c, b))).rotateMaster("test");
    assert.equal(result.rewrapped, 0);
    assert.deepEqual(result.unavailable, [`acme v1 (${masterKeyId(a)})`]);
    assert.equal((await s.getTenantKey("acme", 1))!.masterKeyId, masterKeyId(a));
  });

  it("a server holding both keys keeps sealing and opening while rotation runs", async () => {
    const path = filePath();
    const server = await storage(path);
    const cli = await storage(path);
    const [oldKey, newKey] = [randomBytes(32), randomBytes(32)];
    await new TenantKeyring(server, new LocalKeyProvider(keySet(oldKey))).seal(
      "acme",
      Buffer.from("0"),
      binding,
    );
    const serving = new TenantKeyring(server, new LocalKeyProvider(keySet(newKey, oldKey)), {
      changes: server.changes,
    });
    const rotation = new TenantKeyring(cli, new LocalKeyProvider(keySet(newKey, oldKey))).rotateMaster("cli");
    const sealed = await Promise.all(
      Array.from({ length: 50 }, (_, i) => serving.seal("acme", Buffer.from(String(i)), binding)),
    );
    assert.equal((await rotation).rewrapped, 1);
    for (const [i, s] of sealed.entries())
      assert.equal(text(await serving.open("acme", s.ciphertext, binding)), String(i));
    const restarted = new TenantKeyring(server, new LocalKeyProvider(keySet(newKey)));
    for (const [i, s] of sealed.entries())
      assert.equal(text(await restarted.open("acme", s.ciphertext, binding)), String(i));
  });
});
