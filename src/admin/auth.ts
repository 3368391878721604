/**
 * Admin sign-in with no default credentials (DESIGN §5, catalogue A13): until the
 * first admin token exists, each start prints a fresh one-time setup token (or
 * uses OVERT_SETUP_TOKEN); exchanging it once yields an admin token. Only HMAC
 * digests of either are stored.
 */
import { randomUUID } from "node:crypto";
import { OvertError } from "../errors/overt-error.js";
import { generateToken, isWellFormedToken, tokenDigest } from "../governance/token-format.js";
import type { AdminStore, AdminTokenRecord, AuditStore, SettingsStore } from "../storage/ports.js";

const SETUP_SETTING = "admin.setup_token_digest";

export class AdminAuth {
  readonly #store: AdminStore & SettingsStore & AuditStore;
  readonly #pepper: Buffer;

  constructor(store: AdminStore & SettingsStore & AuditStore, pepper: Buffer) {
    this.#store = store;
    this.#pepper = pepper;
  }

  /** Returns the setup token to show the operator, or null when setup is already done. */
  async prepareSetupToken(fromEnv: string | null): Promise<string | null> {
    if ((await this.#store.countAdminTokens()) > 0) return null;
    const token = fromEnv ?? generateToken("ovts");
    await this.#store.setSetting(SETUP_SETTING, tokenDigest(this.#pepper, token));
    return token;
  }

  async exchangeSetupToken(setupToken: string): Promise<string> {
    if (setupToken.length < 16 || setupToken.length > 256)
      throw new OvertError("OVT_ERR_ADMIN_SETUP_INVALID");
    const consumed = await this.#store.consumeSetting(SETUP_SETTING, tokenDigest(this.#pepper, setupToken));
    if (!consumed) throw new OvertError("OVT_ERR_ADMIN_SETUP_INVALID");
    return this.createAdminToken("admin", "setup");
  }

  async createAdminToken(name: string, actor: string): Promise<string> {
    const token = generateToken("ovta");
    const record: AdminTokenRecord = {
      id: `adm_${randomUUID().replaceAll("-", "").slice(0, 20)}`,
      digest: tokenDigest(this.#pepper, token),
      name,
      createdAt: Date.now(),
      revokedAt: null,
    };
    await this.#store.createAdminToken(record);
    await this.#store.appendAudit({
      at: record.createdAt,
      actor,
      action: "admin_token.create",
      target: record.id,
      details: { name },
    });
    return token;
  }

  async verify(authorization: string | undefined): Promise<AdminTokenRecord> {
    const match = /^Bearer +(\S+)$/i.exec(authorization?.trim() ?? "");
    const token = match?.[1];
    if (token === undefined || !isWellFormedToken(token, "ovta"))
      throw new OvertError("OVT_ERR_ADMIN_UNAUTHORIZED");
    const record = await this.#store.findAdminTokenByDigest(tokenDigest(this.#pepper, token));
    if (record === undefined || record.revokedAt !== null) throw new OvertError("OVT_ERR_ADMIN_UNAUTHORIZED");
    return record;
  }
}
