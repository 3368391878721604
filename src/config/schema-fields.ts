/**
 * Field types shared by the overt.yaml schemas: numbers and booleans that also
 * accept their string forms (substitution always yields strings), jurisdictions, ids.
 */
import { z } from "zod";

export const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;
export const logLevelField = z.enum(LOG_LEVELS);

/** ISO 3166 alpha-2 country, "EU" or "LOCAL", upper-cased. */
export const JURISDICTION = /^(?:[A-Z]{2}|EU|LOCAL)$/;

/** Provider instance ids appear in routes, headers and logs: keep them plain. */
export const INSTANCE_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/** An integer in [min, max], written as a number or as a decimal string. */
export function intField(min: number, max: number) {
  return z.union([z.number(), z.string()]).transform((value, ctx) => {
    const n =
      typeof value === "number" ? value : /^\d+$/.test(value.trim()) ? Number(value.trim()) : Number.NaN;
    if (!Number.isSafeInteger(n) || n < min || n > max) {
      ctx.addIssue({ code: "custom", message: `must be an integer between ${min} and ${max}` });
      return z.NEVER;
    }
    return n;
  });
}

const TRUE_STRINGS = new Set(["true", "1", "yes", "on"]);
const FALSE_STRINGS = new Set(["false", "0", "no", "off", ""]);

/** A boolean, or one of true/false/1/0/yes/no/on/off as a string. */
export const boolField = z.union([z.boolean(), z.string()]).transform((value, ctx) => {
  if (typeof value === "boolean") return value;
  const v = value.trim().toLowerCase();
  if (TRUE_STRINGS.has(v)) return true;
  if (FALSE_STRINGS.has(v)) return false;
  ctx.addIssue({ code: "custom", message: "must be true or false" });
  return z.NEVER;
});

/** `auto` (simulator iff no provider is enabled), or a boolean. */
export const simulatorField = z.union([z.boolean(), z.string()]).transform((value, ctx): "auto" | boolean => {
  if (typeof value === "boolean") return value;
  const v = value.trim().toLowerCase();
  if (v === "auto") return "auto";
  if (TRUE_STRINGS.has(v)) return true;
  if (FALSE_STRINGS.has(v) && v !== "") return false;
  ctx.addIssue({ code: "custom", message: "must be auto, true or false" });
  return z.NEVER;
});

export const nonEmpty = z.string().refine((s) => s.trim() !== "", { message: "must not be empty" });

export const jurisdictionField = z.string().transform((value, ctx) => {
  const v = value.trim().toUpperCase();
  if (!JURISDICTION.test(v)) {
    ctx.addIssue({ code: "custom", message: 'must be an ISO 3166 alpha-2 country code, "EU" or "LOCAL"' });
    return z.NEVER;
  }
  return v;
});
