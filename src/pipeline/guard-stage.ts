/**
 * The guard stage of the lifecycle (DESIGN §2): scan the request once, drop the
 * deployments its tenant's policy forbids (a jurisdiction not allowed, or a data
 * class blocked for where the upstream is), and fail closed with an error that
 * names the policy when none is left.
 */
import type { TenantConfig } from "../config/types.js";
import { OvertError } from "../errors/overt-error.js";
import { type ClassOutcome, type Refusal, RequestGuard } from "../guard/request-guard.js";
import { ScanTooLargeError, scanBody } from "../guard/scan.js";
import type { Finding } from "../guard/types.js";
import type { Deployment } from "../routing/catalogue.js";

export interface GuardSettings {
  maxScanChars: number;
  tenants: Readonly<Record<string, TenantConfig>>;
  /** The relay's own upstream keys, found by exact match. */
  knownSecrets?: (text: string) => Finding[];
}

/** A tenant with no configuration gets the default tenant's settings under its own id. */
export function tenantFor(settings: GuardSettings, tenantId: string): TenantConfig {
  const own = settings.tenants[tenantId];
  if (own) return own;
  const fallback = settings.tenants.default;
  if (!fallback) throw new Error("the default tenant's configuration is missing");
  return { ...fallback, id: tenantId };
}

export function guardRequest(settings: GuardSettings, tenant: TenantConfig, body: Record<string, unknown>) {
  try {
    return new RequestGuard(body, scanBody(body, settings.maxScanChars, settings.knownSecrets), tenant);
  } catch (error) {
    if (error instanceof ScanTooLargeError)
      throw new OvertError("OVT_ERR_GUARD_TOO_LARGE", { limit: settings.maxScanChars });
    throw error;
  }
}

const WHAT: Record<string, string> = { secret: "a secret", pii: "personal data" };

export function refusalError(refusal: Refusal, destination: string, model: string): OvertError {
  if (refusal.reason === "jurisdiction") {
    return new OvertError("OVT_ERR_GUARD_JURISDICTION", {
      model,
      policy: refusal.policy,
      allowed: refusal.allowed.join(", "),
    });
  }
  const group = refusal.kind.split(".")[0] ?? "";
  return new OvertError(
    "OVT_ERR_GUARD_BLOCKED",
    {
      what: WHAT[group] ?? "sensitive data",
      kind: refusal.kind,
      path: refusal.path,
      policy: refusal.policy,
      destination,
    },
    { param: refusal.path },
  );
}

/** The deployments this request may use, in order; throws when the policy leaves none. */
export function eligible<T extends Deployment>(guard: RequestGuard, order: readonly T[], model: string): T[] {
  const kept: T[] = [];
  let first: { refusal: Refusal; destination: string } | null = null;
  for (const deployment of order) {
    const destination = deployment.provider.jurisdiction;
    const refusal = guard.refusal(destination);
    if (refusal === null) kept.push(deployment);
    else first ??= { refusal, destination };
  }
  if (kept.length === 0 && first !== null) throw refusalError(first.refusal, first.destination, model);
  return kept;
}

/** `overt-redactions`: values replaced per class, e.g. `pii.email=2, secret.openai=1`. */
export function redactionsHeader(outcomes: readonly ClassOutcome[]): string | null {
  const acted = outcomes.filter((o) => o.action === "redact" || o.action === "pseudonymize");
  if (acted.length === 0) return null;
  return acted
    .map((o) => `${o.kind}=${o.count}`)
    .sort()
    .join(", ");
}
