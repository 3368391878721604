/** `overt usage --since 1d [--by key|model|provider] [--json]`: the usage ledger, summarised. */
import { parseSince, renderUsageTable, usageReport } from "../accounting/report.js";
import { openCore } from "../main.js";
import type { UsageGroupBy } from "../storage/ports.js";
import { fail, loadConfigOrExit } from "./load.js";

export interface UsageOptions {
  config?: string;
  since: string;
  by?: string;
  json?: boolean;
}

export async function usage(options: UsageOptions): Promise<void> {
  const since = parseSince(options.since);
  if (since === null) fail(`--since must be like 1d, 12h or an ISO date, got ${options.since}`);
  const by = (options.by ?? "none") as UsageGroupBy;
  if (!["key", "model", "provider", "none"].includes(by)) fail("--by must be key, model or provider");
  const config = await loadConfigOrExit(options.config);
  const core = await openCore(config);
  try {
    const rows = await usageReport(core.storage, since, by);
    if (options.json) {
      process.stdout.write(
        `${JSON.stringify({ since: new Date(since).toISOString(), by, data: rows }, null, 2)}\n`,
      );
    } else if (rows.length === 0) {
      process.stdout.write(`No usage since ${new Date(since).toISOString()}.\n`);
    } else {
      process.stdout.write(`${renderUsageTable(rows, by)}\n`);
    }
  } finally {
    await core.storage.close();
  }
}
