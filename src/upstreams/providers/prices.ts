/**
 * Price arithmetic for descriptor and config price tables (DESIGN §5: money is
 * integer nano-units, never floats). Prices are written as decimal strings per
 * 1M tokens, exactly as providers publish them.
 */

/** A non-negative decimal with at least one digit on each side of an optional point. */
const DECIMAL = /^(\d+)(?:\.(\d+))?$/;

/** Longest decimal accepted: generous for any real price, small enough to bound BigInt work. */
const MAX_DECIMAL_LENGTH = 40;

/** True when `value` is a decimal string `pricePerTokenNano` accepts ("0", "1.25", "0.0028"). */
export function isPriceDecimal(value: string): boolean {
  return value.length <= MAX_DECIMAL_LENGTH && DECIMAL.test(value);
}

/**
 * Convert a price per 1M tokens (decimal string, in whole currency units) to
 * integer nano-units per token.
 *
 * 1 unit = 10^9 nano and 1M tokens = 10^6 tokens, so the result is price × 1000:
 * exact for up to 3 decimals ("1.25" → 1250n, "0.075" → 75n). Finer prices are
 * rounded up ("0.0028" → 3n) so the relay never bills less than the provider.
 * Negative numbers, exponents, signs, blanks and other garbage throw a RangeError.
 */
export function pricePerTokenNano(decimal: string): bigint {
  if (typeof decimal !== "string" || decimal.length > MAX_DECIMAL_LENGTH) {
    throw new RangeError("price must be a non-negative decimal string");
  }
  const match = DECIMAL.exec(decimal);
  if (!match) throw new RangeError("price must be a non-negative decimal string");
  const whole = match[1] ?? "0";
  const fraction = match[2] ?? "";
  const kept = fraction.slice(0, 3).padEnd(3, "0");
  const dropped = fraction.slice(3);
  let nano = BigInt(whole) * 1000n + BigInt(kept);
  if (/[1-9]/.test(dropped)) nano += 1n;
  return nano;
}
