/**
 * Turns `providers:` entries and `<PREFIX>_*` environment variables into
 * ResolvedProviders.
 *
 * Precedence (one rule for every field, the same as for the rest of the config):
 *   a value written in the config file  >  the environment  >  the descriptor default.
 * So `DEEPSEEK_API_KEY=… npm start` enables DeepSeek with no file at all, and
 * DEEPSEEK_BASE_URL / DEEPSEEK_REGION adjust it; but a field the file sets
 * explicitly is never overridden behind the operator's back. To let the
 * environment override a file value, write it as `baseUrl: ${DEEPSEEK_BASE_URL:-https://…}`.
 * `enabled: false` in the file disables a provider even when its key is in the environment.
 *
 * Environment variables, for each prefix of a descriptor in order (the first set one wins):
 *   <PREFIX>_API_KEY   enables a catalogue provider (DEEPSEEK_API_KEY, ANTHROPIC_API_KEY, DASHSCOPE_API_KEY or QWEN_API_KEY…)
 *   <PREFIX>_BASE_URL  base URL, written as the provider's own SDK takes it (ANTHROPIC_BASE_URL has no /v1)
 *   <PREFIX>_REGION    region
 * and for the generic server: OPENAI_COMPATIBLE_BASE_URL (enables it), OPENAI_COMPATIBLE_API_KEY,
 * OPENAI_COMPATIBLE_MODELS (comma list), OPENAI_COMPATIBLE_JURISDICTION.
 * Environment variables apply only to the instance whose id is the descriptor id.
 * An empty variable counts as unset.
 *
 * Extra instances (`my-relay: { type: anthropic, baseUrl: … }`) serve a second account or a third-party
 * relay speaking the same dialect. Base-URL checks apply to every instance alike. An instance keeps its
 * region's jurisdiction unless `jurisdiction` is set, so set it for a third-party relay. A generic
 * (openai-compatible) server is LOCAL on a loopback/private address and UNKNOWN (abroad to the guard)
 * on a public one.
 */
import { classifyHost, normaliseHostname } from "../transport/address-policy.js";
import type { ModelPrice, ProviderDescriptor } from "../upstreams/descriptor.js";
import { PROVIDERS } from "../upstreams/providers/index.js";
import { ConfigError, describeIssue, formatPath } from "./errors.js";
import { INSTANCE_ID, jurisdictionField, type ProviderEntry } from "./schema.js";
import { Secret } from "./secret.js";
import type { Env } from "./substitute.js";
import type { ResolvedProvider } from "./types.js";

/** Where a value came from: a path in the file, or an environment variable (file = null). */
interface Origin {
  file: string | null;
  path: string;
}

interface Sourced {
  value: string;
  origin: Origin;
}

interface EnvSettings {
  apiKey?: Sourced;
  baseUrl?: Sourced;
  region?: Sourced;
  jurisdiction?: Sourced;
  models?: string[];
}

export interface ProviderResolution {
  entries: Record<string, ProviderEntry>;
  file: string | null;
  env: Env;
  allowPrivateUpstreams: boolean;
  /** Opens `sealed:v1:` values (config/master-key.ts); plain values pass through. */
  openSealed?: (value: string, origin: Origin) => string;
}

function fail(origin: Origin, detail: string): never {
  throw new ConfigError(origin.file, origin.path, detail);
}

function envOrigin(name: string): Origin {
  return { file: null, path: name };
}

function lookup(env: Env, prefixes: readonly string[], suffix: string): Sourced | undefined {
  for (const prefix of prefixes) {
    const name = `${prefix}_${suffix}`;
    const value = env[name];
    if (value !== undefined && value.trim() !== "") return { value: value.trim(), origin: envOrigin(name) };
  }
  return undefined;
}

function envSettings(descriptor: ProviderDescriptor, env: Env): EnvSettings {
  const prefixes = descriptor.envPrefixes;
  const settings: EnvSettings = {
    apiKey: lookup(env, prefixes, "API_KEY"),
    baseUrl: lookup(env, prefixes, "BASE_URL"),
    region: lookup(env, prefixes, "REGION"),
  };
  if (!descriptor.hasCatalogue) {
    settings.jurisdiction = lookup(env, prefixes, "JURISDICTION");
    const models = lookup(env, prefixes, "MODELS");
    if (models)
      settings.models = models.value
        .split(",")
        .map((m) => m.trim())
        .filter((m) => m !== "");
  }
  return settings;
}

/** True when the environment alone enables this descriptor. */
function enabledByEnv(descriptor: ProviderDescriptor, settings: EnvSettings): boolean {
  if (descriptor.hasCatalogue) return settings.apiKey !== undefined;
  if (settings.baseUrl !== undefined) return true;
  if (settings.apiKey !== undefined) {
    const [prefix] = descriptor.envPrefixes;
    fail(settings.apiKey.origin, `is set but ${prefix}_BASE_URL is not; set the server's base URL`);
  }
  return false;
}

/**
 * Parse and check an upstream base URL: WHATWG-parsable, http(s), no user info,
 * no query or fragment, trailing slashes removed, and not a loopback/private
 * literal or internal name unless allowed. Names that need DNS are checked again
 * by transport/ at connect time. The URL is never echoed: it may carry a password.
 */
export function checkBaseUrl(raw: string, origin: Origin, allowPrivate: boolean, instanceId: string): URL {
  const text = raw.trim();
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return fail(origin, "must be an http(s) URL");
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") fail(origin, "must be an http(s) URL");
  if (url.username !== "" || url.password !== "") {
    fail(origin, "must not contain a user name or password (put the credential in apiKey)");
  }
  if (text.includes("?") || text.includes("#")) fail(origin, "must not have a query string or fragment");
  url.pathname = url.pathname.replace(/\/+$/, "");
  if (!allowPrivate && classifyHost(url.hostname) === "private") {
    fail(
      origin,
      `${normaliseHostname(url.hostname)} is a loopback/private address; set security.allowPrivateUpstreams ` +
        `(OVERT_ALLOW_PRIVATE_UPSTREAMS=1) or providers.${instanceId}.allowPrivate to allow self-hosted upstreams`,
    );
  }
  return url;
}

function fromFile(
  file: string | null,
  id: string,
  field: string,
  value: string | undefined,
): Sourced | undefined {
  if (value === undefined || value.trim() === "") return undefined;
  return { value: value.trim(), origin: { file, path: formatPath(["providers", id, field]) } };
}

function resolveOne(
  id: string,
  descriptor: ProviderDescriptor,
  entry: ProviderEntry | undefined,
  settings: EnvSettings,
  ctx: ProviderResolution,
): ResolvedProvider {
  const at = (field: string): Origin => ({ file: ctx.file, path: formatPath(["providers", id, field]) });

  // Region
  const regionSrc = fromFile(ctx.file, id, "region", entry?.region) ?? settings.region;
  let region = descriptor.defaultRegion;
  if (regionSrc) {
    const names = Object.keys(descriptor.regions);
    if (names.length === 0) fail(regionSrc.origin, `${descriptor.id} has no regions; set baseUrl instead`);
    if (!Object.hasOwn(descriptor.regions, regionSrc.value)) {
      fail(regionSrc.origin, `is not a region of ${descriptor.id}; valid regions: ${names.join(", ")}`);
    }
    region = regionSrc.value;
  }
  const regionInfo = Object.hasOwn(descriptor.regions, region) ? descriptor.regions[region] : undefined;

  // Base URL
  const allowPrivate = ctx.allowPrivateUpstreams || entry?.allowPrivate === true;
  const baseSrc = fromFile(ctx.file, id, "baseUrl", entry?.baseUrl) ?? settings.baseUrl;
  let baseUrl: URL;
  if (baseSrc) baseUrl = checkBaseUrl(baseSrc.value, baseSrc.origin, allowPrivate, id);
  else if (regionInfo) baseUrl = checkBaseUrl(regionInfo.baseUrl, at("baseUrl"), allowPrivate, id);
  else return fail(at("baseUrl"), `is required for ${descriptor.id} (there is no default base URL)`);

  // Jurisdiction: configured, else the region's; with neither (a generic server), a
  // loopback or private address is the operator's own machines (LOCAL) and a public one
  // is UNKNOWN — which the guard treats as abroad, so a third-party relay is never home.
  let jurisdiction =
    regionInfo?.jurisdiction ??
    (classifyHost(normaliseHostname(baseUrl.hostname)) === "private" ? "LOCAL" : "UNKNOWN");
  if (entry?.jurisdiction !== undefined) jurisdiction = entry.jurisdiction;
  else if (settings.jurisdiction) {
    const parsed = jurisdictionField.safeParse(settings.jurisdiction.value);
    if (!parsed.success) fail(settings.jurisdiction.origin, describeIssue(parsed.error.issues[0]!).detail);
    jurisdiction = parsed.data;
  }

  // API key
  const keySrc = fromFile(ctx.file, id, "apiKey", entry?.apiKey) ?? settings.apiKey;
  if (!keySrc && descriptor.requiresApiKey) {
    const [prefix] = descriptor.envPrefixes;
    fail(at("apiKey"), `is required for ${descriptor.id} (set it here, or ${prefix}_API_KEY)`);
  }
  const apiKey = keySrc ? new Secret(ctx.openSealed?.(keySrc.value, keySrc.origin) ?? keySrc.value) : null;

  // Catalogue: descriptor table models + configured extras, deduplicated in order.
  const extras = entry?.models ?? (id === descriptor.id ? settings.models : undefined) ?? [];
  const models = [
    ...new Set([...descriptor.prices.models.map((m) => m.model), ...extras.map((m) => m.trim())]),
  ];

  // Prices: descriptor table (only if the currency matches), overridden per model by config.
  const currency = entry?.currency ?? descriptor.prices.currency;
  const prices = new Map<string, ModelPrice>();
  if (currency === descriptor.prices.currency)
    for (const p of descriptor.prices.models) prices.set(p.model, p);
  for (const [model, p] of Object.entries(entry?.prices ?? {})) {
    const price: ModelPrice =
      p.cachedInputPerMTok === undefined
        ? { model, inputPerMTok: p.inputPerMTok, outputPerMTok: p.outputPerMTok }
        : {
            model,
            inputPerMTok: p.inputPerMTok,
            cachedInputPerMTok: p.cachedInputPerMTok,
            outputPerMTok: p.outputPerMTok,
          };
    prices.set(model, Object.freeze(price));
  }

  const wildcard = entry?.wildcard ?? true;
  return {
    id,
    descriptor,
    region,
    baseUrl,
    jurisdiction,
    apiKey,
    models,
    prices,
    currency,
    allowPrivate,
    wildcard,
  };
}

function validTypes(): string {
  return [...PROVIDERS.keys()].join(", ");
}

/** Resolve every enabled provider: file entries in file order, then built-ins enabled only by the environment. */
export function resolveProviders(ctx: ProviderResolution): ResolvedProvider[] {
  const out: ResolvedProvider[] = [];
  const configured = new Set<string>();
  for (const [id, entry] of Object.entries(ctx.entries)) {
    configured.add(id);
    const at = (...rest: PropertyKey[]): Origin => ({
      file: ctx.file,
      path: formatPath(["providers", id, ...rest]),
    });
    if (!INSTANCE_ID.test(id)) {
      fail(
        at(),
        "provider ids must be 1-64 letters, digits, '.', '_' or '-', starting with a letter or digit",
      );
    }
    const builtIn = PROVIDERS.get(id);
    let descriptor: ProviderDescriptor;
    if (entry.type !== undefined) {
      const typed = PROVIDERS.get(entry.type);
      if (!typed) fail(at("type"), `unknown provider type; valid types: ${validTypes()}`);
      if (builtIn && typed.id !== builtIn.id) {
        fail(at("type"), `"${id}" is a built-in provider id; give this ${typed.id} instance another name`);
      }
      descriptor = typed;
    } else if (builtIn) {
      descriptor = builtIn;
    } else {
      return fail(
        at(),
        `is not a built-in provider; add type: <one of ${validTypes()}> to configure an instance`,
      );
    }
    if (entry.enabled === false) continue;
    const settings = id === descriptor.id ? envSettings(descriptor, ctx.env) : {};
    out.push(resolveOne(id, descriptor, entry, settings, ctx));
  }
  for (const descriptor of PROVIDERS.values()) {
    if (configured.has(descriptor.id)) continue;
    const settings = envSettings(descriptor, ctx.env);
    if (!enabledByEnv(descriptor, settings)) continue;
    out.push(resolveOne(descriptor.id, descriptor, undefined, settings, ctx));
  }
  return out;
}
