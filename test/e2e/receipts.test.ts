/**
 * Receipts and the transparency log end to end (issue 5): every response
 * carries `overt-receipt-id` and `overt-receipt-blind`; the receipt read back by
 * its own key binds the exact request and response bytes (blinded), the route,
 * usage and transformations; once sequenced it is proven by inclusion under a
 * checkpoint signed by the key published in /.well-known/overt.json; tiles and
 * entry bundles serve the same tree; the policy and admin actions are entries.
 */
import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { after, before, describe, it } from "node:test";
import { openCheckpoint } from "../../src/integrity/checkpoint.js";
import { decodeEntryBundle } from "../../src/integrity/entry-bundle.js";
import { leafHash } from "../../src/integrity/merkle.js";
import { openNote } from "../../src/integrity/note.js";
import { newVerifier } from "../../src/integrity/note-keys.js";
import { verifyProof } from "../../src/integrity/proof.js";
import { parseReceipt } from "../../src/integrity/receipt.js";
import { post } from "../helpers/http.js";
import { waitForProof } from "../helpers/integrity.js";
import { startTestRelay, startTestUpstream, type TestRelay, type TestUpstream } from "../helpers/relay.js";

const mac = (blind: string, bytes: Uint8Array) =>
  createHmac("sha256", Buffer.from(blind, "hex")).update(bytes).digest("hex");

interface WellKnown {
  log: { origin: string; verifierKeys: string[]; maxMergeDelaySeconds: number };
}

describe("receipts and the transparency log", () => {
  let upstream: TestUpstream;
  let relay: TestRelay;
  let wellKnown: WellKnown;

  before(async () => {
    upstream = await startTestUpstream({
      id: "sim",
      models: ["echo"],
      script: (request) => {
        const body = request.body as { messages?: { content?: string }[] };
        return body.messages?.[0]?.content === "fail" ? { kind: "error", status: 500 } : undefined;
      },
    });
    relay = await startTestRelay({
      providers: [upstream.provider],
      routes: { "gpt-echo": [{ provider: "sim", model: "echo", weight: 1 }] },
      transport: { maxAttempts: 1 },
    });
    wellKnown = (await (await fetch(`${relay.baseUrl}/.well-known/overt.json`)).json()) as WellKnown;
  });
  after(async () => {
    await relay.close();
    await upstream.simulator.close();
  });

  const auth = () => ({ authorization: `Bearer ${relay.key}` });
  /** The receipt as a client reads it: 409 while the relay is still finishing the response, then 200. */
  const getReceipt = async (id: string, key = relay.key) => {
    for (let i = 0; i < 100; i++) {
      const response = await fetch(`${relay.baseUrl}/v1/receipts/${id}`, {
        headers: { authorization: `Bearer ${key}` },
      });
      if (response.status !== 409) return response;
      assert.equal(response.headers.get("retry-after"), "1");
      await response.body?.cancel();
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    throw new Error(`receipt ${id} never became final`);
  };

  it("binds the exact request and response bytes, the route and the usage", async () => {
    const requestBytes = JSON.stringify({
      model: "gpt-echo",
      messages: [{ role: "user", content: "hello receipts" }],
    });
    const response = await post(relay.baseUrl, "/v1/chat/completions", requestBytes, auth());
    assert.equal(response.status, 200);
    const responseBytes = new Uint8Array(await response.arrayBuffer());
    const id = response.headers.get("overt-receipt-id") ?? "";
    const blind = response.headers.get("overt-receipt-blind") ?? "";
    assert.match(id, /^rcpt_/);
    assert.match(blind, /^[0-9a-f]{64}$/);

    const got = await getReceipt(id);
    assert.equal(got.status, 200, "readable as soon as the response is complete, before it is sequenced");
    const receipt = parseReceipt(await got.text());
    assert.equal(receipt.id, id);
    assert.equal(receipt.request, mac(blind, Buffer.from(requestBytes)));
    assert.equal(receipt.response, mac(blind, responseBytes));
    assert.equal(receipt.model, "gpt-echo");
    assert.deepEqual([receipt.provider, receipt.upstreamModel], ["sim", "echo"]);
    assert.equal(receipt.endpoint, new URL(upstream.simulator.url).host);
    assert.match(receipt.upstreamResponseId, /^chatcmpl-/);
    assert.ok(receipt.upstreamUsage && receipt.upstreamUsage.input > 0);
    assert.deepEqual(receipt.billed?.currency, "USD");
    assert.ok(receipt.transformations.includes("model:gpt-echo>echo"));
    assert.equal(receipt.policy, relay.relay.integrity.policyIndex);
    assert.deepEqual([receipt.status, receipt.httpStatus], ["ok", 200]);
  });

  it("hashes every streamed byte, and receipts failures too", async () => {
    const stream = await post(
      relay.baseUrl,
      "/v1/chat/completions",
      { model: "gpt-echo", stream: true, messages: [{ role: "user", content: "stream me" }] },
      auth(),
    );
    const bytes = new Uint8Array(await stream.arrayBuffer());
    const streamed = parseReceipt(
      await (await getReceipt(stream.headers.get("overt-receipt-id") ?? "")).text(),
    );
    assert.equal(streamed.response, mac(stream.headers.get("overt-receipt-blind") ?? "", bytes));

    const failed = await post(
      relay.baseUrl,
      "/v1/chat/completions",
      { model: "gpt-echo", messages: [{ role: "user", content: "fail" }] },
      auth(),
    );
    const failedBytes = new Uint8Array(await failed.arrayBuffer());
    assert.ok(failed.status >= 500);
    const receipt = parseReceipt(
      await (await getReceipt(failed.headers.get("overt-receipt-id") ?? "")).text(),
    );
    assert.equal(receipt.status, "error");
    assert.equal(receipt.httpStatus, failed.status);
    assert.equal(receipt.response, mac(failed.headers.get("overt-receipt-blind") ?? "", failedBytes));
  });

  it("shows a receipt only to the key that made the request", async () => {
    const other = await relay.relay.keys.create({
      name: "other",
      models: ["*"],
      expiresAt: null,
      actor: "test",
    });
    const response = await post(
      relay.baseUrl,
      "/v1/chat/completions",
      { model: "gpt-echo", messages: [{ role: "user", content: "mine" }] },
      auth(),
    );
    const id = response.headers.get("overt-receipt-id") ?? "";
    assert.equal((await getReceipt(id, other.key)).status, 404);
    assert.equal((await getReceipt("rcpt_nope")).status, 404);
  });

  it("proves inclusion under a checkpoint signed by the published key; tiles agree", async () => {
    const response = await post(
      relay.baseUrl,
      "/v1/chat/completions",
      { model: "gpt-echo", messages: [{ role: "user", content: "prove me" }] },
      auth(),
    );
    const id = response.headers.get("overt-receipt-id") ?? "";
    const early = await fetch(`${relay.baseUrl}/v1/receipts/${id}/proof`, { headers: auth() });
    if (early.status !== 200) {
      assert.equal(early.status, 409);
      assert.equal(early.headers.get("retry-after"), "1");
    }
    const proof = await waitForProof(relay, id, auth());
    const text = await (await getReceipt(id)).text();
    const policy = {
      origin: wellKnown.log.origin,
      logVerifiers: wellKnown.log.verifierKeys.map(newVerifier),
    };
    const verified = verifyProof(proof, { entry: Buffer.from(text) }, policy);
    assert.ok(verified.index > relay.relay.integrity.policyIndex);

    const checkpoint = await (await fetch(`${relay.baseUrl}/log/checkpoint`)).text();
    const { checkpoint: head } = openCheckpoint(checkpoint, policy);
    assert.ok(head.size > verified.index);
    const width = Math.min(head.size, 256);
    const path = width === 256 ? "000" : `000.p/${width}`;
    const bundle = decodeEntryBundle(
      new Uint8Array(await (await fetch(`${relay.baseUrl}/log/tile/entries/${path}`)).arrayBuffer()),
    );
    const tile = Buffer.from(await (await fetch(`${relay.baseUrl}/log/tile/0/${path}`)).arrayBuffer());
    assert.equal(bundle.length, width);
    for (const [i, entry] of bundle.entries()) {
      assert.deepEqual(tile.subarray(i * 32, i * 32 + 32), leafHash(entry), `leaf ${i}`);
    }
    assert.equal(bundle[verified.index]?.toString("utf8"), text);
    assert.match(bundle[relay.relay.integrity.policyIndex]?.toString("utf8") ?? "", /^overt\.policy\/v1\n/);
    assert.ok(
      bundle.some((e) => e.toString("utf8").startsWith("overt.admin/v1\n") && e.includes("key.create")),
      "admin actions are log entries",
    );
    assert.equal((await fetch(`${relay.baseUrl}/log/tile/0/999`)).status, 404);
  });

  it("a changed byte in the receipt or the response is detected", async () => {
    const response = await post(
      relay.baseUrl,
      "/v1/chat/completions",
      { model: "gpt-echo", messages: [{ role: "user", content: "tamper" }] },
      auth(),
    );
    const bytes = Buffer.from(await response.arrayBuffer());
    const id = response.headers.get("overt-receipt-id") ?? "";
    const proof = await waitForProof(relay, id, auth());
    const text = await (await getReceipt(id)).text();
    const policy = {
      origin: wellKnown.log.origin,
      logVerifiers: wellKnown.log.verifierKeys.map(newVerifier),
    };
    const forged = text.replace("status ok 200", "status ok 201");
    assert.throws(() => verifyProof(proof, { entry: Buffer.from(forged) }, policy), /root/i);
    bytes[bytes.length - 2] ^= 1;
    assert.notEqual(
      parseReceipt(text).response,
      mac(response.headers.get("overt-receipt-blind") ?? "", bytes),
    );
  });
});

describe("receipts signed one by one (integrity.signReceipts)", () => {
  it("each receipt is a signed note under the log key", async () => {
    const upstream = await startTestUpstream({ id: "sim", models: ["echo"] });
    const relay = await startTestRelay({
      providers: [upstream.provider],
      routes: { "gpt-echo": [{ provider: "sim", model: "echo", weight: 1 }] },
      signReceipts: true,
    });
    try {
      const response = await post(
        relay.baseUrl,
        "/v1/chat/completions",
        { model: "gpt-echo", messages: [{ role: "user", content: "sign me" }] },
        { authorization: `Bearer ${relay.key}` },
      );
      const id = response.headers.get("overt-receipt-id") ?? "";
      const text = await (
        await fetch(`${relay.baseUrl}/v1/receipts/${id}`, {
          headers: { authorization: `Bearer ${relay.key}` },
        })
      ).text();
      const known = (await (await fetch(`${relay.baseUrl}/.well-known/overt.json`)).json()) as WellKnown;
      const opened = openNote(text, known.log.verifierKeys.map(newVerifier));
      assert.equal(parseReceipt(opened.text).id, id);
      assert.throws(() =>
        openNote(text.replace("status ok 200", "status ok 201"), known.log.verifierKeys.map(newVerifier)),
      );
    } finally {
      await relay.close();
      await upstream.simulator.close();
    }
  });
});
