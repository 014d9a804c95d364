import { CUSTOMER, evt } from '../testing/customer-fixtures';
import { levt } from '../testing/loyalty-fixtures';
import type { ClockTicked } from '../clock/clock.events';
import type { BirthdayRewarded } from '../loyalty/loyalty.events';
import { DEFAULT_LIFECYCLE_THRESHOLDS } from '../lifecycle/lifecycle-thresholds';
import type { AnyIntegrationMessage, SourceEvent } from './integration-message';
import { isHistoryMessage } from './hold-back';
import { outboxBatchClock, outboxCustomerIdOf, deriveOutboxBatch, outboxDueAt, type OutboxCustomer } from './outbox';

const T = DEFAULT_LIFECYCLE_THRESHOLDS;
const RECORDED = '2024-06-01T12:00:00.000Z';

type Plain = { readonly type: string; readonly data: object };

/** Events as the log would hand them over: ids e1, e2, ... at positions 1, 2, ... */
const log = (events: readonly Plain[], recordedAt = RECORDED): SourceEvent[] =>
  events.map((e, i) => ({
    id: `e${i + 1}`,
    type: e.type,
    data: e.data,
    streamId: e.type === 'ClockTicked' ? 'clock' : `customer-${(e.data as { customerId: string }).customerId}`,
    position: { tx: 7n, pos: BigInt(i + 1) },
    recordedAt,
  }));

/**
 * The publisher's loop without I/O: per batch, load only what it would load (the batch's customers
 * and those due by the batch's clock), derive, keep the changed customers.
 */
const publish = (events: readonly SourceEvent[], batchSize = events.length): AnyIntegrationMessage[] => {
  const stored = new Map<string, OutboxCustomer>();
  let clock: string | null = null;
  const out: AnyIntegrationMessage[] = [];
  for (let i = 0; i < events.length; i += batchSize) {
    const batch = events.slice(i, i + batchSize);
    const until = outboxBatchClock(clock, batch);
    const ids = new Set(batch.map(outboxCustomerIdOf).filter((id): id is string => id !== undefined));
    const loaded = new Map([...stored].filter(([id, c]) => ids.has(id) || (until !== null && (outboxDueAt(c, T) ?? '~') <= until)));
    const step = deriveOutboxBatch({ clock, customers: loaded }, batch, T);
    step.changed.forEach((c, id) => stored.set(id, c));
    clock = step.clock;
    out.push(...step.messages);
  }
  return out;
};

const given = (history: readonly Plain[]) => ({
  when: (events: readonly Plain[]) => {
    const all = log([...history, ...events]);
    const fresh = new Set(all.slice(history.length).map((e) => e.id));
    const messages = () => publish(all).filter((m) => fresh.has(m.source.eventId));
    return {
      then: (expected: readonly Partial<AnyIntegrationMessage>[]) => expect(messages()).toEqual(expected.map((m) => expect.objectContaining(m))),
      thenNothing: () => expect(messages()).toEqual([]),
    };
  },
});

const tick = (at: string): ClockTicked => ({ type: 'ClockTicked', data: { at } });
const birthday = (over: Partial<BirthdayRewarded['data']> = {}): BirthdayRewarded => ({
  type: 'BirthdayRewarded',
  data: {
    customerId: CUSTOMER, year: 2024, celebratedOn: '2024-05-03', timeZone: 'Europe/Paris', points: 100, couponId: 'birthday:2024',
    rewardedAt: '2024-05-03T00:00:00.000Z', rulesVersion: 'rules-1', ...over,
  },
});

describe('integration messages derived from the log', () => {
  describe('when the tier changes', () => {
    it('publishes customer.tier with the envelope: type, version, key from the source event, customer, event time, log position', () => {
      given([evt.registered(), evt.purchased()]).when([levt.tierChanged()]).then([{
        type: 'customer.tier',
        schemaVersion: 1,
        idempotencyKey: 'customer.tier:e3',
        customerId: CUSTOMER,
        occurredAt: '2024-02-01T10:00:00.000Z',
        source: { eventId: 'e3', eventType: 'TierChanged', streamId: `customer-${CUSTOMER}`, position: { tx: '7', pos: '3' } },
        payload: {
          from: 'standard', to: 'silver', reason: 'upgrade', trigger: 'order:o-1', changedAt: '2024-02-01T10:00:00.000Z',
          nextReviewAt: '2025-02-01T10:00:00.000Z', figures: levt.tierChanged().data.figures,
        },
      }]);
    });

    it('publishes nothing when a review keeps the tier', () => {
      given([evt.registered()]).when([{
        type: 'TierRetained',
        data: { customerId: CUSTOMER, tier: 'silver', trigger: 'review:x', reviewedAt: RECORDED, figures: levt.tierChanged().data.figures, nextReviewAt: RECORDED, rulesVersion: 'r' },
      }]).thenNothing();
    });
  });

  describe('when points move', () => {
    it('publishes loyalty.points for each movement with the signed change of the balance', () => {
      given([evt.registered(), evt.purchased()]).when([
        levt.earned(), levt.redeemed(), levt.clawedBack(), levt.adjusted({ points: -20, lotId: undefined }), levt.expired(),
      ]).then([
        { idempotencyKey: 'loyalty.points:e3', payload: { kind: 'earned', points: 50, balanceChange: 50, at: '2024-02-01T10:00:00.000Z', lotId: 'order:o-1', reason: 'purchase', orderId: 'o-1', expiresAt: '2025-02-01T10:00:00.000Z' } },
        { idempotencyKey: 'loyalty.points:e4', payload: { kind: 'redeemed', points: 30, balanceChange: -30, at: RECORDED, redemptionId: 'rd-1', rewardId: 'tote-bag' } },
        { idempotencyKey: 'loyalty.points:e5', payload: { kind: 'clawed_back', points: 15, balanceChange: -15, at: '2024-02-05T10:00:00.000Z', orderId: 'o-1', refundId: 'r-1' } },
        { idempotencyKey: 'loyalty.points:e6', payload: { kind: 'adjusted', points: 20, balanceChange: -20, at: RECORDED, adjustmentId: 'adj-1', reason: 'goodwill' } },
        { idempotencyKey: 'loyalty.points:e7', occurredAt: '2025-02-01T10:00:00.000Z', payload: { kind: 'expired', points: 50, balanceChange: -50, at: '2025-02-01T10:00:00.000Z', lotId: 'order:o-1' } },
      ]);
    });

    it('turns the 30-day expiry warning into a points message and a customer message, both keyed by the warning event', () => {
      given([evt.registered(), evt.purchased(), levt.earned()]).when([levt.warned()]).then([
        { type: 'loyalty.points', idempotencyKey: 'loyalty.points:e4', occurredAt: '2025-01-15T00:00:00.000Z',
          payload: { kind: 'expiry_warning', points: 50, balanceChange: 0, at: '2025-01-15T00:00:00.000Z', lotId: 'order:o-1', expiresAt: '2025-02-01T10:00:00.000Z' } },
        { type: 'customer.messages', idempotencyKey: 'customer.messages:e4',
          payload: { programme: 'points-expiry-warning', lotId: 'order:o-1', points: 50, expiresAt: '2025-02-01T10:00:00.000Z' } },
      ]);
    });
  });

  describe('when a birthday is rewarded', () => {
    const coupon = levt.couponIssued({ couponId: 'birthday:2024', reason: 'birthday', issuedAt: '2024-05-03T00:00:00.000Z' });

    it('greets once, with the coupon that follows the reward in the log', () => {
      given([evt.registered()]).when([birthday(), levt.earned({ lotId: 'birthday:2024', source: 'birthday', orderId: undefined, points: 100 }), coupon]).then([
        { type: 'loyalty.points', idempotencyKey: 'loyalty.points:e3' },
        { type: 'customer.messages', idempotencyKey: 'customer.messages:e4', occurredAt: '2024-05-03T00:00:00.000Z',
          payload: {
            programme: 'birthday-greeting', year: 2024, celebratedOn: '2024-05-03', points: 100,
            coupon: { couponId: 'birthday:2024', offer: coupon.data.offer, validFrom: coupon.data.validFrom, validTo: coupon.data.validTo },
          } },
      ]);
    });

    it('greets at once when the reward has no coupon', () => {
      given([evt.registered()]).when([birthday({ couponId: undefined })]).then([
        { idempotencyKey: 'customer.messages:e2', payload: { programme: 'birthday-greeting', year: 2024, celebratedOn: '2024-05-03', points: 100 } },
      ]);
    });

    it('sends no greeting for a coupon of another programme', () => {
      given([evt.registered()]).when([levt.couponIssued()]).thenNothing();
    });

    it('keeps the waiting greeting across a batch boundary', () => {
      const events = log([evt.registered(), birthday(), coupon]);
      expect(publish(events, 1)).toEqual(publish(events));
      expect(publish(events, 1).map((m) => m.idempotencyKey)).toEqual(['customer.lifecycle:e1:c-ada:prospect:2024-01-01T09:00:00.000Z', 'customer.messages:e3']);
    });
  });

  describe('lifecycle transitions, on the log clock', () => {
    const first = evt.purchased({ occurredAt: '2024-02-01T10:00:00.000Z' });

    it('a registration makes a prospect and the first purchase a new customer', () => {
      given([]).when([evt.registered(), first]).then([
        { type: 'customer.lifecycle', idempotencyKey: 'customer.lifecycle:e1:c-ada:prospect:2024-01-01T09:00:00.000Z', occurredAt: '2024-01-01T09:00:00.000Z',
          payload: { from: null, to: 'prospect', at: '2024-01-01T09:00:00.000Z', cause: 'registration' } },
        { payload: { from: 'prospect', to: 'new', at: '2024-02-01T10:00:00.000Z', cause: 'purchase' } },
      ]);
    });

    it('ticks alone move a customer to active, dormant and lost, each at its due moment, keyed by the tick that noticed it', () => {
      given([evt.registered(), first]).when([tick('2024-03-10T00:00:00.000Z'), tick('2024-06-01T00:00:00.000Z'), tick('2025-03-01T00:00:00.000Z')]).then([
        { idempotencyKey: 'customer.lifecycle:e3:c-ada:active:2024-03-02T10:00:00.000Z', customerId: CUSTOMER, occurredAt: '2024-03-02T10:00:00.000Z',
          source: { eventId: 'e3', eventType: 'ClockTicked', streamId: 'clock', position: { tx: '7', pos: '3' } },
          payload: { from: 'new', to: 'active', at: '2024-03-02T10:00:00.000Z', cause: 'time' } },
        { source: expect.objectContaining({ eventId: 'e4' }), payload: { from: 'active', to: 'dormant', at: '2024-05-01T10:00:00.000Z', cause: 'time' } },
        { source: expect.objectContaining({ eventId: 'e5' }), payload: { from: 'dormant', to: 'lost', at: '2025-01-31T10:00:00.000Z', cause: 'time' } },
      ]);
    });

    it("another customer's later purchase moves the clock, and a due customer with it", () => {
      const other = { ...evt.purchased({ customerId: 'c-bob', orderId: 'b-1', occurredAt: '2024-04-01T00:00:00.000Z' }) };
      given([evt.registered(), first]).when([other]).then([
        { customerId: CUSTOMER, idempotencyKey: 'customer.lifecycle:e3:c-ada:active:2024-03-02T10:00:00.000Z',
          source: expect.objectContaining({ eventId: 'e3', streamId: 'customer-c-bob' }), payload: { from: 'new', to: 'active', at: '2024-03-02T10:00:00.000Z', cause: 'time' } },
        { customerId: 'c-bob', payload: { from: null, to: 'new', at: '2024-04-01T00:00:00.000Z', cause: 'purchase' } },
      ]);
    });

    it('a purchase wakes a dormant customer; time owed before it comes first', () => {
      given([evt.registered(), first]).when([evt.purchased({ orderId: 'o-2', occurredAt: '2024-07-01T00:00:00.000Z' })]).then([
        { payload: { from: 'new', to: 'active', at: '2024-03-02T10:00:00.000Z', cause: 'time' } },
        { payload: { from: 'active', to: 'dormant', at: '2024-05-01T10:00:00.000Z', cause: 'time' } },
        { payload: { from: 'dormant', to: 'active', at: '2024-07-01T00:00:00.000Z', cause: 'purchase' } },
      ]);
    });

    it('a tick that runs twice (or an older tick) derives nothing the second time', () => {
      given([evt.registered(), first, tick('2024-03-10T00:00:00.000Z')]).when([tick('2024-03-10T00:00:00.000Z'), tick('2024-03-05T00:00:00.000Z')]).thenNothing();
    });
  });

  describe('whatever the batches', () => {
    const history = log([
      evt.registered(), evt.purchased(), levt.earned(), evt.registered({ customerId: 'c-bob' }),
      evt.purchased({ customerId: 'c-bob', orderId: 'b-1', occurredAt: '2024-03-01T00:00:00.000Z' }),
      tick('2024-04-15T00:00:00.000Z'), birthday(), levt.earned({ lotId: 'birthday:2024', source: 'birthday', orderId: undefined }),
      levt.couponIssued({ couponId: 'birthday:2024', reason: 'birthday' }), levt.warned(), tick('2024-09-01T00:00:00.000Z'),
      evt.purchased({ orderId: 'o-3', occurredAt: '2024-09-02T00:00:00.000Z' }), tick('2026-01-01T00:00:00.000Z'),
    ]);

    it.each([1, 2, 3, 5])('gives the same messages with the same keys in batches of %i as in one batch', (size) => {
      expect(publish(history, size)).toEqual(publish(history));
    });

    it('gives every message its own key', () => {
      const keys = publish(history).map((m) => m.idempotencyKey);
      expect(keys.length).toBeGreaterThan(10);
      expect(new Set(keys).size).toBe(keys.length);
    });
  });
});

describe('history is held back', () => {
  const [source] = log([levt.tierChanged({ changedAt: '2024-05-01T12:00:00.000Z' })], RECORDED);
  const message = (occurredAt: string) => ({ ...publish([source!])[0]!, occurredAt });
  const week = 7 * 24 * 3600 * 1000;

  it('a fact older than the maximum age when it reached the log is history', () => {
    expect(isHistoryMessage(message('2024-05-25T11:59:59.999Z'), source!, week)).toBe(true);
  });

  it('a fact within the maximum age is news', () => {
    expect(isHistoryMessage(message('2024-05-25T12:00:00.000Z'), source!, week)).toBe(false);
    expect(isHistoryMessage(message('2024-06-01T12:00:00.000Z'), source!, week)).toBe(false);
  });
});

describe('the state the outbox keeps', () => {
  it('holds the stage facts of a customer, not the interactions and answers the churn warning reads', () => {
    const events = log([evt.registered(), evt.purchased(), evt.interacted(), evt.interacted({ interactionId: 'i-2', kind: 'survey', satisfaction: 2 })]);
    const step = deriveOutboxBatch({ clock: null, customers: new Map() }, events, T);
    expect(step.changed.get(CUSTOMER)!.lifecycle).toEqual(expect.objectContaining({
      stage: 'new', purchaseTimes: ['2024-02-01T10:00:00.000Z'], engagementTimes: [], complaintTimes: [], satisfactionAnswers: [], npsAnswers: [],
    }));
  });
});
