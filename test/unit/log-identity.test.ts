/**
 * The log's identity when several nodes start on a new database at once (issue 5):
 * every node must sign as the same log, with a key whose verifier key is published.
 * Two storages on one SQLite file stand for two processes; the second node's read
 * is held until the first has started, so it found no origin (or no key) although
 * one exists by the time it writes (the interleaving that let a later node replace
 * the origin or the key an earlier one already signed with).
 */
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { type MasterKeySet, masterKeyId } from "../../src/crypto/master-keys.js";
import { type LogIdentity, loadLogIdentity } from "../../src/integrity/log-identity.js";
import { newVerifier } from "../../src/integrity/note-keys.js";
import { openStorage } from "../../src/storage/open.js";
import type { SettingsStore, Storage } from "../../src/storage/ports.js";

const key = randomBytes(32);
const masterKeys: MasterKeySet = { active: { id: masterKeyId(key), key }, previous: [], generatedAt: null };

/**
 * `storage` as a second node sees it: its first read of `name` returns what was stored
 * then, but only once `until` settles (the first node has started in between).
 */
function readsEarly(storage: Storage, name: string, until: Promise<unknown>): SettingsStore {
  let first = true;
  return {
    async getSetting(setting) {
      const value = await storage.getSetting(setting);
      if (setting === name && first) {
        first = false;
        await until.catch(() => {});
      }
      return value;
    },
    setSetting: (setting, value) => storage.setSetting(setting, value),
    initSetting: (setting, value) => storage.initSetting(setting, value),
    consumeSetting: (setting, expected) => storage.consumeSetting(setting, expected),
  };
}

/** The verifier key of `identity`'s signer, as published (name and key id match). */
function signsWith(identity: LogIdentity): string {
  const published = identity.verifierKeys.filter((vkey) => {
    const verifier = newVerifier(vkey);
    return verifier.name === identity.signer.name && verifier.keyId === identity.signer.keyId;
  });
  assert.equal(published.length, 1, "the signing key's verifier key is published");
  return published[0] as string;
}

describe("log identity: nodes starting together on a new log", () => {
  const dir = mkdtempSync(join(tmpdir(), "overt-identity-"));
  after(() => rmSync(dir, { recursive: true, force: true }));

  /** Two storages on one new SQLite file: two nodes. */
  async function twoNodes(name: string): Promise<[Storage, Storage]> {
    const path = join(dir, `${name}.db`);
    const first = await openStorage({ driver: "sqlite", path });
    await first.migrate();
    return [first, await openStorage({ driver: "sqlite", path })];
  }

  for (const [setting, configured] of [
    ["log.origin", null],
    ["log.keys", "relay.example/log"],
  ] as const) {
    it(`gives every node the ${setting === "log.origin" ? "same origin" : "same signing key"} when both found none`, async () => {
      const [first, second] = await twoNodes(setting);
      try {
        const a = loadLogIdentity(first, masterKeys, configured);
        const b = loadLogIdentity(readsEarly(second, setting, a), masterKeys, configured);
        const [ia, ib] = await Promise.all([a, b]);
        assert.equal(ia.origin, ib.origin);
        assert.equal(await first.getSetting("log.origin"), ia.origin);
        assert.deepEqual(ia.verifierKeys, ib.verifierKeys);
        assert.equal(ia.verifierKeys.length, 1, "one key, not one per node");
        assert.equal(signsWith(ia), signsWith(ib));
        // A node starting later loads the same identity.
        const later = await loadLogIdentity(second, masterKeys, configured);
        assert.deepEqual(later.verifierKeys, ia.verifierKeys);
        assert.equal(signsWith(later), signsWith(ia));
      } finally {
        await second.close();
        await first.close();
      }
    });
  }

  it("refuses a configured origin other than the one the log was created with", async () => {
    const storage = await openStorage({ driver: "sqlite", path: join(dir, "origin.db") });
    await storage.migrate();
    try {
      const created = await loadLogIdentity(storage, masterKeys, "relay.example/log");
      assert.equal(created.origin, "relay.example/log");
      await assert.rejects(loadLogIdentity(storage, masterKeys, "other.example/log"), /never changes/);
      assert.equal((await loadLogIdentity(storage, masterKeys, null)).origin, "relay.example/log");
    } finally {
      await storage.close();
    }
  });
});
