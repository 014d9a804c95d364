import { randomBytes } from 'node:crypto';
import request from 'supertest';
import type { AnyIntegrationMessage } from '@lifecycle/domain';
import { InProcessIntegrationBus } from '@lifecycle/messaging/integration-events';
import { validateEngineConfig } from '../config/engine-config';
import { createEngine, type Engine } from '../engine';
import { IntegrationEventsHost } from './integration-events.host';

const DAY = 24 * 3600 * 1000;

/**
 * The engine (embedded, shipped rules, the wall clock) with the publisher on the in-process bus: the
 * standing programmes go out once each however often the tick runs, and an old history is held back.
 */
describe('integration events from the engine (embedded, in-process bus)', () => {
  let engine: Engine;
  let http: ReturnType<typeof request>;
  const admin = `test-admin-${randomBytes(12).toString('hex')}`;
  const received: AnyIntegrationMessage[] = [];

  beforeAll(async () => {
    const config = validateEngineConfig({ inMemory: true, masterKey: randomBytes(32).toString('base64'), adminKey: admin, logLevel: 'silent', integrationEvents: { pollIntervalMs: 20 } });
    engine = await createEngine(config);
    await engine.app.init();
    http = request(engine.app.getHttpServer());
    engine.app.get(InProcessIntegrationBus).subscribe((m) => void received.push(m));
  });
  afterAll(() => engine.app.close());

  const host = () => engine.app.get(IntegrationEventsHost);
  const post = (path: string, body: object) => http.post(path).set('x-api-key', admin).send(body);
  const now = Date.now();
  // Today in the rules' time zone (Europe/Paris), as the birthday.
  const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Paris', year: 'numeric', month: '2-digit', day: '2-digit' }).format(now);

  it('sends the birthday greeting with its coupon and the 30-day expiry warning once each, though the tick runs twice', async () => {
    expect((await post('/customers', { customerId: 'c-ivy', registeredAt: new Date(now - 400 * DAY).toISOString(), channel: 'web', birthday: `1990-${today.slice(5)}` })).status).toBe(201);
    // Points earned 355 days ago expire (12 months after earning) in about 10 days: inside the 30-day warning window.
    expect((await post('/customers/c-ivy/purchases', { orderId: 'o-1', amount: 10000, currency: 'EUR', occurredAt: new Date(now - 355 * DAY).toISOString() })).status).toBe(201);
    for (let i = 0; i < 2; i++) expect((await http.post('/clock/tick').set('x-api-key', admin)).status).toBe(200);
    await host().caughtUp();

    const programmes = received.filter((m) => m.type === 'customer.messages');
    expect(programmes.map((m) => [m.customerId, (m.payload as { programme: string }).programme]).sort()).toEqual([
      ['c-ivy', 'birthday-greeting'], ['c-ivy', 'points-expiry-warning'],
    ]);
    const greeting = programmes.find((m) => (m.payload as { programme: string }).programme === 'birthday-greeting')!;
    expect(greeting.payload).toEqual(expect.objectContaining({
      year: Number(today.slice(0, 4)), celebratedOn: today, points: 200,
      coupon: expect.objectContaining({ couponId: `birthday:${today.slice(0, 4)}`, offer: { kind: 'percent-off', percentOff: 10 } }),
    }));
    expect(programmes.find((m) => (m.payload as { programme: string }).programme === 'points-expiry-warning')!.payload)
      .toEqual(expect.objectContaining({ lotId: 'order:o-1', points: 100 }));
    expect(new Set(received.map((m) => m.idempotencyKey)).size).toBe(received.length);
  });

  it('holds back the history (the registration and the purchase of a year ago, and the stages they imply) and counts it', async () => {
    const status = await host().status();
    expect(status).toEqual(expect.objectContaining({ running: true, ownsLease: true }));
    expect(Number(status!.heldBack)).toBeGreaterThanOrEqual(3);
    expect(status!.heldBackByType).toEqual(expect.objectContaining({ 'customer.lifecycle': expect.any(Number), 'loyalty.points': 1 }));
    expect(received.some((m) => m.type === 'loyalty.points' && (m.payload as { kind: string }).kind === 'earned' && (m.payload as { orderId?: string }).orderId === 'o-1')).toBe(false);
  });

  it('GET /integration-events shows the publisher to ops and admin keys', async () => {
    const res = await http.get('/integration-events').set('x-api-key', admin);
    expect(res.status).toBe(200);
    expect(res.body).toEqual(expect.objectContaining({ name: 'default', running: true, ownsLease: true, published: String(received.length) }));
    expect(Number(res.body.eventsRead)).toBeGreaterThan(0);
    expect((await http.get('/integration-events')).status).toBe(401);
  });

  it('sends a live purchase at once: a reactivation and the points earned', async () => {
    const before = received.length;
    expect((await post('/customers/c-ivy/purchases', { orderId: 'o-2', amount: 2000, currency: 'EUR', occurredAt: new Date().toISOString() })).status).toBe(201);
    await host().caughtUp();
    const fresh = received.slice(before);
    expect(fresh.map((m) => m.type)).toEqual(expect.arrayContaining(['customer.lifecycle', 'loyalty.points']));
    expect(fresh.find((m) => m.type === 'customer.lifecycle')!.payload).toEqual(expect.objectContaining({ to: 'active', cause: 'purchase' }));
    expect(fresh.every((m) => m.customerId === 'c-ivy')).toBe(true);
  });
});
