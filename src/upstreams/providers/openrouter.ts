/**
 * OpenRouter (US), a router in front of many upstream providers. Requests may be
 * served by any provider OpenRouter routes to, so the jurisdiction recorded (US)
 * is OpenRouter's own; the final processor can be elsewhere.
 *
 * Prices: NONE recorded. OpenRouter prices each model per route (its catalogue
 * is at openrouter.ai/models and /api/v1/models) and no stored copy of the
 * current listings could be confirmed, so no model is listed rather than copying
 * upstream list prices. Add models with `providers.openrouter.models` and
 * `prices` in config.
 *
 * Stream usage: always sent on the final chunk; OpenRouter's SDK documents
 * `stream_options.include_usage` as deprecated with no effect ("full usage
 * details are always included").
 */
import { defineProvider } from "./freeze.js";

export const openrouter = defineProvider({
  id: "openrouter",
  displayName: "OpenRouter",
  dialect: "openai-chat",
  regions: { default: { baseUrl: "https://openrouter.ai/api/v1", jurisdiction: "US" } },
  defaultRegion: "default",
  auth: { scheme: "bearer" },
  envPrefixes: ["OPENROUTER"],
  requiresApiKey: true,
  hasCatalogue: true,
  quirks: { streamUsage: "always" },
  prices: {
    currency: "USD",
    asOf: "2026-11-26",
    source: "https://openrouter.ai/models",
    models: [],
  },
});
