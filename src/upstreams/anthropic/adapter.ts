/**
 * Adapter for Anthropic Messages upstreams (Anthropic itself, or any
 * Anthropic-compatible server): same-dialect passthrough with surgical edits —
 * the model name, the relay's credentials, the API version and the client's beta
 * flags (https://docs.claude.com/en/api/messages). Unknown fields survive.
 */
import type { ResolvedProvider } from "../../config/types.js";
import type { SettledUsage } from "../../ir/usage.js";
import { authHeaders, endpointPath, type UpstreamRequest } from "../openai/adapter.js";

const USER_AGENT = "overt/0.1";
const DEFAULT_VERSION = "2023-06-01";

export function buildMessagesRequest(
  provider: ResolvedProvider,
  upstreamModel: string,
  clientBody: Record<string, unknown>,
  stream: boolean,
  clientHeaders: Readonly<Record<string, string>>,
  endpoint = "/v1/messages",
): UpstreamRequest {
  const headers: Record<string, string> = {
    "content-type": "application/json",
    accept: stream ? "text/event-stream" : "application/json",
    "user-agent": USER_AGENT,
    ...provider.descriptor.defaultHeaders,
    ...authHeaders(provider),
  };
  const version = clientHeaders["anthropic-version"];
  if (version !== undefined) headers["anthropic-version"] = version;
  else headers["anthropic-version"] ??= DEFAULT_VERSION;
  const beta = clientHeaders["anthropic-beta"];
  if (beta !== undefined) headers["anthropic-beta"] = beta;
  return {
    origin: provider.baseUrl.origin,
    path: endpointPath(provider, endpoint),
    headers,
    body: JSON.stringify({ ...clientBody, model: upstreamModel }),
    transformations: [],
  };
}

function count(value: unknown): { value: number; bad: boolean } {
  if (value === undefined || value === null) return { value: 0, bad: false };
  if (typeof value !== "number" || !Number.isInteger(value) || value < 0) return { value: 0, bad: true };
  return value > 50_000_000 ? { value: 50_000_000, bad: true } : { value, bad: false };
}

/**
 * Anthropic usage → canonical Usage. `input_tokens` excludes cache reads and
 * writes; the canonical input counts all three (cached = reads, cacheWrite = writes).
 */
export function normaliseAnthropicUsage(
  usage: unknown,
  previous: SettledUsage | null = null,
): SettledUsage | null {
  if (typeof usage !== "object" || usage === null) return previous;
  const u = usage as Record<string, unknown>;
  const pick = (name: string, fallback: number) =>
    u[name] === undefined ? { value: fallback, bad: false } : count(u[name]);
  const input = pick(
    "input_tokens",
    previous ? previous.inputTokens - previous.cachedInputTokens - previous.cacheWriteTokens : 0,
  );
  const read = pick("cache_read_input_tokens", previous?.cachedInputTokens ?? 0);
  const write = pick("cache_creation_input_tokens", previous?.cacheWriteTokens ?? 0);
  const output = pick("output_tokens", previous?.outputTokens ?? 0);
  return {
    inputTokens: input.value + read.value + write.value,
    cachedInputTokens: read.value,
    cacheWriteTokens: write.value,
    outputTokens: output.value,
    reasoningTokens: 0,
    source: "upstream",
    flagged: (previous?.flagged ?? false) || input.bad || read.bad || write.bad || output.bad,
  };
}
