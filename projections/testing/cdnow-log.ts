import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CLOCK_STREAM_ID, type CustomerEvent, toCustomerStreamId, upstreamKeyOf } from '@lifecycle/domain';
import { type EventStore, eventIdFor, type StreamAppend } from '@lifecycle/event-store';

export const CDNOW_MASTER = join(__dirname, '..', '..', '..', 'shared', 'data', 'CDNOW_master.txt');

/**
 * The CDNOW master file (69,659 purchases by 23,570 customers, 1997-1998), or the sample by its
 * master ids, as the customer events the engine would have recorded: per customer an implicit
 * registration at the first purchase, then one PurchaseRecorded per line (order id = line number,
 * amount in cents, USD). Lines come in customer order, so every customer's events are appended in one go.
 */
export function cdnowCustomerEvents(path = CDNOW_MASTER): Map<string, CustomerEvent[]> {
  const byCustomer = new Map<string, CustomerEvent[]>();
  readFileSync(path, 'utf8').split(/\r?\n/).forEach((line, index) => {
    const f = line.trim().split(/\s+/);
    if (f.length < 4 || !/^\d/.test(f[0]!)) return; // the master file's header, the last empty line
    // CDNOW_master: id, date, CDs, dollars. CDNOW_sample: master id, sample id, date, CDs, dollars.
    const [customerId, day, dollars] = f.length === 5 ? [f[0]!, f[2]!, f[4]!] : [f[0]!, f[1]!, f[3]!];
    if (!/^\d{8}$/.test(day)) throw new Error(`${path}:${index + 1}: no date (yyyymmdd) where one was expected: ${line.trim()}`);
    const occurredAt = `${day.slice(0, 4)}-${day.slice(4, 6)}-${day.slice(6, 8)}T00:00:00.000Z`;
    let events = byCustomer.get(customerId);
    if (!events) {
      events = [{ type: 'CustomerRegistered', data: { customerId, registeredAt: occurredAt, channel: 'implicit', implicit: true } }];
      byCustomer.set(customerId, events);
    }
    const amount = Math.round(Number(dollars) * 100);
    events.push({ type: 'PurchaseRecorded', data: { customerId, orderId: `L${index + 1}`, amount, currency: 'USD', occurredAt } });
  });
  return byCustomer;
}

/**
 * The same log with what CDNOW lacks, so that a rebuild exercises every column: every 7th order is
 * half refunded a week later, every 5th customer answers a survey 10 days after each 3rd purchase and
 * complains the day after each 4th. Derived from positions in the file alone: the same every time.
 */
export function enrichedCdnowEvents(path = CDNOW_MASTER): Map<string, CustomerEvent[]> {
  const byCustomer = cdnowCustomerEvents(path);
  let order = 0;
  let customer = 0;
  const later = (at: string, days: number) => new Date(Date.parse(at) + days * 86_400_000).toISOString();
  for (const [customerId, events] of byCustomer) {
    customer += 1;
    const enriched: CustomerEvent[] = [];
    let purchases = 0;
    for (const event of events) {
      enriched.push(event);
      if (event.type !== 'PurchaseRecorded') continue;
      order += 1;
      purchases += 1;
      const { orderId, amount, occurredAt } = event.data;
      if (order % 7 === 0 && amount >= 2) {
        enriched.push({ type: 'PurchaseRefunded', data: { customerId, refundId: `R${orderId}`, orderId, amount: Math.floor(amount / 2), currency: 'USD', occurredAt: later(occurredAt, 7) } });
      }
      if (customer % 5 === 0 && purchases % 3 === 0) {
        enriched.push({ type: 'InteractionRecorded', data: { customerId, interactionId: `S${orderId}`, kind: 'survey', occurredAt: later(occurredAt, 10), satisfaction: 1 + (order % 5), nps: order % 11 } });
      }
      if (customer % 5 === 0 && purchases % 4 === 0) {
        enriched.push({ type: 'InteractionRecorded', data: { customerId, interactionId: `C${orderId}`, kind: 'complaint', occurredAt: later(occurredAt, 1) } });
      }
    }
    byCustomer.set(customerId, enriched);
  }
  return byCustomer;
}

/** Appends the events of `byCustomer`, `streamsPerAppend` streams per call; returns the number of events. */
export async function appendCustomerEvents(store: EventStore, byCustomer: Map<string, CustomerEvent[]>, streamsPerAppend = 250): Promise<number> {
  let appends: StreamAppend[] = [];
  let count = 0;
  for (const [customerId, events] of byCustomer) {
    const streamId = toCustomerStreamId(customerId);
    appends.push({
      streamId,
      expectedRevision: 'any',
      events: events.map((event) => ({ id: eventIdFor(streamId, upstreamKeyOf(event)), type: event.type, data: event.data })),
    });
    count += events.length;
    if (appends.length >= streamsPerAppend) {
      await store.appendToStreams(appends);
      appends = [];
    }
  }
  if (appends.length > 0) await store.appendToStreams(appends);
  return count;
}

/** The first of every month for a year after CDNOW's last purchase (1998-06-30): time enough for everyone to go lost. */
export const MONTHLY_TICKS_AFTER_CDNOW: readonly string[] = Array.from({ length: 13 }, (_, i) => new Date(Date.UTC(1998, 6 + i, 1)).toISOString());

/** Appends one ClockTicked per instant to the clock stream, with the id the scheduler gives it; returns how many. */
export async function appendClockTicks(store: EventStore, instants: readonly string[]): Promise<number> {
  for (const at of instants) {
    await store.appendToStream(CLOCK_STREAM_ID, [{ id: eventIdFor(CLOCK_STREAM_ID, `tick:${at}`), type: 'ClockTicked', data: { at } }], { expectedRevision: 'any' });
  }
  return instants.length;
}
