/**
 * Any server that speaks OpenAI Chat Completions: vLLM, Ollama, llama.cpp,
 * SGLang, LM Studio, a company gateway… It has no catalogue, no default base
 * URL and no default region: `baseUrl` must be configured (YAML, or
 * OPENAI_COMPATIBLE_BASE_URL), its models come from config, and its
 * jurisdiction is the configured one or "LOCAL" (the operator's own machines).
 * A key is optional. Self-hosted servers usually sit on loopback/private
 * addresses, which the config loader refuses unless explicitly allowed.
 *
 * Stream usage: vLLM, Ollama and llama.cpp honour `stream_options.include_usage`.
 */
import { defineProvider } from "./freeze.js";

export const openaiCompatible = defineProvider({
  id: "openai-compatible",
  displayName: "OpenAI-compatible server",
  dialect: "openai-chat",
  regions: {},
  defaultRegion: "custom",
  auth: { scheme: "bearer" },
  envPrefixes: ["OPENAI_COMPATIBLE"],
  requiresApiKey: false,
  hasCatalogue: false,
  quirks: { streamUsage: "stream_options" },
  prices: {
    currency: "USD",
    asOf: "2026-11-26",
    source: "none: prices for self-hosted servers come from configuration",
    models: [],
  },
});
