/**
 * The built-in simulator as a provider: an OpenAI-dialect upstream on loopback,
 * used only when no real provider is configured. Its models are listed as
 * `simulator/<model>` and cost nothing.
 */
import type { ResolvedProvider } from "../../config/types.js";
import type { ModelPrice, ProviderDescriptor } from "../descriptor.js";
import { SIMULATOR_MODELS } from "./models.js";

const FREE: ModelPrice[] = SIMULATOR_MODELS.map((m) => ({
  model: m.id,
  inputPerMTok: "0",
  outputPerMTok: "0",
}));

export const SIMULATOR_DESCRIPTOR: ProviderDescriptor = Object.freeze({
  id: "simulator",
  displayName: "Overt built-in simulator (not a real model)",
  dialect: "openai-chat",
  regions: Object.freeze({ local: Object.freeze({ baseUrl: "http://127.0.0.1/v1", jurisdiction: "LOCAL" }) }),
  defaultRegion: "local",
  auth: Object.freeze({ scheme: "none" }),
  envPrefixes: Object.freeze([]),
  requiresApiKey: false,
  hasCatalogue: true,
  quirks: Object.freeze({ streamUsage: "stream_options" }),
  prices: Object.freeze({
    currency: "USD",
    asOf: "2026-11-26",
    source: "https://overt.invalid/simulator",
    models: Object.freeze(FREE),
  }),
}) as ProviderDescriptor;

export function simulatorProvider(baseUrl: string): ResolvedProvider {
  return {
    id: "simulator",
    descriptor: SIMULATOR_DESCRIPTOR,
    region: "local",
    baseUrl: new URL(baseUrl),
    jurisdiction: "LOCAL",
    apiKey: null,
    models: SIMULATOR_MODELS.map((m) => m.id),
    prices: new Map(FREE.map((p) => [p.model, p])),
    currency: "USD",
    allowPrivate: true,
    wildcard: false,
  };
}
