/**
 * Frozen provider descriptors (DESIGN §4): everything the relay knows about an
 * upstream (its wire dialect, endpoints, auth, quirks and prices) is data, not
 * code. Adapters read these; provider names appear only under upstreams/ and in
 * configuration.
 */

/** Where a provider processes data: ISO 3166 alpha-2 country, "EU", or "LOCAL" (operator's own machines). */
export type Jurisdiction = string;

export interface ProviderRegion {
  baseUrl: string;
  jurisdiction: Jurisdiction;
}

/**
 * How the API key is sent: `Authorization: Bearer <key>`, a named header carrying
 * the bare key (lower-case name, e.g. `x-api-key`), or not at all.
 */
export type AuthScheme = { scheme: "bearer" } | { scheme: "header"; header: string } | { scheme: "none" };

/**
 * The wire protocol an upstream speaks, which picks its adapter:
 * - `openai-chat`: OpenAI Chat Completions; the base URL is what OpenAI SDKs
 *   take as their base URL (with any version prefix, e.g. `…/v1`) and the
 *   adapter appends `/chat/completions`.
 * - `anthropic-messages`: Anthropic Messages; the base URL is the API root
 *   (`https://api.anthropic.com`, the same convention as the Anthropic SDKs'
 *   ANTHROPIC_BASE_URL) and the adapter appends `/v1/messages`.
 * - `gemini`: the Gemini API (generateContent); the base URL is the API root
 *   (`https://generativelanguage.googleapis.com`, as @google/genai takes its
 *   baseUrl) and the adapter appends `/v1beta/models/{model}:generateContent`
 *   or `:streamGenerateContent?alt=sse`.
 * - `bedrock-converse`: Amazon Bedrock's Converse API; the base URL is the
 *   regional runtime root (`https://bedrock-runtime.<region>.amazonaws.com`)
 *   and the adapter appends `/model/{modelId}/converse` or `/converse-stream`,
 *   signing with AWS SigV4 (the auth scheme is `none`: the key is not sent as is).
 */
export type ProviderDialect = "openai-chat" | "anthropic-messages" | "gemini" | "bedrock-converse";

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
  /** Also serves the OpenAI Responses API at <base>/responses: Responses clients pass straight through. */
  responses?: boolean;
  /** Azure OpenAI's URL scheme: /openai/deployments/{model}/<endpoint>?api-version=… */
  azureDeployments?: { apiVersion: string };
}

export interface ProviderDescriptor {
  /** Stable id used in config, routes and the `overt-served-by` header. */
  id: string;
  /**
   * Which bare model names belong to this provider's family (a simple anchored
   * prefix pattern, e.g. "^claude-"): lets `claude-opus-4-8` reach Anthropic before
   * any price table lists it. Absent for aggregators and generic servers.
   */
  modelPattern?: string;
  displayName: string;
  dialect: ProviderDialect;
  regions: Readonly<Record<string, ProviderRegion>>;
  defaultRegion: string;
  auth: AuthScheme;
  /**
   * Headers every request to this provider must carry (e.g. Anthropic's
   * `anthropic-version`). Lower-case names, printable values, never credentials
   * (those go through `auth`). The adapter sends them on every request; whether a
   * client's own value for the same header may replace one is the adapter's rule.
   */
  defaultHeaders?: Readonly<Record<string, string>>;
  /** Environment variable prefixes: `<PREFIX>_API_KEY`, `<PREFIX>_BASE_URL`, `<PREFIX>_REGION`. First is canonical. */
  envPrefixes: readonly string[];
  /** False for self-hosted servers (vLLM, Ollama) that may run without a key. */
  requiresApiKey: boolean;
  /** False for the generic openai-compatible descriptor: its models come from config. */
  hasCatalogue: boolean;
  quirks: ProviderQuirks;
  prices: PriceTable;
}
