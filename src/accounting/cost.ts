/**
 * Cost in integer nano-units of the price table's currency (DESIGN §5: no floats
 * near money). Prices are per 1M tokens as decimal strings; converted once.
 */
import type { ResolvedProvider } from "../config/types.js";
import type { Usage } from "../ir/usage.js";
import { pricePerTokenNano } from "../upstreams/providers/prices.js";

export interface CostResult {
  costNano: bigint;
  currency: string;
  unpriced: boolean;
}

interface TokenPrices {
  input: bigint;
  cachedInput: bigint;
  output: bigint;
}

const cache = new WeakMap<ResolvedProvider, Map<string, TokenPrices | null>>();

function pricesFor(provider: ResolvedProvider, model: string): TokenPrices | null {
  let perProvider = cache.get(provider);
  if (!perProvider) {
    perProvider = new Map();
    cache.set(provider, perProvider);
  }
  let prices = perProvider.get(model);
  if (prices === undefined) {
    const entry = provider.prices.get(model);
    prices = entry
      ? {
          input: pricePerTokenNano(entry.inputPerMTok),
          cachedInput: pricePerTokenNano(entry.cachedInputPerMTok ?? entry.inputPerMTok),
          output: pricePerTokenNano(entry.outputPerMTok),
        }
      : null;
    perProvider.set(model, prices);
  }
  return prices;
}

export function computeCost(provider: ResolvedProvider, upstreamModel: string, usage: Usage): CostResult {
  const prices = pricesFor(provider, upstreamModel);
  if (prices === null) return { costNano: 0n, currency: provider.currency, unpriced: true };
  const uncached = BigInt(Math.max(0, usage.inputTokens - usage.cachedInputTokens));
  const cost =
    uncached * prices.input +
    BigInt(usage.cachedInputTokens) * prices.cachedInput +
    BigInt(usage.outputTokens) * prices.output;
  return { costNano: cost, currency: provider.currency, unpriced: false };
}
