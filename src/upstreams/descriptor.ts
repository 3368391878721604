/**
 * Frozen provider descriptors (DESIGN §4): everything the relay knows about an
 * OpenAI-dialect upstream is data, not code. Adapters read these; provider names
 * appear only under upstreams/ and in configuration.
 */

/** Where a provider processes data: ISO 3166 alpha-2 country, "EU", or "LOCAL" (operator's own machines). */
export type Jurisdiction = string;

export interface ProviderRegion {
  baseUrl: string;
  jurisdiction: Jurisdiction;
}

export type AuthScheme = { scheme: "bearer" } | { scheme: "header"; header: string } | { scheme: "none" };

/** A public list price, copied from the provider's price page on `asOf`. Decimal strings, per 1M tokens. */
export interface ModelPrice {
  model: string;
  inputPerMTok: string;
  /** Price of prompt tokens served from the provider's cache; defaults to the input price. */
  cachedInputPerMTok?: string;
  outputPerMTok: string;
}

export interface PriceTable {
  currency: "USD" | "CNY";
  /** ISO date the prices were read. */
  asOf: string;
  /** The public page they were read from. */
  source: string;
  models: readonly ModelPrice[];
}

export interface ProviderQuirks {
  /** How the upstream reports usage on streams: OpenAI's stream_options, always-on, or not at all. */
  streamUsage: "stream_options" | "always" | "none";
}

export interface ProviderDescriptor {
  /** Stable id used in config, routes and the `overt-served-by` header. */
  id: string;
  displayName: string;
  dialect: "openai-chat";
  regions: Readonly<Record<string, ProviderRegion>>;
  defaultRegion: string;
  auth: AuthScheme;
  /** Environment variable prefixes: `<PREFIX>_API_KEY`, `<PREFIX>_BASE_URL`, `<PREFIX>_REGION`. First is canonical. */
  envPrefixes: readonly string[];
  /** False for self-hosted servers (vLLM, Ollama) that may run without a key. */
  requiresApiKey: boolean;
  /** False for the generic openai-compatible descriptor: its models come from config. */
  hasCatalogue: boolean;
  quirks: ProviderQuirks;
  prices: PriceTable;
}
