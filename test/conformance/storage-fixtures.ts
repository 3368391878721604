/** Record builders and backends for the storage conformance suite. */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { NewVirtualKey, Storage, UsageRecord } from "../../src/storage/ports.js";
import { openPostgresStorage } from "../../src/storage/postgres.js";
import { openSqliteStorage } from "../../src/storage/sqlite.js";
import { createTestDatabase } from "../helpers/postgres.js";

/** A fixed base time above 2^31 ms and above 2^32, so 32-bit truncation would show. */
export const T0 = 1_700_000_000_000;

let seq = 0;
export function uid(prefix: string): string {
  seq += 1;
  return `${prefix}_${seq}_${Math.random().toString(36).slice(2, 8)}`;
}

export function newKey(tenantId: string, overrides: Partial<NewVirtualKey> = {}): NewVirtualKey {
  const id = uid("key");
  return {
    id,
    tenantId,
    name: `key ${id}`,
    digest: `${id}_digest`.padEnd(64, "0"),
    prefix: "ovt_3kQ9x",
    models: ["*"],
    createdAt: T0,
    expiresAt: null,
    ...overrides,
  };
}

export function usage(overrides: Partial<UsageRecord> = {}): UsageRecord {
  return {
    requestId: uid("req"),
    createdAt: T0,
    keyId: "key-a",
    tenantId: "tenant-a",
    requestedModel: "gpt-x",
    provider: "openai",
    upstreamModel: "gpt-x-2025",
    stream: false,
    inputTokens: 10,
    cachedInputTokens: 2,
    cacheWriteTokens: 1,
    outputTokens: 20,
    reasoningTokens: 3,
    costNano: 1000n,
    currency: "USD",
    unpriced: false,
    usageSource: "upstream",
    usageFlagged: false,
    latencyMs: 123,
    ttftMs: 45,
    status: "ok",
    httpStatus: 200,
    errorCode: null,
    attempts: 1,
    ...overrides,
  };
}

export interface Backend {
  /** Opens another connection to the same store (not migrated). */
  open(): Promise<Storage>;
  cleanup(): Promise<void>;
}

export function sqliteBackend(): Backend & { path: string } {
  const dir = mkdtempSync(join(tmpdir(), "overt-storage-"));
  const path = join(dir, "nested", "overt.db");
  return {
    path,
    open: () => openSqliteStorage(path),
    cleanup: async () => rmSync(dir, { recursive: true, force: true }),
  };
}

export async function postgresBackend(adminUrl: string): Promise<Backend> {
  const database = await createTestDatabase(adminUrl);
  return {
    open: () => openPostgresStorage(database.url),
    cleanup: () => database.drop(),
  };
}

export async function waitFor(condition: () => boolean, timeoutMs = 2000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (condition()) return true;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return condition();
}
