/**
 * The validated, resolved configuration the rest of the relay consumes.
 * Produced by config/load.ts from overt.yaml (if any) + environment variables.
 */
import type { Jurisdiction, ModelPrice, ProviderDescriptor } from "../upstreams/descriptor.js";
import type { Secret } from "./secret.js";

export interface ServerConfig {
  host: string;
  port: number;
  bodyLimitBytes: number;
  /** Addresses of reverse proxies whose X-Forwarded-For is believed (catalogue F2). */
  trustedProxies: string[];
}

export type StorageConfig = { driver: "sqlite"; path: string } | { driver: "postgres"; url: Secret };

/** Where a master key comes from; `origin` names it in messages (a path or a variable, never the value). */
export type MasterKeySource =
  | { kind: "value"; value: Secret; origin: string }
  | { kind: "file"; path: string; origin: string };

export interface MasterKeyConfig {
  /** The key new wraps and seals use; null: <dataDir>/master-key, generated on first start. */
  active: MasterKeySource | null;
  /** Keys still accepted for unwrapping while `overt keys rotate-master` moves rows off them. */
  previous: MasterKeySource[];
}

export interface TransportConfig {
  connectTimeoutMs: number;
  /** Time from sending the request to the response headers. */
  headersTimeoutMs: number;
  /** Longest gap between two body chunks / stream events (catalogue C1). */
  idleTimeoutMs: number;
  maxResponseBytes: number;
  /** Attempts per request across deployments (first try included). */
  maxAttempts: number;
}

export interface ResolvedProvider {
  /** Instance id: the descriptor id, or the config key for extra instances (e.g. "my-vllm"). */
  id: string;
  descriptor: ProviderDescriptor;
  region: string;
  baseUrl: URL;
  jurisdiction: Jurisdiction;
  apiKey: Secret | null;
  /** Upstream model ids this instance serves (catalogue + configured extras). */
  models: string[];
  /** Prices by upstream model id (descriptor table, overridden by config). */
  prices: ReadonlyMap<string, ModelPrice>;
  currency: "USD" | "CNY";
  /** Loopback/private base URL explicitly allowed (self-hosted) — or the built-in simulator. */
  allowPrivate: boolean;
  /**
   * Serves any model name as `<id>/<model>`, and bare names matching the
   * descriptor's modelPattern when no other provider claims them, so a new model
   * release works without a config change (its cost is then recorded as unpriced).
   */
  wildcard: boolean;
}

export type GuardAction = "allow" | "redact" | "pseudonymize" | "block";

/** One policy rule: for data matching `data` sent to a destination matching `to`, do `action`. */
export interface GuardRule {
  /** `*`, `secret`, `pii` or one data class (`pii.cn_mobile`). */
  data: string;
  /** `any`, `home`, `abroad` or a jurisdiction code. */
  to: string;
  action: GuardAction;
  /** Where the rule was configured (`tenants.acme.guard.rules[0]`), named in errors. */
  source: string;
}

export interface GuardPolicy {
  /** Tenant rules, then the global ones; the protective defaults (guard/policy.ts) follow. */
  rules: GuardRule[];
  /** Only upstreams in these jurisdictions may serve the tenant, or null for any. */
  allowedJurisdictions: string[] | null;
  /** Where allowedJurisdictions was configured, named in errors. */
  allowedSource: string | null;
}

export interface TenantConfig {
  id: string;
  name: string;
  /** The tenant's home jurisdiction (else the operator's); null: every upstream is abroad. */
  homeJurisdiction: Jurisdiction | null;
  guard: GuardPolicy;
  /** Content capture: off unless the tenant opts in; kept encrypted for retentionDays. */
  capture: { enabled: boolean; retentionDays: number };
}

export interface DeploymentConfig {
  provider: string;
  model: string;
  weight: number;
}

export interface RelayConfig {
  /** File the config came from, or null when only env/defaults were used. */
  source: string | null;
  server: ServerConfig;
  storage: StorageConfig;
  dataDir: string;
  security: {
    allowPrivateUpstreams: boolean;
    /** Server pepper for key digests; when absent a random one is created in dataDir. */
    keyPepper: Secret | null;
    /** One-time admin setup token from env (OVERT_SETUP_TOKEN); otherwise one is generated and printed. */
    setupToken: Secret | null;
    /** Master keys for envelope encryption (crypto/master-keys.ts); absent means all defaults. */
    masterKey?: MasterKeyConfig;
  };
  transport: TransportConfig;
  providers: ResolvedProvider[];
  /** Explicit routes: public model name → deployments. Auto routes are added by routing/catalogue. */
  routes: Record<string, DeploymentConfig[]>;
  /** Home jurisdiction of the operator: the default for tenants that set none. */
  homeJurisdiction: Jurisdiction | null;
  guard: {
    /** Text scanned per request at most; larger requests fail closed. */
    maxScanChars: number;
  };
  integrity: {
    /** The log's origin (null: generated once and kept in the database). */
    origin: string | null;
    /** Sign each receipt individually (costs an Ed25519 signature per request). */
    signReceipts: boolean;
  };
  /** Configured tenants by id; always includes the default tenant. */
  tenants: Record<string, TenantConfig>;
  /** Start the built-in simulator upstream (true when no real provider is configured, unless disabled). */
  simulator: boolean;
  log: { level: "fatal" | "error" | "warn" | "info" | "debug" | "trace" | "silent" };
}
