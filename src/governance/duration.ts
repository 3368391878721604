/** Parses relative durations used by the CLI and admin API: "30d", "12h", "15m", "90s", "2w". */
const UNITS: Record<string, number> = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

export function parseDuration(text: string): number | null {
  const match = /^(\d{1,6})([smhdw])$/.exec(text.trim());
  if (!match) return null;
  const amount = Number(match[1]);
  const unit = UNITS[match[2] ?? ""];
  if (unit === undefined || amount <= 0) return null;
  return amount * unit;
}
