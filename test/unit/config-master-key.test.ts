/**
 * Master-key settings and sealed provider keys in the configuration: where keys
 * come from, precedence, and sealed `apiKey` values opened at load, with errors
 * that name the path and never the value.
 */
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { ConfigError, loadConfig } from "../../src/config/load.js";
import { loadMasterKeys, type MasterKeySet, masterKeyId } from "../../src/crypto/master-keys.js";
import { sealValue } from "../../src/crypto/sealed-value.js";

type Env = Record<string, string | undefined>;
const dirs: string[] = [];
after(async () => {
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "overt-config-mk-"));
  dirs.push(dir);
  return dir;
}

async function load(yaml: string | null, env: Env = {}, cwd?: string) {
  const dir = cwd ?? (await tempDir());
  if (yaml !== null) await writeFile(join(dir, "overt.yaml"), yaml);
  return loadConfig({ env, cwd: dir });
}

async function loadError(yaml: string | null, env: Env = {}, cwd?: string): Promise<ConfigError> {
  try {
    await load(yaml, env, cwd);
  } catch (error) {
    assert.ok(error instanceof ConfigError, `expected ConfigError, got ${String(error)}`);
    return error;
  }
  return assert.fail("expected a ConfigError");
}

function keys(key: Buffer): MasterKeySet {
  return { active: { id: masterKeyId(key), key }, previous: [], generatedAt: null };
}

const SECRET = "sk-deepseek-0123456789abcdefSECRET";

describe("config: master key sources", () => {
  it("defaults to none configured (the dataDir key is used)", async () => {
    const c = await load(null);
    assert.deepEqual(c.security.masterKey, { active: null, previous: [] });
  });

  it("reads OVERT_MASTER_KEY (checked at load) and OVERT_MASTER_KEY_FILE (relative to cwd)", async () => {
    const key = randomBytes(32);
    const c = await load(null, { OVERT_MASTER_KEY: key.toString("base64") });
    const active = c.security.masterKey?.active;
    assert.equal(active?.kind, "value");
    assert.equal(String(active?.kind === "value" ? active.value : ""), "[secret]", "held as a Secret");
    const dir = await tempDir();
    const f = await load(null, { OVERT_MASTER_KEY_FILE: "keys/master" }, dir);
    assert.deepEqual(f.security.masterKey?.active, {
      kind: "file",
      path: join(dir, "keys/master"),
      origin: "OVERT_MASTER_KEY_FILE",
    });
  });

  it("the file's security.masterKeyFile wins over the environment", async () => {
    const dir = await tempDir();
    const c = await load(
      "security:\n  masterKeyFile: ./mk\n  previousMasterKeyFiles: [./old1, /abs/old2]\n",
      { OVERT_MASTER_KEY: randomBytes(32).toString("hex"), OVERT_MASTER_KEY_PREVIOUS: "ignored" },
      dir,
    );
    assert.deepEqual(c.security.masterKey, {
      active: { kind: "file", path: join(dir, "mk"), origin: "security.masterKeyFile" },
      previous: [
        { kind: "file", path: join(dir, "old1"), origin: "security.previousMasterKeyFiles[0]" },
        { kind: "file", path: "/abs/old2", origin: "security.previousMasterKeyFiles[1]" },
      ],
    });
  });

  it("reads previous keys from OVERT_MASTER_KEY_PREVIOUS and OVERT_MASTER_KEY_PREVIOUS_FILES", async () => {
    const c = await load(null, {
      OVERT_MASTER_KEY_PREVIOUS: `${randomBytes(32).toString("hex")}, ${randomBytes(32).toString("base64")}`,
      OVERT_MASTER_KEY_PREVIOUS_FILES: "/k/a,/k/b",
    });
    assert.deepEqual(
      c.security.masterKey?.previous.map((p) => p.origin),
      [
        "OVERT_MASTER_KEY_PREVIOUS[0]",
        "OVERT_MASTER_KEY_PREVIOUS[1]",
        "OVERT_MASTER_KEY_PREVIOUS_FILES[0]",
        "OVERT_MASTER_KEY_PREVIOUS_FILES[1]",
      ],
    );
  });

  it("refuses malformed keys and ambiguous settings without echoing a value", async () => {
    const short = randomBytes(16).toString("hex");
    const e1 = await loadError(null, { OVERT_MASTER_KEY: short });
    assert.equal(e1.path, "OVERT_MASTER_KEY");
    assert.match(e1.message, /^environment: OVERT_MASTER_KEY: must be 32 bytes/);
    assert.ok(!e1.message.includes(short));
    const e2 = await loadError(null, {
      OVERT_MASTER_KEY_PREVIOUS: `${randomBytes(32).toString("hex")},${short}`,
    });
    assert.equal(e2.path, "OVERT_MASTER_KEY_PREVIOUS[1]");
    assert.ok(!e2.message.includes(short));
    const e3 = await loadError(null, {
      OVERT_MASTER_KEY: randomBytes(32).toString("hex"),
      OVERT_MASTER_KEY_FILE: "/k",
    });
    assert.match(e3.message, /set one/);
  });

  it("has no place for the key itself in the file (it would sit next to what it seals)", async () => {
    const e = await loadError(`security:\n  masterKey: ${randomBytes(32).toString("hex")}\n`);
    assert.equal(e.path, "security.masterKey");
    assert.match(e.message, /unknown field/);
  });
});

describe("config: sealed provider keys", () => {
  const key = randomBytes(32);
  const env = { OVERT_MASTER_KEY: key.toString("hex") };

  it("opens a sealed apiKey from the file and from the environment", async () => {
    const sealed = sealValue(keys(key), SECRET);
    const fromFile = await load(`providers:\n  deepseek:\n    apiKey: "${sealed}"\n`, env);
    assert.equal(fromFile.providers[0]?.apiKey?.reveal(), SECRET);
    const fromEnv = await load(null, { ...env, DEEPSEEK_API_KEY: sealed });
    assert.equal(fromEnv.providers[0]?.apiKey?.reveal(), SECRET);
    // biome-ignore lint/suspicious/noTemplateCurlyInString: YAML holding a literal ${VAR} reference
    const substituted = await load("providers:\n  deepseek:\n    apiKey: ${SEALED}\n", {
      ...env,
      SEALED: sealed,
    });
    assert.equal(substituted.providers[0]?.apiKey?.reveal(), SECRET);
    const plain = await load(null, { ...env, DEEPSEEK_API_KEY: SECRET });
    assert.equal(plain.providers[0]?.apiKey?.reveal(), SECRET, "plain values still work");
  });

  it("opens values sealed under a previous key, and under the generated dataDir key with no configuration", async () => {
    const old = randomBytes(32);
    const c = await load(null, {
      ...env,
      OVERT_MASTER_KEY_PREVIOUS: old.toString("hex"),
      DEEPSEEK_API_KEY: sealValue(keys(old), SECRET),
    });
    assert.equal(c.providers[0]?.apiKey?.reveal(), SECRET);

    const dir = await tempDir();
    const generated = loadMasterKeys(undefined, join(dir, "data"), { create: true })!;
    const z = await load(null, { DEEPSEEK_API_KEY: sealValue(generated, SECRET) }, dir);
    assert.equal(z.providers[0]?.apiKey?.reveal(), SECRET);
  });

  it("a wrong or missing master key is a ConfigError naming the path, never the value", async () => {
    const sealed = sealValue(keys(randomBytes(32)), SECRET);
    const cases: Array<[string | null, Env, string, string | null, RegExp]> = [
      [
        `providers:\n  deepseek:\n    apiKey: "${sealed}"\n`,
        env,
        "providers.deepseek.apiKey",
        "overt.yaml",
        /not configured/,
      ],
      [null, { ...env, DEEPSEEK_API_KEY: sealed }, "DEEPSEEK_API_KEY", null, /not configured/],
      [null, { DEEPSEEK_API_KEY: sealed }, "DEEPSEEK_API_KEY", null, /no master key is configured/],
      [
        null,
        { OVERT_MASTER_KEY_FILE: "/nonexistent/overt.key", DEEPSEEK_API_KEY: sealed },
        "DEEPSEEK_API_KEY",
        null,
        /is sealed, but OVERT_MASTER_KEY_FILE: key file \/nonexistent\/overt.key cannot be read/,
      ],
      [
        null,
        { ...env, DEEPSEEK_API_KEY: `${sealed.slice(0, -4)}AAAA` },
        "DEEPSEEK_API_KEY",
        null,
        /not configured/,
      ],
      [
        null,
        { ...env, DEEPSEEK_API_KEY: "sealed:v1:garbage" },
        "DEEPSEEK_API_KEY",
        null,
        /not a well-formed/,
      ],
    ];
    for (const [yaml, vars, path, file, message] of cases) {
      const e = await loadError(yaml, vars);
      assert.equal(e.path, path);
      assert.equal(e.file, file);
      assert.match(e.message, message);
      assert.ok(!e.message.includes(SECRET));
      assert.ok(!e.message.includes(sealed.split(":")[3]!), "not even the sealed form");
    }
  });

  it("an altered value under the right key is reported as such", async () => {
    const sealed = sealValue(keys(key), SECRET);
    const e = await loadError(null, { ...env, DEEPSEEK_API_KEY: `${sealed.slice(0, -4)}AAAA` });
    assert.match(e.message, /^environment: DEEPSEEK_API_KEY: does not open with master key mk_/);
  });
});
