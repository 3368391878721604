/**
 * The HTTP edge (DESIGN §2): one JSON body parser, request ids, the route table
 * and error rendering in the client's dialect. Only server/ and admin/ import Fastify.
 */
import { randomUUID } from "node:crypto";
import Fastify, { type FastifyInstance } from "fastify";
import { type AdminDeps, registerAdminRoutes } from "../admin/routes.js";
import { OvertError } from "../errors/overt-error.js";
import { extractCredential } from "../governance/credentials.js";
import { type KeyService, keyAllowsModel } from "../governance/keys.js";
import { type ChatCompletionsPipeline, ClientGoneError } from "../pipeline/chat-completions.js";
import { openAiErrors } from "../protocols/openai-chat/errors.js";
import type { ModelCatalogue } from "../routing/catalogue.js";
import { renderErrorResponse, toOvertError } from "./error-response.js";
import { parseJsonBody } from "./json-body.js";
import { rawExchange } from "./raw-exchange.js";

export interface ServerDeps {
  bodyLimitBytes: number;
  trustedProxies: string[];
  chat: ChatCompletionsPipeline;
  keys: KeyService;
  catalogue: ModelCatalogue;
  admin: AdminDeps;
}

export function buildServer(deps: ServerDeps): FastifyInstance {
  const app = Fastify({
    bodyLimit: deps.bodyLimitBytes,
    logger: false,
    genReqId: () => `req_${randomUUID().replaceAll("-", "")}`,
    trustProxy: deps.trustedProxies.length > 0 ? deps.trustedProxies : false,
    return503OnClosing: true,
    keepAliveTimeout: 75_000,
    requestTimeout: 0,
    routerOptions: { maxParamLength: 200 },
  });

  app.removeAllContentTypeParsers();
  app.addContentTypeParser("application/json", { parseAs: "buffer" }, (_request, body, done) => {
    try {
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
    const response = renderErrorResponse(relayError, openAiErrors, request.id);
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

  app.post("/v1/chat/completions", (request, reply) => {
    reply.hijack();
    const startedAt = performance.now();
    const exchange = rawExchange(request.raw, reply.raw, request.id, request.body, startedAt);
    deps.chat.handle(exchange).catch((error: unknown) => {
      if (error instanceof ClientGoneError) return;
      const response = renderErrorResponse(
        toOvertError(error, request.id, deps.bodyLimitBytes),
        openAiErrors,
        request.id,
      );
      if (reply.raw.headersSent) {
        reply.raw.end();
        return;
      }
      reply.raw.writeHead(response.status, response.headers);
      reply.raw.end(response.body);
    });
  });

  registerAdminRoutes(app, deps.admin);
  return app;
}
