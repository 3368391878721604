/**
 * The admin API (JSON over HTTP, bearer admin token). Request schemas are strict:
 * unknown fields are refused by name (catalogue G3). Responses never carry key
 * material or digests (G5).
 */
import type { FastifyInstance, FastifyRequest } from "fastify";
import { z } from "zod";
import { parseSince, usageReport } from "../accounting/report.js";
import { OvertError } from "../errors/overt-error.js";
import { parseDuration } from "../governance/duration.js";
import type { KeyService } from "../governance/keys.js";
import type { AuditStore, UsageStore, VirtualKeyRecord } from "../storage/ports.js";
import type { AdminAuth } from "./auth.js";
import { type CaptureAdminDeps, registerCaptureRoutes } from "./capture-routes.js";

export interface AdminDeps extends CaptureAdminDeps {
  auth: AdminAuth;
  keys: KeyService;
  usage: UsageStore;
  audit: AuditStore;
}

const setupBody = z.strictObject({ setup_token: z.string() });
const createKeyBody = z.strictObject({
  name: z.string().min(1).max(100),
  models: z.array(z.string().min(1).max(200)).min(1).max(1000).default(["*"]),
  expires_in: z.string().optional(),
  expires_at: z.string().optional(),
  tenant_id: z.string().min(1).max(100).optional(),
});

function parseBody<T>(schema: z.ZodType<T>, body: unknown): T {
  const result = schema.safeParse(body ?? {});
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const param = issue?.path.map(String).join(".") || null;
  const detail =
    issue?.code === "unrecognized_keys"
      ? `Unknown field(s): ${issue.keys.join(", ")}`
      : `${param ?? "body"}: ${issue?.message ?? "invalid"}`;
  throw new OvertError("OVT_ERR_REQ_INVALID_FIELD", { detail }, { param });
}

export function publicKeyView(record: VirtualKeyRecord) {
  return {
    id: record.id,
    name: record.name,
    prefix: record.prefix,
    tenant_id: record.tenantId,
    models: record.models,
    created_at: new Date(record.createdAt).toISOString(),
    expires_at: record.expiresAt === null ? null : new Date(record.expiresAt).toISOString(),
    revoked_at: record.revokedAt === null ? null : new Date(record.revokedAt).toISOString(),
  };
}

export function expiryFrom(
  expiresIn: string | undefined,
  expiresAt: string | undefined,
  now: number,
): number | null {
  if (expiresIn !== undefined && expiresAt !== undefined) {
    throw new OvertError(
      "OVT_ERR_REQ_INVALID_FIELD",
      { detail: "send expires_in or expires_at, not both" },
      { param: "expires_in" },
    );
  }
  if (expiresIn !== undefined) {
    const ms = parseDuration(expiresIn);
    if (ms === null)
      throw new OvertError(
        "OVT_ERR_REQ_INVALID_FIELD",
        { detail: "expires_in must look like 30d, 12h or 15m" },
        { param: "expires_in" },
      );
    return now + ms;
  }
  if (expiresAt !== undefined) {
    const at = Date.parse(expiresAt);
    if (Number.isNaN(at) || at <= now) {
      throw new OvertError(
        "OVT_ERR_REQ_INVALID_FIELD",
        { detail: "expires_at must be a future ISO 8601 time" },
        { param: "expires_at" },
      );
    }
    return at;
  }
  return null;
}

export function registerAdminRoutes(app: FastifyInstance, deps: AdminDeps): void {
  const requireAdmin = async (request: FastifyRequest) => {
    const admin = await deps.auth.verify(request.headers.authorization);
    return `admin:${admin.id}`;
  };

  app.post("/admin/setup", async (request, reply) => {
    const body = parseBody(setupBody, request.body);
    const adminToken = await deps.auth.exchangeSetupToken(body.setup_token);
    reply.code(201);
    return {
      admin_token: adminToken,
      note: "Shown once. Use it as 'Authorization: Bearer <admin_token>' on /admin routes.",
    };
  });

  app.get("/admin/keys", async (request) => {
    await requireAdmin(request);
    return { data: (await deps.keys.list()).map(publicKeyView) };
  });

  app.post("/admin/keys", async (request, reply) => {
    const actor = await requireAdmin(request);
    const body = parseBody(createKeyBody, request.body);
    const expiresAt = expiryFrom(body.expires_in, body.expires_at, Date.now());
    const created = await deps.keys.create({
      name: body.name,
      models: body.models,
      expiresAt,
      tenantId: body.tenant_id,
      actor,
    });
    reply.code(201);
    return {
      key: created.key,
      ...publicKeyView(created.record),
      note: "The key is shown once; only its digest is stored.",
    };
  });

  app.delete<{ Params: { id: string } }>("/admin/keys/:id", async (request) => {
    const actor = await requireAdmin(request);
    const revoked = await deps.keys.revoke(request.params.id, actor);
    if (!revoked)
      throw new OvertError("OVT_ERR_ADMIN_NOT_FOUND", {
        thing: "active key",
        id: request.params.id.slice(0, 64),
      });
    return { id: request.params.id, revoked: true };
  });

  app.get<{ Querystring: { since?: string; by?: string } }>("/admin/usage", async (request) => {
    await requireAdmin(request);
    const since = parseSince(request.query.since ?? "1d");
    if (since === null)
      throw new OvertError(
        "OVT_ERR_REQ_INVALID_FIELD",
        { detail: "since must be like 1d or an ISO date" },
        { param: "since" },
      );
    const by = request.query.by ?? "none";
    if (by !== "key" && by !== "model" && by !== "provider" && by !== "none") {
      throw new OvertError(
        "OVT_ERR_REQ_INVALID_FIELD",
        { detail: "by must be key, model, provider or none" },
        { param: "by" },
      );
    }
    return { since: new Date(since).toISOString(), by, data: await usageReport(deps.usage, since, by) };
  });

  app.get<{ Querystring: { limit?: string } }>("/admin/audit", async (request) => {
    await requireAdmin(request);
    const limit = Math.min(1000, Math.max(1, Number.parseInt(request.query.limit ?? "100", 10) || 100));
    return { data: await deps.audit.listAudit(limit) };
  });

  registerCaptureRoutes(app, deps, requireAdmin);
}
