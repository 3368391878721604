/**
 * Qwen on Alibaba Cloud Model Studio (DashScope), OpenAI-compatible mode.
 * Beijing (mainland China site, CNY billing) and Singapore (international site,
 * USD billing) are separate accounts with separate keys.
 *
 * Prices: USD, international (Singapore) list prices. The mainland CNY list
 * prices for the current models could not be confirmed from a stored copy of
 * the official page, so they are not recorded; a Beijing operator should set
 * `providers.qwen.currency: CNY` and its own `prices` in config (the USD table
 * is then not used). qwen3.8-max is flat-priced across its 1M context (per the
 * Qwen 3.8 release and Model Studio docs, 2026-08); qwen3.8-flash at
 * $0.15 / $0.47 as listed for Model Studio international on 2026-09-11
 * (Codeep v3.3.0 release notes; Vercel AI Gateway listing). No cached-input
 * price was confirmed for either, so cached input falls back to the input price.
 *
 * Stream usage: only with `stream_options.include_usage` (DashScope docs).
 */
import { defineProvider } from "./freeze.js";

export const qwen = defineProvider({
  id: "qwen",
  modelPattern: "^(qwen|qwq|qvq)",
  displayName: "Qwen (Alibaba Cloud Model Studio)",
  dialect: "openai-chat",
  regions: {
    beijing: { baseUrl: "https://dashscope.aliyuncs.com/compatible-mode/v1", jurisdiction: "CN" },
    singapore: { baseUrl: "https://dashscope-intl.aliyuncs.com/compatible-mode/v1", jurisdiction: "SG" },
  },
  defaultRegion: "beijing",
  auth: { scheme: "bearer" },
  envPrefixes: ["DASHSCOPE", "QWEN"],
  requiresApiKey: true,
  hasCatalogue: true,
  quirks: { streamUsage: "stream_options" },
  prices: {
    currency: "USD",
    asOf: "2026-09-11",
    source: "https://www.alibabacloud.com/help/en/model-studio/model-pricing",
    models: [
      { model: "qwen3.8-max", inputPerMTok: "2", outputPerMTok: "6" },
      { model: "qwen3.8-flash", inputPerMTok: "0.15", outputPerMTok: "0.47" },
    ],
  },
});
