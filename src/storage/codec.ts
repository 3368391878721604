/**
 * Decoding of database rows into port records. Drivers disagree on integers:
 * better-sqlite3 (safe integers on) returns bigint, pg returns int8/numeric as
 * strings (and int4 as number). Every integer therefore goes through toInt/toBigInt.
 */

import type { Insertable } from "kysely";
import type { AdminTokenRecord, AuditEntry, TenantRecord, UsageRecord, VirtualKeyRecord } from "./ports.js";
import type { DbInt, UsageRecordsTable } from "./schema.js";

/** A database integer as a JS number; throws if it is not an exact safe integer. */
export function toInt(value: DbInt | null | undefined): number {
  if (value === null || value === undefined) return 0;
  const n = typeof value === "number" ? value : Number(value);
  if (!Number.isSafeInteger(n)) {
    throw new RangeError(`storage: integer ${String(value)} is not a safe JS integer`);
  }
  return n;
}

export function toIntOrNull(value: DbInt | null | undefined): number | null {
  return value === null || value === undefined ? null : toInt(value);
}

/** A database integer (or an integral numeric sum) as an exact bigint. */
export function toBigInt(value: DbInt | null | undefined): bigint {
  if (value === null || value === undefined) return 0n;
  if (typeof value === "bigint") return value;
  if (typeof value === "number") {
    if (!Number.isSafeInteger(value)) {
      throw new RangeError(`storage: number ${value} cannot be an exact bigint`);
    }
    return BigInt(value);
  }
  // pg numeric sums come back as "123" (no fraction for integer inputs).
  return BigInt(value);
}

export function toBool(value: DbInt): boolean {
  return toInt(value) !== 0;
}

export function fromBool(value: boolean): number {
  return value ? 1 : 0;
}

export function parseStringArray(json: string): string[] {
  const parsed: unknown = JSON.parse(json);
  if (!Array.isArray(parsed) || !parsed.every((v): v is string => typeof v === "string")) {
    throw new TypeError("storage: expected a JSON array of strings");
  }
  return parsed;
}

export function parseObject(json: string): Record<string, unknown> {
  const parsed: unknown = JSON.parse(json);
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    throw new TypeError("storage: expected a JSON object");
  }
  return parsed as Record<string, unknown>;
}

export interface TenantRow {
  id: string;
  name: string;
  created_at: DbInt;
}

export function decodeTenant(row: TenantRow): TenantRecord {
  return { id: row.id, name: row.name, createdAt: toInt(row.created_at) };
}

export interface KeyRow {
  id: string;
  tenant_id: string;
  name: string;
  digest: string;
  prefix: string;
  models: string;
  created_at: DbInt;
  expires_at: DbInt | null;
  revoked_at: DbInt | null;
}

export function decodeKey(row: KeyRow): VirtualKeyRecord {
  return {
    id: row.id,
    tenantId: row.tenant_id,
    name: row.name,
    digest: row.digest,
    prefix: row.prefix,
    models: parseStringArray(row.models),
    createdAt: toInt(row.created_at),
    expiresAt: toIntOrNull(row.expires_at),
    revokedAt: toIntOrNull(row.revoked_at),
  };
}

export interface AdminTokenRow {
  id: string;
  digest: string;
  name: string;
  created_at: DbInt;
  revoked_at: DbInt | null;
}

export function decodeAdminToken(row: AdminTokenRow): AdminTokenRecord {
  return {
    id: row.id,
    digest: row.digest,
    name: row.name,
    createdAt: toInt(row.created_at),
    revokedAt: toIntOrNull(row.revoked_at),
  };
}

export interface AuditRow {
  at: DbInt;
  actor: string;
  action: string;
  target: string;
  details: string;
}

export function decodeAudit(row: AuditRow): AuditEntry {
  return {
    at: toInt(row.at),
    actor: row.actor,
    action: row.action,
    target: row.target,
    details: parseObject(row.details),
  };
}

const USAGE_STATUSES: readonly UsageRecord["status"][] = ["ok", "error", "partial"];
const USAGE_SOURCES: readonly UsageRecord["usageSource"][] = ["upstream", "estimated", "none"];

function oneOf<T extends string>(allowed: readonly T[], value: string, what: string): T {
  const found = allowed.find((a) => a === value);
  if (found === undefined) throw new TypeError(`storage: unknown ${what} ${JSON.stringify(value)}`);
  return found;
}

export interface UsageRow {
  request_id: string;
  created_at: DbInt;
  key_id: string;
  tenant_id: string;
  requested_model: string;
  provider: string | null;
  upstream_model: string | null;
  stream: DbInt;
  input_tokens: DbInt;
  cached_input_tokens: DbInt;
  cache_write_tokens: DbInt;
  output_tokens: DbInt;
  reasoning_tokens: DbInt;
  cost_nano: DbInt;
  currency: string;
  unpriced: DbInt;
  usage_source: string;
  usage_flagged: DbInt;
  latency_ms: DbInt;
  ttft_ms: DbInt | null;
  status: string;
  http_status: DbInt;
  error_code: string | null;
  attempts: DbInt;
}

export function decodeUsage(row: UsageRow): UsageRecord {
  return {
    requestId: row.request_id,
    createdAt: toInt(row.created_at),
    keyId: row.key_id,
    tenantId: row.tenant_id,
    requestedModel: row.requested_model,
    provider: row.provider,
    upstreamModel: row.upstream_model,
    stream: toBool(row.stream),
    inputTokens: toInt(row.input_tokens),
    cachedInputTokens: toInt(row.cached_input_tokens),
    cacheWriteTokens: toInt(row.cache_write_tokens),
    outputTokens: toInt(row.output_tokens),
    reasoningTokens: toInt(row.reasoning_tokens),
    costNano: toBigInt(row.cost_nano),
    currency: row.currency,
    unpriced: toBool(row.unpriced),
    usageSource: oneOf(USAGE_SOURCES, row.usage_source, "usage source"),
    usageFlagged: toBool(row.usage_flagged),
    latencyMs: toInt(row.latency_ms),
    ttftMs: toIntOrNull(row.ttft_ms),
    status: oneOf(USAGE_STATUSES, row.status, "usage status"),
    httpStatus: toInt(row.http_status),
    errorCode: row.error_code,
    attempts: toInt(row.attempts),
  };
}

export function encodeUsage(r: UsageRecord): Insertable<UsageRecordsTable> {
  return {
    request_id: r.requestId,
    created_at: r.createdAt,
    key_id: r.keyId,
    tenant_id: r.tenantId,
    requested_model: r.requestedModel,
    provider: r.provider,
    upstream_model: r.upstreamModel,
    stream: fromBool(r.stream),
    input_tokens: r.inputTokens,
    cached_input_tokens: r.cachedInputTokens,
    cache_write_tokens: r.cacheWriteTokens,
    output_tokens: r.outputTokens,
    reasoning_tokens: r.reasoningTokens,
    cost_nano: r.costNano,
    currency: r.currency,
    unpriced: fromBool(r.unpriced),
    usage_source: r.usageSource,
    usage_flagged: fromBool(r.usageFlagged),
    latency_ms: r.latencyMs,
    ttft_ms: r.ttftMs,
    status: r.status,
    http_status: r.httpStatus,
    error_code: r.errorCode,
    attempts: r.attempts,
  };
}
