import { toCustomerStreamId } from '@lifecycle/domain';
import type { EventStore } from '@lifecycle/event-store';
import { CustomerStream } from '../customers/customer-stream';
import { EngineConfig } from '../config/engine-config';
import { LOYALTY_RULES } from '../rules/loyalty-rules.token';
import { SystemClock } from '../storage/clock';
import { startTestEngine, type TestEngine } from '../testing/test-engine';
import { IngestBatchProcessor } from './ingest-batch-processor';
import { inboundFactory, interaction, purchase, refund, registration, T } from './testing/ingest-messages.fixtures';

// The batch path on the embedded store (in-memory PGlite), beside the HTTP API of the same engine.
describe('IngestBatchProcessor', () => {
  let t: TestEngine;
  let processor: IngestBatchProcessor;
  let store: EventStore;
  const msg = inboundFactory();
  let run = 0;
  const id = (name: string) => `${name}-${run}`;

  beforeAll(async () => {
    t = await startTestEngine();
    const app = t.engine.app;
    store = t.engine.storage.eventStore;
    processor = new IngestBatchProcessor(app.get(CustomerStream), t.engine.storage, new SystemClock(), app.get(EngineConfig), app.get(LOYALTY_RULES));
  });
  afterAll(() => t.close());
  beforeEach(() => {
    run++;
    jest.restoreAllMocks();
  });

  // The facts themselves; the loyalty rules add points and tier events beside them.
  const FACTS = new Set(['CustomerRegistered', 'PurchaseRecorded', 'PurchaseRefunded', 'InteractionRecorded']);
  const events = async (customerId: string) =>
    (await store.readStream(toCustomerStreamId(customerId))).map((e) => e.type).filter((type) => FACTS.has(type));

  it('stores every new fact once with one append for the whole batch, and a redelivered batch changes nothing', async () => {
    const [a, b, c] = [id('a'), id('b'), id('c')];
    const batch = [
      msg(T.registrations, registration(a)),
      msg(T.purchases, purchase(a, 'o-1')),
      msg(T.purchases, purchase(b, 'o-2')),
      msg(T.interactions, interaction(a, 'i-1')),
      msg(T.purchases, purchase(c, 'o-3')),
    ];
    const appendToStreams = jest.spyOn(store, 'appendToStreams');
    const appendToStream = jest.spyOn(store, 'appendToStream');
    const first = await processor.process(batch);
    expect(first).toMatchObject({ recorded: 5, repeated: 0, refused: [], appendCalls: 1 });
    expect(appendToStreams).toHaveBeenCalledTimes(1);
    expect(appendToStreams.mock.calls[0]![0].map((s) => s.streamId).sort()).toEqual([a, b, c].map(toCustomerStreamId).sort());
    expect(appendToStream).not.toHaveBeenCalled();
    expect(await events(a)).toEqual(['CustomerRegistered', 'PurchaseRecorded', 'InteractionRecorded']);

    const again = await processor.process(batch);
    expect(again).toMatchObject({ recorded: 0, repeated: 5, refused: [], appendCalls: 0 });
    expect(await events(a)).toEqual(['CustomerRegistered', 'PurchaseRecorded', 'InteractionRecorded']);
    expect(await events(b)).toEqual(['CustomerRegistered', 'PurchaseRecorded']);
  });

  it('decides one customer in offset order: a duplicate inside the batch is a repeat, a refund sees the purchase before it', async () => {
    const a = id('a');
    const outcome = await processor.process([
      msg(T.purchases, purchase(a, 'o-1')),
      msg(T.purchases, purchase(a, 'o-1')),
      msg(T.refunds, refund(a, 'r-1', 'o-1')),
    ]);
    expect(outcome).toMatchObject({ recorded: 2, repeated: 1, refused: [] });
    expect(await events(a)).toEqual(['CustomerRegistered', 'PurchaseRecorded', 'PurchaseRefunded']);
  });

  it('refuses only the messages the rules or the contract refuse, each with its code, and stores the rest', async () => {
    const [a, b] = [id('a'), id('b')];
    const batch = [
      msg(T.purchases, purchase(a, 'o-1')),
      msg(T.refunds, refund(a, 'r-1', 'o-unknown')),
      msg(T.purchases, purchase(a, 'o-1', { amount: 1 })),
      msg(T.purchases, null, { raw: Buffer.from('{"customerId":') }),
      msg(T.purchases, purchase(b, 'o-2', { shoeSize: 42 })),
      msg(T.purchases, purchase(b, 'o-3'), { key: 'someone-else' }),
      msg(T.interactions, interaction(id('nobody'), 'i-1')),
      msg(T.purchases, purchase(b, 'o-4')),
    ];
    const outcome = await processor.process(batch);
    expect(outcome.recorded).toBe(2);
    expect(outcome.refused.map((r) => [r.message.offset, r.code])).toEqual([
      [batch[1]!.offset, 'REFUND.UNKNOWN_ORDER'],
      [batch[2]!.offset, 'PURCHASE.ORDER_CONFLICT'],
      [batch[3]!.offset, 'REQUEST.MALFORMED_JSON'],
      [batch[4]!.offset, 'REQUEST.VALIDATION_FAILED'],
      [batch[5]!.offset, 'MESSAGE.KEY_MISMATCH'],
      [batch[6]!.offset, 'CUSTOMER.NOT_FOUND'],
    ]);
    expect(outcome.refused[3]!.reason).toContain('shoeSize');
    expect(await events(b)).toEqual(['CustomerRegistered', 'PurchaseRecorded']);
  });

  it('records what the HTTP API records for the same body', async () => {
    const [viaHttp, viaKafka] = [id('http'), id('kafka')];
    const body = { orderId: 'o-9', amount: 1250, currency: 'EUR', occurredAt: '2024-03-01T11:00:00+01:00', items: [{ sku: 'S-1', quantity: 2, amount: 1250 }] };
    const res = await t.http.post(`/customers/${viaHttp}/purchases`).set('x-api-key', t.keys.ingest).send(body);
    expect(res.status).toBe(201);
    await processor.process([msg(T.purchases, { customerId: viaKafka, ...body })]);
    const strip = (customerId: string) => async () =>
      (await store.readStream(toCustomerStreamId(customerId))).map((e) => ({ type: e.type, data: JSON.parse(JSON.stringify(e.data).split(customerId).join('X')) }));
    expect(await strip(viaKafka)()).toEqual(await strip(viaHttp)());
  });

  it('reloads and decides again when an HTTP request wrote to a stream between the read and the append', async () => {
    const [a, b] = [id('a'), id('b')];
    const real = store.appendToStreams.bind(store);
    let raced = false;
    jest.spyOn(store, 'appendToStreams').mockImplementation(async (appends) => {
      if (!raced) {
        raced = true;
        const { customerId: _, ...body } = purchase(a, 'o-http');
        const res = await t.http.post(`/customers/${a}/purchases`).set('x-api-key', t.keys.ingest).send(body);
        expect(res.status).toBe(201);
      }
      return real(appends);
    });
    const outcome = await processor.process([msg(T.purchases, purchase(a, 'o-1')), msg(T.purchases, purchase(b, 'o-2'))]);
    expect(outcome).toMatchObject({ recorded: 2, refused: [], appendCalls: 2 });
    const stored = (await store.readStream(toCustomerStreamId(a))).filter((e) => FACTS.has(e.type));
    expect(stored.map((e) => (e.data as { orderId?: string }).orderId ?? e.type)).toEqual(['CustomerRegistered', 'o-http', 'o-1']);
  });

  describe('with customers it has seen before (cached states)', () => {
    const httpPurchase = async (customerId: string, orderId: string) => {
      const { customerId: _, ...body } = purchase(customerId, orderId);
      expect((await t.http.post(`/customers/${customerId}/purchases`).set('x-api-key', t.keys.ingest).send(body)).status).toBe(201);
    };

    it('does not refuse a message on a state the HTTP API has moved on from since', async () => {
      const a = id('a');
      await processor.process([msg(T.purchases, purchase(a, 'o-1'))]);
      await httpPurchase(a, 'o-http');
      const outcome = await processor.process([msg(T.refunds, refund(a, 'r-1', 'o-http'))]);
      expect(outcome).toMatchObject({ recorded: 1, refused: [] });
      expect(await events(a)).toEqual(['CustomerRegistered', 'PurchaseRecorded', 'PurchaseRecorded', 'PurchaseRefunded']);
    });

    it('reads every cached customer again after one conflict, instead of one append per stale customer', async () => {
      const ids = Array.from({ length: 30 }, (_, i) => id(`s${i}`));
      await processor.process(ids.map((c) => msg(T.purchases, purchase(c, 'o-1'))));
      for (const c of ids) await httpPurchase(c, 'o-http');
      const outcome = await processor.process(ids.map((c) => msg(T.purchases, purchase(c, 'o-2'))));
      expect(outcome).toMatchObject({ recorded: 30, refused: [], appendCalls: 2 });
      for (const c of ids) expect(await events(c)).toEqual(['CustomerRegistered', 'PurchaseRecorded', 'PurchaseRecorded', 'PurchaseRecorded']);
    });
  });

  it('seals personal fields before they reach the log, as the HTTP registration does', async () => {
    const a = id('ada');
    await processor.process([msg(T.registrations, registration(a, { name: 'Ada Lovelace', email: 'ada@example.org' }))]);
    const [registered] = await store.readStream(toCustomerStreamId(a));
    const raw = JSON.stringify(registered!.data);
    expect(raw).not.toContain('ada@example.org');
    expect(raw).not.toContain('Lovelace');
    const personal = (registered!.data as { personal: Parameters<typeof t.engine.storage.vault.open>[1] }).personal;
    expect(await t.engine.storage.vault.open(a, personal)).toEqual({ name: 'Ada Lovelace', email: 'ada@example.org' });
  });

  it('accepts a referred registration whose referrer registered earlier in the same batch', async () => {
    const [referrer, referee] = [id('referrer'), id('referee')];
    const outcome = await processor.process([
      msg(T.registrations, registration(referrer)),
      msg(T.registrations, registration(referee, { referrerId: referrer })),
      msg(T.registrations, registration(id('orphan'), { referrerId: id('unknown') })),
    ]);
    expect(outcome.refused.map((r) => r.code)).toEqual(['REFERRAL.UNKNOWN_REFERRER']);
    expect(outcome.recorded).toBe(2);
  });

  it('redeems points as POST /customers/:id/redemptions does; without occurredAt the redemption happened when it was produced', async () => {
    const a = id('a');
    const producedAt = Date.parse('2024-03-10T09:30:00Z');
    const outcome = await processor.process([
      msg(T.purchases, purchase(a, 'o-1', { amount: 10_000 })),
      msg(T.redemptions, { customerId: a, redemptionId: 'rd-1', points: 40, rewardId: 'mug' }, { timestamp: String(producedAt) }),
      msg(T.redemptions, { customerId: a, redemptionId: 'rd-2', points: 1_000_000, rewardId: 'car', occurredAt: '2024-03-11T00:00:00Z' }),
    ]);
    expect(outcome.refused.map((r) => r.code)).toEqual(['POINTS.INSUFFICIENT_BALANCE']);
    const redeemed = (await store.readStream(toCustomerStreamId(a))).filter((e) => e.type === 'PointsRedeemed');
    expect(redeemed.map((e) => e.data)).toEqual([expect.objectContaining({ redemptionId: 'rd-1', points: 40, occurredAt: new Date(producedAt).toISOString() })]);
  });

  it('dead-letters a message of a schema version it does not read', async () => {
    const a = id('a');
    const outcome = await processor.process([
      msg(T.purchases, purchase(a, 'o-1'), { headers: { 'x-schema-version': '2' } }),
      msg(T.purchases, purchase(a, 'o-2'), { headers: { 'x-schema-version': '1' } }),
    ]);
    expect(outcome.refused.map((r) => r.code)).toEqual(['MESSAGE.UNSUPPORTED_VERSION']);
    expect(outcome.recorded).toBe(1);
  });
});
