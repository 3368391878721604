/**
 * Admin routes for encrypted content (DESIGN §5): capture metadata, one capture
 * decrypted, and crypto-shredding a tenant. Reading content and shredding are
 * written to the audit log. Responses carry what was captured and metadata,
 * never key material, ciphertext or provider secrets.
 */
import type { FastifyInstance, FastifyRequest } from "fastify";
import { z } from "zod";
import type { CaptureService } from "../capture/capture-service.js";
import { IntegrityError, KeyShreddedError, MasterKeyUnavailableError } from "../crypto/errors.js";
import type { TenantKeyring } from "../crypto/tenant-keyring.js";
import { OvertError } from "../errors/overt-error.js";
import type { AuditStore, CaptureMetadata, TenantStore } from "../storage/ports.js";

export interface CaptureAdminDeps {
  captures: CaptureService;
  tenants: TenantStore;
  keyring: TenantKeyring;
  audit: AuditStore;
}

const shredBody = z.strictObject({ confirm: z.string() });

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

export function captureView(meta: CaptureMetadata) {
  return {
    id: meta.id,
    tenant_id: meta.tenantId,
    key_id: meta.keyId,
    request_id: meta.requestId,
    created_at: iso(meta.createdAt),
    expires_at: iso(meta.expiresAt),
    dek_version: meta.dekVersion,
    size_bytes: meta.sizeBytes,
  };
}

function invalid(param: string, detail: string): OvertError {
  return new OvertError("OVT_ERR_REQ_INVALID_FIELD", { detail }, { param });
}

/** Maps why content did not open to the registry; the messages carry ids only. */
function unreadable(id: string, error: unknown): unknown {
  if (error instanceof KeyShreddedError) return new OvertError("OVT_ERR_CAPTURE_SHREDDED", { id });
  if (error instanceof MasterKeyUnavailableError)
    return new OvertError("OVT_ERR_CAPTURE_UNREADABLE", {
      id,
      reason: `its tenant key is wrapped by master key ${error.masterKeyId}, which is not configured`,
    });
  if (error instanceof IntegrityError)
    return new OvertError("OVT_ERR_CAPTURE_UNREADABLE", { id, reason: "it failed its integrity check" });
  return error;
}

export function registerCaptureRoutes(
  app: FastifyInstance,
  deps: CaptureAdminDeps,
  requireAdmin: (request: FastifyRequest) => Promise<string>,
): void {
  app.get<{ Querystring: { tenant?: string; limit?: string; before?: string } }>(
    "/admin/captures",
    async (request) => {
      await requireAdmin(request);
      const { tenant, limit, before } = request.query;
      const n = limit === undefined ? 100 : Number(limit);
      if (!Number.isInteger(n) || n < 1 || n > 1000)
        throw invalid("limit", "limit must be an integer 1-1000");
      const until = before === undefined ? undefined : Date.parse(before);
      if (until !== undefined && Number.isNaN(until))
        throw invalid("before", "before must be an ISO 8601 time");
      const rows = await deps.captures.list({ tenantId: tenant, limit: n, before: until });
      return { data: rows.map(captureView) };
    },
  );

  app.get<{ Params: { id: string } }>("/admin/captures/:id", async (request) => {
    const actor = await requireAdmin(request);
    const id = request.params.id.slice(0, 64);
    let capture: Awaited<ReturnType<CaptureService["read"]>>;
    try {
      capture = await deps.captures.read(id);
    } catch (error) {
      throw unreadable(id, error);
    }
    if (capture === undefined) throw new OvertError("OVT_ERR_ADMIN_NOT_FOUND", { thing: "capture", id });
    await deps.audit.appendAudit({
      at: Date.now(),
      actor,
      action: "capture.read",
      target: id,
      details: { tenant: capture.tenantId },
    });
    return { ...captureView(capture), request: capture.request, response: capture.response };
  });

  app.post<{ Params: { id: string } }>("/admin/tenants/:id/shred", async (request) => {
    const actor = await requireAdmin(request);
    const tenantId = request.params.id.slice(0, 100);
    const parsed = shredBody.safeParse(request.body ?? {});
    if (!parsed.success || parsed.data.confirm !== tenantId) {
      throw invalid("confirm", 'send {"confirm": "<tenant id>"}: shredding destroys the content for good');
    }
    if ((await deps.tenants.getTenant(tenantId)) === undefined)
      throw new OvertError("OVT_ERR_ADMIN_NOT_FOUND", { thing: "tenant", id: tenantId });
    const result = await deps.keyring.shred(tenantId, actor);
    return {
      tenant_id: tenantId,
      shredded: true,
      keys_destroyed: result.keysDestroyed,
      captures_deleted: result.capturesDeleted,
    };
  });
}
