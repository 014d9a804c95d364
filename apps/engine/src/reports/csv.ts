/** One CSV field (RFC 4180): quoted when it holds a comma, a quote or a line break; empty for null. */
export function csvCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  const text = String(value);
  return /[",\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** Rows as CSV under a header of the first row's keys, one line each, ending with a line break. */
export function csvTable(rows: readonly object[]): string {
  const head = Object.keys(rows[0] ?? {});
  const line = (row: object) => head.map((key) => csvCell((row as Record<string, unknown>)[key])).join(',');
  return `${[head.join(','), ...rows.map(line)].join('\n')}\n`;
}
