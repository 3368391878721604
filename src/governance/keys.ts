/**
 * Virtual keys: creation (shown once), authentication by HMAC digest, revocation.
 * Authentication keeps a small cache that is dropped whenever storage reports a
 * change from any process (ChangeSignal), so a revocation from the CLI or another
 * node takes effect on the next request.
 */

import { randomUUID } from "node:crypto";
import { DEFAULT_TENANT_ID } from "../config/tenants.js";
import { OvertError } from "../errors/overt-error.js";
import type { AuditStore, ChangeSignal, KeyStore, TenantStore, VirtualKeyRecord } from "../storage/ports.js";
import { displayPrefix, generateToken, isWellFormedToken, tokenDigest } from "./token-format.js";

export const DEFAULT_TENANT = DEFAULT_TENANT_ID;
const CACHE_LIMIT = 10_000;
/** A cached key is re-read at least this often, even if a change notification was lost. */
const CACHE_TTL_MS = 5_000;

interface CachedKey {
  record: VirtualKeyRecord;
  until: number;
}

export interface CreateKeyInput {
  name: string;
  models: string[];
  expiresAt: number | null;
  tenantId?: string;
  actor: string;
}

export interface CreatedKey {
  key: string;
  record: VirtualKeyRecord;
}

export class KeyService {
  readonly #store: KeyStore & AuditStore & TenantStore;
  readonly #changes: ChangeSignal;
  readonly #pepper: Buffer;
  readonly #now: () => number;
  readonly #cache = new Map<string, CachedKey>();
  #cacheVersion = -1;

  constructor(
    store: KeyStore & AuditStore & TenantStore,
    changes: ChangeSignal,
    pepper: Buffer,
    now: () => number = Date.now,
  ) {
    this.#store = store;
    this.#changes = changes;
    this.#pepper = pepper;
    this.#now = now;
  }

  async create(input: CreateKeyInput): Promise<CreatedKey> {
    const name = input.name.trim();
    if (name.length === 0 || name.length > 100) {
      throw new OvertError(
        "OVT_ERR_REQ_INVALID_FIELD",
        { detail: "name must be 1-100 characters" },
        { param: "name" },
      );
    }
    if (input.models.length === 0) {
      throw new OvertError(
        "OVT_ERR_REQ_INVALID_FIELD",
        { detail: "models must list at least one model or *" },
        { param: "models" },
      );
    }
    const tenantId = input.tenantId ?? DEFAULT_TENANT;
    if ((await this.#store.getTenant(tenantId)) === undefined) {
      throw new OvertError(
        "OVT_ERR_REQ_INVALID_FIELD",
        { detail: `tenant_id: no tenant ${tenantId.slice(0, 100)}` },
        { param: "tenant_id" },
      );
    }
    const key = generateToken("ovt");
    const record: VirtualKeyRecord = {
      id: `key_${randomUUID().replaceAll("-", "").slice(0, 20)}`,
      tenantId,
      name,
      digest: tokenDigest(this.#pepper, key),
      prefix: displayPrefix(key),
      models: [...new Set(input.models)],
      createdAt: this.#now(),
      expiresAt: input.expiresAt,
      revokedAt: null,
    };
    await this.#store.createKey(record);
    await this.#store.appendAudit({
      at: record.createdAt,
      actor: input.actor,
      action: "key.create",
      target: record.id,
      details: { name, prefix: record.prefix, models: record.models, expiresAt: record.expiresAt },
    });
    return { key, record };
  }

  /** Resolves a presented token to its key record, or throws the registry's 401. */
  async authenticate(token: string): Promise<VirtualKeyRecord> {
    if (!isWellFormedToken(token, "ovt")) throw new OvertError("OVT_ERR_AUTH_INVALID_KEY_FORMAT");
    const digest = tokenDigest(this.#pepper, token);
    const version = this.#changes.version();
    if (version !== this.#cacheVersion) {
      this.#cache.clear();
      this.#cacheVersion = version;
    }
    const now = this.#now();
    const cached = this.#cache.get(digest);
    let record = cached !== undefined && cached.until > now ? cached.record : undefined;
    if (record === undefined) {
      record = await this.#store.findKeyByDigest(digest);
      if (record === undefined || record.revokedAt !== null) {
        this.#cache.delete(digest);
        throw new OvertError("OVT_ERR_AUTH_INVALID_KEY");
      }
      if (this.#cache.size >= CACHE_LIMIT) this.#cache.clear();
      this.#cache.set(digest, { record, until: now + CACHE_TTL_MS });
    }
    if (record.revokedAt !== null) throw new OvertError("OVT_ERR_AUTH_INVALID_KEY");
    if (record.expiresAt !== null && record.expiresAt <= now) {
      throw new OvertError("OVT_ERR_AUTH_KEY_EXPIRED", {
        expiredAt: new Date(record.expiresAt).toISOString(),
      });
    }
    return record;
  }

  async revoke(id: string, actor: string): Promise<boolean> {
    const at = this.#now();
    let revoked = false;
    try {
      // revokeKey announces the change to other processes itself.
      revoked = await this.#store.revokeKey(id, at);
    } finally {
      // Whatever happened after the write (a failed NOTIFY, say), this process forgets the key.
      this.#cache.clear();
    }
    if (revoked) await this.#store.appendAudit({ at, actor, action: "key.revoke", target: id, details: {} });
    return revoked;
  }

  list(tenantId?: string): Promise<VirtualKeyRecord[]> {
    return this.#store.listKeys(tenantId);
  }
}

/** Exact-match model scope (catalogue B7: the same rule as routing and pricing — no normalisation). */
export function keyAllowsModel(record: VirtualKeyRecord, model: string): boolean {
  return record.models.includes("*") || record.models.includes(model);
}
