/**
 * The HTTP edge (DESIGN §2): one JSON body parser, request ids, the route table
 * and error rendering in the client's dialect. Only server/ and admin/ import Fastify.
 */
import { randomUUID } from "node:crypto";
import Fastify, { type FastifyInstance, type FastifyReply } from "fastify";
import { type AdminDeps, registerAdminRoutes } from "../admin/routes.js";
import { OvertError } from "../errors/overt-error.js";
import { extractCredential } from "../governance/credentials.js";
import { type KeyService, keyAllowsModel } from "../governance/keys.js";
import type { CountTokensDeps } from "../pipeline/count-tokens.js";
import type { RelayPipeline } from "../pipeline/relay-pipeline.js";
import { openAiErrors } from "../protocols/openai-chat/errors.js";
import type { ModelCatalogue } from "../routing/catalogue.js";
import { renderErrorResponse, toOvertError } from "./error-response.js";
import { type IntegrityDeps, registerIntegrityRoutes } from "./integrity-routes.js";
import { parseJsonBody } from "./json-body.js";
import { dialectOf, registerLlmRoutes } from "./llm-routes.js";

export interface ServerDeps {
  bodyLimitBytes: number;
  trustedProxies: string[];
  pipeline: RelayPipeline;
  countTokens: CountTokensDeps;
  keys: KeyService;
  catalogue: ModelCatalogue;
  admin: AdminDeps;
  /** Receipts and the public transparency log (issue 5). */
  integrity: IntegrityDeps;
  /** Reports an unexpected failure (class and code only; never bodies). */
  onInternalError(requestId: string, error: unknown): void;
}

declare module "fastify" {
  interface FastifyRequest {
    /** The request body as received (set by the JSON body parser below), for the receipt. */
    rawBody: Buffer | undefined;
  }
}

/** The HTTP application as the composition root sees it (only server/ and admin/ import Fastify). */
export type RelayApp = FastifyInstance;

export function buildServer(deps: ServerDeps): RelayApp {
  const app = Fastify({
    bodyLimit: deps.bodyLimitBytes,
    logger: false,
    genReqId: () => `req_${randomUUID().replaceAll("-", "")}`,
    trustProxy: deps.trustedProxies.length > 0 ? deps.trustedProxies : false,
    return503OnClosing: true,
    keepAliveTimeout: 75_000,
    // Time to receive a whole request (headers and body); responses, streams included, are not limited by it.
    requestTimeout: 120_000,
    frameworkErrors: (_error, request, rawReply) => {
      const reply = rawReply as unknown as FastifyReply;
      const response = renderErrorResponse(
        new OvertError("OVT_ERR_REQ_INVALID_FIELD", { detail: "The request line or URL is malformed." }),
        openAiErrors,
        request.id,
      );
      reply.status(response.status).headers(response.headers).send(response.body);
    },
    routerOptions: { maxParamLength: 200 },
  });

  // The receipt hashes the body exactly as received. A request property declared up front (one
  // shape for every request) rather than a WeakMap: an entry per request in a WeakMap is an
  // ephemeron the garbage collector has to process, measurably slower under load.
  app.decorateRequest("rawBody", undefined);
  app.removeAllContentTypeParsers();
  app.addContentTypeParser("application/json", { parseAs: "buffer" }, (request, body, done) => {
    try {
      request.rawBody = body as Buffer;
      done(null, parseJsonBody(body as Buffer));
    } catch (error) {
      done(error as Error, undefined);
    }
  });
  app.addContentTypeParser("*", (_request, _payload, done) => {
    done(
      new OvertError("OVT_ERR_REQ_INVALID_JSON", { detail: "Content-Type must be application/json" }),
      undefined,
    );
  });

  app.setErrorHandler((error, request, reply) => {
    const relayError = toOvertError(error, request.id, deps.bodyLimitBytes);
    if (relayError.errorName === "OVT_ERR_RELAY_INTERNAL") deps.onInternalError(request.id, error);
    const response = renderErrorResponse(relayError, dialectOf(request), request.id);
    reply.code(response.status).headers(response.headers).send(response.body);
  });
  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split("?")[0]?.slice(0, 200) ?? "";
    const response = renderErrorResponse(
      new OvertError("OVT_ERR_ROUTE_NOT_FOUND", { method: request.method, path }),
      openAiErrors,
      request.id,
    );
    reply.code(response.status).headers(response.headers).send(response.body);
  });

  app.get("/healthz", async () => ({ status: "ok" }));

  app.get("/v1/models", async (request) => {
    const key = await deps.keys.authenticate(extractCredential(request.headers));
    const data = deps.catalogue
      .list()
      .filter((route) => keyAllowsModel(key, route.publicName))
      .map((route) => ({
        id: route.publicName,
        object: "model",
        created: 0,
        owned_by: [...new Set(route.deployments.map((d) => d.provider.id))].join(","),
      }));
    return { object: "list", data };
  });

  registerLlmRoutes(app, {
    pipeline: deps.pipeline,
    countTokens: deps.countTokens,
    keys: deps.keys,
    bodyLimitBytes: deps.bodyLimitBytes,
    receipts: deps.integrity.receipts,
  });
  registerIntegrityRoutes(app, deps.integrity, deps.keys);
  registerAdminRoutes(app, deps.admin);
  return app;
}
