import { readFileSync } from 'node:fs';
import type { CustomerEvent } from '@lifecycle/domain';
import { sharedDataFile } from '@lifecycle/testing';

/**
 * CDNOW_sample.txt (6,919 purchases by the 2,357 customers of Fader, Hardie & Lee's 1/10 sample)
 * as the customer events the engine would have recorded: per customer an implicit registration at
 * the first purchase, then one PurchaseRecorded per line (order id = line number, cents, USD). The
 * customer id is the sample id (second column), as in libs/clv's parsers and the published files.
 * `projections/testing/cdnow-log.ts` does the same for the master file (its layout differs).
 */
export function cdnowSampleEvents(path = sharedDataFile('CDNOW_sample.txt')): Map<string, CustomerEvent[]> {
  const byCustomer = new Map<string, CustomerEvent[]>();
  readFileSync(path, 'utf8')
    .split(/\r?\n/)
    .forEach((line, index) => {
      const f = line.trim().split(/\s+/);
      if (f.length < 5) return;
      const customerId = f[1]!;
      const day = f[2]!;
      const occurredAt = `${day.slice(0, 4)}-${day.slice(4, 6)}-${day.slice(6, 8)}T00:00:00.000Z`;
      let events = byCustomer.get(customerId);
      if (!events) {
        events = [{ type: 'CustomerRegistered', data: { customerId, registeredAt: occurredAt, channel: 'implicit', implicit: true } }];
        byCustomer.set(customerId, events);
      }
      events.push({ type: 'PurchaseRecorded', data: { customerId, orderId: `L${index + 1}`, amount: Math.round(Number(f[4]) * 100), currency: 'USD', occurredAt } });
    });
  return byCustomer;
}
