/** A plain-text table for CLI reports: columns padded to width, numbers right-aligned, two spaces apart. */
export function renderTable(
  headers: readonly string[],
  rows: readonly (readonly (string | number)[])[],
): string {
  const all = [headers, ...rows];
  const widths = headers.map((_, i) => Math.max(...all.map((row) => String(row[i] ?? "").length)));
  return all
    .map((row) =>
      row
        .map((cell, i) =>
          typeof cell === "number" ? String(cell).padStart(widths[i] ?? 0) : cell.padEnd(widths[i] ?? 0),
        )
        .join("  ")
        .trimEnd(),
    )
    .join("\n");
}
