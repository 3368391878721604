/**
 * `overt log rotate-key`: a new signing key for the transparency log. The new
 * key signs from the next start of each server; every earlier verifier key stays
 * published in /.well-known/overt.json, so receipts and checkpoints signed
 * before still verify. Recorded in the audit trail and the log itself.
 */
import { rotateLogKey } from "../integrity/log-identity.js";
import { openCore } from "../main.js";
import { loadConfigOrExit } from "./load.js";

export interface RotateLogKeyOptions {
  config?: string;
  json?: boolean;
}

export async function rotateLogSigningKey(options: RotateLogKeyOptions): Promise<void> {
  const config = await loadConfigOrExit(options.config);
  const core = await openCore(config);
  try {
    const identity = await rotateLogKey(core.storage, core.masterKeys);
    const active = identity.verifierKeys[identity.verifierKeys.length - 1] ?? "";
    await core.storage.appendAudit({
      at: Date.now(),
      actor: "cli",
      action: "log.rotate-key",
      target: identity.origin,
      details: { verifierKey: active, keys: identity.verifierKeys.length },
    });
    if (options.json) {
      process.stdout.write(
        `${JSON.stringify({ origin: identity.origin, verifierKeys: identity.verifierKeys })}\n`,
      );
    } else {
      process.stdout.write(
        `New log signing key for ${identity.origin}:\n  ${active}\n` +
          `${identity.verifierKeys.length - 1} earlier key(s) stay published. Restart the relay processes to sign with it.\n`,
      );
    }
  } finally {
    await core.storage.close();
  }
}
