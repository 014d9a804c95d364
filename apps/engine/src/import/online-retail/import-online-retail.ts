import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import { parse } from 'csv-parse';
import type { ImportFeed, ImportOptions, ImportSummary } from '../import-feed';
import { RetailInvoices, type RetailRow } from './online-retail-invoices';

/**
 * `lifecycle import online-retail <file.csv.gz>`: UCI Online Retail, gunzipped and parsed as a
 * stream, grouped into invoices, and sent through the batched command path as purchases (GBP,
 * pence) and refunds (see RetailInvoices for the rules). A plain `.csv` works too.
 * Progress: bytes of the file read, then facts stored.
 */
export async function importOnlineRetail(path: string, feed: ImportFeed, options: Pick<ImportOptions, 'onProgress'> = {}): Promise<ImportSummary> {
  const invoices = await readRetailInvoices(path, options.onProgress);
  const messages = invoices.messages();
  const every = Math.max(1, Math.floor(messages.length / 200));
  for (let i = 0; i < messages.length; i++) {
    await feed.push(messages[i]!);
    if (i % every === 0) options.onProgress?.(i, messages.length, 'storing');
  }
  await feed.flush();
  options.onProgress?.(messages.length, messages.length, 'storing');
  return { source: 'online-retail', file: basename(path), rows: invoices.rows, ...feed.counts(), skipped: invoices.skipped.toRecord() };
}

/** Reads the whole file into invoices (the rule needs every earlier order before a cancellation). */
export async function readRetailInvoices(path: string, onProgress?: ImportOptions['onProgress']): Promise<RetailInvoices> {
  const total = (await stat(path)).size;
  let read = 0;
  const file = createReadStream(path);
  file.on('data', (chunk) => {
    read += chunk.length;
    onProgress?.(read, total, 'reading');
  });
  const invoices = new RetailInvoices();
  const rows = parse({ columns: true, bom: true, skip_empty_lines: true });
  const collect = async (source: AsyncIterable<RetailRow>) => {
    for await (const row of source) invoices.add(row);
  };
  if (path.endsWith('.gz')) await pipeline(file, createGunzip(), rows, collect);
  else await pipeline(file, rows, collect);
  return invoices;
}
