import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { type ImportFeed, type ImportOptions, type ImportSummary, SkipCounter } from '../import-feed';
import { CdnowOrderIds, cdnowPurchase, parseCdnowLine } from './cdnow-rows';

/**
 * `lifecycle import cdnow <file>`: every line of CDNOW_master.txt or CDNOW_sample.txt becomes a
 * purchase of the master customer id, through the batched command path. Progress is in lines.
 */
export async function importCdnow(path: string, feed: ImportFeed, options: Pick<ImportOptions, 'onProgress'> = {}): Promise<ImportSummary> {
  const lines = (await readFile(path, 'latin1')).split(/\r?\n/);
  const ids = new CdnowOrderIds();
  const skipped = new SkipCounter();
  let rows = 0;
  const every = Math.max(1, Math.floor(lines.length / 200));
  for (let i = 0; i < lines.length; i++) {
    const parsed = parseCdnowLine(lines[i]!, i + 1);
    if (parsed === null) continue;
    rows++;
    if (!parsed.ok) {
      skipped.add('MALFORMED_LINE', `line ${parsed.line}: ${parsed.reason} (first of them)`);
      continue;
    }
    await feed.push({ kind: 'purchases', customerId: parsed.row.masterId, body: cdnowPurchase(parsed.row, ids.next(parsed.row)), line: parsed.row.line });
    if (i % every === 0) options.onProgress?.(i, lines.length, 'lines');
  }
  await feed.flush();
  options.onProgress?.(lines.length, lines.length, 'lines');
  return { source: 'cdnow', file: basename(path), rows, ...feed.counts(), skipped: skipped.toRecord() };
}
