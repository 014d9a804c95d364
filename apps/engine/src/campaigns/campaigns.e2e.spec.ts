import type { AnyIntegrationMessage } from '@lifecycle/domain';
import { InProcessIntegrationBus } from '@lifecycle/messaging/integration-events';
import { winbackStreamId } from '@lifecycle/sagas';
import { ClockScheduler } from '../clock/clock-scheduler';
import { IntegrationEventsHost } from '../integration-events/integration-events.host';
import { ProjectionHost } from '../projections/projection-host';
import { SettableClock } from '../testing/settable-clock';
import { customerIn, winbackExample } from './testing/winback-example';
import { startTestEngine, type TestEngine } from '../testing/test-engine';
import { WinbackSagaHost } from './winback-saga-host';

const DAY = 86_400_000;
const HOUR = 3_600_000;
const definition = winbackExample();
const campaignId = 'wb-e2e';
const pick = (prefix: string, group: 'treated' | 'control') => customerIn(campaignId, prefix, group);

// The live path on the embedded engine: a lifecycle transition enrols, timers fire on the engine's
// clock, coupons go through IssueCoupon, a purchase converts, pause holds timers, the report counts.
describe('win-back campaigns, live (embedded, ROLE=all)', () => {
  let t: TestEngine;
  // Near the real time: the publisher holds back transitions that are history relative to when their
  // source event was written (INTEGRATION_MAX_AGE_HOURS), and the log writes real time.
  const now = Math.floor(Date.now() / HOUR) * HOUR;
  const clock = new SettableClock(now);
  const buyer = pick('buyer', 'treated');
  const waiter = pick('waiter', 'treated');
  const held = pick('held', 'control');

  const published: AnyIntegrationMessage[] = [];
  beforeAll(async () => {
    t = await startTestEngine({ clock });
    t.engine.app.get(InProcessIntegrationBus).subscribe((m) => {
      if (m.type === 'winback.actions') published.push(m);
    });
  });
  afterAll(() => t.close());

  const settle = async () => {
    await t.engine.app.get(IntegrationEventsHost).caughtUp();
    await t.engine.app.get(ProjectionHost).catchUp();
    await t.engine.app.get(WinbackSagaHost).runOnce();
    await t.engine.app.get(ProjectionHost).catchUp();
    await t.engine.app.get(WinbackSagaHost).runOnce();
    await t.engine.app.get(ProjectionHost).catchUp();
    await t.engine.app.get(IntegrationEventsHost).caughtUp();
  };
  const sagaEvents = async (customerId: string) => (await t.engine.storage.eventStore.readStream(winbackStreamId(campaignId, customerId))).map((e) => e.type);
  const customerEvents = async (customerId: string) => (await t.engine.storage.eventStore.readStream(`customer-${customerId}`)).map((e) => e.type);
  const purchase = (customerId: string, orderId: string, at: number, couponId?: string) =>
    t.http.post(`/customers/${customerId}/purchases`).set('x-api-key', t.keys.ingest)
      .send({ orderId, amount: 4200, currency: 'USD', occurredAt: new Date(at).toISOString(), ...(couponId && { couponId }) });

  it('creates and starts a campaign, recording who did it', async () => {
    const created = await t.http.post('/campaigns').set('x-api-key', t.keys.ops).send({ campaignId, definition });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ campaignId, status: 'draft', history: [{ status: 'draft', by: 'test-ops' }] });
    const started = await t.http.post(`/campaigns/${campaignId}/start`).set('x-api-key', t.keys.ops);
    expect(started.status).toBe(200);
    expect(started.body.status).toBe('running');
    expect((await t.http.post(`/campaigns/${campaignId}/start`).set('x-api-key', t.keys.analyst)).status).toBe(403);
    // Asking again for the status it has is done already; a stopped campaign cannot start again.
    expect((await t.http.post(`/campaigns/${campaignId}/resume`).set('x-api-key', t.keys.ops)).status).toBe(200);
    await t.http.post('/campaigns').set('x-api-key', t.keys.ops).send({ campaignId: 'wb-other', definition }).expect(201);
    await t.http.post('/campaigns/wb-other/stop').set('x-api-key', t.keys.ops).expect(200);
    const refused = await t.http.post('/campaigns/wb-other/start').set('x-api-key', t.keys.ops);
    expect([refused.status, refused.body.code]).toEqual([422, 'CAMPAIGN.INVALID_TRANSITION']);
  });

  it('refuses a bad definition naming the field', async () => {
    const bad = await t.http.post('/campaigns').set('x-api-key', t.keys.ops).send({ campaignId: 'bad', definition: { ...definition, holdoutShare: 2 } });
    expect(bad.status).toBe(400);
    expect(bad.body.details).toEqual(expect.arrayContaining([expect.objectContaining({ field: 'definition.holdoutShare' })]));
  });

  it('enrols customers the moment time makes them dormant, and sends stage 1 to the treated only', async () => {
    for (const id of [buyer, waiter, held]) expect((await purchase(id, `first-${id}`, now - 90 * DAY - 3 * HOUR)).status).toBe(201);
    await t.engine.app.get(ClockScheduler).tick();
    await settle();
    for (const id of [buyer, waiter, held]) expect(await sagaEvents(id)).toEqual(expect.arrayContaining(['WinbackEnrolled', 'WinbackStageReached']));
    // The coupon goes through the loyalty rules' IssueCoupon, for the treated only.
    expect(await customerEvents(buyer)).toContain('CouponIssued');
    expect(await customerEvents(held)).not.toContain('CouponIssued');
    const view = await t.http.get(`/campaigns/${campaignId}`).set('x-api-key', t.keys.analyst);
    expect(view.body.customers).toMatchObject({ enrolled: 3, heldOut: 1, atStage: { 1: 2 }, converted: 0 });
    // Each delivered action went out once on winback.actions, keyed by customer, with its action id.
    const actions = published.map((m) => ({ customerId: m.customerId, actionId: (m.payload as { actionId: string }).actionId }));
    expect(actions.sort((a, b) => a.customerId.localeCompare(b.customerId))).toEqual(
      [buyer, waiter].sort().map((id) => ({ customerId: id, actionId: `wb:${campaignId}:${id}:1:1` })),
    );
    expect(new Set(published.map((m) => m.idempotencyKey)).size).toBe(published.length);
  });

  it('counts delivery feedback that names the action id', async () => {
    const feedback = (kind: string, n: number) => t.http.post(`/customers/${buyer}/interactions`).set('x-api-key', t.keys.ingest)
      .send({ interactionId: `fb-${kind}-${n}`, kind, occurredAt: new Date(now).toISOString(), actionId: `wb:${campaignId}:${buyer}:1:1` });
    expect((await feedback('message_sent', 1)).status).toBe(201);
    expect((await feedback('email_open', 1)).status).toBe(201);
    expect((await feedback('email_open', 1)).status).toBe(201); // a redelivery counts once
    const bad = await t.http.post(`/customers/${buyer}/interactions`).set('x-api-key', t.keys.ingest)
      .send({ interactionId: 'fb-bad', kind: 'email_open', occurredAt: new Date(now).toISOString(), actionId: 'not an id' });
    expect([bad.status, bad.body.details[0].field]).toEqual([400, 'actionId']);
    await settle();
    const report = await t.http.get(`/campaigns/${campaignId}/report`).set('x-api-key', t.keys.analyst);
    expect(report.body.stages[0].feedback).toEqual({ message_sent: 1, email_open: 1 });
  });

  it('stops a saga at once when the customer buys: converted after stage 1', async () => {
    // The buyer comes back with the campaign's coupon: its discount becomes the campaign's cost.
    expect((await purchase(buyer, `back-${buyer}`, now + HOUR, `wb:${campaignId}:${buyer}:1:1`)).status).toBe(201);
    expect(await customerEvents(buyer)).toContain('CouponRedeemed');
    await settle();
    expect(await sagaEvents(buyer)).toContain('WinbackConverted');
    const view = await t.http.get(`/campaigns/${campaignId}`).set('x-api-key', t.keys.analyst);
    expect(view.body.customers).toMatchObject({ converted: 1, atStage: { 1: 1 } });
  });

  it('holds every timer while paused, and fires them after resume', async () => {
    await t.http.post(`/campaigns/${campaignId}/pause`).set('x-api-key', t.keys.ops).expect(200);
    clock.at = now + 15 * DAY;
    await settle();
    expect((await sagaEvents(waiter)).filter((e) => e === 'WinbackStageReached')).toHaveLength(1);
    await t.http.post(`/campaigns/${campaignId}/resume`).set('x-api-key', t.keys.ops).expect(200);
    await settle();
    expect((await sagaEvents(waiter)).filter((e) => e === 'WinbackStageReached')).toHaveLength(2);
    expect(await sagaEvents(buyer)).not.toContain('WinbackExhausted');
  });

  it('reports treated against control', async () => {
    const report = await t.http.get(`/campaigns/${campaignId}/report`).set('x-api-key', t.keys.analyst);
    expect(report.status).toBe(200);
    expect(report.body.overall).toMatchObject({ treated: { customers: 2, reactivated: 1 }, control: { customers: 1, reactivated: 0 } });
    expect(report.body.stages[0]).toMatchObject({ stage: 1, actionsSent: 2 });
    expect(report.body.coupons).toMatchObject({ issued: 2, redeemed: 1, redemptionRate: 0.5 });
    // 500 cents off the buyer's order, plus two e-mails at 5, one call-back at 300 for the waiter.
    expect(report.body.cost).toEqual({ actions: 310, coupons: 500, total: 810 });
    expect((await t.http.get('/campaigns/nope/report').set('x-api-key', t.keys.analyst)).status).toBe(404);
  });
});
