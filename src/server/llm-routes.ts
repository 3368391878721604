/**
 * The LLM routes: each binds a path to a client codec. The key is checked before
 * the body is read (an unauthenticated client cannot make the relay buffer and
 * parse a 32 MB body), errors are rendered in the route's dialect, and the
 * response is written straight to the socket by the pipeline.
 */
import type { FastifyInstance, FastifyRequest } from "fastify";
import { OvertError } from "../errors/overt-error.js";
import { extractCredential } from "../governance/credentials.js";
import type { KeyService } from "../governance/keys.js";
import type { ReceiptService } from "../integrity/receipt-service.js";
import { type CountTokensDeps, countTokens } from "../pipeline/count-tokens.js";
import type { ClientExchange } from "../pipeline/exchange.js";
import { ClientGoneError, type RelayPipeline } from "../pipeline/relay-pipeline.js";
import { anthropicMessagesCodec } from "../protocols/anthropic-messages/codec.js";
import type { ClientCodec } from "../protocols/codec.js";
import type { ErrorDialect } from "../protocols/dialect.js";
import { geminiCodecFor } from "../protocols/gemini/codec.js";
import { geminiErrors } from "../protocols/gemini/errors.js";
import { openAiChatCodec } from "../protocols/openai-chat/codec.js";
import { openAiEmbeddingsCodec } from "../protocols/openai-chat/embeddings-codec.js";
import { openAiErrors } from "../protocols/openai-chat/errors.js";
import { openAiResponsesCodec } from "../protocols/openai-responses/codec.js";
import type { VirtualKeyRecord } from "../storage/ports.js";
import { renderErrorResponse, toOvertError } from "./error-response.js";
import { rawExchange } from "./raw-exchange.js";

export const LLM_ROUTES: ReadonlyArray<readonly [string, ClientCodec]> = [
  ["/v1/chat/completions", openAiChatCodec],
  ["/v1/messages", anthropicMessagesCodec],
  ["/v1/embeddings", openAiEmbeddingsCodec],
  ["/v1/responses", openAiResponsesCodec],
];

/** The error envelope for a request: its route's dialect, OpenAI's elsewhere. */
export function dialectOf(request: FastifyRequest): ErrorDialect {
  const config = request.routeOptions?.config as { codec?: ClientCodec } | undefined;
  return config?.codec?.errors ?? openAiErrors;
}

/** Stands for the Gemini route before the model is known: its errors render in Gemini's envelope. */
const GEMINI_ROUTE_CODEC: ClientCodec = { ...geminiCodecFor("unknown", false), errors: geminiErrors };

function geminiTarget(request: FastifyRequest): { model: string; stream: boolean; sse: boolean } {
  const action = (request.params as { modelAction?: string }).modelAction ?? "";
  const colon = action.lastIndexOf(":");
  const model = colon > 0 ? action.slice(0, colon) : "";
  const method = colon > 0 ? action.slice(colon + 1) : "";
  if (model === "" || (method !== "generateContent" && method !== "streamGenerateContent")) {
    throw new OvertError("OVT_ERR_ROUTE_NOT_FOUND", {
      method: "POST",
      path: `/v1beta/models/${action.slice(0, 120)}`,
    });
  }
  const alt = (request.query as { alt?: unknown }).alt;
  return { model, stream: method === "streamGenerateContent", sse: alt === "sse" };
}

export interface LlmRouteDeps {
  pipeline: RelayPipeline;
  countTokens: CountTokensDeps;
  keys: KeyService;
  bodyLimitBytes: number;
  receipts: ReceiptService;
}

export function registerLlmRoutes(app: FastifyInstance, deps: LlmRouteDeps): void {
  const keyOf = new WeakMap<object, VirtualKeyRecord>();
  const authenticateFirst = async (request: FastifyRequest) => {
    keyOf.set(request.raw, await deps.keys.authenticate(extractCredential(request.headers)));
  };

  const serve = (
    path: string,
    codec: ClientCodec,
    handle: (exchange: ClientExchange, request: FastifyRequest) => Promise<void>,
  ) => {
    app.post(path, { onRequest: authenticateFirst, config: { codec } }, (request, reply) => {
      reply.hijack();
      const startedAt = performance.now();
      const key = keyOf.get(request.raw);
      const receipt = deps.receipts.begin(request.rawBody, key?.id ?? "");
      const exchange = rawExchange(request.raw, reply.raw, request.id, request.body, startedAt, key, receipt);
      // Every answered request gets its receipt, failures included (issue 5).
      const finish = () => {
        if (key !== undefined) deps.receipts.finish(receipt, key.id);
      };
      const fail = (error: unknown) => {
        if (error instanceof ClientGoneError || exchange.clientGone.aborted) return;
        try {
          const relayError = toOvertError(error, request.id, deps.bodyLimitBytes);
          const response = renderErrorResponse(relayError, codec.errors, request.id);
          if (reply.raw.headersSent || reply.raw.destroyed) {
            reply.raw.end();
            return;
          }
          receipt.settle({ status: "error", httpStatus: response.status });
          exchange.sendJson(response.status, response.headers, response.body);
        } catch {
          reply.raw.destroy();
        }
      };
      handle(exchange, request).then(finish, (error: unknown) => {
        fail(error);
        finish();
      });
    });
  };

  for (const [path, codec] of LLM_ROUTES)
    serve(path, codec, (exchange) => deps.pipeline.handle(exchange, codec));
  serve("/v1/messages/count_tokens", anthropicMessagesCodec, (exchange) =>
    countTokens(exchange, deps.countTokens),
  );
  // Gemini puts the model and the method in the path: /v1beta/models/{model}:generateContent.
  serve("/v1beta/models/:modelAction", GEMINI_ROUTE_CODEC, (exchange, request) => {
    const target = geminiTarget(request);
    const codec = geminiCodecFor(target.model, target.stream);
    const withFraming: ClientCodec = {
      ...codec,
      parse: (body, headers) => ({ ...codec.parse(body, headers), sse: target.sse }),
    };
    return deps.pipeline.handle(exchange, withFraming);
  });
}
