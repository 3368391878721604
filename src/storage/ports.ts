/**
 * Storage ports (DESIGN §6). Domain code depends on these interfaces only; the
 * composition root (src/main.ts) picks a backend. Every backend passes the one
 * conformance suite in test/conformance/storage.test.ts.
 *
 * Times are epoch milliseconds (integers). Money is integer nano-units as bigint.
 */
import type { LogStore } from "./log-ports.js";
import type { TransferStore } from "./transfer-ports.js";

export * from "./log-ports.js";
export * from "./transfer-ports.js";

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
  /**
   * Stores `value` only if `name` has no value yet, in one statement, and returns what
   * `name` holds afterwards: of processes racing to create it, every one gets the first's.
   */
  initSetting(name: string, value: string): Promise<string>;
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

/** One version of a tenant's data key (DESIGN §5), only ever stored wrapped by a master key. */
export interface TenantDataKeyRecord {
  tenantId: string;
  version: number;
  /** The wrapped key bytes; null once destroyed (crypto-shredded). */
  wrappedKey: Buffer | null;
  /** Which master key wrapped it (crypto/master-keys.ts ids). */
  masterKeyId: string;
  createdAt: number;
  destroyedAt: number | null;
}

export interface NewTenantDataKey {
  tenantId: string;
  version: number;
  wrappedKey: Buffer;
  masterKeyId: string;
  createdAt: number;
}

export interface ShredResult {
  keysDestroyed: number;
  capturesDeleted: number;
  /**
   * SQLite: the WAL was checkpointed and truncated, so no old page image of the keys
   * survives in it; false when another connection held it. PostgreSQL: always true
   * here (dead row versions remain until VACUUM; see docs/OPERATIONS.md).
   */
  walCleared: boolean;
}

/** A data key's wrapped bytes and the master key that wrapped them. */
export interface Wrapping {
  wrappedKey: Buffer;
  masterKeyId: string;
}

export interface TenantKeyStore {
  /** Every version of the tenant's data keys (of every tenant when omitted), by tenant then version. */
  listTenantKeys(tenantId?: string): Promise<TenantDataKeyRecord[]>;
  getTenantKey(tenantId: string, version: number): Promise<TenantDataKeyRecord | undefined>;
  /** False when this (tenant, version) exists already: another process created it first. */
  insertTenantKey(key: NewTenantDataKey): Promise<boolean>;
  /** Re-wraps a live key if it is still under `fromMasterKeyId` (compare-and-set); false otherwise. */
  rewrapTenantKey(tenantId: string, version: number, fromMasterKeyId: string, to: Wrapping): Promise<boolean>;
  /**
   * Crypto-shredding, in one transaction: every live key of the tenant loses its
   * wrapped bytes and is marked destroyed, and the tenant's captures are deleted.
   */
  shredTenantKeys(tenantId: string, at: number): Promise<ShredResult>;
}

/** One captured exchange, sealed under its tenant's data key (capture/). */
export interface CaptureRecord {
  id: string;
  tenantId: string;
  keyId: string;
  requestId: string;
  createdAt: number;
  expiresAt: number;
  dekVersion: number;
  ciphertext: Buffer;
}

export interface CaptureMetadata extends Omit<CaptureRecord, "ciphertext"> {
  /** Size of the ciphertext in bytes. */
  sizeBytes: number;
}

export interface CaptureQuery {
  tenantId?: string;
  /** Only captures created before this time (paging). */
  before?: number;
  /** Captures that expired at or before this time are left out. */
  now: number;
  limit: number;
}

export interface CaptureStore {
  insertCapture(record: CaptureRecord): Promise<void>;
  getCapture(id: string): Promise<CaptureRecord | undefined>;
  /** Newest first; metadata only. */
  listCaptures(query: CaptureQuery): Promise<CaptureMetadata[]>;
  /** Deletes at most `limit` captures whose expires_at <= now; returns how many it deleted. */
  deleteExpiredCaptures(now: number, limit: number): Promise<number>;
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

export interface Storage
  extends KeyStore,
    TransferStore,
    LogStore,
    TenantStore,
    UsageStore,
    AdminStore,
    SettingsStore,
    AuditStore,
    TenantKeyStore,
    CaptureStore {
  readonly dialect: "sqlite" | "postgres";
  readonly changes: ChangeSignal;
  migrate(): Promise<void>;
  close(): Promise<void>;
}
