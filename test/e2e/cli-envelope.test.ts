/**
 * The envelope-encryption commands as an operator runs them:
 * - `overt secrets seal` → a sealed apiKey in overt.yaml → `overt serve` reaches the
 *   upstream with the real key; a wrong master key refuses to start, naming the path;
 * - `overt keys generate-master` + `overt keys rotate-master` while a relay runs: rows
 *   re-wrapped, captures never re-encrypted and still readable, and a relay started
 *   with only the new key reads them;
 * - `overt tenants shred`.
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { readFileSync, renameSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import type { MasterKeyConfig } from "../../src/config/types.js";
import { MasterKeyUnavailableError } from "../../src/crypto/errors.js";
import { createRelay, openCore, type Relay } from "../../src/main.js";
import { createLogger } from "../../src/observability/logger.js";
import { startSimulator } from "../../src/upstreams/simulator/server.js";
import type { Simulator } from "../../src/upstreams/simulator/types.js";
import { authed, CLI, type CliResult, runCli, sandbox, startServe } from "../helpers/cli.js";
import { testConfig } from "../helpers/relay.js";

const UPSTREAM_KEY = "sk-upstream-sealed-0123456789abcdef";

/** `overt <args>` with `input` on stdin. */
function runCliWithInput(args: string[], input: string, cwd: string, env: Record<string, string>) {
  return new Promise<CliResult>((done) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd, env });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (c: string) => (stdout += c));
    child.stderr.setEncoding("utf8").on("data", (c: string) => (stderr += c));
    child.once("close", (code) => done({ code: code ?? -1, stdout, stderr }));
    child.stdin.end(input);
  });
}

describe("overt secrets seal → a sealed apiKey in overt.yaml", () => {
  const box = sandbox();
  let upstream: Simulator;
  let sealed = "";
  const env = (extra: Record<string, string> = {}) =>
    box.env({ OVERT_ALLOW_PRIVATE_UPSTREAMS: "1", DEEPSEEK_BASE_URL: upstream.url, ...extra });

  before(async () => {
    upstream = await startSimulator({ apiKey: UPSTREAM_KEY });
  });
  after(async () => {
    await upstream.close();
    box.remove();
  });

  it("seals stdin under a master key generated in ./data (zero configuration)", async () => {
    const result = await runCliWithInput(["secrets", "seal"], `${UPSTREAM_KEY}\n`, box.dir, box.env());
    assert.equal(result.code, 0, result.stderr);
    sealed = result.stdout.trim();
    assert.match(sealed, /^sealed:v1:mk_[0-9a-f]{16}:[A-Za-z0-9_-]+$/);
    assert.ok(!result.stdout.includes(UPSTREAM_KEY) && !result.stderr.includes(UPSTREAM_KEY));
    assert.match(result.stderr, /generated a master key/);
    assert.equal(statSync(join(box.dataDir, "master-key")).mode & 0o777, 0o600);
    const empty = await runCliWithInput(["secrets", "seal"], "\n", box.dir, box.env());
    assert.equal(empty.code, 1);
    assert.match(empty.stderr, /no secret on stdin/);
  });

  it("overt serve opens it at start and the upstream receives the real key", async () => {
    writeFileSync(
      join(box.dir, "overt.yaml"),
      `server:\n  port: 0\nlog:\n  level: warn\nproviders:\n  deepseek:\n    apiKey: "${sealed}"\n`,
    );
    assert.ok(!readFileSync(join(box.dir, "overt.yaml"), "utf8").includes(UPSTREAM_KEY));
    const server = await startServe([], box.dir, env());
    try {
      const res = await fetch(`${server.banner.baseUrl}/v1/chat/completions`, {
        method: "POST",
        headers: authed(server.banner.firstKey!),
        body: JSON.stringify({ model: server.banner.models[0], messages: [{ role: "user", content: "hi" }] }),
      });
      // The simulator refuses any other bearer, so a 200 means the real key went upstream.
      assert.equal(res.status, 200, await res.clone().text());
    } finally {
      await server.stop("SIGKILL");
    }
  });

  it("with the wrong master key, serve refuses to start and names the path, not the value", async () => {
    const wrong = Buffer.alloc(32, 7).toString("hex");
    // The generated key stays accepted while its file exists (moving off it); take it away.
    renameSync(join(box.dataDir, "master-key"), join(box.dir, "moved-master-key"));
    const result = await runCli(["serve"], box.dir, env({ OVERT_MASTER_KEY: wrong }));
    renameSync(join(box.dir, "moved-master-key"), join(box.dataDir, "master-key"));
    assert.equal(result.code, 1);
    assert.match(
      result.stderr,
      /overt\.yaml: providers\.deepseek\.apiKey: was sealed with master key mk_[0-9a-f]+/,
    );
    for (const text of [UPSTREAM_KEY, wrong, sealed.split(":")[3]!]) {
      assert.ok(!result.stderr.includes(text) && !result.stdout.includes(text));
    }
  });
});

describe("overt keys rotate-master and overt tenants shred, next to a running relay", () => {
  const box = sandbox();
  const relays: Relay[] = [];
  const captured = new Map<string, string>();
  const tenantOf = new Map<string, string>();
  const source = (name: string) => ({ kind: "file" as const, path: join(box.dir, name), origin: name });
  const start = async (masterKey: MasterKeyConfig) => {
    const config = testConfig(box.dataDir, {
      providers: [],
      dataProtection: { tenants: { acme: {}, globex: {} } },
    });
    config.security.masterKey = masterKey;
    const relay = await createRelay(config, { logger: createLogger("silent") });
    relays.push(relay);
    return relay;
  };
  const record = async (relay: Relay, tenantId: string, text: string) => {
    const id = await relay.capture.record({
      tenantId,
      keyId: "key_x",
      requestId: `req_${captured.size}`,
      at: Date.now(),
      retentionDays: 30,
      request: text,
      response: `re: ${text}`,
    });
    captured.set(id, text);
    tenantOf.set(id, tenantId);
  };
  const readsAll = async (relay: Relay) => {
    for (const [id, text] of captured) assert.equal((await relay.capture.read(id))?.request, text, id);
  };
  const cli = (args: string[], extra: Record<string, string> = {}) => runCli(args, box.dir, box.env(extra));

  after(async () => {
    for (const r of relays) await r.close();
    box.remove();
  });

  it("generate-master writes a 0600 key file and never overwrites one", async () => {
    for (const name of ["a.key", "b.key"]) {
      const result = await cli(["keys", "generate-master", "--out", name]);
      assert.equal(result.code, 0, result.stderr);
      assert.match(result.stdout, /^Wrote master key mk_[0-9a-f]{16} to /);
      assert.equal(statSync(join(box.dir, name)).mode & 0o777, 0o600);
    }
    const again = await cli(["keys", "generate-master", "--out", "a.key"]);
    assert.equal(again.code, 1);
    assert.match(again.stderr, /already exists/);
  });

  it("rotation re-wraps under the new key while a relay holding both keeps working", async () => {
    const first = await start({ active: source("a.key"), previous: [] });
    await record(first, "default", "under A, default");
    await record(first, "acme", "under A, acme");
    await first.close();

    const rolled = await start({ active: source("b.key"), previous: [source("a.key")] });
    await record(rolled, "globex", "under B from the start");
    await record(rolled, "default", "default, its key still wrapped by A");
    const envBoth = { OVERT_MASTER_KEY_FILE: "b.key", OVERT_MASTER_KEY_PREVIOUS_FILES: "a.key" };
    const wrappedBefore = (await rolled.storage.listTenantKeys()).map((k) => k.wrappedKey?.toString("hex"));
    const ciphertextsBefore = await Promise.all(
      [...captured.keys()].map((id) => rolled.storage.getCapture(id)),
    );

    const result = await cli(["keys", "rotate-master", "--json"], envBoth);
    assert.equal(result.code, 0, result.stderr);
    const report = JSON.parse(result.stdout) as {
      rewrapped: number;
      alreadyCurrent: number;
      activeKeyId: string;
    };
    assert.deepEqual([report.rewrapped, report.alreadyCurrent], [2, 1]);

    const keys = await rolled.storage.listTenantKeys();
    assert.ok(
      keys.every((k) => k.masterKeyId === report.activeKeyId),
      "every row under the new key",
    );
    assert.notDeepEqual(
      keys.map((k) => k.wrappedKey?.toString("hex")),
      wrappedBefore,
    );
    for (const before of ciphertextsBefore) {
      assert.deepEqual(
        (await rolled.storage.getCapture(before!.id))?.ciphertext,
        before!.ciphertext,
        "not re-encrypted",
      );
    }
    await readsAll(rolled);
    await record(rolled, "acme", "after the rotation");
    await readsAll(rolled);

    const rerun = await cli(["keys", "rotate-master"], envBoth);
    assert.equal(rerun.code, 0, rerun.stderr);
    assert.match(rerun.stdout, /0 data key\(s\) re-wrapped, 3 already under it/);
    await rolled.close();
  });

  it("a relay given only the new key reads every capture; one given only the old key cannot", async () => {
    const onlyNew = await start({ active: source("b.key"), previous: [] });
    await readsAll(onlyNew);
    await onlyNew.close();
    // The retired key opens neither the captures nor the log's signing key, which rotate-master re-sealed:
    // such a relay refuses to start, naming the key it lacks.
    await assert.rejects(
      start({ active: source("a.key"), previous: [] }),
      /was sealed with master key mk_[0-9a-f]+, which is not configured/,
    );
    const core = await openCore({
      ...testConfig(box.dataDir, { providers: [], dataProtection: { tenants: { acme: {}, globex: {} } } }),
      security: {
        allowPrivateUpstreams: true,
        keyPepper: null,
        setupToken: null,
        masterKey: { active: source("a.key"), previous: [] },
      },
    });
    await assert.rejects(core.capture.read([...captured.keys()][0]!), MasterKeyUnavailableError);
    await core.storage.close();
    const stale = await cli(["keys", "rotate-master"], { OVERT_MASTER_KEY_FILE: "a.key" });
    assert.equal(stale.code, 1);
    assert.match(stale.stderr, /3 data key\(s\) are wrapped by master keys not configured here/);
  });

  it("tenants shred needs --yes and an existing tenant, then destroys the tenant's keys and captures", async () => {
    const env = { OVERT_MASTER_KEY_FILE: "b.key" };
    const refused = await cli(["tenants", "shred", "acme"], env);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /re-run with --yes/);
    const ghost = await cli(["tenants", "shred", "ghost", "--yes"], env);
    assert.equal(ghost.code, 1);
    assert.match(ghost.stderr, /no tenant with id ghost/);

    const relay = await start({ active: source("b.key"), previous: [] });
    const done = await cli(["tenants", "shred", "acme", "--yes", "--json"], env);
    assert.equal(done.code, 0, done.stderr);
    assert.deepEqual(JSON.parse(done.stdout), {
      tenant_id: "acme",
      shredded: true,
      keysDestroyed: 1,
      capturesDeleted: 2,
      walCleared: true,
    });
    const audit = await relay.storage.listAudit(1);
    assert.deepEqual([audit[0]?.action, audit[0]?.actor, audit[0]?.target], ["tenant.shred", "cli", "acme"]);
    for (const [id, text] of captured) {
      const read = await relay.capture.read(id);
      if (tenantOf.get(id) === "acme") assert.equal(read, undefined, "acme's captures are gone");
      else assert.equal(read?.request, text);
    }
  });
});
