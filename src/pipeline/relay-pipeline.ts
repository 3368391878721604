/**
 * The request lifecycle for every LLM route (DESIGN §2): authenticate → decode in
 * the client's dialect → route → attempt loop with failover → relay through the
 * plan's transcoder → settle. Same-dialect traffic is forwarded re-serialised
 * from the one parsed object with surgical edits only; other pairs translate
 * through the IR (pipeline/plan.ts).
 */
import type { Dispatcher } from "undici";
import type { UsageLedger } from "../accounting/ledger.js";
import type { ResolvedProvider, TransportConfig } from "../config/types.js";
import { isOvertError, OvertError } from "../errors/overt-error.js";
import { extractCredential } from "../governance/credentials.js";
import { type KeyService, keyAllowsModel } from "../governance/keys.js";
import type { GuardedBody, RequestGuard } from "../guard/request-guard.js";
import type { TransferLedger } from "../guard/transfer-ledger.js";
import type { ClientCodec, ParsedClientRequest } from "../protocols/codec.js";
import type { ModelCatalogue } from "../routing/catalogue.js";
import { attemptOrder } from "../routing/select.js";
import { transportError, transportFailureKind } from "../transport/transport-errors.js";
import { mapUpstreamStatus, type UpstreamFailure } from "../upstreams/openai/adapter.js";
import { newRequestState, type RequestState } from "./attempt-state.js";
import { type CaptureSink, finishCapture, startCapture } from "./capture-stage.js";
import type { ClientExchange } from "./exchange.js";
import { eligible, type GuardSettings, guardRequest, redactionsHeader, tenantFor } from "./guard-stage.js";
import { type OutputScrubber, outputScrubber } from "./output-scrub.js";
import { planAttempt } from "./plan.js";
import { receiptFacts, upstreamRequestId } from "./receipt-facts.js";
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
  guard: GuardSettings;
  /** Records attempts sent outside the tenant's home jurisdiction. */
  transfers: TransferLedger;
  /** Seals captured exchanges for tenants that opted in. */
  capture: CaptureSink;
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

export class RelayPipeline {
  readonly #deps: PipelineDeps;
  readonly #random: () => number;
  readonly #scrub: OutputScrubber;

  constructor(deps: PipelineDeps) {
    this.#deps = deps;
    this.#random = deps.random ?? Math.random;
    this.#scrub = outputScrubber(deps.guard.knownSecrets);
  }

  async handle(exchange: ClientExchange, codec: ClientCodec): Promise<void> {
    const state = newRequestState(exchange.requestId, exchange.startedAt);
    try {
      await this.#run(exchange, state, codec);
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
      this.#settle(state, exchange);
      finishCapture(state, exchange.body, this.#deps.capture)?.catch((error: unknown) => {
        this.#deps.log.error({ requestId: exchange.requestId, err: describe(error) }, "capture failed");
      });
    }
  }

  async #run(exchange: ClientExchange, state: RequestState, codec: ClientCodec): Promise<void> {
    const { keys, catalogue } = this.#deps;
    state.key = exchange.key ?? (await keys.authenticate(extractCredential(exchange.headers)));
    const body = codec.parse(exchange.body, exchange.headers);
    state.requestedModel = body.model;
    state.stream = body.stream;
    state.n = body.n;
    state.maxOutputTokens = body.maxOutputTokens;

    const route = catalogue.resolve(body.model);
    if (!route)
      throw new OvertError("OVT_ERR_ROUTE_MODEL_NOT_FOUND", { model: body.model }, { param: "model" });
    if (!keyAllowsModel(state.key, body.model)) {
      throw new OvertError("OVT_ERR_AUTH_MODEL_NOT_ALLOWED", { model: body.model }, { param: "model" });
    }

    const tenant = tenantFor(this.#deps.guard, state.key.tenantId);
    startCapture(state, tenant);
    const guard = guardRequest(this.#deps.guard, tenant, body.body);
    const order = eligible(guard, attemptOrder(route, this.#random), body.model);
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
        codec,
        deployment.provider,
        deployment.upstreamModel,
        body,
        guard,
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
    codec: ClientCodec,
    provider: ResolvedProvider,
    upstreamModel: string,
    parsed: ParsedClientRequest,
    guard: RequestGuard,
  ): Promise<UpstreamFailure | null> {
    state.provider = provider;
    state.upstreamModel = upstreamModel;
    const guarded = guard.apply(provider.jurisdiction);
    state.guarded = guarded;
    // Re-read the edited body in the client's dialect, so passthrough and IR see the same text.
    const body = guarded.changed ? codec.parse(guarded.body, exchange.headers) : parsed;
    let plan: ReturnType<typeof planAttempt>;
    try {
      plan = planAttempt(body, provider, upstreamModel, exchange.requestId, guarded.vault.values);
    } catch (error) {
      // This deployment cannot take the request (dialect or feature); another one might.
      if (isOvertError(error)) return { error, retryable: true, retrySame: false };
      throw error;
    }
    state.attempts++;
    const upstream = plan.request;
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
        this.#recordTransfer(state, guard, provider, guarded);
        throw new ClientGoneError();
      }
      const kind = transportFailureKind(error);
      // Refused or unreachable: nothing left; a timeout or reset after sending: it did.
      if (kind !== "unreachable" && (error as { code?: unknown }).code !== "UND_ERR_CONNECT_TIMEOUT")
        this.#recordTransfer(state, guard, provider, guarded);
      return {
        error: transportError(error, provider.id, this.#deps.transport),
        retryable: true,
        retrySame: kind !== "timeout",
      };
    }
    this.#recordTransfer(state, guard, provider, guarded);
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
    const redactions = redactionsHeader(guarded.outcomes);
    if (redactions !== null) headers["overt-redactions"] = redactions;
    state.upstreamRequestId = upstreamRequestId(response.headers);
    state.transformations = [
      ...upstream.transformations,
      ...(redactions === null ? [] : redactions.split(", ").map((r) => `guard:${r}`)),
    ];
    if (codec.dialect === "anthropic-messages") headers["request-id"] = exchange.requestId;
    if (body.sse === false) headers["content-type"] = "application/json; charset=utf-8";
    if (state.stream) {
      return await relaySse(exchange, response, state, headers, {
        provider: provider.id,
        framing: provider.descriptor.dialect === "bedrock-converse" ? "aws-eventstream" : "sse",
        transcoder: plan.stream(),
        transport: this.#deps.transport,
        errors: codec.errors,
        scrub: this.#scrub,
      });
    }
    try {
      return await relayJson(
        exchange,
        response,
        provider.id,
        state,
        headers,
        this.#deps.transport.maxResponseBytes,
        plan.json(),
        this.#scrub,
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

  #recordTransfer(
    state: RequestState,
    guard: RequestGuard,
    provider: ResolvedProvider,
    guarded: GuardedBody,
  ): void {
    const key = state.key;
    if (key === null) return;
    const record = this.#deps.transfers.build({
      requestId: state.requestId,
      attempt: state.attempts,
      tenant: guard.tenant,
      keyId: key.id,
      provider: provider.id,
      jurisdiction: provider.jurisdiction,
      guarded,
    });
    if (record === null) return;
    this.#deps.transfers.record(record).catch((error: unknown) => {
      this.#deps.log.error({ requestId: state.requestId, err: describe(error) }, "transfer record failed");
    });
  }

  #settle(state: RequestState, exchange: ClientExchange): void {
    const record = settle(state, performance.now());
    if (record === null) return;
    exchange.receipt?.settle(receiptFacts(state, record));
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
