/**
 * `overt keys create|list|revoke` as separate processes on the data dir of a
 * running `overt serve`: keys are printed once and never listed or stored in
 * clear; a revocation from the CLI takes effect on the server's next request
 * (within CHANGE_STALENESS_MS); expired keys get 401 key_expired.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import OpenAI from "openai";
import { isWellFormedToken } from "../../src/governance/token-format.js";
import { CHANGE_STALENESS_MS } from "../../src/storage/sqlite.js";
import { authed, filesContaining, runCli, type Server, sandbox, startServe } from "../helpers/cli.js";
import { expectOpenAiError } from "../helpers/http.js";

interface KeyJson {
  key?: string;
  id: string;
  name: string;
  prefix: string;
  models: string[];
  expires_at: string | null;
  revoked_at: string | null;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("overt keys create|list|revoke against a running server", () => {
  const box = sandbox();
  const env = box.env({ OVERT_DATA_DIR: join(box.dir, "state") });
  const cli = (...args: string[]) => runCli(args, box.dir, env);
  const issued: string[] = [];
  let server: Server;

  const chat = (key: string, model = "simulator/echo") =>
    fetch(`${server.banner.baseUrl}/v1/chat/completions`, {
      method: "POST",
      headers: authed(key),
      body: JSON.stringify({ model, messages: [{ role: "user", content: "hi" }] }),
    });

  async function create(...args: string[]): Promise<KeyJson & { key: string }> {
    const result = await cli("keys", "create", "--json", ...args);
    assert.equal(result.code, 0, result.stderr);
    const created = JSON.parse(result.stdout) as KeyJson & { key: string };
    issued.push(created.key);
    return created;
  }

  before(async () => {
    server = await startServe(["--port", "0"], box.dir, env);
    issued.push(server.banner.firstKey!, server.banner.setupToken!);
  });
  after(async () => {
    await server.stop("SIGKILL");
    box.remove();
  });

  it("create --models a,b --expires 30d --json prints the key once, warns about unrouted models", async () => {
    const startedAt = Date.now();
    const result = await cli(
      "keys",
      "create",
      "--name",
      "dev",
      "--models",
      "a,b",
      "--expires",
      "30d",
      "--json",
    );
    assert.equal(result.code, 0, result.stderr);
    const created = JSON.parse(result.stdout) as KeyJson & { key: string };
    issued.push(created.key);
    assert.ok(isWellFormedToken(created.key, "ovt"));
    assert.equal(result.stdout.split(created.key).length, 2, "printed exactly once");
    assert.equal(created.name, "dev");
    assert.deepEqual(created.models, ["a", "b"]);
    assert.match(created.id, /^key_/);
    assert.ok(created.key.startsWith(created.prefix.replace("…", "")), created.prefix);
    assert.ok(created.prefix.length < 16, "the prefix is a short display form");
    const expiresIn = Date.parse(created.expires_at!) - startedAt;
    assert.ok(Math.abs(expiresIn - 30 * 86_400_000) < 10_000, `expires in ${expiresIn} ms`);
    assert.equal(created.revoked_at, null);
    assert.match(result.stderr, /warning: no route serves a, b/);
  });

  it("create in human form: the key on the first line, then what it is", async () => {
    const result = await cli("keys", "create", "--name", "human", "--models", "simulator/echo");
    assert.equal(result.code, 0, result.stderr);
    const [key, blank, line, note] = result.stdout.split("\n");
    assert.ok(key !== undefined && isWellFormedToken(key, "ovt"));
    issued.push(key);
    assert.equal(blank, "");
    assert.match(line ?? "", /^Key key_\w+ "human" for simulator\/echo\.$/);
    assert.match(note ?? "", /Shown once/);
  });

  it("create for a simulator model the server serves does not warn", async () => {
    const result = await cli("keys", "create", "--name", "sim", "--models", "simulator/echo");
    assert.equal(result.code, 0);
    issued.push(result.stdout.split("\n")[0]!);
    assert.equal(result.stderr, "");
  });

  it("create refuses bad input with a message and exit 1", async () => {
    for (const [args, message] of [
      [["--name", ""], /name must be 1-100 characters/],
      [["--name", "x", "--models", ","], /models must list at least one model/],
      [["--name", "x", "--expires", "soon"], /must look like 30d, 12h or 15m/],
      [["--models", "a"], /required option '--name <name>' not specified/],
    ] as const) {
      const result = await cli("keys", "create", ...args);
      assert.equal(result.code, 1, `${args.join(" ")}: ${result.stdout}`);
      assert.match(result.stderr, message);
      assert.doesNotMatch(result.stdout, /ovt_/);
    }
  });

  it("a key created by the CLI works at once on the running server (openai SDK)", async () => {
    const created = await create("--name", "sdk", "--models", "simulator/echo");
    const client = new OpenAI({ apiKey: created.key, baseURL: `${server.banner.baseUrl}/v1`, maxRetries: 0 });
    const done = await client.chat.completions.create({
      model: "simulator/echo",
      messages: [{ role: "user", content: "from the CLI" }],
    });
    assert.equal(done.choices[0]?.message.content, "You said: from the CLI");
    await assert.rejects(
      client.chat.completions.create({
        model: "simulator/echo-reasoner",
        messages: [{ role: "user", content: "x" }],
      }),
      (error: unknown) => error instanceof OpenAI.PermissionDeniedError && error.code === "model_not_allowed",
    );
  });

  it("revoke from another process: the running server refuses the key on its next request", async () => {
    const created = await create("--name", "to-revoke");
    const ok = await chat(created.key);
    assert.equal(ok.status, 200);
    await ok.text();
    // Keep the server busy with this key while the CLI revokes it, so its change check is fresh.
    let busy = true;
    const traffic = (async () => {
      while (busy) await (await chat(created.key)).text();
    })();
    const result = await cli("keys", "revoke", created.id);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout, `Revoked ${created.id}.\n`);
    await sleep(CHANGE_STALENESS_MS + 5);
    const refused = await chat(created.key);
    busy = false;
    await traffic;
    const body = await expectOpenAiError(refused, 401, "invalid_api_key");
    assert.equal(body.error.message, "Invalid or revoked API key.");
    // Other keys are unaffected.
    const other = await chat(server.banner.firstKey!);
    assert.equal(other.status, 200);
    await other.text();

    const again = await cli("keys", "revoke", created.id, "--json");
    assert.equal(again.code, 1);
    assert.equal(again.stderr, `overt: no active key with id ${created.id}\n`);
    const unknown = await cli("keys", "revoke", "key_doesnotexist");
    assert.equal(unknown.code, 1);
  });

  it("an expired key gets 401 key_expired", async () => {
    const created = await create("--name", "short", "--expires", "2s");
    const expiresAt = Date.parse(created.expires_at!);
    const early = await chat(created.key);
    assert.equal(early.status, 200, "valid until it expires");
    await early.text();
    await sleep(Math.max(0, expiresAt - Date.now()) + 50);
    const late = await chat(created.key);
    const body = await expectOpenAiError(late, 401, "key_expired");
    assert.equal(body.error.message, `API key expired at ${created.expires_at}.`);
  });

  it("list shows id, prefix, name, models and state, never a key or digest", async () => {
    const table = await cli("keys", "list");
    const json = await cli("keys", "list", "--json");
    assert.equal(table.code, 0, table.stderr);
    assert.equal(json.code, 0, json.stderr);
    const keys = JSON.parse(json.stdout) as KeyJson[];
    assert.ok(keys.length >= 7);
    for (const k of keys) {
      assert.deepEqual(Object.keys(k).sort(), [
        "created_at",
        "expires_at",
        "id",
        "models",
        "name",
        "prefix",
        "revoked_at",
        "tenant_id",
      ]);
      const line = table.stdout.split("\n").find((l) => l.startsWith(`${k.id}  `));
      assert.ok(line, `${k.id} in the table`);
      assert.ok(line.includes(k.prefix) && line.includes(k.name) && line.includes(`[${k.models.join(",")}]`));
      if (k.revoked_at !== null) assert.ok(line.endsWith(`revoked ${k.revoked_at}`), line);
      else if (k.expires_at !== null) {
        const expired = Date.parse(k.expires_at) <= Date.now();
        assert.ok(line.endsWith(`${expired ? "expired" : "expires"} ${k.expires_at}`), line);
      } else assert.ok(line.endsWith("active"), line);
    }
    assert.ok(keys.some((k) => k.name === "to-revoke" && k.revoked_at !== null));
    for (const output of [table.stdout, json.stdout]) {
      assert.doesNotMatch(output, /[0-9a-f]{64}/, "no digest");
      for (const secret of issued) assert.ok(!output.includes(secret), "no key");
    }
  });

  it("no issued key or token is written in clear anywhere in the data dir", () => {
    assert.ok(issued.length >= 8);
    for (const secret of issued) assert.deepEqual(filesContaining(join(box.dir, "state"), secret), []);
  });
});
