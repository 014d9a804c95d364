import { customerDecider, decide } from '../customer/customer.decide';
import type { CustomerStreamEvent } from '../customer/customer.events';
import { type CustomerState, evolve, initialState } from '../customer/customer.state';
import { evt } from '../testing/customer-fixtures';
import { levt, LOYAL, RULES } from '../testing/loyalty-fixtures';
import { dueCommands, dueWork, nextDueAt } from './due-work';

const fold = (events: readonly CustomerStreamEvent[]) => events.reduce(customerDecider.evolve, initialState());
const silver = levt.tierChanged({ trigger: 'order:o-1' });
/** Ada (referred by Bob, birthday 03-15 in Paris): o-1's lot expires 2025-02-01T10:00Z, the silver review is due then too. */
const ada = fold([evt.registered(), evt.purchased({ amount: 50_000 }), levt.earned(), silver]);
const BIRTHDAY = { birthday: '03-15', timeZone: 'Europe/Paris' };
const nothing = { expiry: false, expiryWarning: false, tierReview: false, referral: false, birthday: false };

/** What the engine's tick does for one customer (SettleReferral left out: it needs the referrer's stream). */
const tick = (state: CustomerState, asOf: string): CustomerState => {
  let s = state;
  for (const command of dueCommands(s, asOf, RULES, BIRTHDAY)) {
    if (command.type === 'SettleReferral') continue;
    s = decide(command, s, LOYAL).reduce(evolve, s);
  }
  return s;
};

describe('what is due for a customer at an instant', () => {
  it('is nothing on an ordinary day, and no command is run', () => {
    expect(dueWork(ada, '2024-02-10T00:00:00Z', RULES, BIRTHDAY)).toEqual(nothing);
    expect(dueCommands(ada, '2024-02-10T00:00:00Z', RULES, BIRTHDAY)).toEqual([]);
  });

  it('names the referral once its window has passed, and the birthday on the day', () => {
    expect(dueWork(ada, '2024-03-02T10:00:00Z', RULES, BIRTHDAY)).toEqual({ ...nothing, referral: true });
    expect(dueWork(ada, '2024-03-15T12:00:00Z', RULES, BIRTHDAY)).toEqual({ ...nothing, referral: true, birthday: true });
    expect(dueWork(ada, '2024-03-15T12:00:00Z', RULES)).toEqual({ ...nothing, referral: true });
  });

  it('names the expiry warning, then the expiry and the tier review, as commands with the instant', () => {
    expect(dueWork(ada, '2025-01-10T00:00:00Z', RULES)).toMatchObject({ expiryWarning: true, expiry: false, tierReview: false });
    expect(dueCommands(ada, '2025-02-01T10:00:00Z', RULES).map((c) => c.type)).toEqual(['ExpirePoints', 'EvaluateTier', 'SettleReferral']);
    expect(dueCommands(ada, '2025-02-01T10:00:00+00:00', RULES)[0]).toEqual({ type: 'ExpirePoints', data: { customerId: 'c-ada', asOf: '2025-02-01T10:00:00.000Z' } });
  });

  it('leaves nothing due after the tick ran, so running it again changes nothing', () => {
    for (const asOf of ['2025-01-10T00:00:00.000Z', '2025-02-01T10:00:00.000Z', '2025-03-15T12:00:00.000Z']) {
      const once = tick(ada, asOf);
      expect(dueCommands(once, asOf, RULES, BIRTHDAY).filter((c) => c.type !== 'SettleReferral')).toEqual([]);
      expect(tick(once, asOf)).toEqual(once);
    }
  });

  it('tells the next instant anything becomes due, so the engine can tick only those customers', () => {
    expect(nextDueAt(ada, RULES)).toBe('2024-03-02T10:00:00.000Z'); // the referral
    const settled = fold([evt.registered({ referrerId: undefined }), evt.purchased({ amount: 50_000 }), levt.earned(), silver]);
    expect(nextDueAt(settled, RULES)).toBe('2025-01-02T10:00:00.000Z'); // 30 days before the lot expires
    const warned = evolve(settled, levt.warned());
    expect(nextDueAt(warned, RULES)).toBe('2025-02-01T10:00:00.000Z');
    expect(nextDueAt(fold([evt.registered({ referrerId: undefined })]), RULES)).toBeUndefined();
  });

  it('keeps only expiry for an erased customer', () => {
    const erased = evolve(ada, evt.erased());
    expect(dueWork(erased, '2025-02-01T10:00:00Z', RULES, BIRTHDAY)).toEqual({ ...nothing, expiry: true });
  });
});
