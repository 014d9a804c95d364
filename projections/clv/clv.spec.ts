import { eventIdFor } from '@lifecycle/event-store';
import { appendCustomerEvents } from '../testing/cdnow-log';
import { newCustomerId, openReadModelHarness, type ReadModelHarness } from '../testing/read-model-harness';
import { clvFamily } from './clv.family';
import type { ClvDefinition } from './clv.definition';
import { clvOf, ClvNoFitError, fitAndStore, fitsOf } from './clv.query';
import { clvProjection, clvReadModel } from './clv.read-model';
import { cdnowSampleEvents } from './testing/cdnow-sample-log';

const purchase = (customerId: string, orderId: string, amount: number, occurredAt: string, currency = 'USD') => ({
  type: 'PurchaseRecorded' as const,
  data: { customerId, orderId, amount, currency, occurredAt },
});
const refund = (customerId: string, orderId: string, amount: number, occurredAt: string) => ({
  type: 'PurchaseRefunded' as const,
  data: { customerId, refundId: `r-${orderId}`, orderId, amount, currency: 'USD', occurredAt },
});

async function tick(h: ReadModelHarness, at: string): Promise<void> {
  await h.eventStore.appendToStream('clock', [{ id: eventIdFor('clock', at), type: 'ClockTicked', data: { at } }], { expectedRevision: 'any' });
  await h.runner.catchUp();
}

/** |actual − published| within half a unit of the published last digit. */
function expectToPublishedPrecision(actual: number, published: number, decimals: number) {
  expect(Math.abs(actual - published)).toBeLessThanOrEqual(0.5 * 10 ** -decimals + 1e-12);
}

describe('clv projection: customer facts', () => {
  let h: ReadModelHarness;
  const definition = clvFamily.defaultDefinition;
  beforeAll(async () => {
    h = await openReadModelHarness([clvProjection(definition)], clvReadModel);
  });
  afterAll(async () => h?.close());

  const row = async (id: string) =>
    ((await h.dataSource.query(`SELECT first_purchase_at, last_purchase_at, purchase_days, repeat_spend FROM clv_customer WHERE customer_id = $1`, [id])) as Record<string, unknown>[])[0];

  it('keeps first and last purchase, distinct days and the net repeat spend', async () => {
    const id = newCustomerId();
    await h.given(
      purchase(id, 'o1', 1000, '2024-01-05T10:00:00.000Z'),
      purchase(id, 'o2', 500, '2024-01-05T18:00:00.000Z'),
      purchase(id, 'o3', 800, '2024-02-01T10:00:00.000Z'),
      purchase(id, 'o4', 300, '2024-03-01T10:00:00.000Z'),
      refund(id, 'o3', 200, '2024-02-10T10:00:00.000Z'),
    );
    expect(await row(id)).toMatchObject({ purchase_days: 3, repeat_spend: String(600 + 300) });
    expect(new Date((await row(id))!.first_purchase_at as string).toISOString()).toBe('2024-01-05T10:00:00.000Z');
    expect(new Date((await row(id))!.last_purchase_at as string).toISOString()).toBe('2024-03-01T10:00:00.000Z');
  });

  it('drops an order refunded in full, and leaves other currencies out', async () => {
    const id = newCustomerId();
    await h.given(purchase(id, 'o1', 1000, '2024-01-05T10:00:00.000Z'), purchase(id, 'o2', 800, '2024-02-01T10:00:00.000Z'), purchase(id, 'o3', 900, '2024-02-03T10:00:00.000Z', 'EUR'));
    expect(await row(id)).toMatchObject({ purchase_days: 2 });
    await h.given(refund(id, 'o2', 800, '2024-02-05T10:00:00.000Z'));
    expect(await row(id)).toMatchObject({ purchase_days: 1, repeat_spend: '0' });
  });

  it('answers CLV.NO_FIT before any fit', async () => {
    const id = newCustomerId();
    await h.given(purchase(id, 'o1', 1000, '2024-01-05T10:00:00.000Z'));
    await expect(clvOf(h.dataSource, id, { asOf: '2024-02-01T00:00:00.000Z', definitionOf: () => definition })).rejects.toThrow(ClvNoFitError);
    await expect(clvOf(h.dataSource, id, { asOf: '2024-02-01T00:00:00.000Z', definitionOf: () => definition })).rejects.toMatchObject({ code: 'CLV.NO_FIT' });
  });
});

// The CDNOW sample (Fader, Hardie & Lee 2005) in the log, refitted daily by the log clock: a tick
// at 1997-10-01 00:00 fits as of 1997-09-30, the published calibration end.
describe('clv projection on the CDNOW sample log', () => {
  let h: ReadModelHarness;
  const definition: ClvDefinition = { ...clvFamily.defaultDefinition, refit: 'daily', horizon: 39, monthlyDiscountRate: 0 };
  const definitionOf = () => definition;
  beforeAll(async () => {
    h = await openReadModelHarness([clvProjection(definition)], clvReadModel);
    await appendCustomerEvents(h.eventStore, cdnowSampleEvents());
    await h.runner.catchUp();
  });
  afterAll(async () => h?.close());

  it('refits BG/NBD and gamma-gamma when a tick passes a day, to the published parameters', async () => {
    await tick(h, '1997-10-01T00:00:00.000Z');
    const fits = await fitsOf(h.dataSource, 1);
    expect(fits.map((f) => [f.seq, f.model, f.asOf, f.trigger])).toEqual([
      [1, 'bgnbd', '1997-09-30', 'schedule'],
      [2, 'gammagamma', '1997-09-30', 'schedule'],
    ]);
    const [bg, gg] = fits;
    expectToPublishedPrecision(bg!.params.r!, 0.243, 3);
    expectToPublishedPrecision(bg!.params.alpha!, 4.414, 3);
    expectToPublishedPrecision(bg!.params.a!, 0.793, 3);
    expectToPublishedPrecision(bg!.params.b!, 2.426, 3);
    expectToPublishedPrecision(bg!.logLikelihood, -9582.4, 1);
    expect(bg!.customers).toBe(2357);
    expectToPublishedPrecision(gg!.params.p!, 6.25, 2);
    expectToPublishedPrecision(gg!.params.q!, 3.74, 2);
    expectToPublishedPrecision(gg!.params.gamma!, 15.44, 2);
  });

  it('does not refit within the same day, and refits on the next', async () => {
    await tick(h, '1997-10-01T12:00:00.000Z');
    expect(await fitsOf(h.dataSource, 1)).toHaveLength(2);
    await tick(h, '1997-10-02T00:00:01.000Z');
    expect((await fitsOf(h.dataSource, 1)).map((f) => [f.seq, f.asOf])).toEqual([[1, '1997-09-30'], [2, '1997-09-30'], [3, '1997-10-01'], [4, '1997-10-01']]);
  });

  // Customer 0001 is Hardie's example (x = 2, t_x = 30.43, T = 38.86): E[Y(39)] = 1.226 (bgnbd.xls, note 004).
  it('answers a customer’s figures as of an instant from the fit of that day or earlier, naming it', async () => {
    const view = await clvOf(h.dataSource, '0001', { asOf: '1997-09-30T12:00:00.000Z', definitionOf });
    expect(view).not.toBeNull();
    expectToPublishedPrecision(view!.expectedPurchases, 1.226, 3);
    expect(view!.clv).toBeCloseTo(view!.expectedPurchases * view!.expectedAvgValue, 9);
    expect(view!.pAlive).toBeGreaterThan(0.5);
    expect(view!.model.transaction).toMatchObject({ model: 'bgnbd', asOf: '1997-09-30', version: 'clv v1 fit 1' });
    expect(view!.model.spend).toMatchObject({ model: 'gammagamma', asOf: '1997-09-30', version: 'clv v1 fit 2' });
    // Later, with nothing bought since, P(alive) falls (T grows) and the newer fit is used.
    const later = await clvOf(h.dataSource, '0001', { asOf: '1998-06-30T00:00:00.000Z', definitionOf });
    expect(later!.model.transaction.version).toBe('clv v1 fit 3');
    expect(later!.pAlive).toBeLessThan(view!.pAlive);
  });

  it('answers null for a customer unknown or not yet a buyer then, and NO_FIT before the first fit', async () => {
    expect(await clvOf(h.dataSource, 'nobody', { asOf: '1997-09-30T12:00:00.000Z', definitionOf })).toBeNull();
    await expect(clvOf(h.dataSource, '0001', { asOf: '1997-09-01T00:00:00.000Z', definitionOf })).rejects.toMatchObject({ code: 'CLV.NO_FIT' });
  });

  it('stores a fit on request with the next seq', async () => {
    const fit = await fitAndStore(h.dataSource, 1, definition, 'paretonbd', '1997-09-30', 'request');
    expect(fit).toMatchObject({ seq: 5, model: 'paretonbd', trigger: 'request', customers: 2357 });
    expectToPublishedPrecision(fit.params.r!, 0.553, 3);
  });
});
