/**
 * Log signing-key rotation (issue 5): after `rotateLogKey` and a restart the
 * relay signs with the new key, /.well-known/overt.json publishes both, and a
 * receipt proven under the old key still verifies.
 */
import assert from "node:assert/strict";
import { rmSync } from "node:fs";
import { describe, it } from "node:test";
import { rotateLogKey } from "../../src/integrity/log-identity.js";
import { newVerifier } from "../../src/integrity/note-keys.js";
import { verifyProof } from "../../src/integrity/proof.js";
import { createRelay, openCore } from "../../src/main.js";
import { createLogger } from "../../src/observability/logger.js";
import { runCli, sandbox } from "../helpers/cli.js";
import { post } from "../helpers/http.js";
import { startTestRelay, startTestUpstream } from "../helpers/relay.js";

interface WellKnown {
  log: { origin: string; verifierKeys: string[] };
}

async function provenReceipt(baseUrl: string, key: string, sequence: () => Promise<unknown>) {
  const headers = { authorization: `Bearer ${key}` };
  const response = await post(
    baseUrl,
    "/v1/chat/completions",
    { model: "gpt-echo", messages: [{ role: "user", content: "rotate" }] },
    { authorization: `Bearer ${key}` },
  );
  await response.arrayBuffer();
  const id = response.headers.get("overt-receipt-id") ?? "";
  // As a client does: retry while the receipt is being finished and integrated (409).
  for (let i = 0; i < 250; i++) {
    await sequence();
    const proof = await fetch(`${baseUrl}/v1/receipts/${id}/proof`, { headers });
    if (proof.status === 200) {
      const text = await (await fetch(`${baseUrl}/v1/receipts/${id}`, { headers })).text();
      return { text, proof: await proof.text() };
    }
    assert.equal(proof.status, 409);
    await proof.body?.cancel();
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`receipt ${id} was not integrated`);
}

describe("log signing-key rotation", () => {
  it("signs with the new key after a restart; old proofs still verify", async () => {
    const upstream = await startTestUpstream({ id: "sim", models: ["echo"] });
    const first = await startTestRelay({
      providers: [upstream.provider],
      routes: { "gpt-echo": [{ provider: "sim", model: "echo", weight: 1 }] },
    });
    const config = first.relay.config;
    try {
      const before = (await (await fetch(`${first.baseUrl}/.well-known/overt.json`)).json()) as WellKnown;
      assert.equal(before.log.verifierKeys.length, 1);
      const old = await provenReceipt(first.baseUrl, first.key, () => first.relay.integrity.sequencer.run());
      await first.relay.close();

      const core = await openCore(config);
      const rotated = await rotateLogKey(core.storage, core.masterKeys);
      await core.storage.close();
      assert.equal(rotated.verifierKeys.length, 2);

      const second = await createRelay(config, { logger: createLogger("silent") });
      const baseUrl = await second.app.listen({ host: "127.0.0.1", port: 0 });
      try {
        const after = (await (await fetch(`${baseUrl}/.well-known/overt.json`)).json()) as WellKnown;
        assert.equal(after.log.origin, before.log.origin, "the origin never changes");
        assert.deepEqual(after.log.verifierKeys, rotated.verifierKeys);
        const fresh = await provenReceipt(baseUrl, first.key, () => second.integrity.sequencer.run());
        const onlyNew = {
          origin: after.log.origin,
          logVerifiers: [newVerifier(after.log.verifierKeys[1] ?? "")],
        };
        const onlyOld = {
          origin: after.log.origin,
          logVerifiers: [newVerifier(after.log.verifierKeys[0] ?? "")],
        };
        verifyProof(fresh.proof, { entry: Buffer.from(fresh.text) }, onlyNew);
        assert.throws(() => verifyProof(fresh.proof, { entry: Buffer.from(fresh.text) }, onlyOld));
        verifyProof(old.proof, { entry: Buffer.from(old.text) }, onlyOld);
        const all = { origin: after.log.origin, logVerifiers: after.log.verifierKeys.map(newVerifier) };
        verifyProof(old.proof, { entry: Buffer.from(old.text) }, all);
      } finally {
        await second.close();
      }
    } finally {
      await upstream.simulator.close();
      rmSync(first.dataDir, { recursive: true, force: true });
    }
  });

  it("overt log rotate-key adds a key and keeps the earlier ones (and audits it)", async () => {
    const box = sandbox();
    try {
      const first = await runCli(["log", "rotate-key", "--json"], box.dir, box.env());
      assert.equal(first.code, 0, first.stderr);
      const second = await runCli(["log", "rotate-key", "--json"], box.dir, box.env());
      const a = JSON.parse(first.stdout) as { origin: string; verifierKeys: string[] };
      const b = JSON.parse(second.stdout) as { origin: string; verifierKeys: string[] };
      assert.equal(b.origin, a.origin);
      assert.deepEqual(b.verifierKeys.slice(0, a.verifierKeys.length), a.verifierKeys);
      assert.equal(b.verifierKeys.length, a.verifierKeys.length + 1);
      const text = await runCli(["log", "rotate-key"], box.dir, box.env());
      assert.match(text.stdout, /earlier key\(s\) stay published/);
    } finally {
      box.remove();
    }
  });
});
