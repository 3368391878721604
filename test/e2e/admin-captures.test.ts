/**
 * Admin routes for captured content (DESIGN §5): metadata list, one capture
 * decrypted, crypto-shredding a tenant; admin-only, audited, and never returning
 * ciphertext, key material or provider secrets. Unreadable content answers with
 * registry errors that carry ids only.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { expectOpenAiError } from "../helpers/http.js";
import { startTestRelay, startTestUpstream, type TestRelay, type TestUpstream } from "../helpers/relay.js";

const UPSTREAM_KEY = "sk-upstream-secret-0123456789abcdef";

describe("admin captures API", () => {
  let t: TestRelay;
  let upstream: TestUpstream;
  let admin = "";
  const ids: Record<string, string> = {};

  const call = (method: string, path: string, options: { token?: string; body?: unknown } = {}) =>
    fetch(`${t.baseUrl}${path}`, {
      method,
      headers: {
        ...(options.token === undefined ? {} : { authorization: `Bearer ${options.token}` }),
        ...(options.body === undefined ? {} : { "content-type": "application/json" }),
      },
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
    });

  before(async () => {
    upstream = await startTestUpstream({ id: "sim", apiKey: UPSTREAM_KEY });
    t = await startTestRelay({ providers: [upstream.provider] });
    await t.relay.storage.ensureTenant({ id: "acme", name: "Acme", createdAt: Date.now() });
    admin = await t.relay.adminAuth.createAdminToken("test", "test");
    const record = (tenantId: string, requestId: string, request: string, at = Date.now()) =>
      t.relay.capture.record({
        tenantId,
        keyId: "key_abc",
        requestId,
        at,
        retentionDays: 7,
        request,
        response: '{"answer":42}',
      });
    ids.old = await record("default", "req_old", '{"q":"first"}', Date.now() - 60_000);
    ids.leaky = await record("default", "req_leaky", `{"q":"the key is ${UPSTREAM_KEY}"}`);
    ids.acme = await record("acme", "req_acme", '{"q":"acme"}');
  });
  after(async () => {
    await t?.close();
    await upstream?.simulator.close();
  });

  it("is admin-only", async () => {
    for (const [method, path] of [
      ["GET", "/admin/captures"],
      ["GET", `/admin/captures/${ids.old}`],
      ["POST", "/admin/tenants/acme/shred"],
    ] as const) {
      await expectOpenAiError(await call(method, path), 401, "admin_unauthorized");
      await expectOpenAiError(await call(method, path, { token: t.key }), 401, "admin_unauthorized");
    }
  });

  it("lists metadata, newest first, filtered by tenant; no content or ciphertext", async () => {
    const res = await call("GET", "/admin/captures?tenant=default", { token: admin });
    assert.equal(res.status, 200);
    const body = (await res.json()) as { data: Array<Record<string, unknown>> };
    assert.deepEqual(
      body.data.map((c) => c.id),
      [ids.leaky, ids.old],
    );
    assert.deepEqual(Object.keys(body.data[0]!).sort(), [
      "created_at",
      "dek_version",
      "expires_at",
      "id",
      "key_id",
      "request_id",
      "size_bytes",
      "tenant_id",
    ]);
    assert.equal(body.data[0]!.tenant_id, "default");
    const all = (await (await call("GET", "/admin/captures?limit=2", { token: admin })).json()) as {
      data: unknown[];
    };
    assert.equal(all.data.length, 2);
    for (const query of ["limit=0", "limit=1001", "limit=x", "before=yesterday"]) {
      const err = await expectOpenAiError(
        await call("GET", `/admin/captures?${query}`, { token: admin }),
        400,
        "invalid_request",
      );
      assert.equal(err.error.param, query.split("=")[0]);
    }
  });

  it("reads one capture decrypted, audited, with provider secrets never returned", async () => {
    const res = await call("GET", `/admin/captures/${ids.leaky}`, { token: admin });
    assert.equal(res.status, 200);
    const text = await res.text();
    assert.ok(!text.includes(UPSTREAM_KEY), "the upstream key is not in the answer");
    const body = JSON.parse(text) as Record<string, unknown>;
    assert.equal(body.request, '{"q":"the key is [redacted provider secret]"}');
    assert.equal(body.response, '{"answer":42}');
    assert.equal(body.request_id, "req_leaky");
    assert.equal(Object.hasOwn(body, "ciphertext"), false);
    const audit = await t.relay.storage.listAudit(5);
    assert.ok(audit.some((e) => e.action === "capture.read" && e.target === ids.leaky));
    await expectOpenAiError(
      await call("GET", "/admin/captures/cap_nope", { token: admin }),
      404,
      "not_found",
    );
  });

  it("answers 500 capture_unreadable for altered content, naming only the id", async () => {
    const row = (await t.relay.storage.getCapture(ids.old))!;
    const flipped = Buffer.from(row.ciphertext);
    flipped[flipped.length - 1]! ^= 1;
    await t.relay.storage.insertCapture({ ...row, id: "cap_altered", ciphertext: flipped });
    const err = await expectOpenAiError(
      await call("GET", "/admin/captures/cap_altered", { token: admin }),
      500,
      "capture_unreadable",
    );
    assert.equal(
      err.error.message,
      "Capture cap_altered cannot be decrypted: it failed its integrity check.",
    );
  });

  it("shreds a tenant only with confirmation; afterwards its content is gone for good", async () => {
    const backup = (await t.relay.storage.getCapture(ids.acme))!;
    for (const body of [undefined, {}, { confirm: "default" }, { confirm: "acme", extra: 1 }]) {
      const res = await call("POST", "/admin/tenants/acme/shred", { token: admin, body });
      assert.equal(res.status, 400, JSON.stringify(body));
    }
    await expectOpenAiError(
      await call("POST", "/admin/tenants/ghost/shred", { token: admin, body: { confirm: "ghost" } }),
      404,
      "not_found",
    );
    const res = await call("POST", "/admin/tenants/acme/shred", { token: admin, body: { confirm: "acme" } });
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), {
      tenant_id: "acme",
      shredded: true,
      keys_destroyed: 1,
      captures_deleted: 1,
    });
    const [entry] = await t.relay.storage.listAudit(1);
    assert.equal(entry?.action, "tenant.shred");
    assert.equal(entry?.target, "acme");
    assert.match(entry?.actor ?? "", /^admin:adm_/);

    await expectOpenAiError(
      await call("GET", `/admin/captures/${ids.acme}`, { token: admin }),
      404,
      "not_found",
    );
    await t.relay.storage.insertCapture(backup);
    const err = await expectOpenAiError(
      await call("GET", `/admin/captures/${ids.acme}`, { token: admin }),
      410,
      "capture_shredded",
    );
    assert.match(err.error.message, /crypto-shredded/);
    assert.equal(
      (await call("GET", `/admin/captures/${ids.old}`, { token: admin })).status,
      200,
      "others stay",
    );
  });
});
