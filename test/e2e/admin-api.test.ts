/**
 * The admin API on a spawned `overt serve`: the one-time setup token from the
 * banner is exchanged once for an admin token; no default credentials; strict
 * request schemas; keys created over the API work, are never listed in clear,
 * and revoke on the next request; usage and audit read back without secrets.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import OpenAI from "openai";
import { generateToken, tokenDigest } from "../../src/governance/token-format.js";
import { authed, type Server, sandbox, startServe } from "../helpers/cli.js";
import { expectOpenAiError } from "../helpers/http.js";

interface CreatedKey {
  key: string;
  id: string;
  name: string;
  prefix: string;
  models: string[];
  expires_at: string | null;
}

describe("admin API on overt serve", () => {
  const box = sandbox();
  let server: Server;
  let adminToken = "";
  const secrets: string[] = [];
  const digest = (token: string) =>
    tokenDigest(Buffer.from(readFileSync(join(box.dataDir, "key-pepper"), "utf8").trim(), "hex"), token);

  const call = (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) =>
    fetch(`${server.banner.baseUrl}${path}`, {
      method,
      headers: body === undefined ? headers : { "content-type": "application/json", ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  const admin = (method: string, path: string, body?: unknown) =>
    call(method, path, body, { authorization: `Bearer ${adminToken}` });
  const chat = (key: string) =>
    call(
      "POST",
      "/v1/chat/completions",
      { model: "simulator/echo", messages: [{ role: "user", content: "x" }] },
      authed(key),
    );

  before(async () => {
    server = await startServe(["--port", "0"], box.dir, box.env());
    secrets.push(server.banner.setupToken!, server.banner.firstKey!);
  });
  after(async () => {
    await server.stop("SIGKILL");
    box.remove();
  });

  it("admin routes refuse a missing, malformed or wrong bearer with 401 admin_unauthorized", async () => {
    const routes: Array<[string, string, unknown?]> = [
      ["GET", "/admin/keys"],
      ["POST", "/admin/keys", { name: "x" }],
      ["DELETE", "/admin/keys/key_whatever"],
      ["GET", "/admin/usage?since=1d"],
      ["GET", "/admin/audit"],
    ];
    const credentials: Array<Record<string, string>> = [
      {},
      { authorization: `Basic ${Buffer.from("admin:admin").toString("base64")}` },
      { authorization: "Bearer admin" },
      { authorization: `Bearer ${generateToken("ovta")}` },
      { authorization: `Bearer ${server.banner.setupToken}` },
      { authorization: `Bearer ${server.banner.firstKey}` },
      { "x-api-key": server.banner.firstKey! },
    ];
    for (const [method, path, body] of routes) {
      for (const headers of credentials) {
        const res = await call(method, path, body, headers);
        const err = await expectOpenAiError(res, 401, "admin_unauthorized");
        assert.equal(err.error.message, "Admin authentication required.");
      }
    }
  });

  it("default or guessed setup credentials are refused: 401 invalid_setup_token", async () => {
    for (const setup_token of [
      "admin",
      "password",
      "admin:admin",
      "x".repeat(40),
      generateToken("ovts"),
      server.banner.firstKey,
    ]) {
      await expectOpenAiError(
        await call("POST", "/admin/setup", { setup_token }),
        401,
        "invalid_setup_token",
      );
    }
    const creds = await call("POST", "/admin/setup", { username: "admin", password: "admin" });
    assert.equal((await expectOpenAiError(creds, 400, "invalid_request")).error.param, "setup_token");
    const both = await call("POST", "/admin/setup", {
      setup_token: "admin",
      username: "admin",
      password: "admin",
    });
    const err = await expectOpenAiError(both, 400, "invalid_request");
    assert.equal(err.error.message, "Unknown field(s): username, password");
    await expectOpenAiError(
      await call("POST", "/admin/login", { username: "admin", password: "admin" }),
      404,
      "not_found",
    );
  });

  it("the banner's setup token is exchanged once for an admin token", async () => {
    const smuggled = await call("POST", "/admin/setup", {
      setup_token: server.banner.setupToken,
      admin: true,
    });
    await expectOpenAiError(smuggled, 400, "invalid_request");
    const res = await call("POST", "/admin/setup", { setup_token: server.banner.setupToken });
    assert.equal(res.status, 201);
    const body = (await res.json()) as { admin_token: string };
    assert.match(body.admin_token, /^ovta_[0-9A-Za-z]{49}$/);
    adminToken = body.admin_token;
    secrets.push(adminToken);
    const again = await call("POST", "/admin/setup", { setup_token: server.banner.setupToken });
    const err = await expectOpenAiError(again, 401, "invalid_setup_token");
    assert.equal(err.error.message, "Invalid or already used setup token.");
    assert.equal((await admin("GET", "/admin/keys")).status, 200);
  });

  it("POST /admin/keys refuses unknown fields by name (no mass assignment)", async () => {
    const before = ((await (await admin("GET", "/admin/keys")).json()) as { data: unknown[] }).data.length;
    const res = await admin("POST", "/admin/keys", {
      name: "sneaky",
      models: ["*"],
      id: "key_chosen",
      key: `ovt_${"A".repeat(49)}`,
      digest: "0".repeat(64),
      revoked_at: null,
    });
    const err = await expectOpenAiError(res, 400, "invalid_request");
    assert.match(err.error.message, /^Unknown field\(s\): id, key, digest, revoked_at$/);
    for (const bad of [{}, { name: "" }, { name: "x", models: [] }, { name: "x", expires_in: "forever" }]) {
      await expectOpenAiError(await admin("POST", "/admin/keys", bad), 400, "invalid_request");
    }
    const after = ((await (await admin("GET", "/admin/keys")).json()) as { data: unknown[] }).data.length;
    assert.equal(after, before, "nothing was created");
  });

  it("POST /admin/keys with an unknown tenant_id is a 4xx, not a 500", {}, async () => {
    const res = await admin("POST", "/admin/keys", { name: "t", tenant_id: "no-such-tenant" });
    assert.ok(res.status >= 400 && res.status < 500, `status ${res.status}: ${await res.text()}`);
  });

  it("a key created over the API works with the openai SDK, within its scope", async () => {
    const res = await admin("POST", "/admin/keys", {
      name: "api",
      models: ["simulator/echo"],
      expires_in: "30d",
    });
    assert.equal(res.status, 201);
    const created = (await res.json()) as CreatedKey;
    secrets.push(created.key);
    assert.deepEqual(created.models, ["simulator/echo"]);
    assert.ok(Date.parse(created.expires_at!) > Date.now() + 29 * 86_400_000);
    const client = new OpenAI({ apiKey: created.key, baseURL: `${server.banner.baseUrl}/v1`, maxRetries: 0 });
    const done = await client.chat.completions.create({
      model: "simulator/echo",
      messages: [{ role: "user", content: "made by admin" }],
    });
    assert.equal(done.choices[0]?.message.content, "You said: made by admin");
    await assert.rejects(
      client.chat.completions.create({
        model: "simulator/echo-reasoner",
        messages: [{ role: "user", content: "x" }],
      }),
      (error: unknown) => error instanceof OpenAI.PermissionDeniedError,
    );
  });

  it("GET /admin/keys never contains key material or digests", async () => {
    const res = await admin("GET", "/admin/keys");
    const text = await res.text();
    const { data } = JSON.parse(text) as { data: Array<Record<string, unknown>> };
    assert.ok(data.length >= 2);
    for (const row of data) {
      assert.ok(!("key" in row) && !("digest" in row), Object.keys(row).join());
      assert.match(String(row.prefix), /^ovt_\w{1,8}…$/);
    }
    for (const secret of secrets) {
      assert.ok(!text.includes(secret), "no key or token");
      assert.ok(!text.includes(digest(secret)), "no digest");
    }
    assert.doesNotMatch(text, /[0-9a-f]{64}/);
  });

  it("DELETE /admin/keys/:id revokes: the next request is 401; a second DELETE is 404", async () => {
    const created = (await (await admin("POST", "/admin/keys", { name: "doomed" })).json()) as CreatedKey;
    secrets.push(created.key);
    const ok = await chat(created.key);
    assert.equal(ok.status, 200);
    await ok.text();
    const del = await admin("DELETE", `/admin/keys/${created.id}`);
    assert.equal(del.status, 200);
    assert.deepEqual(await del.json(), { id: created.id, revoked: true });
    await expectOpenAiError(await chat(created.key), 401, "invalid_api_key");
    await expectOpenAiError(await admin("DELETE", `/admin/keys/${created.id}`), 404, "not_found");
    const listed = (await (await admin("GET", "/admin/keys")).json()) as {
      data: Array<{ id: string; revoked_at: string | null }>;
    };
    assert.ok(listed.data.find((k) => k.id === created.id)?.revoked_at);
  });

  it("GET /admin/usage?since=1d&by=model reports the traffic", async () => {
    let rows: Array<{ group: string; requests: number; inputTokens: number }> = [];
    for (let i = 0; i < 50; i++) {
      const res = await admin("GET", "/admin/usage?since=1d&by=model");
      assert.equal(res.status, 200);
      const body = (await res.json()) as { by: string; data: typeof rows };
      assert.equal(body.by, "model");
      rows = body.data;
      if ((rows.find((r) => r.group === "simulator/echo")?.requests ?? 0) >= 2) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const echo = rows.find((r) => r.group === "simulator/echo");
    assert.equal(echo?.requests, 2, JSON.stringify(rows));
    assert.ok(echo.inputTokens > 0);
    await expectOpenAiError(await admin("GET", "/admin/usage?by=colour"), 400, "invalid_request");
    await expectOpenAiError(await admin("GET", "/admin/usage?since=whenever"), 400, "invalid_request");
  });

  it("GET /admin/audit shows key.create and key.revoke with actors, and no secrets", async () => {
    const res = await admin("GET", "/admin/audit");
    const text = await res.text();
    const { data } = JSON.parse(text) as { data: Array<{ action: string; actor: string; target: string }> };
    const actions = data.map((e) => e.action);
    assert.ok(actions.includes("key.create") && actions.includes("key.revoke"), actions.join());
    assert.ok(actions.includes("admin_token.create"));
    assert.ok(data.some((e) => e.action === "key.create" && e.actor === "system:first-start"));
    const revoke = data.find((e) => e.action === "key.revoke");
    assert.match(revoke?.actor ?? "", /^admin:adm_/);
    for (const secret of secrets) {
      assert.ok(!text.includes(secret) && !text.includes(digest(secret)));
    }
    assert.doesNotMatch(text, /[0-9a-f]{64}/);
    const one = (await (await admin("GET", "/admin/audit?limit=1")).json()) as { data: unknown[] };
    assert.equal(one.data.length, 1);
  });
});
