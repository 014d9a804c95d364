import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { type CustomerEvent, parseRfmDefinition, type RfmDefinition, rfmMeasures, scoreRfm } from '@lifecycle/domain';
import type { ProjectionDefinition, ReadModels } from '@lifecycle/read-store';
import { appendClockTicks } from '../testing/cdnow-log';
import type { ReadModelHarness } from '../testing/read-model-harness';
import { rfmProjection, rfmReadModel } from './rfm.read-model';
import { parseAsOf, rfmDiff, segmentDistribution, segmentMigration, segmentOf } from './rfm.query';

const v1 = parseRfmDefinition(parse(readFileSync(join(__dirname, 'rfm.definition.yaml'), 'utf8')));
// A second version built beside v1: a 90-day window, otherwise the same rules.
const v2: RfmDefinition = { ...v1, version: 2, windowDays: 90 };
const DAY = 86_400_000;

const purchase = (customerId: string, orderId: string, occurredAt: string, amount: number): CustomerEvent => ({
  type: 'PurchaseRecorded',
  data: { customerId, orderId, amount, currency: 'GBP', occurredAt },
});
const refund = (customerId: string, refundId: string, orderId: string, occurredAt: string, amount: number): CustomerEvent => ({
  type: 'PurchaseRefunded',
  data: { customerId, refundId, orderId, amount, currency: 'GBP', occurredAt },
});
const iso = (ms: number) => new Date(ms).toISOString();

/** The RFM read model's behaviour, run on PGlite (rfm.spec.ts) and on Postgres (rfm.int-spec.ts). */
export function rfmContract(label: string, open: (projections: readonly ProjectionDefinition[], readModels: ReadModels) => Promise<ReadModelHarness>): void {
describe(`rfm read model (${label})`, () => {
  let h: ReadModelHarness;
  // Every fact given, so that the domain's rule can be run over the same log as the reference.
  const purchases: { customerId: string; orderId: string; occurredAt: number; amount: number }[] = [];
  const refunds: { customerId: string; occurredAt: number; amount: number }[] = [];
  const given = async (...events: CustomerEvent[]) => {
    for (const e of events) {
      if (e.type === 'PurchaseRecorded') purchases.push({ ...e.data, occurredAt: Date.parse(e.data.occurredAt) });
      if (e.type === 'PurchaseRefunded') refunds.push({ ...e.data, occurredAt: Date.parse(e.data.occurredAt) });
    }
    await h.given(...events);
  };
  const tick = async (at: string) => {
    await appendClockTicks(h.eventStore, [at]);
    await h.runner.catchUp();
  };
  const expected = (asOf: string, definition = v1) =>
    new Map(scoreRfm(rfmMeasures(purchases, refunds, Date.parse(asOf), definition.windowDays), definition).map((c) => [c.customerId, c]));

  beforeAll(async () => {
    h = await open([rfmProjection(v1), rfmProjection(v2)], rfmReadModel);
    // 240 customers over 2023: deterministic, with many ties in every measure (same days, same
    // order counts, same amounts), refunds by their own time, some before the window.
    const start = Date.parse('2023-01-01T00:00:00Z');
    const events: CustomerEvent[] = [];
    for (let c = 0; c < 240; c++) {
      const customerId = `c${String(c).padStart(3, '0')}`;
      const orders = 1 + (c % 7);
      for (let o = 0; o < orders; o++) {
        const at = start + (((c * 37 + o * 53) % 360) * DAY) + (c % 3) * 3_600_000;
        events.push(purchase(customerId, `${customerId}-o${o}`, iso(at), 1000 * (1 + ((c * o) % 5))));
      }
      if (c % 11 === 0) events.push(refund(customerId, `${customerId}-r`, `${customerId}-o0`, iso(start + (300 + (c % 50)) * DAY), 500));
    }
    await given(...events);
    // v2 became active when it caught up (the newest does); the analyst keeps serving v1.
    await h.runner.switchTo('rfm', 1);
  }, 60_000);
  afterAll(() => h.close());

  it.each(['2023-12-31T00:00:00.000Z', '2023-07-01T12:00:00.000Z', '2024-06-30T00:00:00.000Z'])(
    'scores every customer as of %s exactly as the domain rule does',
    async (asOf) => {
      const reference = expected(asOf);
      const distribution = await segmentDistribution(h.dataSource, asOf);
      expect(distribution.customers).toBe(reference.size);
      expect(reference.size).toBeGreaterThan(100);
      const stored: { customer_id: string; r: number; f: number; m: number; recency_days: number; frequency: number; monetary: string; segment: string; value_group: string }[] =
        await h.dataSource.query(`SELECT customer_id, r, f, m, recency_days, frequency, monetary::text, segment, value_group FROM rfm_snapshot WHERE as_of = $1 AND projection_version = 1`, [asOf]);
      expect(stored).toHaveLength(reference.size);
      for (const row of stored) {
        const ref = reference.get(row.customer_id)!;
        expect({ ...row, monetary: Number(row.monetary) }).toEqual({
          customer_id: ref.customerId, r: ref.r, f: ref.f, m: ref.m, recency_days: ref.recencyDays, frequency: ref.frequency,
          monetary: ref.monetary, segment: ref.segment, value_group: ref.valueGroup,
        });
      }
      // shares add up, and the groups hold everyone
      expect(distribution.segments.reduce((s, seg) => s + seg.share, 0)).toBeCloseTo(1, 10);
      expect(distribution.valueGroups.reduce((s, g) => s + g.customers, 0)).toBe(reference.size);
    },
  );

  it("answers one customer's segment with scores, measures, version and as-of; null without a purchase in the window", async () => {
    const asOf = '2023-12-31T00:00:00.000Z';
    const ref = expected(asOf).get('c005')!;
    expect(await segmentOf(h.dataSource, 'c005', asOf)).toEqual({
      customerId: 'c005', asOf, projectionVersion: 1, recencyDays: ref.recencyDays, frequency: ref.frequency, monetary: String(ref.monetary),
      scores: { r: ref.r, f: ref.f, m: ref.m }, segment: ref.segment, valueGroup: ref.valueGroup, valueGroupBasis: 'monetary',
    });
    expect(await segmentOf(h.dataSource, 'c005', '2022-06-01T00:00:00.000Z')).toBeNull();
    expect(await segmentOf(h.dataSource, 'nobody', asOf)).toBeNull();
  });

  it('stores a snapshot once and drops it when a late fact falls in its window', async () => {
    const asOf = '2023-10-01T00:00:00.000Z';
    await segmentDistribution(h.dataSource, asOf);
    const taken = async () => (await h.dataSource.query(`SELECT taken_by FROM rfm_snapshot_taken WHERE as_of = $1 AND projection_version = 1`, [asOf])) as unknown[];
    expect(await taken()).toEqual([{ taken_by: 'query' }]);
    await segmentDistribution(h.dataSource, asOf);
    expect(await taken()).toHaveLength(1);

    // a purchase delivered late, dated before the snapshot: the snapshot goes and is retaken with it
    await given(purchase('late-1', 'late-1-o1', '2023-09-15T10:00:00.000Z', 99_000));
    expect(await taken()).toEqual([]);
    const view = await segmentOf(h.dataSource, 'late-1', asOf);
    // 15 days and 14 hours before the as-of: 15 whole days
    expect(view).toMatchObject({ recencyDays: 15, frequency: 1, monetary: '99000', scores: { r: expected(asOf).get('late-1')!.r } });
    // a fact dated after the as-of leaves it alone
    await given(purchase('late-2', 'late-2-o1', '2023-10-02T00:00:00.000Z', 1));
    expect(await taken()).toHaveLength(1);
  });

  it('takes a snapshot when the log clock passes midnight UTC, once per day', async () => {
    const clockSnapshots = async () =>
      ((await h.dataSource.query(`SELECT as_of FROM rfm_snapshot_taken WHERE taken_by = 'clock' AND projection_version = 1 ORDER BY as_of`)) as { as_of: Date }[]).map((r) =>
        new Date(r.as_of).toISOString(),
      );
    await tick('2024-01-05T09:00:00.000Z'); // the first tick: the midnight that began its day
    await tick('2024-01-05T18:00:00.000Z'); // same day: nothing
    expect(await clockSnapshots()).toEqual(['2024-01-05T00:00:00.000Z']);
    await tick('2024-01-06T00:00:00.000Z'); // exactly midnight: passed
    await tick('2024-01-09T03:00:00.000Z'); // three midnights at once: the latest
    expect(await clockSnapshots()).toEqual(['2024-01-05T00:00:00.000Z', '2024-01-06T00:00:00.000Z', '2024-01-09T00:00:00.000Z']);
    const distribution = await segmentDistribution(h.dataSource, '2024-01-09T00:00:00.000Z');
    expect(distribution.customers).toBe(expected('2024-01-09T00:00:00.000Z').size);
  });

  it('counts customers from segment x to segment between two dates, arrivals and departures under null', async () => {
    const from = '2023-06-30T00:00:00.000Z';
    const to = '2023-12-31T00:00:00.000Z';
    const migration = await segmentMigration(h.dataSource, from, to);
    const a = expected(from);
    const b = expected(to);
    const want = new Map<string, number>();
    for (const id of new Set([...a.keys(), ...b.keys()])) {
      const key = `${a.get(id)?.segment ?? null}->${b.get(id)?.segment ?? null}`;
      want.set(key, (want.get(key) ?? 0) + 1);
    }
    expect(new Map(migration.cells.map((c) => [`${c.from}->${c.to}`, c.customers]))).toEqual(want);
    expect(migration.cells.some((c) => c.from === null)).toBe(true);
    // the value groups (by M in this version) move by the same rule
    const wantGroups = new Map<string, number>();
    for (const id of new Set([...a.keys(), ...b.keys()])) {
      const key = `${a.get(id)?.valueGroup ?? null}->${b.get(id)?.valueGroup ?? null}`;
      wantGroups.set(key, (wantGroups.get(key) ?? 0) + 1);
    }
    expect(new Map(migration.valueGroupCells.map((c) => [`${c.from}->${c.to}`, c.customers]))).toEqual(wantGroups);
    expect(migration.valueGroupsBy.to).toEqual({ configured: 'monetary', clv: 0, monetary: b.size, fallbacks: [] });
  });

  it('diffs two versions built side by side at one instant (segment and value-group matrices)', async () => {
    const asOf = '2023-12-31T00:00:00.000Z';
    const diff = await rfmDiff(h.dataSource, 1, 2, asOf);
    const a = expected(asOf, v1);
    const b = expected(asOf, v2);
    const segments = diff.matrices.find((m) => m.dimension === 'segment')!;
    expect(segments.cells.reduce((s, c) => s + c.customers, 0)).toBe(new Set([...a.keys(), ...b.keys()]).size);
    const stay = segments.cells.filter((c) => c.from === 'Champions' && c.to === 'Champions').reduce((s, c) => s + c.customers, 0);
    expect(stay).toBe([...a.values()].filter((c) => c.segment === 'Champions' && b.get(c.customerId)?.segment === 'Champions').length);
    expect(diff.totals).toEqual([{ measure: 'customers scored', from: a.size, to: b.size }]);
  });

  it('reads an as-of date as midnight UTC and names asOf when unparsable', () => {
    expect(parseAsOf('2011-12-01')).toBe('2011-12-01T00:00:00.000Z');
    expect(() => parseAsOf('yesterday')).toThrow(expect.objectContaining({ code: 'RFM.INVALID_AS_OF', field: 'asOf' }));
  });
});
}
