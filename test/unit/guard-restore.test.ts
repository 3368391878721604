/**
 * Pseudonym restoration on IR events (issue 4; catalogue C10): a placeholder
 * split across deltas is restored without emitting half of it, event order is
 * kept, tool-call arguments get JSON-escaped values, unknown placeholders pass.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { PseudonymRestorer } from "../../src/guard/restore.js";
import type { IrEvent } from "../../src/ir/stream.js";

const VALUES = new Map([
  ["<PII_EMAIL_1>", "li.lei@example.cn"],
  ["<SECRET_PRIVATE_KEY_1>", "-----BEGIN PRIVATE KEY-----\nAAA\n-----END PRIVATE KEY-----"],
]);

const text = (t: string, index = 0): IrEvent => ({ type: "text_delta", index, choice: 0, text: t });

function texts(events: IrEvent[]): string[] {
  return events.flatMap((e) =>
    e.type === "text_delta" ? [e.text] : e.type === "tool_call_delta" ? [e.argumentsJson] : [],
  );
}

describe("pseudonym restorer", () => {
  it("restores a placeholder split across three deltas without leaking a half", () => {
    const r = new PseudonymRestorer(VALUES);
    const a = r.push([text("Mail <PII_")]);
    assert.deepEqual(texts(a), ["Mail "]);
    const b = r.push([text("EMA")]);
    assert.deepEqual(texts(b), [], "still could be a placeholder: held back");
    const c = r.push([text("IL_1> now")]);
    assert.deepEqual(texts(c), ["li.lei@example.cn now"]);
    assert.equal(r.restored, 1);
  });

  it("releases held text that turns out not to be a placeholder, before the block ends", () => {
    const r = new PseudonymRestorer(VALUES);
    const out = [
      ...r.push([text("a <PII")]),
      ...r.push([text("_EMAIL_9> b"), { type: "block_stop", index: 0, choice: 0 }]),
    ];
    assert.deepEqual(
      out.map((e) => e.type),
      ["text_delta", "text_delta", "block_stop"],
    );
    assert.equal(texts(out).join(""), "a <PII_EMAIL_9> b", "unknown placeholders pass unchanged");
  });

  it("flushes a held tail before finish, so no text is lost at the end", () => {
    const r = new PseudonymRestorer(VALUES);
    const out = [...r.push([text("end <")]), ...r.push([{ type: "finish", choice: 0, reason: "end_turn" }])];
    assert.equal(texts(out).join(""), "end <");
    assert.equal(out.at(-1)?.type, "finish");
  });

  it("JSON-escapes values restored into tool-call arguments", () => {
    const r = new PseudonymRestorer(VALUES);
    const out = r.push([
      { type: "tool_call_delta", index: 1, choice: 0, argumentsJson: '{"key":"<SECRET_PRIVATE' },
      { type: "tool_call_delta", index: 1, choice: 0, argumentsJson: '_KEY_1>"}' },
      { type: "block_stop", index: 1, choice: 0 },
    ]);
    const json = texts(out).join("");
    assert.deepEqual(JSON.parse(json), { key: VALUES.get("<SECRET_PRIVATE_KEY_1>") });
  });

  it("keeps blocks apart: a held tail in one block does not delay another", () => {
    const r = new PseudonymRestorer(VALUES);
    const out = r.push([text("x <PII", 0), text("y", 1)]);
    assert.deepEqual(texts(out), ["x ", "y"]);
  });
});
