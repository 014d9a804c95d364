import { readFileSync } from 'node:fs';
import { summarizeTransactions, type Transaction } from '@lifecycle/clv';
import { createEmbeddedEventStore, EmbeddedDatabase, type EventStore, InMemoryEventStore } from '@lifecycle/event-store';
import { fitModel, scoreCustomers } from '@lifecycle/projections/clv/clv-model';
import { cdnowSampleEvents } from '@lifecycle/projections/clv/testing/cdnow-sample-log';
import { appendCustomerEvents, cdnowCustomerEvents } from '@lifecycle/projections/testing/cdnow-log';
import { sharedDataFile } from '@lifecycle/testing';
import { readPurchaseHistory } from '@lifecycle/engine/reports/purchase-history';
import type { BenchLine, BenchSection } from './bench-table';

/**
 * The customer-base models on CDNOW (calibration to 1997-09-30, weeks): the summary built from the
 * file (the raw baseline) and from the event log (readAll of every event, refunds netted), then the
 * fits and the scoring of every customer, each beside the time to build the summary from the log.
 * Each figure is the median of `runs` runs.
 */
export async function clvBench(options: { runs: number; embeddedMaster: boolean }): Promise<BenchSection> {
  const lines: BenchLine[] = [];
  const datasets = [
    { name: 'sample', file: 'CDNOW_sample.txt', events: () => cdnowSampleEvents(), parse: parseSample, embedded: true },
    { name: 'master', file: 'CDNOW_master.txt', events: () => cdnowCustomerEvents(sharedDataFile('CDNOW_master.txt')), parse: parseMaster, embedded: options.embeddedMaster },
  ];
  for (const ds of datasets) {
    const text = readFileSync(sharedDataFile(ds.file), 'utf8');
    const options_ = { asOf: '1997-09-30', unit: 'weeks' } as const;
    const fromFile = await median(options.runs, async () => summarizeTransactions(ds.parse(text), options_));

    const db = ds.embedded ? await EmbeddedDatabase.open() : null;
    const store: EventStore = db ? await createEmbeddedEventStore(db) : new InMemoryEventStore();
    try {
      const events = await appendCustomerEvents(store, ds.events());
      const fromLog = await median(options.runs, async () => {
        const history = await readPurchaseHistory(store, { until: '1997-09-30T23:59:59.999Z' });
        return summarizeTransactions(history.transactions, options_);
      });
      const summaries = fromLog.result;
      if (summaries.length !== fromFile.result.length) throw new Error(`${ds.name}: ${summaries.length} customers from the log, ${fromFile.result.length} from the file`);
      const bg = await median(options.runs, async () => fitModel('bgnbd', summaries, 'weeks'));
      const pnbd = await median(options.runs, async () => fitModel('paretonbd', summaries, 'weeks'));
      const gg = await median(options.runs, async () => fitModel('gammagamma', summaries, 'weeks'));
      const spend = gg.result.params as { p: number; q: number; gamma: number };
      const score = await median(options.runs, async () => scoreCustomers('bgnbd', bg.result.params, spend, summaries, { horizon: 52, unit: 'weeks', monthlyDiscountRate: 0.01 }));

      const customers = `${summaries.length.toLocaleString('en-US')} customers`;
      const fromLogName = `${ds.name}: summary from the log`;
      const master = ds.name === 'master';
      lines.push(
        { name: `${ds.name}: summary from the file`, value: fromFile.ms, unit: 'ms', note: `parse + summarize, ${customers}` },
        { name: fromLogName, value: fromLog.ms, unit: 'ms', baseline: `${ds.name}: summary from the file`, note: `${db ? 'PGlite' : 'in-memory'} log of ${events.toLocaleString('en-US')} events: readAll + summarize` },
        { name: `${ds.name}: BG/NBD fit`, value: bg.ms, unit: 'ms', baseline: fromLogName, ...(master && { target: '< 5 s' }), note: `LL ${bg.result.logLikelihood.toFixed(2)}, ${bg.result.iterations} iterations` },
        { name: `${ds.name}: Pareto/NBD fit`, value: pnbd.ms, unit: 'ms', baseline: fromLogName, note: `LL ${pnbd.result.logLikelihood.toFixed(2)}` },
        { name: `${ds.name}: gamma-gamma fit`, value: gg.ms, unit: 'ms', baseline: fromLogName, note: `${gg.result.customers} repeat buyers` },
        { name: `${ds.name}: score every customer`, value: score.ms, unit: 'ms', baseline: fromLogName, ...(master && { target: '< 1 s' }), note: `P(alive), E[Y(52)], E(M), 12-month CLV; ${customers}` },
      );
    } finally {
      await store.close();
      await db?.close();
    }
  }
  return { title: 'Customer-base models (CDNOW, calibration to 1997-09-30, weeks; lower is better)', lines };
}

async function median<T>(runs: number, work: () => Promise<T>): Promise<{ ms: number; result: T }> {
  const times: number[] = [];
  let result!: T;
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    result = await work();
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  return { ms: times[Math.floor(times.length / 2)]!, result };
}

const rows = (text: string) =>
  text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '')
    .map((l) => l.split(/\s+/));
const isoDay = (d: string) => `${d.slice(0, 4)}-${d.slice(4, 6)}-${d.slice(6, 8)}`;

/** CDNOW_sample.txt: master id, sample id, YYYYMMDD, CDs, dollars. */
const parseSample = (text: string): Transaction[] => rows(text).map((f) => ({ customerId: f[1]!, at: isoDay(f[2]!), amount: Number(f[4]) }));
/** CDNOW_master.txt: id, YYYYMMDD, CDs, dollars, after a header line. */
const parseMaster = (text: string): Transaction[] =>
  rows(text)
    .slice(1)
    .map((f) => ({ customerId: f[0]!, at: isoDay(f[1]!), amount: Number(f[3]) }));
