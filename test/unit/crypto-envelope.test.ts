/**
 * Envelope encryption primitives (DESIGN §5): the AES-256-GCM format, tamper and
 * binding checks, master keys (parsing, ids, generation in dataDir), the local
 * KeyProvider and sealed configuration values.
 */
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { Secret } from "../../src/config/secret.js";
import { FORMAT_VERSION, keyVersionOf, open, seal } from "../../src/crypto/aead.js";
import { IntegrityError, MasterKeyError, MasterKeyUnavailableError } from "../../src/crypto/errors.js";
import { LocalKeyProvider } from "../../src/crypto/key-provider.js";
import {
  loadMasterKeys,
  type MasterKeySet,
  masterKeyId,
  parseMasterKeyFile,
  parseMasterKeyText,
} from "../../src/crypto/master-keys.js";
import { SealedValueError, sealValue, unsealValue } from "../../src/crypto/sealed-value.js";

const dirs: string[] = [];
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "overt-crypto-"));
  dirs.push(dir);
  return dir;
}

function keySet(...keys: Buffer[]): MasterKeySet {
  const [active, ...previous] = keys.map((key) => ({ id: masterKeyId(key), key }));
  return { active: active!, previous, generatedAt: null };
}

describe("aead: AES-256-GCM, versioned format", () => {
  const key = randomBytes(32);
  const binding = { purpose: "overt.test.v1", parts: ["tenant-a", "row-1"] };

  it("round-trips, with the header saying format and key version", () => {
    for (const text of ["", "hello", "x".repeat(100_000), "中文 \u0000 emoji 🎉"]) {
      const blob = seal(key, 7, Buffer.from(text), binding);
      assert.equal(blob[0], FORMAT_VERSION);
      assert.equal(keyVersionOf(blob), 7);
      assert.equal(blob.length, 1 + 4 + 12 + Buffer.byteLength(text) + 16);
      assert.equal(open(key, blob, binding).toString(), text);
    }
  });

  it("uses a fresh random nonce each time", () => {
    const a = seal(key, 1, Buffer.from("same"), binding);
    const b = seal(key, 1, Buffer.from("same"), binding);
    assert.notDeepEqual(a.subarray(5, 17), b.subarray(5, 17));
    assert.notDeepEqual(a, b);
  });

  it("detects a flipped bit anywhere: header, nonce, body or tag", () => {
    const blob = seal(key, 3, Buffer.from("the secret prompt"), binding);
    for (let i = 0; i < blob.length; i++) {
      for (const bit of [0x01, 0x80]) {
        const bad = Buffer.from(blob);
        bad[i]! ^= bit;
        assert.throws(() => open(key, bad, binding), IntegrityError, `byte ${i} bit ${bit}`);
      }
    }
  });

  it("refuses truncated, extended and unknown-format ciphertexts", () => {
    const blob = seal(key, 1, Buffer.from("abc"), binding);
    assert.throws(() => open(key, blob.subarray(0, blob.length - 1), binding), IntegrityError);
    assert.throws(() => open(key, Buffer.concat([blob, Buffer.from([0])]), binding), IntegrityError);
    assert.throws(() => open(key, blob.subarray(0, 20), binding), /truncated/);
    const v2 = Buffer.from(blob);
    v2[0] = 2;
    assert.throws(() => keyVersionOf(v2), /format version 2/);
  });

  it("binds purpose and every part: another tenant, row or purpose does not open", () => {
    const blob = seal(key, 1, Buffer.from("abc"), binding);
    for (const other of [
      { purpose: "overt.test.v1", parts: ["tenant-b", "row-1"] },
      { purpose: "overt.test.v1", parts: ["tenant-a", "row-2"] },
      { purpose: "overt.other.v1", parts: ["tenant-a", "row-1"] },
      { purpose: "overt.test.v1", parts: ["tenant-a"] },
      { purpose: "overt.test.v1", parts: ["tenant-a", "row-1", ""] },
      // Length prefixes: moving a boundary between parts changes the binding.
      { purpose: "overt.test.v1", parts: ["tenant-ar", "ow-1"] },
    ]) {
      assert.throws(() => open(key, blob, other), IntegrityError, JSON.stringify(other));
    }
    assert.throws(() => open(randomBytes(32), blob, binding), IntegrityError, "another key");
  });

  it("refuses keys that are not 32 bytes and versions outside 32 bits", () => {
    assert.throws(() => seal(randomBytes(16), 1, Buffer.alloc(1), binding), RangeError);
    assert.throws(() => seal(key, -1, Buffer.alloc(1), binding), RangeError);
    assert.throws(() => seal(key, 2 ** 32, Buffer.alloc(1), binding), RangeError);
  });
});

describe("master keys", () => {
  const raw = randomBytes(32);

  it("parses hex, base64 and base64url text and 32-byte raw files", () => {
    assert.deepEqual(parseMasterKeyText(raw.toString("hex"), "X"), raw);
    assert.deepEqual(parseMasterKeyText(raw.toString("hex").toUpperCase(), "X"), raw);
    assert.deepEqual(parseMasterKeyText(`  ${raw.toString("base64")}\n`, "X"), raw);
    assert.deepEqual(parseMasterKeyText(raw.toString("base64url"), "X"), raw);
    assert.deepEqual(parseMasterKeyFile(raw, "X"), raw);
    assert.deepEqual(parseMasterKeyFile(Buffer.from(`${raw.toString("base64")}\n`), "X"), raw);
  });

  it("refuses other lengths, naming the source and never the value", () => {
    const bad = randomBytes(16).toString("hex");
    for (const text of [bad, randomBytes(31).toString("base64"), "", "not a key at all"]) {
      assert.throws(
        () => parseMasterKeyText(text, "OVERT_MASTER_KEY"),
        (e: Error) =>
          e instanceof MasterKeyError &&
          e.message.startsWith("OVERT_MASTER_KEY: ") &&
          !e.message.includes(bad),
      );
    }
  });

  it("ids are stable, distinct and reveal nothing of the key", () => {
    const id = masterKeyId(raw);
    assert.match(id, /^mk_[0-9a-f]{16}$/);
    assert.equal(masterKeyId(Buffer.from(raw)), id);
    assert.notEqual(masterKeyId(randomBytes(32)), id);
    assert.ok(!raw.toString("hex").includes(id.slice(3)));
  });

  it("with nothing configured, generates <dataDir>/master-key once (0600) and reuses it", () => {
    const dataDir = join(tempDir(), "data");
    assert.equal(loadMasterKeys(undefined, dataDir, { create: false }), null);
    const first = loadMasterKeys(undefined, dataDir, { create: true })!;
    assert.equal(first.generatedAt, join(dataDir, "master-key"));
    assert.equal(statSync(join(dataDir, "master-key")).mode & 0o777, 0o600);
    const second = loadMasterKeys(undefined, dataDir, { create: true })!;
    assert.equal(second.generatedAt, null);
    assert.equal(second.active.id, first.active.id);
    assert.deepEqual(second.active.key, first.active.key);
  });

  it("reads configured values and files; previous keys deduplicated; a leftover generated key stays accepted", () => {
    const dir = tempDir();
    const generated = loadMasterKeys(undefined, dir, { create: true })!.active;
    const next = randomBytes(32);
    const old = randomBytes(32);
    writeFileSync(join(dir, "old.key"), old);
    const set = loadMasterKeys(
      {
        active: { kind: "value", value: new Secret(next.toString("base64")), origin: "OVERT_MASTER_KEY" },
        previous: [
          { kind: "file", path: join(dir, "old.key"), origin: "security.previousMasterKeyFiles[0]" },
          { kind: "value", value: new Secret(old.toString("hex")), origin: "OVERT_MASTER_KEY_PREVIOUS[0]" },
          { kind: "value", value: new Secret(next.toString("hex")), origin: "OVERT_MASTER_KEY_PREVIOUS[1]" },
        ],
      },
      dir,
      { create: true },
    )!;
    assert.equal(set.active.id, masterKeyId(next));
    assert.deepEqual(
      set.previous.map((k) => k.id),
      [masterKeyId(old), generated.id],
    );
  });

  it("a missing key file is an error naming the setting and the path", () => {
    const path = join(tempDir(), "absent.key");
    assert.throws(
      () =>
        loadMasterKeys(
          { active: { kind: "file", path, origin: "OVERT_MASTER_KEY_FILE" }, previous: [] },
          tempDir(),
          { create: true },
        ),
      (e: Error) =>
        e instanceof MasterKeyError &&
        e.message.includes("OVERT_MASTER_KEY_FILE") &&
        e.message.includes(path),
    );
  });
});

describe("LocalKeyProvider", () => {
  const a = randomBytes(32);
  const b = randomBytes(32);

  it("wraps under the active key, bound to the tenant", async () => {
    const provider = new LocalKeyProvider(keySet(a));
    const dek = randomBytes(32);
    const wrapped = await provider.wrap(dek, "acme");
    assert.equal(wrapped.masterKeyId, masterKeyId(a));
    assert.ok(!wrapped.wrapped.includes(dek), "the data key does not appear in its wrapping");
    assert.deepEqual(await provider.unwrap(wrapped, "acme"), dek);
    await assert.rejects(provider.unwrap(wrapped, "globex"), IntegrityError);
  });

  it("unwraps under previous keys; a key it lacks is named", async () => {
    const old = new LocalKeyProvider(keySet(a));
    const wrapped = await old.wrap(randomBytes(32), "acme");
    const rotated = new LocalKeyProvider(keySet(b, a));
    assert.equal(rotated.activeKeyId, masterKeyId(b));
    assert.ok(rotated.canUnwrap(masterKeyId(a)));
    assert.deepEqual(await rotated.unwrap(wrapped, "acme"), await old.unwrap(wrapped, "acme"));
    const onlyNew = new LocalKeyProvider(keySet(b));
    assert.equal(onlyNew.canUnwrap(masterKeyId(a)), false);
    await assert.rejects(
      onlyNew.unwrap(wrapped, "acme"),
      (e: Error) => e instanceof MasterKeyUnavailableError && e.message.includes(masterKeyId(a)),
    );
  });
});

describe("sealed configuration values", () => {
  const a = randomBytes(32);
  const b = randomBytes(32);
  const secret = "sk-live-0123456789abcdefghijklmnop";

  it("round-trip and name the master key, never the secret", () => {
    const sealed = sealValue(keySet(a), secret);
    assert.match(sealed, /^sealed:v1:mk_[0-9a-f]{16}:[A-Za-z0-9_-]+$/);
    assert.ok(sealed.includes(masterKeyId(a)));
    assert.ok(!sealed.includes(secret));
    assert.equal(unsealValue(keySet(a), sealed), secret);
    assert.equal(unsealValue(keySet(b, a), sealed), secret, "a previous key still opens it");
  });

  it("a wrong, missing or altered key fails with a SealedValueError that has no value in it", () => {
    const sealed = sealValue(keySet(a), secret);
    const body = sealed.split(":")[3]!;
    const cases: Array<[MasterKeySet | null, string, RegExp]> = [
      [keySet(b), sealed, /not configured/],
      [null, sealed, /no master key is configured/],
      [keySet(a), `${sealed.slice(0, -2)}AA`, /does not open/],
      // Same id, different key material: the id is taken at its word, the tag says no.
      [{ ...keySet(b), active: { id: masterKeyId(a), key: b } }, sealed, /does not open/],
      [keySet(a), "sealed:v2:whatever", /not a well-formed/],
    ];
    for (const [keys, value, message] of cases) {
      assert.throws(
        () => unsealValue(keys, value),
        (e: Error) =>
          e instanceof SealedValueError &&
          message.test(e.message) &&
          !e.message.includes(secret) &&
          !e.message.includes(body),
      );
    }
  });

  it("is bound to its purpose: a tenant-data-key wrapping is not a sealed value", async () => {
    const wrapped = await new LocalKeyProvider(keySet(a)).wrap(Buffer.from(secret), "acme");
    const forged = `sealed:v1:${masterKeyId(a)}:${wrapped.wrapped.toString("base64url")}`;
    assert.throws(() => unsealValue(keySet(a), forged), SealedValueError);
  });

  it("reads the generated key written by the CLI in dataDir", () => {
    const dataDir = tempDir();
    const keys = loadMasterKeys(undefined, dataDir, { create: true })!;
    const text = readFileSync(join(dataDir, "master-key"), "utf8");
    assert.deepEqual(parseMasterKeyText(text, "file"), keys.active.key);
    assert.equal(
      unsealValue(loadMasterKeys(undefined, dataDir, { create: false }), sealValue(keys, secret)),
      secret,
    );
  });
});
