/**
 * What happens to each data class for each destination (issue 4). A tenant's
 * rules, then the operator's, then the protective defaults: the first rule whose
 * data selector and destination match decides. The defaults pseudonymize
 * secrets everywhere and personal data outside the home jurisdiction (with no
 * home configured, every upstream counts as outside). `LOCAL` upstreams (the
 * operator's own machines) are never abroad.
 */
import type { GuardAction, GuardRule, TenantConfig } from "../config/types.js";
import type { DataClass } from "./types.js";

export const PROTECTIVE_DEFAULTS: readonly GuardRule[] = Object.freeze([
  { data: "secret", to: "any", action: "pseudonymize", source: "the default policy (secrets)" },
  { data: "pii", to: "abroad", action: "pseudonymize", source: "the default policy (personal data abroad)" },
]);

const ALLOW: GuardRule = Object.freeze({
  data: "*",
  to: "any",
  action: "allow",
  source: "the default policy",
});

export interface Decision {
  action: GuardAction;
  rule: GuardRule;
}

function matchesData(selector: string, kind: DataClass): boolean {
  if (selector === "*") return true;
  if (selector === "secret" || selector === "pii") return kind.startsWith(`${selector}.`);
  return selector === kind;
}

/** True when data sent to `destination` leaves the tenant's home jurisdiction. */
export function isAbroad(destination: string, home: string | null): boolean {
  if (destination === "LOCAL") return false;
  return home === null || destination !== home;
}

function matchesDestination(to: string, destination: string, home: string | null): boolean {
  if (to === "any") return true;
  if (to === "abroad") return isAbroad(destination, home);
  if (to === "home") return !isAbroad(destination, home);
  return to === destination;
}

export function decide(tenant: TenantConfig, kind: DataClass, destination: string): Decision {
  const home = tenant.homeJurisdiction;
  for (const rules of [tenant.guard.rules, PROTECTIVE_DEFAULTS]) {
    for (const rule of rules) {
      if (matchesData(rule.data, kind) && matchesDestination(rule.to, destination, home)) {
        return { action: rule.action, rule };
      }
    }
  }
  return { action: "allow", rule: ALLOW };
}

/** Null when the tenant may use upstreams in `destination`, else where the restriction is configured. */
export function jurisdictionRefusal(tenant: TenantConfig, destination: string): string | null {
  const allowed = tenant.guard.allowedJurisdictions;
  if (allowed === null || allowed.includes(destination)) return null;
  return tenant.guard.allowedSource ?? "guard.allowedJurisdictions";
}
