/**
 * Azure OpenAI: OpenAI's wire format behind per-resource endpoints. Requests go to
 * {endpoint}/openai/deployments/{deployment}/chat/completions?api-version=…
 * with the key in an `api-key` header
 * (https://learn.microsoft.com/azure/ai-services/openai/reference). There is no
 * catalogue: the configured `models` are deployment names, the base URL is the
 * resource endpoint (https://<resource>.openai.azure.com), and the jurisdiction is
 * the resource's region — configure it (it defaults to LOCAL, i.e. unknown).
 * Prices depend on the deployment type; configure them per deployment.
 */
import { defineProvider } from "./freeze.js";

export const azure = defineProvider({
  id: "azure",
  displayName: "Azure OpenAI",
  dialect: "openai-chat",
  regions: {},
  defaultRegion: "custom",
  auth: { scheme: "header", header: "api-key" },
  envPrefixes: ["AZURE_OPENAI"],
  requiresApiKey: true,
  hasCatalogue: false,
  quirks: { streamUsage: "stream_options", azureDeployments: { apiVersion: "2024-10-21" } },
  prices: {
    currency: "USD",
    asOf: "2026-11-26",
    source: "none: Azure prices depend on the deployment type and region; configure them",
    models: [],
  },
});
