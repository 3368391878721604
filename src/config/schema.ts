/**
 * The shape of overt.yaml (after ${VAR} substitution), as zod v4 schemas. Every
 * object is strict: an unknown field is an error, so a typo never silently
 * becomes a default. Fields are all optional; defaults are applied by load.ts so
 * that environment variables can fill what the file leaves unset.
 *
 * Numbers and booleans also accept their string forms ("8787", "true", "1"), so
 * `port: ${PORT}` works: substitution always yields strings.
 */
import { z } from "zod";
import { isPriceDecimal } from "../upstreams/providers/prices.js";
import { guardSchema, TENANT_ID, tenantSchema } from "./guard-schema.js";
import {
  boolField,
  intField,
  jurisdictionField,
  logLevelField,
  nonEmpty,
  simulatorField,
} from "./schema-fields.js";

export {
  boolField,
  INSTANCE_ID,
  intField,
  JURISDICTION,
  jurisdictionField,
  LOG_LEVELS,
  logLevelField,
  simulatorField,
} from "./schema-fields.js";

/** A price per 1M tokens: a decimal string, or a YAML number converted to its shortest decimal form. */
const priceField = z.union([z.string(), z.number()]).transform((value, ctx) => {
  const text = typeof value === "number" ? String(value) : value.trim();
  if (!isPriceDecimal(text)) {
    ctx.addIssue({
      code: "custom",
      message: 'must be a non-negative decimal price per 1M tokens, like "0.28"',
    });
    return z.NEVER;
  }
  return text;
});

const modelPriceSchema = z.strictObject({
  inputPerMTok: priceField,
  cachedInputPerMTok: priceField.optional(),
  outputPerMTok: priceField,
});

const modelIdField = nonEmpty;

export const providerEntrySchema = z.strictObject({
  type: z.string().optional(),
  enabled: boolField.optional(),
  apiKey: z.string().optional(),
  baseUrl: z.string().optional(),
  region: z.string().optional(),
  jurisdiction: jurisdictionField.optional(),
  allowPrivate: boolField.optional(),
  /** Serve any model name as `<id>/<model>` (and matching bare names), not only the listed ones. Default true. */
  wildcard: boolField.optional(),
  models: z.array(modelIdField).optional(),
  currency: z.enum(["USD", "CNY"]).optional(),
  prices: z.record(z.string(), modelPriceSchema).optional(),
});

const deploymentSchema = z.strictObject({
  provider: nonEmpty,
  model: nonEmpty,
  weight: intField(1, 1_000_000).optional(),
});

export const fileSchema = z.strictObject({
  server: z
    .strictObject({
      host: nonEmpty.optional(),
      port: intField(0, 65_535).optional(),
      bodyLimitBytes: intField(1, Number.MAX_SAFE_INTEGER).optional(),
      trustedProxies: z.array(nonEmpty).optional(),
    })
    .optional(),
  dataDir: nonEmpty.optional(),
  storage: z
    .discriminatedUnion("driver", [
      z.strictObject({ driver: z.literal("sqlite"), path: nonEmpty.optional() }),
      z.strictObject({ driver: z.literal("postgres"), url: nonEmpty }),
    ])
    .optional(),
  security: z
    .strictObject({
      allowPrivateUpstreams: boolField.optional(),
      keyPepper: nonEmpty.optional(),
      // Shorter tokens are guessable and are refused by the setup exchange anyway.
      setupToken: z.string().min(16, { error: "must be at least 16 characters" }).optional(),
      /** A file holding the master key (never the key itself: it must not sit next to sealed values). */
      masterKeyFile: nonEmpty.optional(),
      /** Older master keys, accepted for unwrapping until `overt keys rotate-master` has run. */
      previousMasterKeyFiles: z.array(nonEmpty).optional(),
    })
    .optional(),
  homeJurisdiction: jurisdictionField.optional(),
  transport: z
    .strictObject({
      connectTimeoutMs: intField(1, 3_600_000).optional(),
      headersTimeoutMs: intField(1, 3_600_000).optional(),
      idleTimeoutMs: intField(1, 3_600_000).optional(),
      maxResponseBytes: intField(1, Number.MAX_SAFE_INTEGER).optional(),
      maxAttempts: intField(1, 20).optional(),
    })
    .optional(),
  providers: z.record(z.string(), providerEntrySchema).optional(),
  models: z.record(z.string(), z.array(deploymentSchema).min(1)).optional(),
  guard: guardSchema.optional(),
  integrity: z
    .strictObject({
      /** The log's origin line and key name, e.g. relay.example.com/log; fixed once the log exists. */
      origin: z
        .string()
        .regex(/^[^\s+]{1,200}$/, { message: "must be non-empty, without spaces or '+'" })
        .optional(),
      /** Sign every receipt at response time (Ed25519), besides proving it by inclusion. */
      signReceipts: boolField.optional(),
    })
    .optional(),
  tenants: z
    .record(
      z.string().regex(TENANT_ID, { message: "tenant ids are letters, digits, '.', '_' or '-' (max 64)" }),
      tenantSchema,
    )
    .optional(),
  simulator: simulatorField.optional(),
  log: z.strictObject({ level: logLevelField.optional() }).optional(),
});

export type FileConfig = z.output<typeof fileSchema>;
export type ProviderEntry = z.output<typeof providerEntrySchema>;
