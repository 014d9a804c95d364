import Table from 'cli-table3';

/**
 * One table per benchmark section. Each measured line names its raw baseline line, and the
 * table shows the ratio to it: the figure the targets are stated in.
 */
export interface BenchLine {
  readonly name: string;
  readonly value: number;
  readonly unit: string;
  /** Name of the raw line in the same table that this one is compared with. */
  readonly baseline?: string;
  /** The target, as a ratio to the baseline ("higher is better" units) or as text. */
  readonly target?: string;
  readonly note?: string;
}

export interface BenchSection {
  readonly title: string;
  readonly lines: readonly BenchLine[];
}

const formatValue = (value: number) =>
  value >= 100 ? Math.round(value).toLocaleString('en-US') : value.toLocaleString('en-US', { maximumFractionDigits: 2 });

export function ratioOf(section: BenchSection, line: BenchLine): number | undefined {
  if (!line.baseline) return undefined;
  const raw = section.lines.find((l) => l.name === line.baseline);
  return raw && raw.value > 0 ? line.value / raw.value : undefined;
}

/** "raw" marks a line others are compared with; a line that is neither compared nor compared with shows nothing. */
function vsRaw(section: BenchSection, line: BenchLine): string {
  const ratio = ratioOf(section, line);
  if (ratio !== undefined) return `${(ratio * 100).toFixed(0)}%`;
  if (line.baseline) return 'n/a';
  return section.lines.some((l) => l.baseline === line.name) ? 'raw' : '';
}

export function renderSection(section: BenchSection): string {
  const table = new Table({ head: ['measure', 'value', 'unit', 'vs raw', 'target', 'note'], ...(process.stdout.isTTY ? {} : { style: { head: [], border: [] } }) });
  for (const line of section.lines) {
    table.push([
      line.name,
      formatValue(line.value),
      line.unit,
      vsRaw(section, line),
      line.target ?? '',
      line.note ?? '',
    ]);
  }
  return `${section.title}\n${table.toString()}`;
}

/** Markdown, for pasting the figures into the README's performance section. */
export function renderMarkdown(section: BenchSection): string {
  const rows = section.lines.map((line) => {
    return `| ${line.name} | ${formatValue(line.value)} ${line.unit} | ${vsRaw(section, line)} | ${line.target ?? ''} |`;
  });
  return [`**${section.title}**`, '', '| measure | value | vs raw | target |', '|---|---:|---:|---|', ...rows].join('\n');
}
