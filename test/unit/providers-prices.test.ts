import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { isPriceDecimal, pricePerTokenNano } from "../../src/upstreams/providers/prices.js";

describe("pricePerTokenNano", () => {
  it("is exact for up to three decimals (price per 1M tokens × 1000)", () => {
    assert.equal(pricePerTokenNano("0"), 0n);
    assert.equal(pricePerTokenNano("1"), 1000n);
    assert.equal(pricePerTokenNano("10"), 10_000n);
    assert.equal(pricePerTokenNano("1.25"), 1250n);
    assert.equal(pricePerTokenNano("0.075"), 75n);
    assert.equal(pricePerTokenNano("0.10"), 100n);
    assert.equal(pricePerTokenNano("027.5"), 27_500n);
    assert.equal(pricePerTokenNano("123456789012.345"), 123_456_789_012_345n);
  });

  it("rounds up beyond three decimals, never down", () => {
    assert.equal(pricePerTokenNano("0.0028"), 3n);
    assert.equal(pricePerTokenNano("0.0001"), 1n);
    assert.equal(pricePerTokenNano("0.003625"), 4n);
    assert.equal(pricePerTokenNano("2.5000001"), 2501n);
    assert.equal(pricePerTokenNano("0.0020"), 2n, "trailing zeros are exact");
    assert.equal(pricePerTokenNano("1.000000"), 1000n);
  });

  it("rejects negatives and garbage", () => {
    for (const bad of [
      "-1",
      "-0.5",
      "1e3",
      "1E-3",
      "",
      " 1",
      "1 ",
      "1.",
      ".5",
      "+1",
      "1,5",
      "0x10",
      "abc",
      "NaN",
      "Infinity",
      "1..2",
      "１",
    ]) {
      assert.throws(() => pricePerTokenNano(bad), RangeError, JSON.stringify(bad));
      assert.equal(isPriceDecimal(bad), false, JSON.stringify(bad));
    }
    assert.throws(() => pricePerTokenNano("9".repeat(41)), RangeError);
    assert.throws(() => pricePerTokenNano(1.5 as unknown as string), RangeError);
  });

  it("accepts what it converts", () => {
    for (const ok of ["0", "0.28", "15", "0.0028"]) assert.equal(isPriceDecimal(ok), true);
  });
});
