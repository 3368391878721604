/** `overt tenants shred`: crypto-shreds a tenant's captured content on the database directly. */
import { openCore } from "../main.js";
import { fail, loadConfigOrExit } from "./load.js";

export interface ShredOptions {
  yes?: boolean;
  json?: boolean;
  config?: string;
}

export async function shredTenant(tenantId: string, options: ShredOptions): Promise<void> {
  if (options.yes !== true) {
    fail(
      `shredding destroys every data key of tenant ${tenantId} and deletes its captured content for good; ` +
        "re-run with --yes to do it",
    );
  }
  const config = await loadConfigOrExit(options.config);
  const core = await openCore(config);
  try {
    if ((await core.storage.getTenant(tenantId)) === undefined) fail(`no tenant with id ${tenantId}`);
    const result = await core.keyring.shred(tenantId, "cli");
    if (options.json) {
      process.stdout.write(`${JSON.stringify({ tenant_id: tenantId, shredded: true, ...result })}\n`);
    } else {
      process.stdout.write(
        `Shredded tenant ${tenantId}: ${result.keysDestroyed} data key(s) destroyed, ` +
          `${result.capturesDeleted} capture(s) deleted. Content sealed under those keys can no longer be read.\n`,
      );
    }
    if (!result.walCleared) {
      process.stderr.write(
        "warning: another connection held the SQLite write-ahead log, so it was not truncated; " +
          "old page images leave it at the next checkpoint (stop the server to force one)\n",
      );
    }
  } finally {
    await core.storage.close();
  }
}
