/**
 * Adapter for Amazon Bedrock through the Converse API: POST
 * `/model/{modelId}/converse` (JSON) or `/model/{modelId}/converse-stream`
 * (application/vnd.amazon.eventstream, see eventstream.ts), signed with AWS
 * Signature Version 4 (sigv4.ts, service "bedrock", the provider's region).
 *
 * Credentials: the provider's API key (AWS_BEDROCK_API_KEY) holds
 * `ACCESS_KEY_ID:SECRET_ACCESS_KEY` or `ACCESS_KEY_ID:SECRET_ACCESS_KEY:SESSION_TOKEN`
 * (temporary STS credentials). AWS secret keys are base64-like and contain no
 * colon, so the split is unambiguous; a session token may contain none either.
 * Later, the standard AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY /
 * AWS_SESSION_TOKEN variables could be read by config/ and joined into this
 * same form, so the adapter stays unchanged.
 */
import type { ResolvedProvider } from "../../config/types.js";
import { OvertError } from "../../errors/overt-error.js";
import type { UpstreamRequest } from "../openai/adapter.js";
import { signRequest } from "./sigv4.js";
import { conversePath } from "./translate-request.js";

const USER_AGENT = "overt/0.1";
export const BEDROCK_SERVICE = "bedrock";
export const EVENT_STREAM_TYPE = "application/vnd.amazon.eventstream";

export interface BedrockCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

/** Splits `ACCESS_KEY_ID:SECRET_ACCESS_KEY[:SESSION_TOKEN]`; OVT_ERR_UPSTREAM_AUTH when malformed. */
export function parseBedrockCredentials(key: string, provider = "bedrock"): BedrockCredentials {
  const parts = key.trim().split(":");
  const [accessKeyId = "", secretAccessKey = "", sessionToken] = parts;
  if (
    parts.length < 2 ||
    parts.length > 3 ||
    accessKeyId === "" ||
    secretAccessKey === "" ||
    sessionToken === ""
  ) {
    throw new OvertError("OVT_ERR_UPSTREAM_AUTH", { provider });
  }
  return sessionToken === undefined
    ? { accessKeyId, secretAccessKey }
    : { accessKeyId, secretAccessKey, sessionToken };
}

/** The provider's credentials from its API key. */
export function providerCredentials(provider: ResolvedProvider): BedrockCredentials {
  return parseBedrockCredentials(provider.apiKey?.reveal() ?? "", provider.id);
}

/** Secrets to scrub from upstream text: the secret key and session token (the key id is not secret). */
export function bedrockSecrets(credentials: BedrockCredentials): string[] {
  return [credentials.secretAccessKey, ...(credentials.sessionToken ? [credentials.sessionToken] : [])];
}

export function buildConverseRequest(
  provider: ResolvedProvider,
  modelId: string,
  body: Record<string, unknown>,
  stream: boolean,
  credentials: BedrockCredentials,
  transformations: string[] = [],
  now?: Date,
): UpstreamRequest {
  const base = provider.baseUrl.pathname.replace(/\/+$/, "");
  const path = `${base}${conversePath(modelId, stream)}`;
  const { modelId: _modelId, ...rest } = body;
  const text = JSON.stringify(rest);
  const headers: Record<string, string> = {
    "content-type": "application/json",
    accept: stream ? EVENT_STREAM_TYPE : "application/json",
  };
  const signed = signRequest({
    method: "POST",
    url: new URL(path, provider.baseUrl.origin),
    headers,
    body: text,
    region: provider.region,
    service: BEDROCK_SERVICE,
    ...credentials,
    ...(now ? { now } : {}),
  });
  return {
    origin: provider.baseUrl.origin,
    path,
    headers: { ...headers, "user-agent": USER_AGENT, ...signed },
    body: text,
    transformations,
  };
}
