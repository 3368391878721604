/**
 * Loads the relay configuration: one YAML file (optional) + environment
 * variables + defaults, validated at start. Any problem is a ConfigError whose
 * message names the file (or "environment"), the dotted path and what is wrong;
 * the CLI prints it and exits non-zero.
 *
 * File discovery: options.path (--config), else OVERT_CONFIG, else ./overt.yaml
 * in cwd if it exists, else no file. A path given explicitly must exist.
 *
 * Precedence, everywhere: a value written in the file > its environment variable
 * > the default. Environment variables (an empty one counts as unset):
 *   OVERT_HOST, OVERT_PORT (else PORT), OVERT_DATA_DIR, OVERT_DATABASE_URL (selects
 *   postgres), OVERT_ALLOW_PRIVATE_UPSTREAMS, OVERT_KEY_PEPPER, OVERT_SETUP_TOKEN,
 *   OVERT_HOME_JURISDICTION, OVERT_SIMULATOR, OVERT_LOG_LEVEL, the master-key
 *   variables described in master-key.ts, and the provider variables described in providers.ts.
 */
import { readFile, stat } from "node:fs/promises";
import { isAbsolute, join, relative, resolve } from "node:path";
import { LineCounter, parseDocument } from "yaml";
import type { z } from "zod";
import { ConfigError, describeIssue, formatPath, issuesToError } from "./errors.js";
import { resolveMasterKeyConfig, sealedValueOpener } from "./master-key.js";
import { resolveProviders } from "./providers.js";
import {
  boolField,
  type FileConfig,
  fileSchema,
  intField,
  jurisdictionField,
  logLevelField,
  simulatorField,
} from "./schema.js";
import { Secret } from "./secret.js";
import { type Env, substituteEnv } from "./substitute.js";
import { DEFAULT_MAX_SCAN_CHARS, resolveTenants } from "./tenants.js";
import type { DeploymentConfig, RelayConfig, StorageConfig } from "./types.js";

export { ConfigError } from "./errors.js";

export interface LoadConfigOptions {
  /** From --config. */
  path?: string;
  env: Record<string, string | undefined>;
  cwd: string;
}

export const DEFAULTS = Object.freeze({
  host: "127.0.0.1",
  port: 8787,
  bodyLimitBytes: 32 * 1024 * 1024,
  dataDir: "./data",
  connectTimeoutMs: 10_000,
  headersTimeoutMs: 300_000,
  idleTimeoutMs: 60_000,
  maxResponseBytes: 100 * 1024 * 1024,
  maxAttempts: 3,
  logLevel: "info" as const,
});

/** A config file larger than this is refused before parsing. */
const MAX_FILE_BYTES = 1024 * 1024;

interface Located {
  absolute: string;
  /** How the file is named in messages: relative to cwd when inside it, else absolute. */
  display: string;
}

async function isFile(path: string): Promise<boolean | "dir"> {
  try {
    const s = await stat(path);
    return s.isFile() ? true : "dir";
  } catch {
    return false;
  }
}

function locate(cwd: string, given: string): Located {
  const absolute = resolve(cwd, given);
  const rel = relative(cwd, absolute);
  const display = rel !== "" && !rel.startsWith("..") && !isAbsolute(rel) ? rel : absolute;
  return { absolute, display };
}

async function discover(options: LoadConfigOptions): Promise<Located | null> {
  const fromEnv = options.env.OVERT_CONFIG?.trim();
  const explicit = options.path ?? (fromEnv === "" ? undefined : fromEnv);
  if (explicit !== undefined) {
    const found = locate(options.cwd, explicit);
    const kind = await isFile(found.absolute);
    if (kind === false) throw new ConfigError(found.display, "", "config file not found");
    if (kind === "dir") throw new ConfigError(found.display, "", "is a directory, not a config file");
    return found;
  }
  const fallback = locate(options.cwd, "overt.yaml");
  return (await isFile(fallback.absolute)) === true ? fallback : null;
}

async function readYaml(found: Located): Promise<unknown> {
  const file = found.display;
  let text: string;
  try {
    const buf = await readFile(found.absolute);
    if (buf.byteLength > MAX_FILE_BYTES) throw new ConfigError(file, "", "is larger than 1 MiB");
    text = buf.toString("utf8");
  } catch (err) {
    if (err instanceof ConfigError) throw err;
    throw new ConfigError(file, "", "cannot be read");
  }
  const lineCounter = new LineCounter();
  // prettyErrors: false keeps the file's text (which may hold secrets) out of messages.
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const first = doc.errors[0];
  if (first) {
    const { line, col } = lineCounter.linePos(first.pos[0]);
    const what = first.message.split("\n")[0]?.slice(0, 200) ?? "syntax error";
    throw new ConfigError(file, "", `YAML syntax error at line ${line}, column ${col}: ${what}`);
  }
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: 100 });
  } catch {
    throw new ConfigError(file, "", "YAML could not be loaded (too many aliases?)");
  }
  if (value === null || value === undefined) return {};
  if (typeof value !== "object" || Array.isArray(value)) {
    throw new ConfigError(file, "", "must be a mapping (key: value pairs) at the top level");
  }
  return value;
}

/** Read and validate one environment variable; unset or empty gives undefined. */
function fromEnv<T>(env: Env, name: string, schema: z.ZodType<T>): T | undefined {
  const raw = env[name];
  if (raw === undefined || raw.trim() === "") return undefined;
  const parsed = schema.safeParse(raw, { reportInput: true });
  if (parsed.success) return parsed.data;
  throw new ConfigError(null, name, describeIssue(parsed.error.issues[0]!).detail);
}

function envString(env: Env, name: string): string | undefined {
  const raw = env[name];
  return raw === undefined || raw.trim() === "" ? undefined : raw.trim();
}

function checkPostgresUrl(raw: string, file: string | null, path: string): Secret {
  let ok = false;
  try {
    const url = new URL(raw.trim());
    ok = url.protocol === "postgres:" || url.protocol === "postgresql:";
  } catch {
    ok = false;
  }
  if (!ok) throw new ConfigError(file, path, "must be a postgres:// or postgresql:// URL");
  return new Secret(raw.trim());
}

function resolveStorage(
  cfg: FileConfig,
  env: Env,
  file: string | null,
  cwd: string,
  dataDir: string,
): StorageConfig {
  if (cfg.storage?.driver === "postgres")
    return { driver: "postgres", url: checkPostgresUrl(cfg.storage.url, file, "storage.url") };
  if (cfg.storage?.driver === "sqlite") {
    return { driver: "sqlite", path: resolve(cwd, cfg.storage.path ?? join(dataDir, "overt.db")) };
  }
  const dbUrl = envString(env, "OVERT_DATABASE_URL");
  if (dbUrl !== undefined)
    return { driver: "postgres", url: checkPostgresUrl(dbUrl, null, "OVERT_DATABASE_URL") };
  return { driver: "sqlite", path: join(dataDir, "overt.db") };
}

function resolveRoutes(
  cfg: FileConfig,
  file: string | null,
  enabled: readonly string[],
): Record<string, DeploymentConfig[]> {
  const routes: Record<string, DeploymentConfig[]> = {};
  for (const [name, deployments] of Object.entries(cfg.models ?? {})) {
    if (name.trim() === "") throw new ConfigError(file, "models", "route names must not be empty");
    routes[name] = deployments.map((d, i) => {
      if (!enabled.includes(d.provider)) {
        const list = enabled.length === 0 ? "no provider is enabled" : `enabled: ${enabled.join(", ")}`;
        throw new ConfigError(
          file,
          formatPath(["models", name, i, "provider"]),
          `"${d.provider}" is not an enabled provider (${list})`,
        );
      }
      return { provider: d.provider, model: d.model, weight: d.weight ?? 1 };
    });
  }
  return routes;
}

export async function loadConfig(options: LoadConfigOptions): Promise<RelayConfig> {
  const { env, cwd } = options;
  const found = await discover(options);
  const file = found?.display ?? null;

  let cfg: FileConfig = {};
  if (found) {
    const raw = substituteEnv(await readYaml(found), env, found.display);
    const parsed = fileSchema.safeParse(raw, { reportInput: true });
    if (!parsed.success) throw issuesToError(found.display, parsed.error.issues);
    cfg = parsed.data;
  }

  const port =
    cfg.server?.port ??
    fromEnv(env, "OVERT_PORT", intField(0, 65_535)) ??
    fromEnv(env, "PORT", intField(0, 65_535));
  const dataDir = resolve(cwd, cfg.dataDir ?? envString(env, "OVERT_DATA_DIR") ?? DEFAULTS.dataDir);
  const allowPrivateUpstreams =
    cfg.security?.allowPrivateUpstreams ?? fromEnv(env, "OVERT_ALLOW_PRIVATE_UPSTREAMS", boolField) ?? false;
  const keyPepper = cfg.security?.keyPepper ?? envString(env, "OVERT_KEY_PEPPER");
  const setupToken = cfg.security?.setupToken ?? envString(env, "OVERT_SETUP_TOKEN");
  if (setupToken !== undefined && setupToken.length < 16) {
    // A short token is guessable, and the setup exchange refuses it anyway.
    if (cfg.security?.setupToken !== undefined)
      throw new ConfigError(file, "security.setupToken", "must be at least 16 characters");
    throw new ConfigError(null, "OVERT_SETUP_TOKEN", "must be at least 16 characters");
  }

  const masterKey = resolveMasterKeyConfig(cfg, env, cwd);
  const providers = resolveProviders({
    entries: cfg.providers ?? {},
    file,
    env,
    allowPrivateUpstreams,
    openSealed: sealedValueOpener(masterKey, dataDir),
  });
  const routes = resolveRoutes(
    cfg,
    file,
    providers.map((p) => p.id),
  );
  const simulator = cfg.simulator ?? fromEnv(env, "OVERT_SIMULATOR", simulatorField) ?? "auto";
  const homeJurisdiction =
    cfg.homeJurisdiction ?? fromEnv(env, "OVERT_HOME_JURISDICTION", jurisdictionField) ?? null;

  return {
    source: found?.absolute ?? null,
    server: {
      host: cfg.server?.host ?? envString(env, "OVERT_HOST") ?? DEFAULTS.host,
      port: port ?? DEFAULTS.port,
      bodyLimitBytes: cfg.server?.bodyLimitBytes ?? DEFAULTS.bodyLimitBytes,
      trustedProxies: cfg.server?.trustedProxies ?? [],
    },
    storage: resolveStorage(cfg, env, file, cwd, dataDir),
    dataDir,
    security: {
      allowPrivateUpstreams,
      keyPepper: keyPepper === undefined ? null : new Secret(keyPepper),
      setupToken: setupToken === undefined ? null : new Secret(setupToken),
      masterKey,
    },
    transport: {
      connectTimeoutMs: cfg.transport?.connectTimeoutMs ?? DEFAULTS.connectTimeoutMs,
      headersTimeoutMs: cfg.transport?.headersTimeoutMs ?? DEFAULTS.headersTimeoutMs,
      idleTimeoutMs: cfg.transport?.idleTimeoutMs ?? DEFAULTS.idleTimeoutMs,
      maxResponseBytes: cfg.transport?.maxResponseBytes ?? DEFAULTS.maxResponseBytes,
      maxAttempts: cfg.transport?.maxAttempts ?? DEFAULTS.maxAttempts,
    },
    providers,
    routes,
    homeJurisdiction,
    guard: { maxScanChars: cfg.guard?.maxScanChars ?? DEFAULT_MAX_SCAN_CHARS },
    tenants: resolveTenants(cfg, homeJurisdiction),
    integrity: {
      origin: cfg.integrity?.origin ?? envString(env, "OVERT_LOG_ORIGIN") ?? null,
      signReceipts: cfg.integrity?.signReceipts ?? fromEnv(env, "OVERT_SIGN_RECEIPTS", boolField) ?? false,
    },
    simulator: simulator === "auto" ? providers.length === 0 : simulator,
    log: {
      level: cfg.log?.level ?? fromEnv(env, "OVERT_LOG_LEVEL", logLevelField) ?? DEFAULTS.logLevel,
    },
  };
}
