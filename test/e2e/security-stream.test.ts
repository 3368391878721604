/** Security catalogue C1–C7 (and C9, C11): streams are never cut silently and are always settled. */
import assert from "node:assert/strict";
import { request as httpRequest } from "node:http";
import { after, before, describe, it } from "node:test";
import type { Behavior } from "../../src/upstreams/simulator/types.js";
import { post, readSse } from "../helpers/http.js";
import {
  startTestRelay,
  startTestUpstream,
  type TestRelay,
  type TestUpstream,
  usageRecords,
} from "../helpers/relay.js";

const CHINESE = "你好，世界！这是一个多字节的流式测试。";

describe("streaming (catalogue C)", () => {
  let upstream: TestUpstream;
  let relay: TestRelay;
  let next: Behavior | undefined;
  let auth: Record<string, string>;

  const stream = (content: string, extra: Record<string, unknown> = {}) =>
    post(
      relay.baseUrl,
      "/v1/chat/completions",
      { model: "sim-model", messages: [{ role: "user", content }], stream: true, ...extra },
      auth,
    );
  const recordFor = async (requestId: string | null) => {
    for (let i = 0; i < 50; i++) {
      const rows = await usageRecords(relay.relay, 1);
      const row = rows.find((r) => r.requestId === requestId);
      if (row) return row;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    throw new Error(`no usage record for ${requestId}`);
  };

  before(async () => {
    upstream = await startTestUpstream({
      id: "acme",
      script: () => {
        const behavior = next;
        next = undefined;
        return behavior;
      },
    });
    relay = await startTestRelay({
      providers: [upstream.provider],
      transport: { idleTimeoutMs: 400, maxAttempts: 1 },
    });
    auth = { authorization: `Bearer ${relay.key}` };
  });
  after(async () => {
    await relay.close();
    await upstream.simulator.close();
  });

  it("C1: an upstream that goes quiet → in-stream upstream_timeout, partial record", async () => {
    next = { kind: "stall-after-headers", stream: true };
    const res = await stream("stall");
    assert.equal(res.status, 200);
    const events = await readSse(res);
    const last = JSON.parse(events.at(-1) ?? "{}") as { error?: { code: string; message: string } };
    assert.equal(last.error?.code, "upstream_timeout");
    assert.match(last.error?.message ?? "", /No data from upstream acme for 0.4 s/);
    assert.ok(!events.includes("[DONE]"));
    const row = await recordFor(res.headers.get("x-request-id"));
    assert.equal(row.status, "partial");
    assert.equal(row.errorCode, "upstream_timeout");
  });

  it("C2: one byte at a time, splitting UTF-8 and lines → identical output", async () => {
    const normal = await readSse(await stream("trickle", {}));
    next = { kind: "trickle", bytesPerWrite: 1, delayMs: 0, text: CHINESE };
    const trickled = await readSse(await stream("trickle"));
    const text = (events: string[]) =>
      events
        .filter((e) => e !== "[DONE]")
        .map(
          (e) =>
            (JSON.parse(e) as { choices: Array<{ delta: { content?: string } }> }).choices[0]?.delta
              .content ?? "",
        )
        .join("");
    assert.equal(text(trickled), CHINESE);
    assert.ok(!text(trickled).includes("\uFFFD"));
    assert.equal(trickled.at(-1), "[DONE]");
    assert.equal(normal.at(-1), "[DONE]");
  });

  it("C3: comments, CRLF and unknown events are tolerated", async () => {
    next = { kind: "malformed-sse", faults: ["crlf", "comment-ping", "unknown-event"], text: "tolerant" };
    const events = await readSse(await stream("x"));
    assert.equal(events.at(-1), "[DONE]");
    const text = events
      .filter((e) => e !== "[DONE]")
      .map(
        (e) =>
          (JSON.parse(e) as { choices: Array<{ delta: { content?: string } }> }).choices[0]?.delta.content ??
          "",
      )
      .join("");
    assert.equal(text, "tolerant");
  });

  it("C3: a non-JSON data line → in-stream upstream_protocol_error and close", async () => {
    next = { kind: "malformed-sse", faults: ["non-json-data"], atChunk: 2 };
    const res = await stream("x");
    const events = await readSse(res);
    const last = JSON.parse(events.at(-1) ?? "{}") as { error?: { code: string } };
    assert.equal(last.error?.code, "upstream_protocol_error");
    assert.ok(!events.includes("[DONE]"));
    assert.equal((await recordFor(res.headers.get("x-request-id"))).status, "partial");
  });

  it("C4: upstream closes mid-stream → upstream_disconnected, usage estimated from what was delivered", async () => {
    next = { kind: "disconnect", afterChunks: 3, text: "one two three four five six seven eight" };
    const res = await stream("x");
    const events = await readSse(res);
    const last = JSON.parse(events.at(-1) ?? "{}") as { error?: { code: string } };
    assert.equal(last.error?.code, "upstream_disconnected");
    assert.ok(!events.includes("[DONE]"));
    const row = await recordFor(res.headers.get("x-request-id"));
    assert.equal(row.status, "partial");
    assert.equal(row.usageSource, "estimated");
    assert.ok(row.outputTokens > 0, "never billed zero when text was delivered");
    assert.ok(row.inputTokens > 0);
  });

  it("C5: usage sent before the stream broke is the usage billed (upstream-reported, not estimated)", async () => {
    next = { kind: "disconnect", afterChunks: 1_000, text: "all of it but the end" };
    const res = await stream("x");
    const events = await readSse(res);
    assert.equal(
      (JSON.parse(events.at(-1) ?? "{}") as { error?: { code: string } }).error?.code,
      "upstream_disconnected",
    );
    const row = await recordFor(res.headers.get("x-request-id"));
    assert.equal(row.status, "partial");
    assert.equal(row.usageSource, "upstream");
    assert.ok(row.outputTokens > 0 && row.inputTokens > 0);
  });

  it("C6: client leaves after the first chunk → upstream aborted, usage settled", async () => {
    next = { kind: "respond", text: "slow ".repeat(200), chunkDelayMs: 20 };
    const hitsBefore = upstream.simulator.hits.length;
    const requestId = await new Promise<string>((resolve, reject) => {
      const req = httpRequest(`${relay.baseUrl}/v1/chat/completions`, {
        method: "POST",
        headers: { ...auth, "content-type": "application/json" },
      });
      req.on("response", (res) => {
        res.once("data", () => {
          req.destroy();
          resolve(String(res.headers["x-request-id"]));
        });
      });
      req.on("error", () => {});
      req.end(
        JSON.stringify({ model: "sim-model", messages: [{ role: "user", content: "x" }], stream: true }),
      );
      setTimeout(() => reject(new Error("no response")), 3000);
    });
    const hit = upstream.simulator.hits[hitsBefore];
    for (let i = 0; i < 50 && !hit?.aborted; i++) await new Promise((resolve) => setTimeout(resolve, 20));
    assert.equal(hit?.aborted, true, "upstream request aborted within 1 s");
    const row = await recordFor(requestId);
    assert.equal(row.status, "partial");
    assert.equal(row.errorCode, "client_disconnected");
    assert.ok(row.inputTokens > 0);
  });

  it("C7: client leaves before the first byte → upstream aborted, input billed by estimate (documented policy)", async () => {
    next = { kind: "respond", delayMs: 1_000 };
    const hitsBefore = upstream.simulator.hits.length;
    await new Promise<void>((resolve) => {
      const req = httpRequest(`${relay.baseUrl}/v1/chat/completions`, {
        method: "POST",
        headers: { ...auth, "content-type": "application/json" },
      });
      req.on("error", () => {});
      req.end(
        JSON.stringify({ model: "sim-model", messages: [{ role: "user", content: "hedged request" }] }),
      );
      setTimeout(() => {
        req.destroy();
        resolve();
      }, 200);
    });
    const hit = upstream.simulator.hits[hitsBefore];
    for (let i = 0; i < 50 && !hit?.aborted; i++) await new Promise((resolve) => setTimeout(resolve, 20));
    assert.equal(hit?.aborted, true, "the upstream saw the abort within 1 s");
    let gone: Awaited<ReturnType<typeof usageRecords>>[number] | undefined;
    for (let i = 0; i < 50 && !gone; i++) {
      gone = (await usageRecords(relay.relay, 1)).find(
        (r) => r.errorCode === "client_disconnected" && !r.stream,
      );
      if (!gone) await new Promise((resolve) => setTimeout(resolve, 20));
    }
    assert.ok(gone, "a record exists for the abandoned request");
    assert.equal(gone.httpStatus, 499);
    assert.equal(gone.outputTokens, 0);
    assert.ok(gone.inputTokens > 0);
    assert.equal(gone.usageSource, "estimated");
  });

  it("C9: content that looks like SSE stays inside one JSON string", async () => {
    const injection = 'hi\n\ndata: {"choices":[{"delta":{"content":"INJECTED"}}]}\n\nevent: error\n';
    next = { kind: "respond", text: injection };
    const events = await readSse(await stream("x"));
    const text = events
      .filter((e) => e !== "[DONE]")
      .map(
        (e) =>
          (JSON.parse(e) as { choices: Array<{ delta: { content?: string } }> }).choices[0]?.delta.content ??
          "",
      )
      .join("");
    assert.equal(text, injection);
  });

  it("C11: an upstream error event mid-stream → the client's in-stream error, scrubbed", async () => {
    next = {
      kind: "stream-error",
      afterChunks: 2,
      error: { message: "Overloaded for org-AbCdEf123456", type: "server_error" },
    };
    const res = await stream("x");
    const events = await readSse(res);
    const last = JSON.parse(events.at(-1) ?? "{}") as { error?: { code: string; message: string } };
    assert.equal(last.error?.code, "upstream_stream_error");
    assert.ok(!last.error?.message.includes("org-AbCdEf123456"));
    assert.equal((await recordFor(res.headers.get("x-request-id"))).status, "partial");
  });
});
