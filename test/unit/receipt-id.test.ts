/**
 * Receipt ids (issue 5): ULID layout in Crockford base32 — 48 bits of time, 80
 * random bits — so that ids issued later sort later (the log's index on them
 * grows at its end) and stay unique.
 */
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { describe, it } from "node:test";
import { ReceiptHandle } from "../../src/integrity/receipt-handle.js";
import { receiptId } from "../../src/integrity/receipt-id.js";

/** `rcpt_`, then 26 Crockford base32 characters, the first at most 7 (48 + 80 bits). */
const ID_PATTERN = /^rcpt_[0-7][0-9A-HJKMNP-TV-Z]{25}$/;
const isReceiptId = (text: string): boolean => ID_PATTERN.test(text);

describe("receipt ids", () => {
  it("encode time and randomness as a ULID does", () => {
    const zeros = Buffer.alloc(10);
    const ones = Buffer.alloc(10, 0xff);
    assert.equal(receiptId(0, zeros, 0), `rcpt_${"0".repeat(26)}`);
    assert.equal(receiptId(2 ** 48 - 1, ones, 0), `rcpt_7${"Z".repeat(25)}`);
    // The seed-time example of the reference implementation (github.com/ulid/javascript):
    // ulid(1469918176385) starts with "01ARYZ6S41".
    assert.equal(receiptId(1_469_918_176_385, zeros, 0).slice(5, 15), "01ARYZ6S41");
    // Bits 00001 00010 00011 … 01000: five per character, most significant first.
    const counting = Buffer.from("08864298e8", "hex");
    assert.equal(receiptId(0, Buffer.concat([counting, zeros]), 0).slice(15, 23), "12345678");
    const id = receiptId(Date.now(), randomBytes(16), 3);
    assert.equal(id.length, 31);
    assert.ok(isReceiptId(id), id);
  });

  it("sort by the time they were issued, whatever their random part", () => {
    const times = [
      1_764_000_000_000, 1_764_000_000_001, 1_764_000_000_999, 1_764_000_123_456, 2_000_000_000_000,
    ];
    const ids = times.map((t) => receiptId(t, randomBytes(10), 0));
    assert.deepEqual([...ids].sort(), ids);
  });

  it("are distinct from handle to handle and have the receipt id form", () => {
    const ids = Array.from({ length: 5000 }, () => new ReceiptHandle(undefined).id);
    assert.equal(new Set(ids).size, ids.length);
    for (const id of ids) assert.ok(isReceiptId(id), id);
  });
});
