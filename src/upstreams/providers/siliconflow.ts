/**
 * SiliconFlow (硅基流动), a host for open-weight models.
 * - cn: api.siliconflow.cn, Beijing Silicon Flow Technology Co., Ltd. (CNY).
 * - global: api.siliconflow.com (USD). Its operating entity and processing
 *   location were not confirmed; the parent company's jurisdiction (CN) is
 *   recorded conservatively. Override with `providers.siliconflow.jurisdiction`.
 *
 * Prices: NONE recorded. The newest first-party-derived table found was a
 * third-party survey of siliconflow.cn/pricing dated 2026-02-08, whose models
 * (DeepSeek-V3.x, Qwen3-235B…) have since been superseded; no current official
 * price could be confirmed, so no model is listed rather than guessing. Enable it
 * with `providers.siliconflow.models` (and `prices` for billing) in config.
 * `asOf` is the date the page was last looked for.
 *
 * Stream usage: `stream_options.include_usage` is sent (harmless if ignored).
 */
import { defineProvider } from "./freeze.js";

export const siliconflow = defineProvider({
  id: "siliconflow",
  displayName: "SiliconFlow",
  dialect: "openai-chat",
  regions: {
    cn: { baseUrl: "https://api.siliconflow.cn/v1", jurisdiction: "CN" },
    global: { baseUrl: "https://api.siliconflow.com/v1", jurisdiction: "CN" },
  },
  defaultRegion: "cn",
  auth: { scheme: "bearer" },
  envPrefixes: ["SILICONFLOW"],
  requiresApiKey: true,
  hasCatalogue: true,
  quirks: { streamUsage: "stream_options" },
  prices: {
    currency: "CNY",
    asOf: "2026-11-26",
    source: "https://siliconflow.cn/pricing",
    models: [],
  },
});
