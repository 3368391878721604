/**
 * DeepSeek (api.deepseek.com). Chinese company; the platform serves from China.
 *
 * Prices: CNY, from the Chinese pricing page (DeepSeek also publishes USD on the
 * English page; CNY is what mainland accounts are billed in). Since 2026-08-16
 * DeepSeek bills peak / off-peak, off-peak being exactly half; peak is
 * Mon–Fri 09:00–12:00 and 14:00–18:00 Beijing time, excluding CN public holidays.
 * A flat table has no time of day, so the PEAK (list) price is recorded: costs
 * are an upper bound, never an under-charge. Operators who want off-peak
 * accounting can override `prices` in config.
 * Read from the page revision that names DeepSeek-V4.1-Flash-1017 and announces
 * Search/Fetch billing "from 2026-11-01" (so published between 2026-10-17 and
 * 2026-11-01); `asOf` is 2026-10-27, the date a third-party audit recorded the
 * same figures. The legacy id deepseek-v4-flash is still accepted and, per the
 * page, served by V4.1-Flash and billed at the Flash price.
 *
 * Stream usage: OpenAI-style `stream_options.include_usage`.
 */
import { defineProvider } from "./freeze.js";

export const deepseek = defineProvider({
  id: "deepseek",
  modelPattern: "^deepseek-",
  displayName: "DeepSeek",
  dialect: "openai-chat",
  regions: { default: { baseUrl: "https://api.deepseek.com", jurisdiction: "CN" } },
  defaultRegion: "default",
  auth: { scheme: "bearer" },
  envPrefixes: ["DEEPSEEK"],
  requiresApiKey: true,
  hasCatalogue: true,
  quirks: { streamUsage: "stream_options" },
  prices: {
    currency: "CNY",
    asOf: "2026-10-27",
    source: "https://api-docs.deepseek.com/zh-cn/quick_start/pricing",
    models: [
      { model: "deepseek-flash", inputPerMTok: "2", cachedInputPerMTok: "0.04", outputPerMTok: "8" },
      { model: "deepseek-v4-pro", inputPerMTok: "9", cachedInputPerMTok: "0.30", outputPerMTok: "27" },
      { model: "deepseek-v4-flash", inputPerMTok: "2", cachedInputPerMTok: "0.04", outputPerMTok: "8" },
    ],
  },
});
