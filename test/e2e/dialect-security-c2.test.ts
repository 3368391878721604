/**
 * Security catalogue C2 for every client dialect, on both upstream dialects: an
 * upstream that writes its stream one byte at a time — splitting UTF-8 Chinese
 * characters (and a 4-byte character) and every `data:` line — gives the client
 * exactly the stream of the normal run: same text events, same end, no U+FFFD.
 * The text is read through each dialect's official SDK as well as from raw bytes.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { AnthropicBehavior } from "../../src/upstreams/simulator/anthropic/index.js";
import type { Behavior } from "../../src/upstreams/simulator/types.js";
import {
  assertCompleted,
  CLIENT_DIALECTS,
  type DialectRig,
  rawStream,
  recordFor,
  sdkStream,
  startDialectRig,
  UPSTREAMS,
} from "../helpers/dialects.js";

const CHINESE = "你好，世界！这是一个多字节的流式测试。𠮷";

describe("C2: a trickling upstream, every client dialect", () => {
  let rig: DialectRig;
  before(async () => {
    rig = await startDialectRig();
  });
  after(async () => {
    await rig.close();
  });

  const respond = (): [Behavior, AnthropicBehavior] => [
    { kind: "respond", text: CHINESE },
    { kind: "respond", text: CHINESE },
  ];
  const trickle = (): [Behavior, AnthropicBehavior] => [
    { kind: "trickle", bytesPerWrite: 1, delayMs: 0, text: CHINESE },
    { kind: "trickle", bytesPerWrite: 1, delayMs: 0, text: CHINESE },
  ];

  for (const dialect of CLIENT_DIALECTS) {
    for (const upstream of UPSTREAMS) {
      it(`${dialect} client, ${upstream.label}: byte-by-byte upstream → the normal run's stream`, async () => {
        rig.script(...respond());
        const normal = await rawStream(rig.relay, dialect, upstream.model, "trickle");
        rig.script(...trickle());
        const before = rig.hits();
        const trickled = await rawStream(rig.relay, dialect, upstream.model, "trickle");
        assert.equal(rig.hits(), before + 1, "one upstream request, no retry");
        const hit = (upstream.kind === "openai" ? rig.compat : rig.claude).simulator.hits.at(-1);
        assert.ok(hit?.finishedAt !== undefined && !hit.aborted, "the trickle ran to its end");

        assert.equal(normal.status, 200);
        assert.equal(trickled.status, 200);
        assertCompleted(dialect, normal.summary);
        assertCompleted(dialect, trickled.summary);
        assert.equal(normal.summary.text, CHINESE);
        assert.equal(trickled.summary.text, CHINESE);
        assert.ok(!trickled.raw.includes("\uFFFD"), "no replacement character anywhere in the stream");
        assert.deepEqual(trickled.summary.deltas, normal.summary.deltas, "same text events, none dropped");
        assert.deepEqual(trickled.summary.kinds, normal.summary.kinds, "same event sequence");
        const row = await recordFor(rig.relay, trickled.requestId);
        assert.equal(row.status, "ok");
        assert.equal(row.usageSource, "upstream");
        assert.equal(row.outputTokens, (await recordFor(rig.relay, normal.requestId)).outputTokens);
      });

      it(`${dialect} client, ${upstream.label}: the official SDK reads the trickled stream intact`, async () => {
        rig.script(...trickle());
        const streamed = await sdkStream(rig.relay, dialect, upstream.model, "trickle");
        assert.equal(streamed.error, undefined);
        assert.equal(streamed.text, CHINESE);
        assert.equal(streamed.completed, true);
      });
    }
  }
});
