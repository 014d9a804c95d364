import { existsSync } from 'node:fs';
import { type Command, InvalidArgumentError, Option } from 'commander';
import { SingleBar } from 'cli-progress';
import { loadEngineConfig } from '@lifecycle/engine/config/engine-config';
import type { ImportSummary } from '@lifecycle/engine/import/import-feed';
import { type ImportSource, runImport } from '@lifecycle/engine/import/run-import';
import { loadLoyaltyRules } from '@lifecycle/engine/rules/load-loyalty-rules';
import { openStorage } from '@lifecycle/engine/storage/open-storage';
import { printRows } from './output-format';

const parseBatch = (text: string): number => {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1 || n > 50_000) throw new InvalidArgumentError('a whole number from 1 to 50000');
  return n;
};

/** A bar on a terminal; on a pipe or a CI log, one plain line per stage and per tenth done. */
function progressReporter(): { update: (done: number, total: number, stage: string) => void; stop: () => void } {
  if (process.stderr.isTTY) {
    const bar = new SingleBar({ format: '{stage} [{bar}] {percentage}% | {value}/{total} | {duration_formatted} elapsed, eta {eta_formatted}', stream: process.stderr });
    let current = '';
    return {
      update: (done, total, stage) => {
        if (stage !== current) {
          if (current) bar.stop();
          current = stage;
          bar.start(total, done, { stage });
        } else bar.update(done);
      },
      stop: () => bar.stop(),
    };
  }
  let current = '';
  let tenth = -1;
  return {
    update: (done, total, stage) => {
      const t = total === 0 ? 10 : Math.floor((10 * done) / total);
      if (stage === current && t === tenth) return;
      current = stage;
      tenth = t;
      process.stderr.write(`${stage}: ${done}/${total} (${t * 10}%)\n`);
    },
    stop: () => undefined,
  };
}

/** The summary as rows: what was imported, then what was left out or refused, and why. */
export function summaryRows(s: ImportSummary): Record<string, unknown>[] {
  return [
    { what: 'rows read', count: s.rows, why: s.file },
    { what: 'facts sent (orders, refunds)', count: s.messages, why: 'through the batched command path' },
    { what: 'recorded', count: s.recorded, why: 'new to the log' },
    { what: 'already in the log', count: s.repeated, why: 'same upstream ids and facts: nothing added' },
    ...Object.entries(s.skipped).map(([code, c]) => ({ what: `skipped ${code}`, count: c.count, why: c.reason })),
    ...Object.entries(s.refused).map(([code, c]) => ({ what: `refused ${code}`, count: c.count, why: c.reason })),
  ];
}

function importAction(source: ImportSource) {
  return async (file: string, options: { format: 'table' | 'json'; batchSize?: number }) => {
    if (!existsSync(file)) throw new InvalidArgumentError(`file ${file} does not exist`);
    const config = loadEngineConfig(process.env);
    const rules = loadLoyaltyRules(config.rulesFile);
    const storage = await openStorage(config);
    const progress = progressReporter();
    const started = Date.now();
    try {
      const summary = await runImport(source, file, { storage, config, rules }, { batchSize: options.batchSize, onProgress: progress.update });
      progress.stop();
      const seconds = (Date.now() - started) / 1000;
      if (options.format === 'json') process.stdout.write(`${JSON.stringify({ ...summary, seconds }, null, 2)}\n`);
      else {
        process.stdout.write(`${source} import of ${summary.file} in ${seconds.toFixed(1)} s\n`);
        printRows(summaryRows(summary), 'table');
      }
    } finally {
      progress.stop();
      await storage.close();
    }
  };
}

export function registerImportCommand(program: Command): void {
  const group = program.command('import').description('import a public data set into the log (stop the embedded engine first)');
  const common = (c: Command) =>
    c
      .addOption(new Option('--format <format>', 'summary format').choices(['table', 'json']).default('table'))
      .addOption(new Option('--batch-size <n>', 'facts per append').argParser(parseBatch));
  common(
    group
      .command('cdnow')
      .description('CDNOW_master.txt or CDNOW_sample.txt: one purchase (USD) per line, customer id = the master id')
      .argument('<file>'),
  ).action(importAction('cdnow'));
  common(
    group
      .command('online-retail')
      .description('UCI Online Retail (.csv.gz or .csv): invoices as orders (GBP), C invoices as refunds of a matching earlier order')
      .argument('<file>'),
  ).action(importAction('online-retail'));
}
