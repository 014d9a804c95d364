import type { DataSource } from 'typeorm';
import type { EventStore } from '@lifecycle/event-store';
import { rowProjection } from '@lifecycle/read-store';
import { appendCustomerEvents, enrichedCdnowEvents } from '../testing/cdnow-log';
import { dumpVersion, timedBuild, timedRead } from '../testing/rebuild-bench';
import { CustomerSummary } from './customer-summary.entity';
import { customerSummaryFold } from './customer-summary.projection';
import { customerSummary } from './customer-summary.query';

export interface RebuildFixture {
  readonly eventStore: EventStore;
  /** Opened with the customer summary's read model. */
  readonly dataSource: DataSource;
  readonly label: string;
  close(): Promise<void>;
}

/**
 * Two builds of the customer summary over the whole CDNOW master file (enriched with refunds, surveys
 * and complaints) must be equal byte for byte. The build rates are printed for the record; nothing
 * here asserts a time.
 */
export function customerSummaryRebuildContract(open: () => Promise<RebuildFixture>): void {
  let fixture: RebuildFixture;
  let events: number;

  beforeAll(async () => {
    fixture = await open();
    events = await appendCustomerEvents(fixture.eventStore, enrichedCdnowEvents());
  });
  afterAll(async () => {
    await fixture?.close();
  });

  it('builds identical rows twice from the same log, and answers from the version switched to', async () => {
    const first = rowProjection({ ...customerSummaryFold, version: 1 }, { entity: CustomerSummary, key: 'customerId' });
    const second = rowProjection({ ...customerSummaryFold, version: 2 }, { entity: CustomerSummary, key: 'customerId' });
    const readRate = await timedRead(fixture.eventStore);
    const firstRate = await timedBuild(fixture.dataSource, fixture.eventStore, first, events);
    const secondRate = await timedBuild(fixture.dataSource, fixture.eventStore, second, events);

    const one = await dumpVersion(fixture.dataSource, 'customer_summary', 'customer_id', 1);
    const two = await dumpVersion(fixture.dataSource, 'customer_summary', 'customer_id', 2);
    expect(one.rows).toBe(23_570);
    expect(two.sha256).toBe(one.sha256);
    expect(two.text).toBe(one.text);

    console.log(
      `customer-summary rebuild on ${fixture.label}: ${events} events, raw read ${readRate} ev/s, ` +
        `builds ${firstRate} and ${secondRate} ev/s (${Math.round((100 * Math.min(firstRate, secondRate)) / readRate)}% of the read rate), rows sha256 ${one.sha256.slice(0, 16)}`,
    );

    // Customer 00001 bought once, for $11.77, on 1997-01-01 (the file's first line).
    expect(await customerSummary(fixture.dataSource, '00001', { asOf: '1998-06-30T00:00:00.000Z' })).toMatchObject({
      firstPurchaseAt: '1997-01-01T00:00:00.000Z',
      orderCount: 1,
      grossRevenue: { amount: '1177', currency: 'USD' },
    });
  });
}
