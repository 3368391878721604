/**
 * Storage ports (DESIGN §6). Domain code depends on these interfaces only; the
 * composition root (src/main.ts) picks a backend. Every backend passes the one
 * conformance suite in test/conformance/storage.test.ts.
 *
 * Times are epoch milliseconds (integers). Money is integer nano-units as bigint.
 */

export interface TenantRecord {
  id: string;
  name: string;
  createdAt: number;
}

export interface VirtualKeyRecord {
  id: string;
  tenantId: string;
  name: string;
  /** HMAC-SHA-256(pepper, key) as lowercase hex; the key itself is never stored. */
  digest: string;
  /** Display prefix, e.g. "ovt_3kQ9x…"; safe to show. */
  prefix: string;
  /** Public model names this key may use; ["*"] means every model. */
  models: string[];
  createdAt: number;
  expiresAt: number | null;
  revokedAt: number | null;
}

export interface NewVirtualKey {
  id: string;
  tenantId: string;
  name: string;
  digest: string;
  prefix: string;
  models: string[];
  createdAt: number;
  expiresAt: number | null;
}

export type UsageStatus = "ok" | "error" | "partial";

export interface UsageRecord {
  requestId: string;
  createdAt: number;
  keyId: string;
  tenantId: string;
  requestedModel: string;
  provider: string | null;
  upstreamModel: string | null;
  stream: boolean;
  inputTokens: number;
  cachedInputTokens: number;
  cacheWriteTokens: number;
  outputTokens: number;
  reasoningTokens: number;
  /** Integer nano-units of `currency`. */
  costNano: bigint;
  currency: string;
  /** True when the model had no known price: usage recorded, cost 0 and flagged. */
  unpriced: boolean;
  usageSource: "upstream" | "estimated" | "none";
  usageFlagged: boolean;
  latencyMs: number;
  ttftMs: number | null;
  status: UsageStatus;
  httpStatus: number;
  errorCode: string | null;
  attempts: number;
}

export interface UsageQuery {
  since: number;
  until?: number;
  keyId?: string;
  tenantId?: string;
}

export type UsageGroupBy = "key" | "model" | "provider" | "none";

export interface UsageSummaryRow {
  /** The group value (key id, requested model, provider) or "all". */
  group: string;
  requests: number;
  errors: number;
  partial: number;
  inputTokens: number;
  cachedInputTokens: number;
  outputTokens: number;
  reasoningTokens: number;
  costNano: bigint;
  currency: string;
}

export interface KeyStore {
  createKey(key: NewVirtualKey): Promise<void>;
  findKeyByDigest(digest: string): Promise<VirtualKeyRecord | undefined>;
  findKeyById(id: string): Promise<VirtualKeyRecord | undefined>;
  listKeys(tenantId?: string): Promise<VirtualKeyRecord[]>;
  /** Returns false when the key does not exist or is already revoked. */
  revokeKey(id: string, at: number): Promise<boolean>;
  countKeys(): Promise<number>;
}

export interface TenantStore {
  ensureTenant(tenant: TenantRecord): Promise<void>;
  getTenant(id: string): Promise<TenantRecord | undefined>;
}

export interface UsageStore {
  insertUsage(records: readonly UsageRecord[]): Promise<void>;
  summarizeUsage(query: UsageQuery, groupBy: UsageGroupBy): Promise<UsageSummaryRow[]>;
  listUsage(query: UsageQuery, limit: number): Promise<UsageRecord[]>;
}

export interface AdminTokenRecord {
  id: string;
  digest: string;
  name: string;
  createdAt: number;
  revokedAt: number | null;
}

export interface AdminStore {
  createAdminToken(token: AdminTokenRecord): Promise<void>;
  findAdminTokenByDigest(digest: string): Promise<AdminTokenRecord | undefined>;
  countAdminTokens(): Promise<number>;
}

/** Small key/value settings (setup-token digest, schema facts). */
export interface SettingsStore {
  getSetting(name: string): Promise<string | undefined>;
  setSetting(name: string, value: string): Promise<void>;
  /** Atomically delete `name` only if it still holds `expected`; true when it did. */
  consumeSetting(name: string, expected: string): Promise<boolean>;
}

export interface AuditEntry {
  at: number;
  actor: string;
  action: string;
  target: string;
  /** JSON-able details; never secrets (fingerprints only). */
  details: Record<string, unknown>;
}

export interface AuditStore {
  appendAudit(entry: AuditEntry): Promise<void>;
  listAudit(limit: number): Promise<AuditEntry[]>;
}

/**
 * Tells readers that another process changed durable state (a key revoked by the
 * CLI, say), so caches can drop entries. SQLite: PRAGMA data_version; PostgreSQL:
 * LISTEN/NOTIFY. `version()` must be cheap: it runs on the hot path.
 */
export interface ChangeSignal {
  version(): number;
  /** Announce a change made through this connection (PostgreSQL NOTIFY; SQLite: no-op). */
  announce(): Promise<void>;
}

export interface Storage extends KeyStore, TenantStore, UsageStore, AdminStore, SettingsStore, AuditStore {
  readonly dialect: "sqlite" | "postgres";
  readonly changes: ChangeSignal;
  migrate(): Promise<void>;
  close(): Promise<void>;
}
