/**
 * POST /v1/chat/completions, OpenAI client dialect to OpenAI-dialect upstreams:
 * authenticate → validate → route → attempt loop with failover → relay → settle.
 * The request body is forwarded re-serialised from the one parsed object with
 * surgical edits only (DESIGN §4 passthrough).
 */
import type { Dispatcher } from "undici";
import type { UsageLedger } from "../accounting/ledger.js";
import type { ResolvedProvider, TransportConfig } from "../config/types.js";
import { isOvertError, OvertError } from "../errors/overt-error.js";
import { extractCredential } from "../governance/credentials.js";
import { type KeyService, keyAllowsModel } from "../governance/keys.js";
import { openAiErrors } from "../protocols/openai-chat/errors.js";
import { validateChatRequest } from "../protocols/openai-chat/validate.js";
import type { ModelCatalogue } from "../routing/catalogue.js";
import { attemptOrder } from "../routing/select.js";
import { transportError, transportFailureKind } from "../transport/transport-errors.js";
import { buildChatRequest, mapUpstreamStatus, type UpstreamFailure } from "../upstreams/openai/adapter.js";
import { newRequestState, type RequestState } from "./attempt-state.js";
import type { ClientExchange } from "./exchange.js";
import { relayJson } from "./relay-json.js";
import { relaySse } from "./relay-sse.js";
import { settle } from "./settlement.js";
import { readCapped } from "./upstream-body.js";

export interface PipelineLogger {
  info(fields: Record<string, unknown>, message: string): void;
  error(fields: Record<string, unknown>, message: string): void;
}

export interface PipelineDeps {
  keys: KeyService;
  catalogue: ModelCatalogue;
  ledger: UsageLedger;
  dispatcherFor(provider: ResolvedProvider): Dispatcher;
  transport: TransportConfig;
  log: PipelineLogger;
  random?: () => number;
}

/** Thrown when the client left before any response byte; nothing is sent back. */
export class ClientGoneError extends Error {}

const ERROR_BODY_LIMIT = 64 * 1024;

function backoff(attempt: number, random: () => number): Promise<void> {
  const ms = Math.min(2_000, 100 * 2 ** attempt) * (0.5 + random() / 2);
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export class ChatCompletionsPipeline {
  readonly #deps: PipelineDeps;
  readonly #random: () => number;

  constructor(deps: PipelineDeps) {
    this.#deps = deps;
    this.#random = deps.random ?? Math.random;
  }

  async handle(exchange: ClientExchange): Promise<void> {
    const state = newRequestState(exchange.requestId, exchange.startedAt);
    try {
      await this.#run(exchange, state);
    } catch (error) {
      if (error instanceof ClientGoneError || exchange.clientGone.aborted) {
        state.status = "error";
        state.httpStatus = 499;
        state.errorCode = "client_disconnected";
        throw new ClientGoneError();
      }
      const relayError = isOvertError(error)
        ? error
        : new OvertError("OVT_ERR_RELAY_INTERNAL", { requestId: exchange.requestId });
      if (!isOvertError(error))
        this.#deps.log.error({ requestId: exchange.requestId, err: describe(error) }, "internal error");
      state.status = "error";
      state.httpStatus = relayError.status;
      state.errorCode = relayError.code;
      throw relayError;
    } finally {
      this.#settle(state);
    }
  }

  async #run(exchange: ClientExchange, state: RequestState): Promise<void> {
    const { keys, catalogue } = this.#deps;
    state.key = exchange.key ?? (await keys.authenticate(extractCredential(exchange.headers)));
    const body = validateChatRequest(exchange.body);
    state.requestedModel = body.model;
    state.stream = body.stream === true;
    state.n = body.n ?? 1;
    state.maxOutputTokens = body.max_completion_tokens ?? body.max_tokens ?? undefined;

    const route = catalogue.resolve(body.model);
    if (!route)
      throw new OvertError("OVT_ERR_ROUTE_MODEL_NOT_FOUND", { model: body.model }, { param: "model" });
    if (!keyAllowsModel(state.key, body.model)) {
      throw new OvertError("OVT_ERR_AUTH_MODEL_NOT_ALLOWED", { model: body.model }, { param: "model" });
    }

    const order = attemptOrder(route, this.#random);
    const maxAttempts = Math.max(1, this.#deps.transport.maxAttempts);
    let lastFailure: UpstreamFailure | null = null;
    for (let i = 0; i < maxAttempts; i++) {
      const deployment = order[i % order.length];
      if (deployment === undefined) break;
      if (i >= order.length) {
        if (lastFailure !== null && !lastFailure.retrySame) break;
        await backoff(i, this.#random);
      }
      if (exchange.clientGone.aborted) throw new ClientGoneError();
      const failure = await this.#attempt(
        exchange,
        state,
        deployment.provider,
        deployment.upstreamModel,
        body,
      );
      if (failure === null) return;
      lastFailure = failure;
      if (!failure.retryable) break;
    }
    throw lastFailure?.error ?? new OvertError("OVT_ERR_RELAY_INTERNAL", { requestId: exchange.requestId });
  }

  async #attempt(
    exchange: ClientExchange,
    state: RequestState,
    provider: ResolvedProvider,
    upstreamModel: string,
    body: Record<string, unknown> & {
      stream?: boolean | null;
      stream_options?: { include_usage?: boolean } | null;
    },
  ): Promise<UpstreamFailure | null> {
    state.provider = provider;
    state.upstreamModel = upstreamModel;
    state.attempts++;
    const upstream = buildChatRequest(provider, upstreamModel, body, state.stream);
    state.upstreamBody = upstream.body;

    // The client's own disconnect signal aborts the upstream request (catalogue C6, C7);
    // the relay's own early exits destroy the response body instead.
    let response: Dispatcher.ResponseData;
    try {
      response = await this.#deps.dispatcherFor(provider).request({
        origin: upstream.origin,
        path: upstream.path,
        method: "POST",
        headers: upstream.headers,
        body: upstream.body,
        signal: exchange.clientGone,
      });
    } catch (error) {
      if (exchange.clientGone.aborted) {
        // The client left while the upstream was working on the prompt (catalogue C7 policy).
        state.upstreamEngaged = true;
        throw new ClientGoneError();
      }
      const kind = transportFailureKind(error);
      return {
        error: transportError(error, provider.id, this.#deps.transport),
        retryable: true,
        retrySame: kind !== "timeout",
      };
    }
    if (response.statusCode !== 200) {
      let text = "";
      try {
        text = (await readCapped(response.body, ERROR_BODY_LIMIT)).toString("utf8");
      } catch {
        text = "";
      }
      const retryAfter = response.headers["retry-after"];
      return mapUpstreamStatus(
        provider,
        response.statusCode,
        Array.isArray(retryAfter) ? retryAfter[0] : retryAfter,
        text,
      );
    }
    state.upstreamEngaged = true;
    const headers: Record<string, string> = { "overt-served-by": `${provider.id}/${upstreamModel}` };
    if (upstream.transformations.length > 0)
      headers["overt-transformations"] = upstream.transformations.join(", ");
    if (state.stream) {
      return await relaySse(exchange, response, provider, state, headers, {
        clientWantsUsage: body.stream_options?.include_usage === true,
        transport: this.#deps.transport,
        errors: openAiErrors,
      });
    }
    try {
      return await relayJson(
        exchange,
        response,
        provider,
        state,
        headers,
        this.#deps.transport.maxResponseBytes,
      );
    } catch (error) {
      if (exchange.clientGone.aborted) throw new ClientGoneError();
      if (isOvertError(error)) throw error;
      return {
        error: transportError(error, provider.id, this.#deps.transport),
        retryable: false,
        retrySame: false,
      };
    }
  }

  #settle(state: RequestState): void {
    const record = settle(state, performance.now());
    if (record === null) return;
    this.#deps.ledger.record(record).catch((error: unknown) => {
      this.#deps.log.error({ requestId: state.requestId, err: describe(error) }, "usage record failed");
    });
    this.#deps.log.info(
      {
        requestId: record.requestId,
        keyId: record.keyId,
        model: record.requestedModel,
        servedBy: record.provider === null ? null : `${record.provider}/${record.upstreamModel}`,
        status: record.status,
        httpStatus: record.httpStatus,
        errorCode: record.errorCode,
        latencyMs: record.latencyMs,
        attempts: record.attempts,
      },
      "request",
    );
  }
}

/** Error description for logs: class and code only (undici errors carry URLs and headers, catalogue K3). */
function describe(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return typeof code === "string" ? `${error.name}(${code})` : error.name;
  }
  return typeof error;
}
