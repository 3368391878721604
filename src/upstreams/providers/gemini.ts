/**
 * Google Gemini API (Google AI Studio, generativelanguage.googleapis.com),
 * native generateContent API. US company; the Developer API has no regional
 * endpoint (Vertex AI, which has, is a different API and not this descriptor).
 *
 * Wire: dialect `gemini`. The base URL is the API root with NO version (as
 * @google/genai takes `httpOptions.baseUrl`); the adapter appends
 * `/v1beta/models/{model}:generateContent`, or
 * `:streamGenerateContent?alt=sse` for streams. The key goes in
 * `x-goog-api-key` (never `?key=`). Keys: GEMINI_API_KEY, else GOOGLE_API_KEY
 * (the two names @google/genai reads); base URL: GEMINI_BASE_URL.
 *
 * Stream usage: always reported (`usageMetadata` on the chunks, complete on
 * the last); no option to send.
 *
 * Prices: USD, Standard tier (paid), per 1M tokens, text/image/video input;
 * output includes thinking tokens, as Google bills them; cached input = the
 * implicit-caching read price. `asOf` 2026-11-22: the lineup after the
 * Gemini 4 Neon release (2026-11-18). Sources: Google's own model guide
 * (ai.google.dev/gemini-api/docs/generate-content/latest-model) for Argon's
 * input/output and its scheduled rise; every other figure is from independent
 * copies of the official pricing page that agree with each other (LiteLLM's
 * model cost map announcements, TokenMeter's release notes citing the pricing
 * page, resellers billing "at Google's official price"); no first-party copy
 * of the pricing page itself was found.
 * - gemini-4-carbon's cache-read price was not confirmed: it has none here,
 *   so cached input is billed at the input price (an over-, never an under-charge).
 * - SCHEDULED CHANGES the flat table cannot carry, to apply on the day:
 *   gemini-4-argon and gemini-4-carbon double on 2026-12-01 ($4 / $20, Argon
 *   cached $0.20); gemini-3.8-flash is at half price through 2026-12-31 and
 *   costs $1.50 / $7.50 from 2027-01-01.
 * - Tiered by prompt length: the Gemini 4 models and 3.8 Flash are priced flat
 *   over their whole 1M context. Older Pro models charge more above a 200K-token
 *   prompt (gemini-3.1-pro-preview: $2 / $12 up to 200K, $4 / $18 above) and are
 *   not listed; operators with such traffic should override `prices` in config.
 * - Not representable: audio input rates, Batch/Flex (0.5×) and Priority (1.8×)
 *   tiers, explicit context-cache storage, grounding ($14 / 1,000 queries).
 */
import { defineProvider } from "./freeze.js";

export const gemini = defineProvider({
  id: "gemini",
  modelPattern: "^gemini-",
  displayName: "Google Gemini",
  dialect: "gemini",
  regions: { default: { baseUrl: "https://generativelanguage.googleapis.com", jurisdiction: "US" } },
  defaultRegion: "default",
  auth: { scheme: "header", header: "x-goog-api-key" },
  envPrefixes: ["GEMINI", "GOOGLE"],
  requiresApiKey: true,
  hasCatalogue: true,
  quirks: { streamUsage: "always" },
  prices: {
    currency: "USD",
    asOf: "2026-11-22",
    source: "https://ai.google.dev/gemini-api/docs/pricing",
    models: [
      { model: "gemini-4-neon", inputPerMTok: "3", cachedInputPerMTok: "0.15", outputPerMTok: "15" },
      { model: "gemini-4-carbon", inputPerMTok: "2", outputPerMTok: "10" },
      { model: "gemini-4-argon", inputPerMTok: "2", cachedInputPerMTok: "0.10", outputPerMTok: "10" },
      {
        model: "gemini-4-hydrogen",
        inputPerMTok: "1.50",
        cachedInputPerMTok: "0.075",
        outputPerMTok: "7.50",
      },
      { model: "gemini-3.8-flash", inputPerMTok: "0.75", cachedInputPerMTok: "0.075", outputPerMTok: "3.75" },
    ],
  },
});
