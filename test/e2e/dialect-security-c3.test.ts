/**
 * Security catalogue C3 for every client dialect, on both upstream dialects:
 * comment lines, CRLF line ends and unknown event types are tolerated (the
 * stream completes with the exact text and nothing foreign is forwarded); a
 * `data:` payload that is not JSON — sent as such, or made by two data lines
 * with no blank line between them — ends the stream with the dialect's
 * in-stream `upstream_protocol_error`, never a made-up end, and a `partial`
 * ledger record.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { SseFault } from "../../src/upstreams/simulator/types.js";
import {
  assertCompleted,
  assertInStreamError,
  CLIENT_DIALECTS,
  type DialectRig,
  rawStream,
  recordFor,
  startDialectRig,
  UPSTREAMS,
} from "../helpers/dialects.js";

const TOLERATED: readonly SseFault[] = ["crlf", "comment-ping", "unknown-event"];
const TEXT = "alpha beta 你好 gamma";

/** Known relay bugs, by `${case}:${dialect}@${upstream}`. */
const TODO: Record<string, string> = {};

describe("C3: malformed upstream SSE, every client dialect", () => {
  let rig: DialectRig;
  before(async () => {
    rig = await startDialectRig();
  });
  after(async () => {
    await rig.close();
  });

  for (const dialect of CLIENT_DIALECTS) {
    for (const upstream of UPSTREAMS) {
      const tag = `${dialect}@${upstream.kind}`;

      it(`${dialect} client, ${upstream.label}: comments, CRLF and unknown events are tolerated`, {
        todo: TODO[`tolerated:${tag}`],
      }, async () => {
        rig.script(
          { kind: "malformed-sse", faults: TOLERATED, text: TEXT },
          { kind: "malformed-sse", faults: TOLERATED, text: TEXT },
        );
        const res = await rawStream(rig.relay, dialect, upstream.model, "x");
        assert.equal(res.status, 200);
        assertCompleted(dialect, res.summary);
        assert.equal(res.summary.text, TEXT);
        assert.ok(!res.raw.includes("simulator.unknown"), "the unknown event is not forwarded");
        assert.doesNotMatch(res.raw, /^:/m, "the upstream's comment lines are not forwarded");
        const row = await recordFor(rig.relay, res.requestId);
        assert.equal(row.status, "ok");
        assert.equal(row.errorCode, null);
      });

      for (const fault of ["non-json-data", "missing-blank-line"] as const) {
        it(`${dialect} client, ${upstream.label}: ${fault} → in-stream upstream_protocol_error, partial record`, {
          todo: TODO[`${fault}:${tag}`],
        }, async () => {
          // After the first text delta ("alpha"): OpenAI chunks [role, alpha, …];
          // Anthropic events [message_start, content_block_start, ping, alpha, …].
          rig.script(
            { kind: "malformed-sse", faults: [fault], atChunk: 2, text: TEXT },
            { kind: "malformed-sse", faults: [fault], atEvent: 4, text: TEXT },
          );
          const before = rig.hits();
          const res = await rawStream(rig.relay, dialect, upstream.model, "x");
          assert.equal(res.status, 200);
          assertInStreamError(dialect, res.summary, "upstream_protocol_error");
          assert.equal(
            res.summary.error?.message,
            `Upstream ${upstream.kind === "openai" ? "compat" : "anthropic"} sent a malformed stream event.`,
          );
          assert.equal(res.summary.text, "alpha", "what came before the fault, and nothing after it");
          assert.ok(!res.raw.includes("this is not json"), "garbage is never forwarded");
          assert.equal(rig.hits(), before + 1, "no retry after the stream started");
          const row = await recordFor(rig.relay, res.requestId);
          assert.equal(row.status, "partial");
          assert.equal(row.errorCode, "upstream_protocol_error");
          assert.ok(row.outputTokens > 0, "the delivered text is billed");
        });
      }
    }
  }
});
