import { Option } from 'commander';
import Table from 'cli-table3';

export type OutputFormat = 'table' | 'json';

/** cli-table3 colours its heads and borders; ANSI codes only belong on a terminal, not in a pipe or a file. */
export const tableStyle = (): { head: string[]; border: string[] } | undefined => (process.stdout.isTTY ? undefined : { head: [], border: [] });

/** `--format`, one of `choices`, the first by default. */
export const formatOption = (choices: readonly string[] = ['table', 'json']) =>
  new Option('--format <format>', 'output format').choices(choices).default(choices[0]);

/** Prints rows as a table for people or as JSON lines for programs. */
export function printRows(rows: readonly Record<string, unknown>[], format: OutputFormat): void {
  if (format === 'json') {
    process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
    return;
  }
  if (rows.length === 0) {
    process.stdout.write('(nothing)\n');
    return;
  }
  const head = Object.keys(rows[0]!);
  const table = new Table({ head, style: tableStyle() });
  for (const row of rows) table.push(head.map((k) => (typeof row[k] === 'object' ? JSON.stringify(row[k]) : String(row[k] ?? ''))));
  process.stdout.write(`${table.toString()}\n`);
}
