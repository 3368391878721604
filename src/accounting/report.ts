/** Usage reports shared by `overt usage` and GET /admin/usage. */

import { parseDuration } from "../governance/duration.js";
import type { UsageGroupBy, UsageStore, UsageSummaryRow } from "../storage/ports.js";
import { renderTable } from "./text-table.js";

/** "1d" (relative) or an ISO date/time (absolute) → epoch ms; null when unreadable. */
export function parseSince(text: string, now: number = Date.now()): number | null {
  const relative = parseDuration(text);
  if (relative !== null) return now - relative;
  const absolute = Date.parse(text);
  return Number.isNaN(absolute) ? null : absolute;
}

/** Exact decimal rendering of integer nano-units: 1234567n → "0.001234567". */
export function formatNano(nano: bigint): string {
  const negative = nano < 0n;
  const abs = negative ? -nano : nano;
  const whole = abs / 1_000_000_000n;
  const fraction = (abs % 1_000_000_000n).toString().padStart(9, "0").replace(/0+$/, "");
  return `${negative ? "-" : ""}${whole}${fraction.length > 0 ? `.${fraction}` : ""}`;
}

export interface UsageReportRow extends Omit<UsageSummaryRow, "costNano"> {
  costNano: string;
  cost: string;
}

export async function usageReport(
  store: UsageStore,
  since: number,
  by: UsageGroupBy,
): Promise<UsageReportRow[]> {
  const rows = await store.summarizeUsage({ since }, by);
  return rows.map((row) => ({ ...row, costNano: row.costNano.toString(), cost: formatNano(row.costNano) }));
}

export function renderUsageTable(rows: readonly UsageReportRow[], by: UsageGroupBy): string {
  const header = [
    by === "none" ? "scope" : by,
    "requests",
    "errors",
    "partial",
    "input",
    "cached",
    "output",
    "reasoning",
    "cost",
  ];
  const lines = rows.map((r) => [
    r.group,
    String(r.requests),
    String(r.errors),
    String(r.partial),
    String(r.inputTokens),
    String(r.cachedInputTokens),
    String(r.outputTokens),
    String(r.reasoningTokens),
    `${r.cost} ${r.currency}`,
  ]);
  return renderTable(header, lines);
}
