/**
 * Moonshot AI (Kimi). Two platforms with separate accounts and keys:
 * - cn: platform.moonshot.cn / api.moonshot.cn, operated in China; its privacy
 *   policy states personal information is stored in the PRC.
 * - global: platform.kimi.ai / api.moonshot.ai, contracted with Moonshot AI
 *   PTE. LTD. (Singapore) per the Kimi OpenPlatform terms. Where inference runs
 *   is not published; the descriptor records the contracting entity's country
 *   (SG). Operators who need certainty can set `providers.moonshot.jurisdiction`.
 *
 * Prices: USD, international list price for kimi-k3 from
 * platform.kimi.ai/docs/pricing/chat-k3 (cache miss $3, cache hit $0.30,
 * output $15; quoted from that page on 2026-07-18). Not recorded because not
 * confirmed from a first-party page: the CNY prices of the cn platform, and
 * kimi-k3.1-pro / -highspeed (released 2026-10-24; resellers quote $2 / $0.20 /
 * $10 and $4 / $0.20 / $20). A cn operator should set `currency: CNY` and
 * `prices` in config.
 *
 * Stream usage: Kimi reports usage on the last chunk without any option (inside
 * `choices[0].usage` on older models; adapters must look there too).
 */
import { defineProvider } from "./freeze.js";

export const moonshot = defineProvider({
  id: "moonshot",
  modelPattern: "^(kimi-|moonshot-)",
  displayName: "Moonshot AI (Kimi)",
  dialect: "openai-chat",
  regions: {
    cn: { baseUrl: "https://api.moonshot.cn/v1", jurisdiction: "CN" },
    global: { baseUrl: "https://api.moonshot.ai/v1", jurisdiction: "SG" },
  },
  defaultRegion: "cn",
  auth: { scheme: "bearer" },
  envPrefixes: ["MOONSHOT", "KIMI"],
  requiresApiKey: true,
  hasCatalogue: true,
  quirks: { streamUsage: "always" },
  prices: {
    currency: "USD",
    asOf: "2026-07-18",
    source: "https://platform.kimi.ai/docs/pricing/chat-k3",
    models: [{ model: "kimi-k3", inputPerMTok: "3", cachedInputPerMTok: "0.30", outputPerMTok: "15" }],
  },
});
