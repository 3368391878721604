/**
 * Why a sealed value could not be opened. Messages name ids, versions and
 * purposes, never key material or plaintext, so they are safe to log and to
 * show to an admin.
 */

/** The ciphertext is malformed, was altered, or belongs to another tenant, row or purpose. */
export class IntegrityError extends Error {
  override readonly name = "IntegrityError";
}

/** The tenant's data key (this version) was destroyed: the content is crypto-shredded. */
export class KeyShreddedError extends Error {
  override readonly name = "KeyShreddedError";

  constructor(
    readonly tenantId: string,
    readonly version: number,
  ) {
    super(`data key v${version} of tenant ${tenantId} was destroyed (crypto-shredded); the content is gone`);
  }
}

/** A wrapped key names a master key this process was not given (rotation finished too early?). */
export class MasterKeyUnavailableError extends Error {
  override readonly name = "MasterKeyUnavailableError";

  constructor(readonly masterKeyId: string) {
    super(
      `wrapped by master key ${masterKeyId}, which is not configured here ` +
        "(set it as OVERT_MASTER_KEY or keep it in OVERT_MASTER_KEY_PREVIOUS until `overt keys rotate-master` has run)",
    );
  }
}

/** A master key source is missing, unreadable or not 32 bytes. Names the source, never the value. */
export class MasterKeyError extends Error {
  override readonly name = "MasterKeyError";
}
