/**
 * Anthropic (api.anthropic.com), native Messages API. US company, US processing
 * by default.
 *
 * Wire: dialect `anthropic-messages`. The base URL is the API root with NO `/v1`
 * (the Anthropic SDKs' convention: their default base URL is
 * https://api.anthropic.com and ANTHROPIC_BASE_URL replaces it; requests go to
 * `/v1/messages`), so ANTHROPIC_BASE_URL values written for the SDKs or Claude
 * Code work unchanged. The key goes in `x-api-key`; every request carries
 * `anthropic-version: 2023-06-01`.
 *
 * Stream usage: always reported (input and cache counts in `message_start`,
 * cumulative output in `message_delta`); no option to send.
 *
 * Prices: USD list prices, standard (non-batch) tier, from the official pricing
 * page and the per-model pages of platform.claude.com, as they stood after the
 * Claude Fable 5.2 launch (2026-11-09; the first-party model pages then list
 * Fable 5.2, Opus 5.5, Sonnet 5.5 and Haiku 5.5 as current). Those stored copies
 * are undated; `asOf` is 2026-11-10, the newest date on which the Fable 5.2 card
 * was recorded as matching the official page. Cached input = "cache hits &
 * refreshes".
 * Confirmed from first-party copies: input/output of every model below; cache
 * reads of Opus 5.5 ($0.20), Opus 5 / 4.8 / 4.7 ($0.50), Sonnet 5 ($0.20) and
 * Fable 5.1 ($0.25). Third-party only (several independent price trackers
 * agree, but no first-party copy of the figure was found):
 * - claude-fable-5-2 cache read $0.20 (first-party copies confirm $8 / $40);
 * - claude-sonnet-5-5 cache read $0.10: cut from $0.20 on 2026-10-07 (the
 *   first-party page copy showing $0.20 predates the cut);
 * - claude-haiku-5-5 cache read $0.01;
 * - claude-haiku-4-5 cache read $0.10 (Anthropic's standard 0.1× of input).
 * Not representable in a flat table, so operators with such traffic should
 * override `prices` in config:
 * - Haiku 5.5 is priced by prompt length: the table has the ≤100K-token-prompt
 *   rates; a request whose prompt (input + cache reads + cache writes) exceeds
 *   100K tokens pays 5× on every token ($0.50 / $0.05 cached / $2.50).
 * - Cache WRITES (1.25× input for 5-minute, 2× for 1-hour) are a premium the
 *   table does not carry, nor are fast mode's own rates or the reported 1.1×
 *   for US-only inference (`inference_geo: "us"`).
 * Not listed (add with `models` / `prices` if needed): Claude Mythos (limited
 * availability), Fable 5 and the older Opus 4.x / Sonnet 4.x models.
 */
import { defineProvider } from "./freeze.js";

export const anthropic = defineProvider({
  id: "anthropic",
  modelPattern: "^claude-",
  displayName: "Anthropic",
  dialect: "anthropic-messages",
  regions: { default: { baseUrl: "https://api.anthropic.com", jurisdiction: "US" } },
  defaultRegion: "default",
  auth: { scheme: "header", header: "x-api-key" },
  defaultHeaders: { "anthropic-version": "2023-06-01" },
  envPrefixes: ["ANTHROPIC"],
  requiresApiKey: true,
  hasCatalogue: true,
  quirks: { streamUsage: "always" },
  prices: {
    currency: "USD",
    asOf: "2026-11-10",
    source: "https://platform.claude.com/docs/en/about-claude/pricing",
    models: [
      // Current lineup.
      { model: "claude-fable-5-2", inputPerMTok: "8", cachedInputPerMTok: "0.20", outputPerMTok: "40" },
      { model: "claude-opus-5-5", inputPerMTok: "4", cachedInputPerMTok: "0.20", outputPerMTok: "20" },
      { model: "claude-sonnet-5-5", inputPerMTok: "2", cachedInputPerMTok: "0.10", outputPerMTok: "10" },
      { model: "claude-haiku-5-5", inputPerMTok: "0.10", cachedInputPerMTok: "0.01", outputPerMTok: "0.50" },
      // Legacy, still served.
      { model: "claude-fable-5-1", inputPerMTok: "10", cachedInputPerMTok: "0.25", outputPerMTok: "50" },
      { model: "claude-opus-5", inputPerMTok: "5", cachedInputPerMTok: "0.50", outputPerMTok: "25" },
      { model: "claude-opus-4-8", inputPerMTok: "5", cachedInputPerMTok: "0.50", outputPerMTok: "25" },
      { model: "claude-opus-4-7", inputPerMTok: "5", cachedInputPerMTok: "0.50", outputPerMTok: "25" },
      { model: "claude-sonnet-5", inputPerMTok: "2", cachedInputPerMTok: "0.20", outputPerMTok: "10" },
      { model: "claude-haiku-4-5", inputPerMTok: "1", cachedInputPerMTok: "0.10", outputPerMTok: "5" },
      {
        model: "claude-haiku-4-5-20251001",
        inputPerMTok: "1",
        cachedInputPerMTok: "0.10",
        outputPerMTok: "5",
      },
    ],
  },
});
