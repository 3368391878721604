/** `overt report cross-border --from --to [--tenant] [--json|--csv]`: the transfer ledger, summarised. */
import {
  crossBorderReport,
  parseReportDate,
  renderReportCsv,
  renderReportText,
} from "../guard/cross-border-report.js";
import { openCore } from "../main.js";
import { fail, loadConfigOrExit } from "./load.js";

export interface CrossBorderOptions {
  config?: string;
  from?: string;
  to?: string;
  tenant?: string;
  json?: boolean;
  csv?: boolean;
}

export async function crossBorder(options: CrossBorderOptions): Promise<void> {
  if (options.json && options.csv) fail("choose one of --json and --csv");
  const now = new Date();
  // Default: the calendar year so far, the period China's thresholds count over.
  const since =
    options.from === undefined ? Date.UTC(now.getUTCFullYear(), 0, 1) : parseReportDate(options.from, false);
  if (since === null) fail(`--from must be a date like 2026-01-01 or an ISO timestamp, got ${options.from}`);
  const until = options.to === undefined ? now.getTime() : parseReportDate(options.to, true);
  if (until === null) fail(`--to must be a date like 2026-12-31 or an ISO timestamp, got ${options.to}`);
  if (until <= since) fail("--to must be after --from");
  const config = await loadConfigOrExit(options.config);
  const core = await openCore(config);
  try {
    const report = await crossBorderReport(core.storage, { since, until, tenantId: options.tenant });
    if (options.json) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    else if (options.csv) process.stdout.write(`${renderReportCsv(report)}\n`);
    else process.stdout.write(`${renderReportText(report)}\n`);
  } finally {
    await core.storage.close();
  }
}
