/**
 * Amazon Bedrock (bedrock-runtime.<region>.amazonaws.com) through the Converse
 * API, which speaks one wire format to every model family Bedrock hosts
 * (Anthropic Claude, Meta Llama, Amazon Nova…). US company; data is processed
 * in the region called (cross-region inference profiles such as
 * `us.anthropic.…` stay within their geography).
 *
 * Wire: dialect `bedrock-converse`. The base URL is the regional runtime root;
 * the adapter (upstreams/bedrock/adapter.ts) appends `/model/{modelId}/converse`
 * or `/converse-stream` and signs every request with AWS SigV4 (service
 * "bedrock", the region's name), so `auth` is `none` here: the key is never
 * sent as is. Key: AWS_BEDROCK_API_KEY = `ACCESS_KEY_ID:SECRET_ACCESS_KEY` or
 * `ACCESS_KEY_ID:SECRET_ACCESS_KEY:SESSION_TOKEN`; region: AWS_BEDROCK_REGION
 * (one of the regions below, whose names are AWS region names);
 * base URL: AWS_BEDROCK_BASE_URL. (The standard AWS_ACCESS_KEY_ID /
 * AWS_SECRET_ACCESS_KEY pair could be accepted later by config/ joining them
 * into the same form.)
 *
 * Stream usage: always reported, in the `metadata` event after `messageStop`.
 *
 * Prices: NONE recorded. Bedrock's on-demand prices vary by region and by
 * cross-region profile, and no current first-party copy of
 * aws.amazon.com/bedrock/pricing could be confirmed for the current Claude
 * lineup; no model is listed rather than guessing. Set `prices` in config.
 * `asOf` is the date the page was last looked for.
 */
import { defineProvider } from "./freeze.js";

export const bedrock = defineProvider({
  id: "bedrock",
  modelPattern: "^(anthropic\\.|us\\.anthropic\\.|meta\\.|amazon\\.)",
  displayName: "Amazon Bedrock",
  dialect: "bedrock-converse",
  regions: {
    "us-east-1": { baseUrl: "https://bedrock-runtime.us-east-1.amazonaws.com", jurisdiction: "US" },
    "us-west-2": { baseUrl: "https://bedrock-runtime.us-west-2.amazonaws.com", jurisdiction: "US" },
    "eu-central-1": { baseUrl: "https://bedrock-runtime.eu-central-1.amazonaws.com", jurisdiction: "EU" },
    "ap-northeast-1": { baseUrl: "https://bedrock-runtime.ap-northeast-1.amazonaws.com", jurisdiction: "JP" },
  },
  defaultRegion: "us-east-1",
  auth: { scheme: "none" },
  envPrefixes: ["AWS_BEDROCK"],
  requiresApiKey: true,
  hasCatalogue: true,
  quirks: { streamUsage: "always" },
  prices: {
    currency: "USD",
    asOf: "2026-11-26",
    source: "https://aws.amazon.com/bedrock/pricing/",
    models: [],
  },
});
