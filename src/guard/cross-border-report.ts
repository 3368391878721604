/**
 * `overt report cross-border`: the transfer ledger summarised per destination
 * and data class, with distinct individuals counted from identifier
 * fingerprints, and where those counts fall against the thresholds of China's
 * Provisions on Promoting and Regulating Cross-Border Data Flows (CAC, March
 * 2024, art. 5–8): counted per calendar year, < 100,000 individuals (non-
 * sensitive) needs no filing; 100,000–1,000,000, or < 10,000 with sensitive
 * data, a standard contract or certification; above 1,000,000 or 10,000+
 * sensitive, a security assessment. The tier is indicative, not legal advice.
 */
import { renderTable } from "../accounting/text-table.js";
import type { TransferQuery, TransferStore, TransferSummary } from "../storage/ports.js";

export interface CrossBorderReport extends TransferSummary {
  from: string;
  to: string;
  tenant: string | null;
  /** Indicative tier for the period's counts (all destinations together). */
  tier: "none" | "standard-contract-or-certification" | "security-assessment";
}

export function tierFor(individuals: number, sensitive: number): CrossBorderReport["tier"] {
  if (individuals > 1_000_000 || sensitive >= 10_000) return "security-assessment";
  if (individuals >= 100_000 || sensitive > 0) return "standard-contract-or-certification";
  return "none";
}

export async function crossBorderReport(
  store: TransferStore,
  query: TransferQuery,
): Promise<CrossBorderReport> {
  const summary = await store.summarizeTransfers(query);
  const all = summary.individuals.find((r) => r.jurisdiction === "*");
  return {
    from: new Date(query.since).toISOString(),
    to: new Date(query.until ?? Date.now()).toISOString(),
    tenant: query.tenantId ?? null,
    ...summary,
    tier: tierFor(all?.individuals ?? 0, all?.sensitiveIndividuals ?? 0),
  };
}

/**
 * `2026-01-01` is the start of that day (UTC); as `--to` a date means the end of
 * that day (the bound is exclusive). Full ISO timestamps are taken as given.
 */
export function parseReportDate(text: string, end: boolean): number | null {
  if (/^\d{4}-\d{2}-\d{2}$/.test(text)) {
    const start = Date.parse(`${text}T00:00:00Z`);
    return Number.isNaN(start) ? null : end ? start + 86_400_000 : start;
  }
  const at = Date.parse(text);
  return Number.isNaN(at) ? null : at;
}

const TIER_TEXT: Record<CrossBorderReport["tier"], string> = {
  none: "under every threshold (no filing)",
  "standard-contract-or-certification":
    "standard contract or certification (100k–1M individuals, or sensitive data)",
  "security-assessment": "security assessment (over 1M individuals, or 10k+ with sensitive data)",
};

export function renderReportText(report: CrossBorderReport): string {
  const head = `Cross-border transfers ${report.from} – ${report.to}${report.tenant ? `, tenant ${report.tenant}` : ""}`;
  if (report.destinations.length === 0) return `${head}\nNo request left the home jurisdiction.`;
  const people = new Map(report.individuals.map((r) => [r.jurisdiction, r]));
  const destinations = renderTable(
    ["destination", "provider", "requests"],
    report.destinations.map((d) => [d.jurisdiction, d.provider, d.requests]),
  );
  const classes = renderTable(
    ["destination", "data class", "action", "requests", "occurrences"],
    report.classes.map((c) => [c.jurisdiction, c.kind, c.action, c.requests, c.occurrences]),
  );
  const individuals = renderTable(
    ["destination", "individuals sent", "of which sensitive", "protected (not sent)"],
    [...people.values()].map((r) => [
      r.jurisdiction === "*" ? "all" : r.jurisdiction,
      r.individuals,
      r.sensitiveIndividuals,
      r.protectedIndividuals,
    ]),
  );
  return [
    head,
    "",
    destinations,
    "",
    report.classes.length > 0 ? classes : "No sensitive data found in these requests.",
    "",
    individuals,
    "",
    `Indicative tier (count over a calendar year): ${TIER_TEXT[report.tier]}.`,
  ].join("\n");
}

function csvCell(value: string | number): string {
  const text = String(value);
  return /[",\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** One CSV table: a row per destination × data class × action, with the destination's individuals. */
export function renderReportCsv(report: CrossBorderReport): string {
  const people = new Map(report.individuals.map((r) => [r.jurisdiction, r]));
  const requests = new Map<string, number>();
  for (const d of report.destinations)
    requests.set(d.jurisdiction, (requests.get(d.jurisdiction) ?? 0) + d.requests);
  const header = [
    "destination",
    "destination_requests",
    "data_class",
    "action",
    "requests",
    "occurrences",
    "destination_individuals_sent",
    "destination_sensitive_individuals_sent",
  ];
  const rows: (string | number)[][] = [];
  for (const [jurisdiction, count] of requests) {
    const p = people.get(jurisdiction);
    const classes = report.classes.filter((c) => c.jurisdiction === jurisdiction);
    const base = (c?: (typeof classes)[number]) => [
      jurisdiction,
      count,
      c?.kind ?? "",
      c?.action ?? "",
      c?.requests ?? 0,
      c?.occurrences ?? 0,
      p?.individuals ?? 0,
      p?.sensitiveIndividuals ?? 0,
    ];
    if (classes.length === 0) rows.push(base());
    for (const c of classes) rows.push(base(c));
  }
  return [header, ...rows].map((r) => r.map(csvCell).join(",")).join("\n");
}
