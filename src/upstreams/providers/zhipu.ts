/**
 * Zhipu AI (GLM) on open.bigmodel.cn, the mainland platform. (Z.ai's
 * international api.z.ai is a different platform with USD prices; configure it
 * as an `openai-compatible` instance if needed.)
 *
 * Prices: CNY, from the "旗舰模型" table of docs.bigmodel.cn's API pricing page.
 * GLM-5.3-Flash was on a limited-time 50% discount ending 2026-09-09; the list
 * (刊例) price it reverts to is recorded. Cache storage was "限时免费" and is not
 * modelled. The stored copy is undated; its promotion note places it between the
 * GLM-5.3 API opening (2026-08-19) and 2026-09-09, hence `asOf`.
 *
 * Stream usage: GLM sends `usage` on the final chunk without any option.
 */
import { defineProvider } from "./freeze.js";

export const zhipu = defineProvider({
  id: "zhipu",
  modelPattern: "^(glm-|chatglm)",
  displayName: "Zhipu AI (GLM)",
  dialect: "openai-chat",
  regions: { default: { baseUrl: "https://open.bigmodel.cn/api/paas/v4", jurisdiction: "CN" } },
  defaultRegion: "default",
  auth: { scheme: "bearer" },
  envPrefixes: ["ZHIPUAI", "ZHIPU"],
  requiresApiKey: true,
  hasCatalogue: true,
  quirks: { streamUsage: "always" },
  prices: {
    currency: "CNY",
    asOf: "2026-09-08",
    source: "https://docs.bigmodel.cn/cn/guide/start/pricing",
    models: [
      { model: "glm-5.3", inputPerMTok: "8", cachedInputPerMTok: "2", outputPerMTok: "28" },
      { model: "glm-5.3-flash", inputPerMTok: "0.8", cachedInputPerMTok: "0.23", outputPerMTok: "2.8" },
    ],
  },
});
