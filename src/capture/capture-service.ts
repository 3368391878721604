/**
 * Content capture (DESIGN §5): off unless a tenant enables it; then each exchange
 * is sealed under the tenant's data key (crypto/tenant-keyring.ts) and kept for
 * the tenant's retention period. Nothing here logs or returns content except
 * `read`, which the admin API alone calls.
 */
import { randomUUID } from "node:crypto";
import type { Binding } from "../crypto/aead.js";
import { IntegrityError } from "../crypto/errors.js";
import type { TenantKeyring } from "../crypto/tenant-keyring.js";
import type { CaptureMetadata, CaptureStore } from "../storage/ports.js";

export interface CaptureInput {
  tenantId: string;
  /** The virtual key's id (never the key). */
  keyId: string;
  requestId: string;
  /** When the exchange happened (epoch ms); the retention period runs from here. */
  at: number;
  retentionDays: number;
  request: string;
  response: string;
}

export interface CapturedExchange extends CaptureMetadata {
  request: string;
  response: string;
}

export interface CaptureListQuery {
  tenantId?: string;
  /** Only captures created before this time (paging, newest first). */
  before?: number;
  /** 1-1000, default 100. */
  limit?: number;
}

export interface CaptureServiceOptions {
  now?: () => number;
  /** Provider secrets: replaced before sealing should an exchange ever carry one. */
  secrets?: readonly string[];
}

const DAY_MS = 86_400_000;
const MAX_RETENTION_DAYS = 3650;
const PURGE_BATCH = 1000;
const REDACTED = "[redacted provider secret]";

function binding(id: string, keyId: string, requestId: string): Binding {
  return { purpose: "overt.capture.v1", parts: [id, keyId, requestId] };
}

export class CaptureService {
  readonly #store: CaptureStore;
  readonly #keyring: TenantKeyring;
  readonly #now: () => number;
  readonly #secrets: readonly string[];

  constructor(store: CaptureStore, keyring: TenantKeyring, options: CaptureServiceOptions = {}) {
    this.#store = store;
    this.#keyring = keyring;
    this.#now = options.now ?? Date.now;
    // Short values would redact ordinary words; real provider keys are far longer.
    this.#secrets = (options.secrets ?? []).filter((s) => s.length >= 8);
  }

  /** Encrypts and stores one exchange; returns the capture id. */
  async record(input: CaptureInput): Promise<string> {
    const days = input.retentionDays;
    if (!Number.isInteger(days) || days < 1 || days > MAX_RETENTION_DAYS) {
      throw new RangeError(`retentionDays must be an integer 1-${MAX_RETENTION_DAYS}`);
    }
    const id = `cap_${randomUUID().replaceAll("-", "").slice(0, 24)}`;
    const plaintext = Buffer.from(
      JSON.stringify({ request: this.#scrub(input.request), response: this.#scrub(input.response) }),
      "utf8",
    );
    const sealed = await this.#keyring.seal(
      input.tenantId,
      plaintext,
      binding(id, input.keyId, input.requestId),
    );
    await this.#store.insertCapture({
      id,
      tenantId: input.tenantId,
      keyId: input.keyId,
      requestId: input.requestId,
      createdAt: input.at,
      expiresAt: input.at + days * DAY_MS,
      dekVersion: sealed.dekVersion,
      ciphertext: sealed.ciphertext,
    });
    return id;
  }

  /** Metadata of unexpired captures, newest first. */
  list(query: CaptureListQuery = {}): Promise<CaptureMetadata[]> {
    const limit = Math.min(1000, Math.max(1, Math.trunc(query.limit ?? 100)));
    return this.#store.listCaptures({
      tenantId: query.tenantId,
      before: query.before,
      now: this.#now(),
      limit,
    });
  }

  /**
   * One capture, decrypted; undefined when there is none (or it has expired).
   * Throws KeyShreddedError (crypto-shredded), IntegrityError (altered or moved
   * ciphertext) or MasterKeyUnavailableError.
   */
  async read(id: string): Promise<CapturedExchange | undefined> {
    const row = await this.#store.getCapture(id);
    if (row === undefined || row.expiresAt <= this.#now()) return undefined;
    const opened = await this.#keyring.open(
      row.tenantId,
      row.ciphertext,
      binding(row.id, row.keyId, row.requestId),
    );
    const { ciphertext, ...meta } = row;
    const content = parseContent(opened.toString("utf8"));
    return { ...meta, sizeBytes: ciphertext.length, ...content };
  }

  /** Deletes every capture past its expiry; returns how many. */
  async purgeExpired(now: number = this.#now()): Promise<number> {
    let total = 0;
    for (;;) {
      const deleted = await this.#store.deleteExpiredCaptures(now, PURGE_BATCH);
      total += deleted;
      if (deleted < PURGE_BATCH) return total;
    }
  }

  #scrub(text: string): string {
    let out = text;
    for (const secret of this.#secrets) if (out.includes(secret)) out = out.replaceAll(secret, REDACTED);
    return out;
  }
}

function parseContent(text: string): { request: string; response: string } {
  const parsed: unknown = JSON.parse(text);
  if (
    typeof parsed === "object" &&
    parsed !== null &&
    typeof (parsed as { request?: unknown }).request === "string" &&
    typeof (parsed as { response?: unknown }).response === "string"
  ) {
    const { request, response } = parsed as { request: string; response: string };
    return { request, response };
  }
  throw new IntegrityError("capture content is not a request/response pair");
}
