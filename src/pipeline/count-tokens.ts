/**
 * POST /v1/messages/count_tokens (https://docs.claude.com/en/api/messages-count-tokens),
 * which Claude Code calls to manage its context. An Anthropic-dialect upstream
 * counts exactly (passthrough, free, not ledgered); for any other upstream the
 * relay estimates and says so in `overt-token-count: estimated`.
 *
 * The upstream gets no more than the Messages request itself could send it (issue
 * 4, catalogue B15–B16): the body goes through the tenant's guard for the
 * upstream's jurisdiction (secrets and personal data pseudonymized), and when the
 * policy refuses that upstream (a blocked class, a jurisdiction not allowed) the
 * count is estimated locally instead.
 */
import type { Dispatcher } from "undici";
import { estimateTokens } from "../accounting/estimate.js";
import type { ResolvedProvider, TransportConfig } from "../config/types.js";
import { OvertError } from "../errors/overt-error.js";
import { extractCredential } from "../governance/credentials.js";
import { type KeyService, keyAllowsModel } from "../governance/keys.js";
import { anthropicMessagesCodec } from "../protocols/anthropic-messages/codec.js";
import type { ModelCatalogue } from "../routing/catalogue.js";
import { transportError } from "../transport/transport-errors.js";
import { buildMessagesRequest } from "../upstreams/anthropic/adapter.js";
import { mapUpstreamStatus } from "../upstreams/openai/adapter.js";
import type { ClientExchange } from "./exchange.js";
import { type GuardSettings, guardRequest, tenantFor } from "./guard-stage.js";
import { readCapped } from "./upstream-body.js";

export interface CountTokensDeps {
  keys: KeyService;
  catalogue: ModelCatalogue;
  dispatcherFor(provider: ResolvedProvider): Dispatcher;
  transport: TransportConfig;
  /** The pipeline's guard settings: count_tokens sends upstream only what a Messages request could. */
  guard: GuardSettings;
}

const COUNT_BODY_LIMIT = 64 * 1024;

export async function countTokens(exchange: ClientExchange, deps: CountTokensDeps): Promise<void> {
  const key = exchange.key ?? (await deps.keys.authenticate(extractCredential(exchange.headers)));
  const body = exchange.body;
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    throw new OvertError("OVT_ERR_REQ_INVALID_FIELD", { detail: "The request body must be a JSON object." });
  }
  // count_tokens takes a Messages request without max_tokens; validate it as one.
  const withBound = { max_tokens: 1, ...(body as Record<string, unknown>), stream: false };
  const parsed = anthropicMessagesCodec.parse(withBound, exchange.headers);
  const route = deps.catalogue.resolve(parsed.model);
  if (!route)
    throw new OvertError("OVT_ERR_ROUTE_MODEL_NOT_FOUND", { model: parsed.model }, { param: "model" });
  if (!keyAllowsModel(key, parsed.model)) {
    throw new OvertError("OVT_ERR_AUTH_MODEL_NOT_ALLOWED", { model: parsed.model }, { param: "model" });
  }
  const deployment = route.deployments[0];
  const exact = deployment?.provider.descriptor.dialect === "anthropic-messages" ? deployment : undefined;
  const guarded =
    exact &&
    guardedBody(deps.guard, key.tenantId, body as Record<string, unknown>, exact.provider.jurisdiction);
  if (exact && guarded) {
    const { provider, upstreamModel } = exact;
    const upstream = buildMessagesRequest(
      provider,
      upstreamModel,
      guarded,
      false,
      parsed.forwardHeaders,
      "/v1/messages/count_tokens",
    );
    let response: Dispatcher.ResponseData;
    try {
      response = await deps
        .dispatcherFor(provider)
        .request({ ...upstream, method: "POST", signal: exchange.clientGone });
    } catch (error) {
      throw transportError(error, provider.id, deps.transport);
    }
    const text = (await readCapped(response.body, COUNT_BODY_LIMIT)).toString("utf8");
    if (response.statusCode !== 200) {
      const retryAfter = response.headers["retry-after"];
      throw mapUpstreamStatus(
        provider,
        response.statusCode,
        Array.isArray(retryAfter) ? retryAfter[0] : retryAfter,
        text,
      ).error;
    }
    const count = (JSON.parse(text) as { input_tokens?: unknown }).input_tokens;
    if (typeof count !== "number" || !Number.isInteger(count) || count < 0) {
      throw new OvertError("OVT_ERR_UPSTREAM_INVALID_RESPONSE", {
        provider: provider.id,
        detail: "no input_tokens",
      });
    }
    exchange.sendJson(
      200,
      { "overt-served-by": `${provider.id}/${upstreamModel}`, "overt-token-count": "upstream" },
      JSON.stringify({ input_tokens: count }),
    );
    return;
  }
  const { system, messages, tools } = body as Record<string, unknown>;
  const estimate = estimateTokens(JSON.stringify([system ?? "", messages ?? [], tools ?? []]));
  exchange.sendJson(200, { "overt-token-count": "estimated" }, JSON.stringify({ input_tokens: estimate }));
}

/** The body as `destination` may receive it, or null when it may receive none of it. */
function guardedBody(
  settings: GuardSettings,
  tenantId: string,
  body: Record<string, unknown>,
  destination: string,
): Record<string, unknown> | null {
  const guard = guardRequest(settings, tenantFor(settings, tenantId), body);
  if (guard.refusal(destination) !== null) return null;
  return guard.apply(destination).body;
}
