import type { Transaction } from '../src/summary';

/**
 * Parsers for the CDNOW files in shared/data (see shared/data/SOURCES.md). Pure: the specs read
 * the files and hand the text over.
 */

/** CDNOW_sample.txt: master id, sample id, YYYYMMDD, CDs, dollars; no header. */
export function parseCdnowSample(text: string): Transaction[] {
  return rows(text).map((f) => ({ customerId: f[1], at: isoDay(f[2]), amount: Number(f[4]) }));
}

/** CDNOW_master.txt: id, YYYYMMDD, CDs, dollars; one header line. */
export function parseCdnowMaster(text: string): Transaction[] {
  return rows(text)
    .slice(1)
    .map((f) => ({ customerId: f[0], at: isoDay(f[1]), amount: Number(f[3]) }));
}

/** A plain CSV with a header and numeric cells, e.g. cdnow_customers_summary.csv. */
export function parseNumericCsv(text: string): Record<string, number>[] {
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '');
  const header = lines[0].split(',');
  return lines.slice(1).map((l) => {
    const cells = l.split(',');
    return Object.fromEntries(header.map((h, i) => [h, Number(cells[i])]));
  });
}

function rows(text: string): string[][] {
  return text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '')
    .map((l) => l.split(/\s+/));
}

function isoDay(yyyymmdd: string): string {
  return `${yyyymmdd.slice(0, 4)}-${yyyymmdd.slice(4, 6)}-${yyyymmdd.slice(6, 8)}`;
}
