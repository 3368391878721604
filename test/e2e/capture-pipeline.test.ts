/**
 * Capture on the request path (issue 4; catalogue K2): nothing is captured by
 * default; a tenant that opts in gets each exchange — the request as sent and
 * the response as delivered, streamed or not — sealed under its data key; only
 * ciphertext reaches the disk; after crypto-shredding nothing is recoverable.
 */
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import OpenAI from "openai";
import { startTestRelay, startTestUpstream, type TestRelay, type TestUpstream } from "../helpers/relay.js";

/** Every byte under `dir` (SQLite db, WAL, key files…). */
function diskContains(dir: string, needle: string): string[] {
  const hits: string[] = [];
  for (const name of readdirSync(dir, { recursive: true }) as string[]) {
    let bytes: Buffer;
    try {
      bytes = readFileSync(join(dir, name));
    } catch {
      continue; // a directory
    }
    if (bytes.includes(Buffer.from(needle))) hits.push(name);
  }
  return hits;
}

async function waitFor<T>(probe: () => Promise<T | undefined>): Promise<T> {
  for (let i = 0; i < 200; i++) {
    const value = await probe();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error("timed out");
}

describe("capture on the request path", () => {
  let upstream: TestUpstream;
  let relay: TestRelay;
  let client: OpenAI;

  before(async () => {
    upstream = await startTestUpstream({ id: "local", models: ["echo"] });
    relay = await startTestRelay({
      providers: [upstream.provider],
      routes: { echo: [{ provider: "local", model: "echo", weight: 1 }] },
      dataProtection: { tenants: { default: { capture: { enabled: true, retentionDays: 7 } } } },
    });
    client = new OpenAI({ apiKey: relay.key, baseURL: `${relay.baseUrl}/v1`, maxRetries: 0 });
  });
  after(async () => {
    await relay.close();
    await upstream.simulator.close();
  });

  it("seals request and response (JSON and streamed); only ciphertext on disk", async () => {
    const canary = `CANARY-${randomBytes(8).toString("hex")}`;
    await client.chat.completions.create({
      model: "echo",
      messages: [{ role: "user", content: `${canary} json` }],
    });
    const stream = await client.chat.completions.create({
      model: "echo",
      stream: true,
      messages: [{ role: "user", content: `${canary} stream` }],
    });
    for await (const _ of stream) {
      // drain
    }
    const captures = await waitFor(async () => {
      const list = await relay.relay.capture.list({ tenantId: "default" });
      return list.length >= 2 ? list : undefined;
    });
    const bodies = await Promise.all(captures.map((c) => relay.relay.capture.read(c.id)));
    const json = bodies.find((b) => b?.request.includes(`${canary} json`));
    assert.ok(json, "the JSON exchange was captured");
    assert.ok(json.response.includes(`You said: ${canary} json`));
    const streamed = bodies.find((b) => b?.request.includes(`${canary} stream`));
    assert.ok(streamed, "the streamed exchange was captured");
    assert.ok(streamed.response.includes("data: "), "the stream is captured as delivered");
    assert.ok(streamed.response.includes("[DONE]"));
    for (const c of captures) assert.ok(c.expiresAt - c.createdAt === 7 * 86_400_000);

    await relay.relay.ledger.flush();
    assert.deepEqual(diskContains(relay.dataDir, canary), [], "no plaintext anywhere on disk");

    await relay.relay.keyring.shred("default", "test");
    assert.equal((await relay.relay.capture.list({ tenantId: "default" })).length, 0);
    for (const c of captures) {
      const read = await relay.relay.capture.read(c.id).catch((e: unknown) => e);
      assert.ok(read === undefined || read instanceof Error, "shredded content cannot be read");
    }
  });
});

describe("capture is off by default", () => {
  it("records nothing and writes no content", async () => {
    const upstream = await startTestUpstream({ id: "local", models: ["echo"] });
    const relay = await startTestRelay({
      providers: [upstream.provider],
      routes: { echo: [{ provider: "local", model: "echo", weight: 1 }] },
    });
    try {
      const canary = `CANARY-${randomBytes(8).toString("hex")}`;
      const client = new OpenAI({ apiKey: relay.key, baseURL: `${relay.baseUrl}/v1`, maxRetries: 0 });
      await client.chat.completions.create({ model: "echo", messages: [{ role: "user", content: canary }] });
      await relay.relay.ledger.flush();
      assert.equal((await relay.relay.capture.list({})).length, 0);
      assert.deepEqual(diskContains(relay.dataDir, canary), []);
    } finally {
      await relay.close();
      await upstream.simulator.close();
    }
  });
});
