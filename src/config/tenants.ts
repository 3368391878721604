/**
 * Resolves the `guard` and `tenants` sections of overt.yaml into TenantConfig
 * records: a tenant's own rules come before the operator's global rules, and
 * its home jurisdiction and allowed destinations fall back to the global ones.
 * The default tenant always exists.
 */
import type { GuardPolicyEntry, TenantEntry } from "./guard-schema.js";
import type { FileConfig } from "./schema.js";
import type { GuardPolicy, GuardRule, TenantConfig } from "./types.js";

export const DEFAULT_TENANT_ID = "default";
export const DEFAULT_RETENTION_DAYS = 30;
export const DEFAULT_MAX_SCAN_CHARS = 8 * 1024 * 1024;

function rulesOf(entry: GuardPolicyEntry | undefined, path: string): GuardRule[] {
  return (entry?.rules ?? []).map((rule, i) => ({
    data: rule.data.trim(),
    to: rule.to ?? "any",
    action: rule.action,
    source: `${path}.rules[${i}]`,
  }));
}

function policyOf(
  own: GuardPolicyEntry | undefined,
  ownPath: string,
  global: FileConfig["guard"],
): GuardPolicy {
  const allowedOwn = own?.allowedJurisdictions;
  const allowedGlobal = global?.allowedJurisdictions;
  return {
    rules: [...rulesOf(own, ownPath), ...rulesOf(global, "guard")],
    allowedJurisdictions: allowedOwn ?? allowedGlobal ?? null,
    allowedSource: allowedOwn
      ? `${ownPath}.allowedJurisdictions`
      : allowedGlobal
        ? "guard.allowedJurisdictions"
        : null,
  };
}

function tenantOf(
  id: string,
  entry: TenantEntry | undefined,
  cfg: FileConfig,
  home: string | null,
): TenantConfig {
  return {
    id,
    name: entry?.name ?? (id === DEFAULT_TENANT_ID ? "Default tenant" : id),
    homeJurisdiction: entry?.homeJurisdiction ?? home,
    guard: policyOf(entry?.guard, `tenants.${id}.guard`, cfg.guard),
    capture: {
      enabled: entry?.capture?.enabled ?? false,
      retentionDays: entry?.capture?.retentionDays ?? DEFAULT_RETENTION_DAYS,
    },
  };
}

export function resolveTenants(cfg: FileConfig, home: string | null): Record<string, TenantConfig> {
  const out: Record<string, TenantConfig> = {};
  const entries = cfg.tenants ?? {};
  out[DEFAULT_TENANT_ID] = tenantOf(DEFAULT_TENANT_ID, entries[DEFAULT_TENANT_ID], cfg, home);
  for (const [id, entry] of Object.entries(entries)) out[id] = tenantOf(id, entry, cfg, home);
  return out;
}
