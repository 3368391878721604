/**
 * The KeyProvider port (DESIGN §5): wraps and unwraps tenant data keys under a
 * master key, binding each wrap to its tenant. The local implementation holds
 * the master keys in memory; a KMS (AWS KMS Encrypt/Decrypt with the tenant as
 * encryption context, Vault transit…) can implement the same three members.
 */
import { type Binding, open, seal } from "./aead.js";
import { MasterKeyUnavailableError } from "./errors.js";
import { type MasterKey, type MasterKeySet, subkey } from "./master-keys.js";

export interface WrappedKey {
  /** Opaque bytes; only the provider that wrapped them knows their layout. */
  wrapped: Buffer;
  /** The master key that wrapped them, recorded next to the bytes so rotation knows what to re-wrap. */
  masterKeyId: string;
}

export interface KeyProvider {
  /** The master key new wraps use. */
  readonly activeKeyId: string;
  wrap(dataKey: Uint8Array, tenantId: string): Promise<WrappedKey>;
  /** Throws MasterKeyUnavailableError for a master key it lacks, IntegrityError for bytes that do not open. */
  unwrap(key: WrappedKey, tenantId: string): Promise<Buffer>;
  /** Whether `unwrap` can handle keys wrapped under this master key id. */
  canUnwrap(masterKeyId: string): boolean;
}

const WRAP_PURPOSE = "dek-wrap.v1";

function wrapBinding(tenantId: string): Binding {
  return { purpose: "overt.tenant-data-key.v1", parts: [tenantId] };
}

/** Master keys from env, files or dataDir (crypto/master-keys.ts), kept in this process. */
export class LocalKeyProvider implements KeyProvider {
  readonly #keys = new Map<string, Buffer>();
  readonly activeKeyId: string;

  constructor(set: MasterKeySet) {
    this.activeKeyId = set.active.id;
    for (const key of [set.active, ...set.previous]) this.#keys.set(key.id, LocalKeyProvider.#derive(key));
  }

  static #derive(key: MasterKey): Buffer {
    return subkey(key, WRAP_PURPOSE);
  }

  async wrap(dataKey: Uint8Array, tenantId: string): Promise<WrappedKey> {
    const kek = this.#keys.get(this.activeKeyId)!;
    return { wrapped: seal(kek, 0, dataKey, wrapBinding(tenantId)), masterKeyId: this.activeKeyId };
  }

  async unwrap(key: WrappedKey, tenantId: string): Promise<Buffer> {
    const kek = this.#keys.get(key.masterKeyId);
    if (kek === undefined) throw new MasterKeyUnavailableError(key.masterKeyId);
    return open(kek, key.wrapped, wrapBinding(tenantId));
  }

  canUnwrap(masterKeyId: string): boolean {
    return this.#keys.has(masterKeyId);
  }
}
