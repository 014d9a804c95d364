import { randomUUID } from 'node:crypto';
import type { AnyIntegrationMessage } from '@lifecycle/domain';
import { CUSTOMER, evt } from '@lifecycle/domain/testing/customer-fixtures';
import { levt } from '@lifecycle/domain/testing/loyalty-fixtures';
import { createEmbeddedEventStore, EmbeddedDatabase, type EventStore } from '@lifecycle/event-store';
import { InProcessIntegrationBus } from '@lifecycle/messaging/integration-events';
import { openEmbeddedReadStore } from '@lifecycle/read-store';
import type { DataSource } from 'typeorm';
import { INTEGRATION_OUTBOX_TABLES } from '@lifecycle/messaging/integration-events';
import { IntegrationPublisher, type IntegrationPublisherOptions } from './integration-publisher';

const DAY = 24 * 3600 * 1000;
const YEAR = 365 * DAY;

interface Setup {
  db: EmbeddedDatabase;
  store: EventStore;
  ds: DataSource;
  bus: InProcessIntegrationBus;
  received: AnyIntegrationMessage[];
}

async function setup(): Promise<Setup> {
  const db = await EmbeddedDatabase.open();
  const store = await createEmbeddedEventStore(db);
  const ds = await openEmbeddedReadStore(db, INTEGRATION_OUTBOX_TABLES);
  const bus = new InProcessIntegrationBus();
  const received: AnyIntegrationMessage[] = [];
  bus.subscribe((m) => void received.push(m));
  return { db, store, ds, bus, received };
}

const publisher = (s: Setup, over: Partial<IntegrationPublisherOptions> = {}) =>
  new IntegrationPublisher({ dataSource: s.ds, eventStore: s.store, transport: s.bus, maxAgeMs: 7 * DAY, ...over });

type Plain = { readonly type: string; readonly data: object };
const append = (s: Setup, streamId: string, events: readonly Plain[]) =>
  s.store.appendToStream(streamId, events.map((e) => ({ id: randomUUID(), type: e.type, data: e.data })), { expectedRevision: 'any' });

/** Event times of today, so that nothing is history: the facts of `evt`/`levt` moved by whole years. */
const now = Date.now();
const shift = (iso: string) => new Date(Date.parse(iso) + Math.ceil((now - Date.parse('2024-01-01T00:00:00Z')) / YEAR) * YEAR - 2 * YEAR).toISOString();
const recent = (e: Plain): Plain => ({
  type: e.type,
  data: Object.fromEntries(Object.entries(e.data).map(([k, v]) => [k, typeof v === 'string' && /^\d{4}-\d\d-\d\dT/.test(v) ? shift(v) : v])),
});

describe('the integration publisher (PGlite)', () => {
  let s: Setup;
  beforeEach(async () => {
    s = await setup();
  });
  afterEach(async () => {
    await s.ds.destroy();
    await s.db.close();
  });

  const liveHistory = (): Plain[] => [
    evt.registered({ registeredAt: new Date(now - 3 * DAY).toISOString() }),
    evt.purchased({ occurredAt: new Date(now - 2 * DAY).toISOString() }),
    levt.earned({ earnedAt: new Date(now - 2 * DAY).toISOString() }),
    levt.tierChanged({ changedAt: new Date(now - 2 * DAY).toISOString() }),
  ];

  it('publishes the live facts of the log keyed by customer, then moves its checkpoint and sends nothing twice', async () => {
    await append(s, `customer-${CUSTOMER}`, liveHistory());
    const p = publisher(s);
    expect(await p.publishToHead()).toBe(true);
    expect(s.received.map((m) => [m.type, m.customerId, (m.payload as { to?: string; kind?: string }).to ?? (m.payload as { kind?: string }).kind])).toEqual([
      ['customer.lifecycle', CUSTOMER, 'prospect'],
      ['customer.lifecycle', CUSTOMER, 'new'],
      ['loyalty.points', CUSTOMER, 'earned'],
      ['customer.tier', CUSTOMER, 'silver'],
    ]);
    const head = await s.store.headPosition();
    expect(s.received[3]!.source.position).toEqual({ tx: head.tx.toString(), pos: head.pos.toString() });
    expect(await p.status()).toEqual(expect.objectContaining({ checkpoint: { tx: head.tx.toString(), pos: head.pos.toString() }, eventsRead: '4', published: '4', heldBack: '0' }));

    await p.publishToHead();
    expect(s.received).toHaveLength(4);
  });

  it('a crash between publish and checkpoint sends the same messages with the same keys again, and loses none', async () => {
    await append(s, `customer-${CUSTOMER}`, liveHistory());
    const crashing = publisher(s, {
      owner: 'first', batchSize: 3,
      afterPublish: async (sent) => {
        if (sent.some((m) => m.type === 'customer.tier')) throw new Error('killed before the checkpoint');
      },
    });
    await expect(crashing.publishToHead()).rejects.toThrow('killed before the checkpoint');
    const firstRun = s.received.map((m) => m.idempotencyKey);
    // The dead process never lets its lease go: the successor takes over once it has lapsed (made so here).
    await s.ds.query(`UPDATE integration_publisher SET lease_until = now() - interval '1 second'`);
    await publisher(s, { owner: 'second' }).publishToHead();
    const keys = s.received.map((m) => m.idempotencyKey);
    const tierKey = s.received.find((m) => m.type === 'customer.tier')!.idempotencyKey;
    expect(keys.filter((k) => k === tierKey)).toHaveLength(2);
    const exactlyOnce = [...new Map(s.received.map((m) => [m.idempotencyKey, m])).values()];
    expect(exactlyOnce.map((m) => m.type)).toEqual(['customer.lifecycle', 'customer.lifecycle', 'loyalty.points', 'customer.tier']);
    expect(firstRun).toEqual(keys.slice(0, firstRun.length));
  });

  it('holds back what was already history when it reached the log (an import), counts it, and sends the live rest', async () => {
    await append(s, `customer-${CUSTOMER}`, [evt.registered(), evt.purchased(), levt.earned(), levt.tierChanged()]);
    await append(s, 'customer-c-bob', [evt.purchased({ customerId: 'c-bob', orderId: 'b-1', occurredAt: new Date(now - DAY).toISOString() })]);
    const p = publisher(s);
    await p.publishToHead();
    // The 2024 facts of c-ada are history; c-bob's purchase yesterday is news, and the log clock it
    // moves sends c-ada through active, dormant and lost: at due moments long past, so held back too.
    expect(s.received.map((m) => [m.customerId, m.type, (m.payload as { to?: string }).to])).toEqual([['c-bob', 'customer.lifecycle', 'new']]);
    expect(await p.status()).toEqual(expect.objectContaining({
      published: '1', heldBack: '7', heldBackByType: { 'customer.lifecycle': 5, 'loyalty.points': 1, 'customer.tier': 1 },
    }));
  });

  it('runs one publisher at a time: a second process waits while the lease is held', async () => {
    await append(s, `customer-${CUSTOMER}`, liveHistory());
    const first = publisher(s, { owner: 'first' });
    const second = publisher(s, { owner: 'second' });
    expect(await first.publishNext()).not.toBeNull();
    expect(await second.publishNext()).toBeNull();
    expect(await second.publishToHead()).toBe(false);
    await first.stop();
    // A clean stop lets the lease go: the successor carries on from the checkpoint.
    expect(await second.publishToHead()).toBe(true);
    expect(new Set(s.received.map((m) => m.idempotencyKey)).size).toBe(s.received.length);
  });

  it('gives the same messages in batches of one as in one batch', async () => {
    const events: [string, Plain][] = [
      [`customer-${CUSTOMER}`, recent(evt.registered())],
      [`customer-${CUSTOMER}`, recent(evt.purchased())],
      ['customer-c-bob', recent(evt.purchased({ customerId: 'c-bob', orderId: 'b-1', occurredAt: '2024-05-20T00:00:00.000Z' }))],
      ['clock', { type: 'ClockTicked', data: { at: shift('2024-09-01T00:00:00.000Z') } }],
      [`customer-${CUSTOMER}`, recent(levt.earned())],
    ];
    for (const [stream, e] of events) await append(s, stream, [e]);
    await publisher(s, { batchSize: 1, maxAgeMs: 100 * YEAR }).publishToHead();
    const inOnes = s.received.splice(0);
    await s.ds.query(`DELETE FROM integration_customers`);
    await s.ds.query(`DELETE FROM integration_publisher`);
    await publisher(s, { batchSize: 1000, maxAgeMs: 100 * YEAR }).publishToHead();
    expect(inOnes.length).toBeGreaterThan(5);
    expect(s.received).toEqual(inOnes);
  });

  it('the live loop publishes what is appended while it runs, and stops cleanly', async () => {
    const p = publisher(s, { pollIntervalMs: 20 });
    p.start();
    await append(s, `customer-${CUSTOMER}`, liveHistory());
    for (let i = 0; i < 500 && s.received.length < 4; i++) await new Promise((r) => setTimeout(r, 20));
    await p.stop();
    expect(s.received).toHaveLength(4);
    expect((await p.status()).running).toBe(false);
  });
});
