/**
 * OpenAI (api.openai.com). US company, US processing by default.
 *
 * Prices: Standard tier, short context (≤ 272K input tokens per request). Above
 * 272K input OpenAI bills the whole request at 2× input/cached and 1.5× output,
 * and the Fast/Priority tier at 2×; neither is representable in a flat table, so
 * operators with long-context traffic should override `prices` in config.
 * Table as listed on developers.openai.com/api/docs/pricing after the
 * GPT-6.1 Terra launch (2026-10-26: GPT-6 Astra, GPT-6.1 Sol, GPT-6.1 Terra,
 * GPT-6 Luna). Corroborated by release notes that quote the same page
 * (PromptFuel v1.0.24 2026-10-27, codex-cost-meter, LiteLLM day-0 posts).
 *
 * Stream usage: only with `stream_options: {include_usage: true}` (final chunk,
 * empty `choices`).
 */
import { defineProvider } from "./freeze.js";

export const openai = defineProvider({
  id: "openai",
  modelPattern: "^(gpt-|o[0-9]|chatgpt-|text-embedding-)",
  displayName: "OpenAI",
  dialect: "openai-chat",
  regions: { default: { baseUrl: "https://api.openai.com/v1", jurisdiction: "US" } },
  defaultRegion: "default",
  auth: { scheme: "bearer" },
  envPrefixes: ["OPENAI"],
  requiresApiKey: true,
  hasCatalogue: true,
  quirks: { streamUsage: "stream_options", responses: true },
  prices: {
    currency: "USD",
    asOf: "2026-10-26",
    source: "https://developers.openai.com/api/docs/pricing",
    models: [
      { model: "gpt-6-astra", inputPerMTok: "10", cachedInputPerMTok: "1", outputPerMTok: "50" },
      { model: "gpt-6.1-sol", inputPerMTok: "2", cachedInputPerMTok: "0.10", outputPerMTok: "10" },
      { model: "gpt-6.1-terra", inputPerMTok: "1", cachedInputPerMTok: "0.05", outputPerMTok: "5" },
      { model: "gpt-6-luna", inputPerMTok: "0.10", cachedInputPerMTok: "0.01", outputPerMTok: "0.50" },
    ],
  },
});
