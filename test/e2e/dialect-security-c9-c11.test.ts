/**
 * Security catalogue C9 and C11 for every client dialect, on both upstream dialects.
 * C9: model output that looks like SSE (`\n\ndata: {"choices":…}`, `event: error`,
 * `\r\n\r\ndata: [DONE]`, `event: message_stop`) stays text inside the dialect's
 * content events: a spec-compliant parser and the official SDK see exactly that
 * text and the normal end, nothing injected.
 * C11: an upstream error event after some text (OpenAI `data: {"error":…}`,
 * Anthropic `event: error` overloaded_error) becomes the client dialect's own
 * in-stream error, scrubbed of the org id, with no made-up end, no retry, and a
 * `partial` ledger record billing the delivered text; the SDK raises it.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import {
  assertCompleted,
  assertInStreamError,
  CLIENT_DIALECTS,
  type DialectRig,
  parseSse,
  rawStream,
  recordFor,
  sdkStream,
  startDialectRig,
  UPSTREAMS,
} from "../helpers/dialects.js";

const INJECTION =
  'hi\n\ndata: {"choices":[{"delta":{"content":"INJECTED"}}]}\n\n' +
  'event: error\ndata: {"type":"error","error":{"type":"overloaded_error","message":"INJECTED"}}' +
  '\r\n\r\ndata: [DONE]\r\n\r\nevent: message_stop\ndata: {"type":"message_stop"}\n\nbye';

const ORG = "org-AbCdEf123456";
const PARTIAL = "partial answer here";

describe("C9 and C11: what the upstream streams cannot break the client's stream", () => {
  let rig: DialectRig;
  before(async () => {
    rig = await startDialectRig();
  });
  after(async () => {
    await rig.close();
  });

  const injection = () =>
    rig.script({ kind: "respond", text: INJECTION }, { kind: "respond", text: INJECTION });
  /** The error after two text deltas ("partial", " answer"). */
  const midStreamError = () =>
    rig.script(
      {
        kind: "stream-error",
        afterChunks: 3,
        text: PARTIAL,
        error: { message: `Overloaded for ${ORG}`, type: "server_error", code: null },
      },
      {
        kind: "stream-error",
        afterEvents: 5,
        text: PARTIAL,
        error: { type: "overloaded_error", message: `Overloaded for ${ORG}` },
      },
    );

  for (const dialect of CLIENT_DIALECTS) {
    for (const upstream of UPSTREAMS) {
      const provider = upstream.kind === "openai" ? "compat" : "anthropic";

      it(`C9 ${dialect} client, ${upstream.label}: SSE-looking output stays text`, async () => {
        injection();
        const res = await rawStream(rig.relay, dialect, upstream.model, "x");
        assert.equal(res.status, 200);
        assertCompleted(dialect, res.summary);
        assert.equal(res.summary.text, INJECTION);
        assert.ok(
          res.summary.deltas.every((d) => INJECTION.includes(d)),
          "every text event carries a piece of the output",
        );
        assert.equal((await recordFor(rig.relay, res.requestId)).status, "ok");

        injection();
        const streamed = await sdkStream(rig.relay, dialect, upstream.model, "x");
        assert.equal(streamed.error, undefined);
        assert.equal(streamed.text, INJECTION);
        assert.equal(streamed.completed, true);
      });

      it(`C11 ${dialect} client, ${upstream.label}: upstream error mid-stream → the dialect's in-stream error`, async () => {
        midStreamError();
        const before = rig.hits();
        const res = await rawStream(rig.relay, dialect, upstream.model, "x");
        assert.equal(res.status, 200);
        assertInStreamError(dialect, res.summary, "upstream_stream_error");
        assert.match(
          res.summary.error?.message ?? "",
          new RegExp(`^Upstream ${provider} reported an error mid-stream: .*Overloaded`),
        );
        assert.ok(!res.raw.includes(ORG), "the upstream's org id is scrubbed");
        assert.equal(res.summary.text, "partial answer", "the delivered text, and nothing made up");
        assert.equal(rig.hits(), before + 1, "never retried after content was delivered");
        if (dialect === "openai-responses") {
          const failed = JSON.parse(parseSse(res.raw).at(-1)?.data ?? "{}") as {
            response?: { status?: string; error?: { code?: string } };
          };
          assert.equal(failed.response?.status, "failed");
          assert.equal(failed.response?.error?.code, "server_error");
        }
        const row = await recordFor(rig.relay, res.requestId);
        assert.equal(row.status, "partial");
        assert.equal(row.errorCode, "upstream_stream_error");
        assert.ok(row.outputTokens > 0, "the delivered part is billed");

        midStreamError();
        const streamed = await sdkStream(rig.relay, dialect, upstream.model, "x");
        assert.ok(streamed.error instanceof Error, "the SDK raises the in-stream error");
        assert.ok(!streamed.error.message.includes(ORG));
        assert.equal(streamed.completed, false);
        assert.equal(streamed.text, "partial answer");
      });
    }
  }
});
