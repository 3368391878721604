/**
 * Adapter for OpenAI-dialect upstreams (OpenAI and every compat descriptor):
 * builds the upstream request from a same-dialect client body with surgical edits
 * (model name, usage on streams), and maps upstream HTTP failures to relay errors.
 */
import type { ResolvedProvider } from "../../config/types.js";
import { OvertError } from "../../errors/overt-error.js";
import { scrubUpstreamText, upstreamErrorMessage } from "../scrub.js";

export interface UpstreamRequest {
  origin: string;
  path: string;
  headers: Record<string, string>;
  body: string;
  /** What the relay changed beyond model and usage options; sent as `overt-transformations`. */
  transformations: string[];
}

const USER_AGENT = "overt/0.1";

export function authHeaders(provider: ResolvedProvider): Record<string, string> {
  const key = provider.apiKey?.reveal();
  if (key === undefined || key.length === 0) return {};
  const auth = provider.descriptor.auth;
  if (auth.scheme === "bearer") return { authorization: `Bearer ${key}` };
  if (auth.scheme === "header") return { [auth.header]: key };
  return {};
}

/**
 * The path of an OpenAI-dialect endpoint for a model: <base>/<endpoint>, or
 * Azure's <base>/openai/deployments/<model>/<endpoint>?api-version=… .
 */
export function openAiEndpoint(provider: ResolvedProvider, model: string, endpoint: string): string {
  const azure = provider.descriptor.quirks.azureDeployments;
  if (azure === undefined) return endpointPath(provider, endpoint);
  const version = encodeURIComponent(azure.apiVersion);
  return endpointPath(
    provider,
    `/openai/deployments/${encodeURIComponent(model)}${endpoint}?api-version=${version}`,
  );
}

/** Path prefix of the base URL (e.g. "/v1", "/compatible-mode/v1") joined with the endpoint. */
export function endpointPath(provider: ResolvedProvider, endpoint: string): string {
  const base = provider.baseUrl.pathname.replace(/\/+$/, "");
  return `${base}${endpoint}`;
}

export function buildChatRequest(
  provider: ResolvedProvider,
  upstreamModel: string,
  clientBody: Record<string, unknown>,
  stream: boolean,
): UpstreamRequest {
  const body: Record<string, unknown> = { ...clientBody, model: upstreamModel };
  const transformations: string[] = [];
  // Zero retention (DESIGN §5): the upstream account must not keep prompts on the client's say-so.
  if (body.store === true) {
    body.store = false;
    transformations.push("store=false");
  }
  if (stream && provider.descriptor.quirks.streamUsage === "stream_options") {
    const options =
      typeof clientBody.stream_options === "object" && clientBody.stream_options !== null
        ? clientBody.stream_options
        : {};
    body.stream_options = { ...options, include_usage: true };
  }
  return {
    origin: provider.baseUrl.origin,
    path: openAiEndpoint(provider, upstreamModel, "/chat/completions"),
    headers: {
      "content-type": "application/json",
      accept: stream ? "text/event-stream" : "application/json",
      "user-agent": USER_AGENT,
      ...authHeaders(provider),
    },
    body: JSON.stringify(body),
    transformations,
  };
}

/**
 * POST <base>/responses for a Responses client on an upstream that serves that API:
 * passthrough with the model replaced and `store` forced false (zero retention).
 */
export function buildResponsesRequest(
  provider: ResolvedProvider,
  upstreamModel: string,
  clientBody: Record<string, unknown>,
  stream: boolean,
): UpstreamRequest {
  return {
    origin: provider.baseUrl.origin,
    path: openAiEndpoint(provider, upstreamModel, "/responses"),
    headers: {
      "content-type": "application/json",
      accept: stream ? "text/event-stream" : "application/json",
      "user-agent": USER_AGENT,
      ...authHeaders(provider),
    },
    body: JSON.stringify({ ...clientBody, model: upstreamModel, store: false }),
    transformations: [],
  };
}

/** POST <base>/embeddings: passthrough with the model name replaced. */
export function buildEmbeddingsRequest(
  provider: ResolvedProvider,
  upstreamModel: string,
  clientBody: Record<string, unknown>,
): UpstreamRequest {
  return {
    origin: provider.baseUrl.origin,
    path: openAiEndpoint(provider, upstreamModel, "/embeddings"),
    headers: {
      "content-type": "application/json",
      accept: "application/json",
      "user-agent": USER_AGENT,
      ...authHeaders(provider),
    },
    body: JSON.stringify({ ...clientBody, model: upstreamModel }),
    transformations: [],
  };
}

/** The upstream request for a body already translated from another dialect. */
export function buildTranslatedChatRequest(
  provider: ResolvedProvider,
  body: Record<string, unknown>,
  stream: boolean,
  transformations: string[],
): UpstreamRequest {
  return {
    origin: provider.baseUrl.origin,
    path: openAiEndpoint(provider, String(body.model), "/chat/completions"),
    headers: {
      "content-type": "application/json",
      accept: stream ? "text/event-stream" : "application/json",
      "user-agent": USER_AGENT,
      ...authHeaders(provider),
    },
    body: JSON.stringify(body),
    transformations,
  };
}

export interface UpstreamFailure {
  error: OvertError;
  /** Worth trying again (another deployment, or the same one after a pause). */
  retryable: boolean;
  /** Worth retrying on the same deployment (false for 429: that would be a tight loop). */
  retrySame: boolean;
}

/** Maps a non-2xx upstream answer (read before any byte went to the client). */
export function mapUpstreamStatus(
  provider: ResolvedProvider,
  status: number,
  retryAfter: string | undefined,
  bodyText: string,
): UpstreamFailure {
  const name = provider.id;
  if (status >= 300 && status < 400) {
    return {
      error: new OvertError("OVT_ERR_UPSTREAM_REDIRECT_BLOCKED", { provider: name }),
      retryable: true,
      retrySame: false,
    };
  }
  if (status === 429) {
    const headers: Record<string, string> = {};
    if (retryAfter !== undefined && /^\d{1,6}$/.test(retryAfter.trim()))
      headers["retry-after"] = retryAfter.trim();
    return {
      error: new OvertError("OVT_ERR_UPSTREAM_RATE_LIMITED", {}, { headers }),
      retryable: true,
      retrySame: false,
    };
  }
  if (status === 401 || status === 403) {
    return {
      error: new OvertError("OVT_ERR_UPSTREAM_AUTH", { provider: name }),
      retryable: true,
      retrySame: false,
    };
  }
  if (status === 529) {
    return {
      error: new OvertError("OVT_ERR_UPSTREAM_OVERLOADED", { provider: name }),
      retryable: true,
      retrySame: true,
    };
  }
  if (status >= 500) {
    return {
      error: new OvertError("OVT_ERR_UPSTREAM_ERROR", { provider: name, status }),
      retryable: true,
      retrySame: true,
    };
  }
  const raw = upstreamErrorMessage(bodyText);
  const detail = raw === null ? `HTTP ${status}` : scrubUpstreamText(raw, providerSecrets(provider));
  const mirrored = status >= 400 && status < 500 ? status : 502;
  return {
    error: new OvertError("OVT_ERR_UPSTREAM_REJECTED", { provider: name, detail }, { status: mirrored }),
    retryable: false,
    retrySame: false,
  };
}

/** Scrubbed text of an in-stream upstream error object. */
export function describeStreamError(error: unknown, secrets: readonly string[]): string {
  if (typeof error === "object" && error !== null) {
    const message = (error as { message?: unknown }).message;
    if (typeof message === "string") return scrubUpstreamText(message, secrets);
  }
  return "unknown error";
}

/** Configured secrets of a provider, for scrubbing upstream text. */
export function providerSecrets(provider: ResolvedProvider): string[] {
  const key = provider.apiKey?.reveal();
  return key ? [key] : [];
}
