/**
 * Tenant data keys (DESIGN §5): each tenant has a 32-byte data key, created on
 * first use and stored only wrapped by the master key (KeyProvider). Content is
 * sealed under it with the tenant id bound into the associated data, so a
 * ciphertext moved to another tenant does not open.
 *
 * Unwrapped keys are cached in memory. The cache is dropped whenever storage
 * reports a change from any process (a shred or a rotation by the CLI) and at
 * least every `cacheTtlMs`; opening always re-reads the key row, so shredded
 * content is refused at once.
 */
import { randomBytes } from "node:crypto";
import type { AuditStore, ChangeSignal, ShredResult, TenantKeyStore } from "../storage/ports.js";
import { type Binding, KEY_BYTES, keyVersionOf, open, seal } from "./aead.js";
import { IntegrityError, KeyShreddedError } from "./errors.js";
import type { KeyProvider } from "./key-provider.js";

export interface TenantKeyringOptions {
  changes?: ChangeSignal;
  /** Shreds and rotations are written to the audit log when given. */
  audit?: AuditStore;
  now?: () => number;
  cacheTtlMs?: number;
}

export interface Sealed {
  ciphertext: Buffer;
  /** The data key version it was sealed under (also in the ciphertext's header). */
  dekVersion: number;
}

export interface RotationResult {
  activeKeyId: string;
  rewrapped: number;
  alreadyCurrent: number;
  /** Live keys under a master key this process does not have ("tenant vN (mk_…)"); re-run with it configured. */
  unavailable: string[];
}

interface CachedKey {
  version: number;
  key: Buffer;
  until: number;
}

const DEFAULT_CACHE_TTL_MS = 60_000;

export class TenantKeyring {
  readonly #store: TenantKeyStore;
  readonly #provider: KeyProvider;
  readonly #options: TenantKeyringOptions;
  readonly #now: () => number;
  /** tenant → current key; `${tenant}\0${version}` → any opened key. */
  readonly #current = new Map<string, CachedKey>();
  readonly #opened = new Map<string, CachedKey>();
  readonly #creating = new Map<string, Promise<CachedKey>>();
  #cacheVersion = -1;

  constructor(store: TenantKeyStore, provider: KeyProvider, options: TenantKeyringOptions = {}) {
    this.#store = store;
    this.#provider = provider;
    this.#options = options;
    this.#now = options.now ?? Date.now;
  }

  /** Seals under the tenant's current data key, creating the key on first use. */
  async seal(tenantId: string, plaintext: Uint8Array, binding: Binding): Promise<Sealed> {
    const current = await this.#currentKey(tenantId);
    const ciphertext = seal(current.key, current.version, plaintext, bound(tenantId, binding));
    return { ciphertext, dekVersion: current.version };
  }

  /** Throws KeyShreddedError when the key was destroyed, IntegrityError when the bytes do not open here. */
  async open(tenantId: string, ciphertext: Uint8Array, binding: Binding): Promise<Buffer> {
    const version = keyVersionOf(ciphertext);
    const row = await this.#store.getTenantKey(tenantId, version);
    if (row === undefined) throw new IntegrityError(`tenant ${tenantId} has no data key v${version}`);
    if (row.destroyedAt !== null || row.wrappedKey === null) {
      this.#forget(tenantId);
      throw new KeyShreddedError(tenantId, version);
    }
    this.#checkCache();
    const id = `${tenantId}\0${version}`;
    let cached = this.#opened.get(id);
    if (cached === undefined || cached.until <= this.#now()) {
      const key = await this.#provider.unwrap(
        { wrapped: row.wrappedKey, masterKeyId: row.masterKeyId },
        tenantId,
      );
      cached = { version, key, until: this.#now() + this.#ttl() };
      this.#opened.set(id, cached);
    }
    return open(cached.key, ciphertext, bound(tenantId, binding));
  }

  /**
   * Crypto-shredding: destroys every data key of the tenant (wrapped bytes removed,
   * rows kept as tombstones) and deletes its captures. A later capture gets a new key version.
   */
  async shred(tenantId: string, actor: string): Promise<ShredResult> {
    const at = this.#now();
    const result = await this.#store.shredTenantKeys(tenantId, at);
    this.#forget(tenantId);
    await this.#options.audit?.appendAudit({
      at,
      actor,
      action: "tenant.shred",
      target: tenantId,
      details: { ...result },
    });
    return result;
  }

  /**
   * Re-wraps every live data key that is not under the active master key. Content is
   * not touched: the data keys themselves do not change. Safe to re-run and to run
   * while servers are up (each row is a compare-and-set; servers accept both keys).
   */
  async rotateMaster(actor: string): Promise<RotationResult> {
    const result: RotationResult = {
      activeKeyId: this.#provider.activeKeyId,
      rewrapped: 0,
      alreadyCurrent: 0,
      unavailable: [],
    };
    for (const row of await this.#store.listTenantKeys()) {
      if (row.destroyedAt !== null || row.wrappedKey === null) continue;
      if (row.masterKeyId === this.#provider.activeKeyId) {
        result.alreadyCurrent++;
        continue;
      }
      if (!this.#provider.canUnwrap(row.masterKeyId)) {
        result.unavailable.push(`${row.tenantId} v${row.version} (${row.masterKeyId})`);
        continue;
      }
      const key = await this.#provider.unwrap(
        { wrapped: row.wrappedKey, masterKeyId: row.masterKeyId },
        row.tenantId,
      );
      const next = await this.#provider.wrap(key, row.tenantId);
      // Never replace a working wrap with one that does not open to the same key.
      const check = await this.#provider.unwrap(next, row.tenantId);
      if (!check.equals(key))
        throw new Error(`re-wrapping ${row.tenantId} v${row.version} did not round-trip`);
      key.fill(0);
      check.fill(0);
      const to = { wrappedKey: next.wrapped, masterKeyId: next.masterKeyId };
      if (await this.#store.rewrapTenantKey(row.tenantId, row.version, row.masterKeyId, to))
        result.rewrapped++;
      else result.alreadyCurrent++;
    }
    await this.#options.audit?.appendAudit({
      at: this.#now(),
      actor,
      action: "master_key.rotate",
      target: result.activeKeyId,
      details: { rewrapped: result.rewrapped, unavailable: result.unavailable.length },
    });
    return result;
  }

  /**
   * Forgets every unwrapped key. The buffers are not zeroed: a seal that already
   * holds one may still be using it, and zeroing would seal under an all-zero key.
   */
  clear(): void {
    this.#current.clear();
    this.#opened.clear();
  }

  #ttl(): number {
    return this.#options.cacheTtlMs ?? DEFAULT_CACHE_TTL_MS;
  }

  #checkCache(): void {
    const version = this.#options.changes?.version() ?? 0;
    if (version !== this.#cacheVersion) {
      this.clear();
      this.#cacheVersion = version;
    }
  }

  #forget(tenantId: string): void {
    this.#current.delete(tenantId);
    for (const id of this.#opened.keys()) if (id.startsWith(`${tenantId}\0`)) this.#opened.delete(id);
  }

  async #currentKey(tenantId: string): Promise<CachedKey> {
    this.#checkCache();
    const cached = this.#current.get(tenantId);
    if (cached !== undefined && cached.until > this.#now()) return cached;
    // One lookup (and at most one new key) per tenant at a time within this process.
    let pending = this.#creating.get(tenantId);
    if (pending === undefined) {
      pending = this.#loadOrCreate(tenantId).finally(() => this.#creating.delete(tenantId));
      this.#creating.set(tenantId, pending);
    }
    return pending;
  }

  async #loadOrCreate(tenantId: string): Promise<CachedKey> {
    for (let attempt = 0; attempt < 3; attempt++) {
      const rows = await this.#store.listTenantKeys(tenantId);
      const live = rows.filter((r) => r.destroyedAt === null && r.wrappedKey !== null).at(-1);
      let entry: CachedKey;
      if (live !== undefined) {
        const key = await this.#provider.unwrap(
          { wrapped: live.wrappedKey!, masterKeyId: live.masterKeyId },
          tenantId,
        );
        entry = { version: live.version, key, until: this.#now() + this.#ttl() };
      } else {
        const key = randomBytes(KEY_BYTES);
        const version = (rows.at(-1)?.version ?? 0) + 1;
        const wrapped = await this.#provider.wrap(key, tenantId);
        const createdAt = this.#now();
        const inserted = await this.#store.insertTenantKey({
          tenantId,
          version,
          wrappedKey: wrapped.wrapped,
          masterKeyId: wrapped.masterKeyId,
          createdAt,
        });
        // Another process created this version first: use theirs.
        if (!inserted) continue;
        entry = { version, key, until: createdAt + this.#ttl() };
      }
      this.#current.set(tenantId, entry);
      return entry;
    }
    throw new Error(`could not create a data key for tenant ${tenantId} (concurrent creation kept winning)`);
  }
}

/** The tenant is always the first bound part: callers cannot forget it. */
function bound(tenantId: string, binding: Binding): Binding {
  return { purpose: binding.purpose, parts: [tenantId, ...(binding.parts ?? [])] };
}
