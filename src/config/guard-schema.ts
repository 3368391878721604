/**
 * overt.yaml shapes for data protection (issue 4): the guard policy (what to do
 * with each data class for each destination), the jurisdictions a tenant's
 * traffic may reach, and per-tenant settings (home jurisdiction, policy, capture).
 */
import { z } from "zod";
import { DATA_CLASSES } from "../guard/types.js";
import { boolField, intField, JURISDICTION, jurisdictionField } from "./schema-fields.js";

export const GUARD_ACTIONS = ["allow", "redact", "pseudonymize", "block"] as const;

const DATA_SELECTORS: ReadonlySet<string> = new Set(["*", "secret", "pii", ...DATA_CLASSES]);

/** `*`, `secret`, `pii`, or one class such as `pii.cn_resident_id`. */
const dataField = z.string().refine((v) => DATA_SELECTORS.has(v.trim()), {
  message: `must be *, secret, pii or one of: ${DATA_CLASSES.join(", ")}`,
});

/** `any` (default), `home`, `abroad`, or a jurisdiction code such as `US`. */
const destinationField = z.string().transform((value, ctx) => {
  const v = value.trim();
  const lower = v.toLowerCase();
  if (lower === "any" || lower === "home" || lower === "abroad") return lower;
  const upper = v.toUpperCase();
  if (JURISDICTION.test(upper)) return upper;
  ctx.addIssue({ code: "custom", message: "must be any, home, abroad or a jurisdiction code (US, CN, EU…)" });
  return z.NEVER;
});

export const guardRuleSchema = z.strictObject({
  data: dataField,
  to: destinationField.optional(),
  action: z.enum(GUARD_ACTIONS),
});

export const guardPolicySchema = z.strictObject({
  /** First matching rule wins; the protective defaults apply after them. */
  rules: z.array(guardRuleSchema).optional(),
  /** Only upstreams in these jurisdictions may serve this traffic (routing fails closed). */
  allowedJurisdictions: z.array(jurisdictionField).min(1).optional(),
});

export const guardSchema = guardPolicySchema.extend({
  /** Requests with more text than this are refused (fail closed) rather than passed unscanned. */
  maxScanChars: intField(1024, 1024 * 1024 * 1024).optional(),
});

export const captureSchema = z.strictObject({
  enabled: boolField.optional(),
  retentionDays: intField(1, 3650).optional(),
});

export const tenantSchema = z.strictObject({
  name: z.string().min(1).max(200).optional(),
  homeJurisdiction: jurisdictionField.optional(),
  guard: guardPolicySchema.optional(),
  capture: captureSchema.optional(),
});

/** Tenant ids appear in keys, records and reports: keep them plain. */
export const TENANT_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

export type GuardRuleEntry = z.output<typeof guardRuleSchema>;
export type GuardPolicyEntry = z.output<typeof guardPolicySchema>;
export type TenantEntry = z.output<typeof tenantSchema>;
