/**
 * MiniMax. Two platforms with separate accounts and keys:
 * - cn: platform.minimaxi.com / api.minimaxi.com (mainland China, CNY).
 * - global: platform.minimax.io / api.minimax.io (USD). Neither the contracting
 *   entity nor the processing location could be confirmed from a stored copy of
 *   its terms, so the descriptor conservatively records the parent company's
 *   jurisdiction (CN); override with `providers.minimax.jurisdiction`.
 *
 * Prices: USD, global pay-as-you-go Standard tier, first context tier (total
 * input ≤ 512K tokens; above that MiniMax doubles the rates — not representable
 * here). MiniMax-M3 as shown on 2026-09-11 (labelled a permanent 50% discount);
 * MiniMax-M3.1-Flash (released 2026-10-18) at $0.15 / $0.015 cached / $0.60 per
 * minimax.io/price as quoted on 2026-10-20. The CNY prices of the cn platform for
 * these models were not in the stored copy of its pricing page (which still
 * listed M2.7), so a cn operator should set `currency: CNY` and `prices`.
 *
 * Stream usage: sent with `stream_options.include_usage` (OpenAI-compatible API).
 */
import { defineProvider } from "./freeze.js";

export const minimax = defineProvider({
  id: "minimax",
  modelPattern: "^(minimax-|MiniMax-|abab)",
  displayName: "MiniMax",
  dialect: "openai-chat",
  regions: {
    cn: { baseUrl: "https://api.minimaxi.com/v1", jurisdiction: "CN" },
    global: { baseUrl: "https://api.minimax.io/v1", jurisdiction: "CN" },
  },
  defaultRegion: "cn",
  auth: { scheme: "bearer" },
  envPrefixes: ["MINIMAX"],
  requiresApiKey: true,
  hasCatalogue: true,
  quirks: { streamUsage: "stream_options" },
  prices: {
    currency: "USD",
    asOf: "2026-10-20",
    source: "https://platform.minimax.io/docs/guides/pricing-paygo",
    models: [
      { model: "MiniMax-M3", inputPerMTok: "0.30", cachedInputPerMTok: "0.06", outputPerMTok: "1.20" },
      {
        model: "MiniMax-M3.1-Flash",
        inputPerMTok: "0.15",
        cachedInputPerMTok: "0.015",
        outputPerMTok: "0.60",
      },
    ],
  },
});
