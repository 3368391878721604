/**
 * A receipt's blinded hashes (issue 5) are HMAC-SHA-256 of exactly the bytes
 * sent and received, whichever way the handle computes them: one-shot for small
 * bodies and responses, streaming past the one-shot limits or for binary
 * chunks; text written piece by piece is hashed as the socket encodes it (each
 * write on its own, so a surrogate pair split across writes is two replacement
 * characters, not one emoji). Ids and blinds from the pooled CSPRNG bytes are
 * distinct and never change once handed out.
 */
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { describe, it } from "node:test";
import { blindedHash, ReceiptHandle } from "../../src/integrity/receipt-handle.js";

/** The bytes a socket sends for these writes: each string encoded as UTF-8 on its own. */
function wire(chunks: readonly (string | Uint8Array)[]): Buffer {
  return Buffer.concat(chunks.map((c) => (typeof c === "string" ? Buffer.from(c, "utf8") : c)));
}

function macs(body: Buffer | undefined, chunks: readonly (string | Uint8Array)[]) {
  const handle = new ReceiptHandle(body);
  for (const chunk of chunks) handle.write(chunk);
  const receipt = handle.finish(Date.now(), 0);
  return {
    request: receipt.request,
    response: receipt.response,
    expected: {
      request: blindedHash(handle.blind, body ?? Buffer.alloc(0)),
      response: blindedHash(handle.blind, wire(chunks)),
    },
  };
}

describe("receipt handle: blinded hashes", () => {
  it("MACs request bodies of every size exactly", () => {
    for (const length of [0, 1, 55, 63, 64, 65, 1000, 65_535, 65_536, 65_537, 300_000]) {
      const r = macs(randomBytes(length), ["{}"]);
      assert.equal(r.request, r.expected.request, `body of ${length} bytes`);
    }
    const none = macs(undefined, []);
    assert.equal(none.request, none.expected.request);
    assert.equal(none.response, none.expected.response);
  });

  it("MACs responses as written: one payload, many events, long streams, binary chunks", () => {
    const event = (i: number) => `data: {"i":${i},"text":"ünïcødé 漢字 😀"}\n\n`;
    const cases: [string, (string | Uint8Array)[]][] = [
      ["empty", []],
      ["one JSON payload", [JSON.stringify({ id: "x", text: "é".repeat(500) })]],
      ["stream events", Array.from({ length: 22 }, (_, i) => event(i))],
      ["past the one-shot limit", Array.from({ length: 600 }, (_, i) => event(i))],
      ["one huge write", ["x".repeat(40_000)]],
      ["a binary chunk first", [randomBytes(100), "tail"]],
      ["a binary chunk after text", ["head", randomBytes(5000), "more", "text"]],
      ["empty writes", ["", "a", "", "b"]],
    ];
    for (const [name, chunks] of cases) {
      const r = macs(Buffer.from("{}"), chunks);
      assert.equal(r.response, r.expected.response, name);
    }
  });

  it("hashes a surrogate pair split across writes as the socket encodes it", () => {
    const emoji = "😀";
    const split = [`a${emoji[0]}`, `${emoji[1]}b`];
    const handle = new ReceiptHandle(undefined);
    for (const chunk of split) handle.write(chunk);
    const { response } = handle.finish(Date.now(), 0);
    // Each half became U+FFFD on the wire; the joined text would be the emoji's four bytes.
    assert.equal(wire(split).toString("hex"), Buffer.from("a\uFFFD\uFFFDb").toString("hex"));
    assert.equal(response, blindedHash(handle.blind, wire(split)));
    assert.notEqual(response, blindedHash(handle.blind, Buffer.from(split.join(""))));
    for (const lone of [["\uD800"], ["\uDC00", "x"], ["x\uD83D", "", "\uDE00"]]) {
      const l = macs(undefined, lone);
      assert.equal(l.response, l.expected.response, JSON.stringify(lone));
    }
  });

  it("draws distinct ids and blinds, which never change after they are handed out", () => {
    const handles = Array.from({ length: 1000 }, () => new ReceiptHandle(undefined));
    const copies = handles.map((h) => Buffer.from(h.blind));
    for (let i = 0; i < 1000; i++) new ReceiptHandle(undefined);
    assert.equal(new Set(handles.map((h) => h.id)).size, handles.length);
    assert.equal(new Set(copies.map((b) => b.toString("hex"))).size, handles.length);
    for (const [i, h] of handles.entries()) {
      assert.match(h.id, /^rcpt_[0-9A-HJKMNP-TV-Z]{26}$/);
      assert.equal(h.blind.length, 32);
      assert.deepEqual(h.blind, copies[i]);
      assert.equal(h.headers["overt-receipt-blind"], copies[i]!.toString("hex"));
      assert.equal(h.headers["overt-receipt-id"], h.id);
    }
  });
});
