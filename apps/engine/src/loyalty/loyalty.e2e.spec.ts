import { SettableClock } from '../testing/settable-clock';
import { startTestEngine, type TestEngine } from '../testing/test-engine';

/** The engine's clock, moved by the spec: decisions default to it, and ticks may not pass it. */
const RULES = '2024-06-01'; // version of the shipped config/loyalty-rules.yaml

/**
 * The loyalty API over HTTP on in-memory PGlite with the shipped rules: points, redemptions,
 * adjustments, coupons, tiers, the clock tick (expiry, warnings, reviews, referrals, birthdays) and
 * the liability report. One engine, one timeline: each describe continues where the last one ended.
 * (Rules: 1 point per euro paid; tiers by rolling 12-month spend, silver from 500 EUR; lots expire
 * 12 months after earning; referral settled 30 days after the first purchase; birthday 200 points.)
 */
describe('loyalty API (embedded, shipped rules)', () => {
  let t: TestEngine;
  const clock = new SettableClock('2024-03-10T12:00:00Z');
  /** Every customer that exists, for the liability reconciliation. */
  const known = new Set<string>();

  beforeAll(async () => {
    t = await startTestEngine({ clock });
  });
  afterAll(() => t.close());

  const post = async (path: string, body: object, key = t.keys.ingest) => {
    const res = await t.http.post(path).set('x-api-key', key).send(body);
    const created = /^\/customers(?:\/([^/]+)\/purchases)?$/.exec(path);
    if (res.status === 201 && created) known.add(created[1] ?? (body as { customerId: string }).customerId);
    return res;
  };
  const get = (path: string, key = t.keys.analyst) => t.http.get(path).set('x-api-key', key);
  const tick = (asOf: string, key = t.keys.admin) => t.http.post(`/clock/tick?asOf=${asOf}`).set('x-api-key', key);
  const buy = (customerId: string, orderId: string, amount: number, occurredAt: string, extra: object = {}) =>
    post(`/customers/${customerId}/purchases`, { orderId, amount, currency: 'EUR', occurredAt, paymentMethod: 'card', ...extra });
  const register = (customerId: string, registeredAt: string, extra: object = {}) =>
    post('/customers', { customerId, registeredAt, channel: 'web', ...extra });
  const balance = async (customerId: string, asOf: string) => (await get(`/customers/${customerId}/points?asOf=${asOf}`)).body.balance;
  const types = async (customerId: string) => (await t.engine.storage.eventStore.readStream(`customer-${customerId}`)).map((e) => e.type);
  const zero = { expiry: 0, expiryWarning: 0, tierReview: 0, referral: 0, birthday: 0 };

  describe('points', () => {
    it('earns on a purchase, with the lot and its expiry, and warns of what expires within 30 days', async () => {
      expect((await register('c-lea', '2024-03-01T09:00:00Z', { name: 'Lea', birthday: '1990-06-15' })).status).toBe(201);
      const bought = await buy('c-lea', 'o-1', 10000, '2024-03-04T10:00:00Z');
      expect(bought.status).toBe(201);
      expect(bought.body).toMatchObject({ orderId: 'o-1', pointsEarned: 100 });

      const now = await get('/customers/c-lea/points?asOf=2024-03-05T00:00:00Z');
      expect(now.status).toBe(200);
      expect(now.body).toEqual({
        customerId: 'c-lea', asOf: '2024-03-05T00:00:00.000Z', balance: 100, outstanding: 100, debt: 0, currency: 'EUR',
        lots: [{
          lotId: 'order:o-1', source: 'purchase', orderId: 'o-1', earnedAt: '2024-03-04T10:00:00.000Z', points: 100, remaining: 100,
          expiresAt: '2025-03-04T10:00:00.000Z', expiringPoints: 100, rulesVersion: RULES,
        }],
        expiringSoon: { withinDays: 30, points: 0, lots: [] },
      });
      const later = (await get('/customers/c-lea/points?asOf=2025-02-10T00:00:00Z')).body;
      expect(later.expiringSoon).toEqual({ withinDays: 30, points: 100, lots: [{ lotId: 'order:o-1', points: 100, expiresAt: '2025-03-04T10:00:00.000Z' }] });
      // Default asOf: the engine's clock.
      expect((await get('/customers/c-lea/points')).body.asOf).toBe('2024-03-10T12:00:00.000Z');
    });

    it('refuses reads without customers:read, for unknown customers, and with a bad asOf', async () => {
      expect((await get('/customers/c-lea/points', t.keys.ingest)).status).toBe(403);
      expect((await get('/customers/nobody/points')).body.code).toBe('CUSTOMER.NOT_FOUND');
      expect((await get('/customers/nobody/tier')).status).toBe(404);
      expect((await get('/customers/nobody/points/history')).status).toBe(404);
      const bad = await get('/customers/c-lea/points?asOf=yesterday');
      expect(bad.status).toBe(400);
      expect(bad.body.details).toEqual([expect.objectContaining({ field: 'asOf' })]);
    });
  });

  describe('redemptions', () => {
    const rd1 = { redemptionId: 'rd-1', points: 30, rewardId: 'tote-bag' };

    it('spends the oldest lots, answers from the recorded redemption, and the same again answers the same', async () => {
      const first = await post('/customers/c-lea/redemptions', rd1);
      expect(first.status).toBe(201);
      expect(first.body).toEqual({
        customerId: 'c-lea', redemptionId: 'rd-1', rewardId: 'tote-bag', points: 30, occurredAt: '2024-03-10T12:00:00.000Z',
        lots: [{ lotId: 'order:o-1', points: 30 }], rulesVersion: RULES, balanceAfter: 70,
      });
      const again = await post('/customers/c-lea/redemptions', rd1);
      expect(again.status).toBe(201);
      expect(again.body).toEqual(first.body);
      expect(await balance('c-lea', '2024-03-11T00:00:00Z')).toBe(70);
    });

    it('refuses a short balance (422), the same id with other facts (409), bad bodies (400), others than writers (403)', async () => {
      const short = await post('/customers/c-lea/redemptions', { redemptionId: 'rd-2', points: 71, rewardId: 'bike' });
      expect(short.status).toBe(422);
      expect(short.body.code).toBe('POINTS.INSUFFICIENT_BALANCE');
      expect((await post('/customers/c-lea/redemptions', { ...rd1, points: 31 })).body.code).toBe('POINTS.REDEMPTION_CONFLICT');
      const bad = await post('/customers/c-lea/redemptions', { redemptionId: 'rd-3', points: 1.5, rewardId: 'x y', colour: 'red' });
      expect(bad.status).toBe(400);
      expect(bad.body.details.map((d: { field: string }) => d.field).sort()).toEqual(['colour', 'points', 'rewardId']);
      expect((await post('/customers/c-lea/redemptions', { ...rd1, points: 0 })).status).toBe(400);
      expect((await post('/customers/c-lea/redemptions', rd1, t.keys.analyst)).status).toBe(403);
      expect((await post('/customers/nobody/redemptions', rd1)).status).toBe(404);
    });
  });

  describe('adjustments', () => {
    const adj1 = { adjustmentId: 'adj-1', points: 50, reason: 'complaint', note: 'late parcel' };

    it('credits a lot of its own, records the key name as the actor, and answers a repeat the same', async () => {
      const first = await post('/customers/c-lea/adjustments', adj1, t.keys.ops);
      expect(first.status).toBe(201);
      expect(first.body).toEqual({
        customerId: 'c-lea', adjustmentId: 'adj-1', points: 50, reason: 'complaint', note: 'late parcel', actor: 'test-ops',
        occurredAt: '2024-03-10T12:00:00.000Z', lots: [{ lotId: 'adjustment:adj-1', points: 50 }], rulesVersion: RULES, balanceAfter: 120,
      });
      expect((await post('/customers/c-lea/adjustments', adj1, t.keys.admin)).body).toEqual(first.body);
    });

    it('refuses a debit beyond the balance (422), other facts (409), bad bodies (400), keys without loyalty:adjust (403)', async () => {
      const debit = await post('/customers/c-lea/adjustments', { adjustmentId: 'adj-2', points: -1000, reason: 'correction' }, t.keys.ops);
      expect(debit.status).toBe(422);
      expect(debit.body.code).toBe('POINTS.ADJUSTMENT_EXCEEDS_BALANCE');
      expect((await post('/customers/c-lea/adjustments', { ...adj1, points: 51 }, t.keys.ops)).body.code).toBe('POINTS.ADJUSTMENT_CONFLICT');
      const bad = await post('/customers/c-lea/adjustments', { adjustmentId: 'adj-3', points: 0, reason: 'bribe' }, t.keys.ops);
      expect(bad.status).toBe(400);
      expect(bad.body.details.map((d: { field: string }) => d.field).sort()).toEqual(['points', 'reason']);
      expect((await post('/customers/c-lea/adjustments', adj1, t.keys.ingest)).status).toBe(403);
      expect((await post('/customers/c-lea/adjustments', adj1, t.keys.analyst)).status).toBe(403);
    });
  });

  describe('coupons', () => {
    const spring = {
      couponId: 'spring-1', reason: 'campaign', offer: { kind: 'amount-off', amountOff: 1000, minSpend: 5000, currency: 'EUR' },
      validFrom: '2024-03-01T00:00:00Z', validTo: '2024-06-01T00:00:00Z',
    };

    it('issues a coupon, and the same again answers the same', async () => {
      const first = await post('/customers/c-lea/coupons', spring, t.keys.ops);
      expect(first.status).toBe(201);
      expect(first.body).toEqual({
        customerId: 'c-lea', couponId: 'spring-1', offer: spring.offer, validFrom: '2024-03-01T00:00:00.000Z', validTo: '2024-06-01T00:00:00.000Z',
        reason: 'campaign', issuedAt: '2024-03-10T12:00:00.000Z',
      });
      expect((await post('/customers/c-lea/coupons', spring, t.keys.admin)).body).toEqual(first.body);
    });

    it('refuses other facts (409), engine ids and bad validity (422), bad offers (400), keys without loyalty:adjust (403)', async () => {
      expect((await post('/customers/c-lea/coupons', { ...spring, reason: 'service' }, t.keys.ops)).body.code).toBe('COUPON.CONFLICT');
      const reserved = await post('/customers/c-lea/coupons', { ...spring, couponId: 'birthday:2024' }, t.keys.ops);
      expect(reserved.status).toBe(422);
      expect(reserved.body.code).toBe('COMMAND.INVALID_ID');
      const backwards = await post('/customers/c-lea/coupons', { ...spring, couponId: 'c-2', validTo: '2024-02-01T00:00:00Z' }, t.keys.ops);
      expect(backwards.body.code).toBe('COUPON.INVALID_VALIDITY');
      const unknownKind = await post('/customers/c-lea/coupons', { ...spring, couponId: 'c-3', offer: { kind: 'free-lunch' } }, t.keys.ops);
      expect(unknownKind.status).toBe(400);
      expect(unknownKind.body.details).toEqual([expect.objectContaining({ field: 'offer.kind' })]);
      const mixed = await post('/customers/c-lea/coupons', { ...spring, couponId: 'c-4', offer: { kind: 'percent-off', percentOff: 10, currency: 'EUR' } }, t.keys.ops);
      expect(mixed.body.details).toEqual([expect.objectContaining({ field: 'offer.currency' })]);
      expect((await post('/customers/c-lea/coupons', spring, t.keys.ingest)).status).toBe(403);
      expect((await post('/customers/nobody/coupons', { ...spring, couponId: 'c-5' }, t.keys.ops)).status).toBe(404);
    });

    it('is redeemed by a purchase (couponId), refused when used, unknown or short of the minimum, and released by a full refund', async () => {
      const short = await buy('c-lea', 'o-2', 3000, '2024-03-12T10:00:00Z', { couponId: 'spring-1' });
      expect(short.status).toBe(422);
      expect(short.body.code).toBe('COUPON.BELOW_MINIMUM_SPEND');
      expect((await buy('c-lea', 'o-2', 4500, '2024-03-12T10:00:00Z', { couponId: 'spring-1' })).body).toMatchObject({ pointsEarned: 45 });
      expect((await buy('c-lea', 'o-3', 6000, '2024-03-13T10:00:00Z', { couponId: 'spring-1' })).body.code).toBe('COUPON.ALREADY_USED');
      expect((await buy('c-lea', 'o-3', 6000, '2024-03-13T10:00:00Z', { couponId: 'nope' })).body.code).toBe('COUPON.NOT_ISSUED_TO_CUSTOMER');
      expect((await buy('c-lea', 'o-3', 6000, '2024-03-13T10:00:00Z', { couponId: 'not valid!' })).status).toBe(400);

      const refund = await post('/customers/c-lea/refunds', { refundId: 'r-2', orderId: 'o-2', amount: 4500, occurredAt: '2024-03-13T12:00:00Z' });
      expect(refund.status).toBe(201);
      expect((await buy('c-lea', 'o-3', 6000, '2024-03-14T10:00:00Z', { couponId: 'spring-1' })).body).toMatchObject({ pointsEarned: 60 });
      expect((await types('c-lea')).filter((type) => type.startsWith('Coupon'))).toEqual(['CouponIssued', 'CouponRedeemed', 'CouponReleased', 'CouponRedeemed']);
    });
  });

  describe('points history', () => {
    it('explains every movement: rule, rules version, order or redemption, lots', async () => {
      const res = await get('/customers/c-lea/points/history');
      expect(res.status).toBe(200);
      const lines = res.body.movements;
      expect(lines.map((m: { kind: string; points: number; balanceAfter: number }) => [m.kind, m.points, m.balanceAfter])).toEqual([
        ['earned', 100, 100], ['redeemed', -30, 70], ['adjusted', 50, 120], ['earned', 45, 165], ['clawed-back', -45, 120], ['earned', 60, 180],
      ]);
      expect(lines.every((m: { rulesVersion: string }) => m.rulesVersion === RULES)).toBe(true);
      expect(lines[0]).toMatchObject({ orderId: 'o-1', source: 'purchase', rules: ['base', 'tier:standard'], lots: [{ lotId: 'order:o-1', points: 100 }] });
      expect(lines[1]).toMatchObject({ redemptionId: 'rd-1', rewardId: 'tote-bag', rules: ['redemption'], lots: [{ lotId: 'order:o-1', points: 30 }] });
      expect(lines[2]).toMatchObject({ adjustmentId: 'adj-1', actor: 'test-ops', rules: ['adjustment:complaint'], lots: [{ lotId: 'adjustment:adj-1', points: 50 }] });
      expect(lines[4]).toMatchObject({ orderId: 'o-2', refundId: 'r-2', rules: ['clawback:proportional'], lots: [{ lotId: 'order:o-2', points: 45 }] });
    });

    it('records the rules version on every event the engine appends', async () => {
      const events = await t.engine.storage.eventStore.readStream('customer-c-lea');
      expect(events.every((e) => e.metadata.rulesVersion === RULES)).toBe(true);
    });
  });

  describe('tier', () => {
    it('shows the tier, since when, the rolling spend and the distance to the next; a purchase upgrades at once', async () => {
      const before = await get('/customers/c-lea/tier?asOf=2024-03-20T00:00:00Z');
      expect(before.status).toBe(200);
      expect(before.body).toMatchObject({
        customerId: 'c-lea', tier: 'standard', since: '2024-03-01T09:00:00.000Z', pointsMultiplier: 1, discountPercent: 0,
        rolling: { netSpend: 16000, orders: 2, currency: 'EUR' }, next: { tier: 'silver', minSpend: 50000, spendNeeded: 34000 },
      });
      // Earned at the tier held before the purchase; the upgrade follows it.
      expect((await buy('c-lea', 'o-4', 40000, '2024-04-02T10:00:00Z')).body).toMatchObject({ pointsEarned: 400 });
      expect((await get('/customers/c-lea/tier?asOf=2024-04-03T00:00:00Z')).body).toMatchObject({
        tier: 'silver', since: '2024-04-02T10:00:00.000Z', pointsMultiplier: 1.25, discountPercent: 5, nextReviewAt: '2025-04-02T10:00:00.000Z',
        rolling: { netSpend: 56000 }, next: { tier: 'gold', spendNeeded: 94000 },
      });
      expect((await get('/customers/c-lea/tier?asOf=2024-04-01T00:00:00Z')).body.tier).toBe('standard');
    });
  });

  describe('referral at registration', () => {
    it('registers with a known referrer, and refuses an unknown referrer, oneself and a cycle (422)', async () => {
      await register('c-bob', '2024-03-01T09:00:00Z');
      const cleo = await register('c-cleo', '2024-05-01T09:00:00Z', { referrerId: 'c-bob' });
      expect(cleo.status).toBe(201);
      expect(cleo.body.referrerId).toBe('c-bob');
      const unknown = await register('c-dan', '2024-05-01T09:00:00Z', { referrerId: 'c-nobody' });
      expect(unknown.status).toBe(422);
      expect(unknown.body).toMatchObject({ code: 'REFERRAL.UNKNOWN_REFERRER', details: [{ field: 'referrerId' }] });
      expect((await register('c-eve', '2024-05-01T09:00:00Z', { referrerId: 'c-eve' })).body.code).toBe('CUSTOMER.SELF_REFERRAL');
      // Fay exists (a purchase registered her implicitly) and referred Gus; Fay cannot then be referred by Gus.
      await buy('c-fay', 'f-1', 1000, '2024-05-01T10:00:00Z');
      expect((await register('c-gus', '2024-05-01T11:00:00Z', { referrerId: 'c-fay' })).status).toBe(201);
      const cycle = await register('c-fay', '2024-05-01T12:00:00Z', { referrerId: 'c-gus' });
      expect(cycle.status).toBe(422);
      expect(cycle.body.code).toBe('REFERRAL.CYCLE');
    });
  });

  describe('clock tick', () => {
    beforeAll(async () => {
      await buy('c-cleo', 'c-o1', 6000, '2024-05-02T10:00:00Z'); // window ends 2024-06-01T10:00Z
      await register('c-hal', '2024-05-01T09:00:00Z', { referrerId: 'c-bob' });
      await buy('c-hal', 'h-1', 2000, '2024-05-03T10:00:00Z'); // wholly refunded within the window
      await post('/customers/c-hal/refunds', { refundId: 'h-r1', orderId: 'h-1', amount: 2000, occurredAt: '2024-05-10T10:00:00Z' });
      await register('c-ivy', '2024-05-01T09:00:00Z', { birthday: '1985-06-15' }); // erased: no birthday ever
      expect((await t.http.delete('/customers/c-ivy').set('x-api-key', t.keys.admin)).status).toBe(200);
      await register('c-jo', '2024-05-01T09:00:00Z', { birthday: '2000-02-29' });
      clock.at = '2026-12-31T00:00:00Z';
    });

    it('is for admin keys only, takes an ISO instant, and never runs ahead of the engine clock', async () => {
      expect((await tick('2024-06-01T00:00:00Z', t.keys.ops)).status).toBe(403);
      expect((await tick('soon')).status).toBe(400);
      const ahead = await tick('2027-01-01T00:00:00Z');
      expect(ahead.status).toBe(422);
      expect(ahead.body).toMatchObject({ code: 'CLOCK.AS_OF_IN_FUTURE', details: [{ field: 'asOf' }] });
    });

    it('rewards a referral on both streams once the window has passed, exactly once', async () => {
      const early = await tick('2024-06-01T09:59:59Z');
      expect(early.status).toBe(200);
      expect(early.body).toEqual({
        asOf: '2024-06-01T09:59:59.000Z', rulesVersion: RULES, customers: 8, customersChanged: 0, work: zero, events: 0, failures: [],
      });
      const due = (await tick('2024-06-01T10:00:00Z')).body;
      expect(due).toMatchObject({ customersChanged: 2, work: { ...zero, referral: 1 }, events: 4, failures: [] });
      expect((await tick('2024-06-01T10:00:00Z')).body).toMatchObject({ customersChanged: 0, work: zero, events: 0 });
      expect((await types('c-cleo')).slice(-2)).toEqual(['ReferralRewarded', 'CouponIssued']);
      expect((await types('c-bob')).slice(-2)).toEqual(['ReferralRewarded', 'PointsEarned']);
      expect(await balance('c-bob', '2024-06-02T00:00:00Z')).toBe(500);
      // The new customer's reward: 10 EUR off a basket of 50.
      clock.at = '2024-06-05T10:00:00Z';
      expect((await buy('c-cleo', 'c-o2', 4500, '2024-06-05T10:00:00Z', { couponId: 'referral:c-cleo' })).status).toBe(201);
      clock.at = '2026-12-31T00:00:00Z';
    });

    it('declines a referral whose first purchase was refunded; the referrer gets nothing more', async () => {
      expect((await tick('2024-06-02T10:00:00Z')).body).toMatchObject({ customersChanged: 1, work: { ...zero, referral: 1 }, events: 1 });
      expect((await types('c-hal')).at(-1)).toBe('ReferralDeclined');
      expect((await types('c-bob')).filter((type) => type === 'ReferralRewarded')).toHaveLength(1);
      expect(await balance('c-bob', '2024-06-03T00:00:00Z')).toBe(500);
    });

    it('rewards a birthday once a year (not after erasure; Feb 29 on Feb 28 in common years)', async () => {
      expect((await tick('2024-06-15T08:00:00Z')).body).toMatchObject({ customersChanged: 1, work: { ...zero, birthday: 1 }, events: 3 });
      expect((await tick('2024-06-16T08:00:00Z')).body).toMatchObject({ work: zero, events: 0 });
      expect((await types('c-lea')).slice(-3)).toEqual(['BirthdayRewarded', 'PointsEarned', 'CouponIssued']);
      expect(await types('c-ivy')).not.toContain('BirthdayRewarded');

      // Lea's lots o-1, adj-1 and o-3 expire within 30 days of Feb 28: one warning each.
      const feb28 = (await tick('2025-02-28T12:00:00Z')).body;
      expect(feb28).toMatchObject({ customersChanged: 2, work: { ...zero, expiryWarning: 3, birthday: 1 }, events: 6 });
      const jo = (await t.engine.storage.eventStore.readStream('customer-c-jo')).find((e) => e.type === 'BirthdayRewarded')!;
      expect(jo.data).toMatchObject({ year: 2025, celebratedOn: '2025-02-28', points: 200, couponId: 'birthday:2025' });
    });

    it('expires lots, warns, reviews tiers; a second tick at the same instant changes nothing', async () => {
      // Lea: o-1, adj-1, o-3, o-4 expire and the silver review finds no spend (down to standard);
      // Fay's f-1 and Cleo's c-o1 are warned of.
      const april = (await tick('2025-04-03T00:00:00Z')).body;
      expect(april).toMatchObject({ customersChanged: 3, work: { ...zero, expiry: 4, expiryWarning: 2, tierReview: 1 }, events: 7 });
      expect((await tick('2025-04-03T00:00:00Z')).body).toMatchObject({ customersChanged: 0, work: zero, events: 0 });
      expect(await balance('c-lea', '2025-04-03T00:00:00Z')).toBe(200);
      expect((await get('/customers/c-lea/tier?asOf=2025-04-03T00:00:00Z')).body).toMatchObject({ tier: 'standard', since: '2025-04-03T00:00:00.000Z' });

      // A year on: Lea's second birthday (her first birthday lot expires that very instant), and the
      // lots of Fay, Cleo (two) and Bob's referral lot expire.
      const june = (await tick('2025-06-15T08:00:00Z')).body;
      expect(june).toMatchObject({ customersChanged: 4, work: { ...zero, expiry: 5, birthday: 1 }, events: 8 });
      expect((await get('/customers/c-lea/points/history')).body.movements.filter((m: { kind: string }) => m.kind === 'expired')).toHaveLength(5);
    });
  });

  describe('liability', () => {
    /** A small deterministic generator (mulberry32): "random-ish", the same every run. */
    const random = (seed: number) => () => {
      seed = (seed + 0x6d2b79f5) | 0;
      let x = Math.imul(seed ^ (seed >>> 15), 1 | seed);
      x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
      return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
    };

    /** The liability report against the sum of every customer's GET /points, as of `asOf`. */
    const reconcile = async (asOf: string) => {
      const report = await get(`/loyalty/liability?asOf=${asOf}`);
      expect(report.status).toBe(200);
      const sums = new Map<string, { customers: number; outstanding: number; debt: number; points: number }>();
      for (const id of [...known].sort()) {
        const view = (await get(`/customers/${id}/points?asOf=${asOf}`)).body;
        const sum = sums.get(view.currency) ?? { customers: 0, outstanding: 0, debt: 0, points: 0 };
        sums.set(view.currency, {
          customers: sum.customers + (view.balance !== 0 ? 1 : 0), outstanding: sum.outstanding + view.outstanding, debt: sum.debt + view.debt,
          points: sum.points + view.balance,
        });
      }
      const expected = [...sums.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([currency, sum]) => {
        const rate = t.engine.rules.currencies[currency]!.pointValue;
        return { currency, ...sum, value: Number((BigInt(sum.points) * BigInt(rate.minorUnits)) / BigInt(rate.points)) };
      });
      expect(report.body).toEqual({ asOf: new Date(asOf).toISOString(), rulesVersion: RULES, currencies: expected });
      return report.body;
    };

    it('is for analysts and ops, and takes an ISO instant', async () => {
      expect((await get('/loyalty/liability', t.keys.ingest)).status).toBe(403);
      expect((await get('/loyalty/liability?asOf=someday', t.keys.ops)).status).toBe(400);
      expect((await get('/loyalty/liability', t.keys.ops)).status).toBe(200);
    });

    it('reconciles exactly with the sum of all balances after a mix of purchases, refunds, redemptions, adjustments and ticks', async () => {
      clock.at = '2028-01-01T00:00:00Z';
      const next = random(20240601);
      const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!;
      const customers = ['r-0', 'r-1', 'r-2', 'r-3', 'r-4', 'r-5'];
      const currencyOf = (id: string) => (id === 'r-4' || id === 'r-5' ? 'USD' : 'EUR');
      const orders: { customerId: string; orderId: string; left: number }[] = [];
      let at = Date.parse('2025-07-01T00:00:00Z');
      const outcomes = new Map<string, number>();
      for (let i = 0; i < 70; i++) {
        at += Math.floor(next() * 12 * 86_400_000); // up to 12 days on
        const occurredAt = new Date(at).toISOString();
        const customerId = pick(customers);
        const roll = next();
        let res;
        if (roll < 0.45 || orders.length === 0) {
          const orderId = `ro-${i}`;
          const amount = 500 + Math.floor(next() * 90000);
          res = await post(`/customers/${customerId}/purchases`, { orderId, amount, currency: currencyOf(customerId), occurredAt });
          if (res.status === 201) orders.push({ customerId, orderId, left: amount });
        } else if (roll < 0.6) {
          const order = pick(orders);
          const amount = Math.max(1, Math.floor(order.left * pick([0.15, 0.5, 1])));
          if (order.left === 0) continue;
          res = await post(`/customers/${order.customerId}/refunds`, { refundId: `rr-${i}`, orderId: order.orderId, amount: Math.min(amount, order.left), occurredAt });
          if (res.status === 201) order.left -= Math.min(amount, order.left);
        } else if (roll < 0.78) {
          res = await post(`/customers/${customerId}/redemptions`, { redemptionId: `rd-${i}`, points: 1 + Math.floor(next() * 400), rewardId: 'gift', occurredAt });
        } else if (roll < 0.88) {
          const points = Math.floor(next() * 300) - 100 || 1;
          res = await post(`/customers/${customerId}/adjustments`, { adjustmentId: `ra-${i}`, points, reason: 'goodwill', occurredAt }, t.keys.ops);
        } else {
          res = await tick(occurredAt);
          expect(res.body.failures).toEqual([]);
        }
        // Refusals are fine (a short balance, a customer not yet known); anything else is not.
        expect([200, 201, 404, 422]).toContain(res.status);
        if (res.status >= 400) expect(['POINTS.INSUFFICIENT_BALANCE', 'POINTS.ADJUSTMENT_EXCEEDS_BALANCE', 'CUSTOMER.NOT_FOUND']).toContain(res.body.code);
        outcomes.set(String(res.status), (outcomes.get(String(res.status)) ?? 0) + 1);
      }
      // The mix did exercise every path.
      expect(outcomes.get('201')).toBeGreaterThan(30);
      expect(outcomes.get('200')).toBeGreaterThan(0);
      const last = new Date(at).toISOString();

      const now = await reconcile(last);
      expect(now.currencies.map((c: { currency: string }) => c.currency)).toEqual(['EUR', 'USD']);
      expect(now.currencies.every((c: { points: number }) => c.points > 0)).toBe(true);
      for (const asOf of ['2024-07-01T00:00:00Z', '2025-09-01T00:00:00Z', '2026-01-01T00:00:00Z', '2026-12-31T00:00:00Z']) await reconcile(asOf);
      // Ticking later changes what is recorded, never the liability as of an instant already past.
      const before = await reconcile('2026-03-01T00:00:00Z');
      await tick('2027-12-31T00:00:00Z');
      expect(await reconcile('2026-03-01T00:00:00Z')).toEqual(before);
    });
  });
});
