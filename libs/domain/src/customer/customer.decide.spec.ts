import { ErrorCode } from '../shared/error-codes';
import { cmd, CUSTOMER, evt, NOW, SEALED } from '../testing/customer-fixtures';
import { DeciderSpec } from '../testing/decider-spec';
import type { CustomerCommand } from './customer.commands';
import { customerDecider, decide, StreamMismatchError } from './customer.decide';
import { initialState } from './customer.state';

const spec = DeciderSpec.for(customerDecider, { now: NOW });
const unknown = spec.given([]);
const registered = spec.given([evt.registered()]);
const withOrder = spec.given([evt.registered(), evt.purchased()]);
const anyData = (data: unknown) => data as never;

describe('when the customer is unknown', () => {
  it('registers it explicitly, instants in canonical UTC spelling', () => {
    unknown.when(cmd.register({ registeredAt: '2024-01-01T10:00:00+01:00' })).then([evt.registered()]);
  });

  it('leaves absent optional fields out of the event rather than storing undefined', () => {
    const [event] = decide(cmd.register({ referrerId: undefined, personal: undefined }), initialState(), { now: NOW });
    expect(Object.keys(event!.data).sort()).toEqual(['channel', 'customerId', 'implicit', 'registeredAt']);
  });

  it('registers it implicitly with its first purchase, and says so', () => {
    unknown.when(cmd.purchase()).then([evt.registeredImplicitly('2024-02-01T10:00:00.000Z'), evt.purchased()]);
  });

  it('records a zero-value order (real data has them)', () => {
    unknown.when(cmd.purchase({ amount: 0 })).then([evt.registeredImplicitly(), evt.purchased({ amount: 0 })]);
  });

  it('refuses a refund: there is no such order', () => {
    unknown.when(cmd.refund()).thenThrows(ErrorCode.REFUND_UNKNOWN_ORDER, 'rejected');
  });

  it('does not know it for an interaction: only purchases register implicitly', () => {
    unknown.when(cmd.interaction()).thenThrows(ErrorCode.CUSTOMER_NOT_FOUND, 'not-found');
  });

  it('has nothing to erase', () => {
    unknown.when(cmd.erase()).thenThrows(ErrorCode.CUSTOMER_NOT_FOUND, 'not-found');
  });

  it.each<[string, CustomerCommand, string]>([
    ['a customer id with a space', cmd.register({ customerId: 'c ada' }), ErrorCode.INVALID_ID],
    ['an empty customer id', cmd.purchase({ customerId: '' }), ErrorCode.INVALID_ID],
    ['a customer id over 100 characters', cmd.register({ customerId: 'c'.repeat(101) }), ErrorCode.INVALID_ID],
    ['a referrer id with a slash', cmd.register({ referrerId: 'c/bob' }), ErrorCode.INVALID_ID],
    ['a customer referring itself', cmd.register({ referrerId: CUSTOMER }), ErrorCode.SELF_REFERRAL],
    ['a registration time that is not ISO-8601', cmd.register({ registeredAt: '01/01/2024' }), ErrorCode.INVALID_TIME],
    ['an empty channel', cmd.register({ channel: ' ' }), ErrorCode.INVALID_FIELD],
    ['personal data that is not sealed', cmd.register({ personal: anyData({ name: 'Ada' }) }), ErrorCode.INVALID_FIELD],
    ['an order id with a space', cmd.purchase({ orderId: 'o 1' }), ErrorCode.INVALID_ID],
    ['a negative amount', cmd.purchase({ amount: -1 }), ErrorCode.INVALID_AMOUNT],
    ['a fractional amount', cmd.purchase({ amount: 49.99 }), ErrorCode.INVALID_AMOUNT],
    ['an amount beyond safe integers', cmd.purchase({ amount: 2 ** 53 }), ErrorCode.INVALID_AMOUNT],
    ['an amount given as a string', cmd.purchase({ amount: anyData('5000') }), ErrorCode.INVALID_AMOUNT],
    ['an unknown currency', cmd.purchase({ currency: 'EUX' }), ErrorCode.UNKNOWN_CURRENCY],
    ['a currency in lower case', cmd.purchase({ currency: 'eur' }), ErrorCode.UNKNOWN_CURRENCY],
    ['a missing currency', cmd.purchase({ currency: anyData(undefined) }), ErrorCode.INVALID_FIELD],
    ['a day that does not exist', cmd.purchase({ occurredAt: '2023-02-29T10:00:00Z' }), ErrorCode.INVALID_TIME],
    ['a time of day that does not exist', cmd.purchase({ occurredAt: '2024-02-01T24:00:00Z' }), ErrorCode.INVALID_TIME],
    ['a time in words', cmd.purchase({ occurredAt: 'yesterday' }), ErrorCode.INVALID_TIME],
    ['items that are not a list', cmd.purchase({ items: anyData({ sku: 'A' }) }), ErrorCode.INVALID_ITEM],
    ['an item without sku', cmd.purchase({ items: [anyData({ quantity: 1, amount: 100 })] }), ErrorCode.INVALID_ITEM],
    ['an item with quantity 0', cmd.purchase({ items: [{ sku: 'A', quantity: 0, amount: 100 }] }), ErrorCode.INVALID_ITEM],
    ['an item with a fractional quantity', cmd.purchase({ items: [{ sku: 'A', quantity: 1.5, amount: 100 }] }), ErrorCode.INVALID_ITEM],
    ['an item with a fractional amount', cmd.purchase({ items: [{ sku: 'A', quantity: 1, amount: 0.5 }] }), ErrorCode.INVALID_ITEM],
    ['an empty payment method', cmd.purchase({ paymentMethod: '' }), ErrorCode.INVALID_FIELD],
    ['a message type nobody knows', anyData({ type: 'MergeCustomers', data: { customerId: CUSTOMER } }), ErrorCode.UNKNOWN_COMMAND],
  ])('refuses %s', (_, command, code) => {
    const error = unknown.when(command).thenThrows(code, 'rejected');
    if (code !== ErrorCode.UNKNOWN_COMMAND && code !== ErrorCode.SELF_REFERRAL) expect(error.details.field).toEqual(expect.any(String));
  });

  it('names the offending item field', () => {
    const error = unknown.when(cmd.purchase({ items: [{ sku: 'A', quantity: 1, amount: 1 }, { sku: 'B', quantity: -2, amount: 1 }] }))
      .thenThrows(ErrorCode.INVALID_ITEM);
    expect(error.details).toEqual({ field: 'items[1].quantity' });
  });

  it('reads a time without offset as UTC, whatever the host time zone', () => {
    unknown.when(cmd.register({ registeredAt: '2024-01-01T09:00:00' })).then([evt.registered()]);
  });
});

describe('when the customer is registered', () => {
  it('answers the same registration again with nothing new', () => {
    registered.when(cmd.register()).thenNothingHappens();
  });

  it('recognises the same registration time spelled differently', () => {
    registered.when(cmd.register({ registeredAt: '2024-01-01T04:00:00-05:00' })).thenNothingHappens();
  });

  it.each<[string, Parameters<typeof cmd.register>[0]]>([
    ['another registration time', { registeredAt: '2024-01-02T09:00:00Z' }],
    ['another channel', { channel: 'store' }],
    ['another referrer', { referrerId: 'c-eve' }],
    ['no referrer', { referrerId: undefined }],
    ['other personal data', { personal: { ...SEALED, sealed: 'v1.other', fingerprint: 'fp-other' } }],
    ['no personal data', { personal: undefined }],
  ])('refuses the same id with %s as a conflict', (_, over) => {
    registered.when(cmd.register(over)).thenThrows(ErrorCode.REGISTRATION_CONFLICT, 'conflict');
  });

  it('compares personal data by fingerprint: a fresh seal of the same fields is the same registration', () => {
    registered.when(cmd.register({ personal: { ...SEALED, sealed: 'v1.new-iv.cipher.tag' } })).thenNothingHappens();
  });

  it('records a purchase without registering again', () => {
    registered.when(cmd.purchase()).then([evt.purchased()]);
  });

  it('records the purchase details it was given, and drops an empty item list', () => {
    const items = [{ sku: 'SKU-1', category: 'books', quantity: 2, amount: 3000 }, { sku: 'SKU-2', quantity: 1, amount: 2000 }];
    registered.when(cmd.purchase({ items, paymentMethod: 'card', couponCode: 'SPRING10' }))
      .then([evt.purchased({ items, paymentMethod: 'card', couponCode: 'SPRING10' })]);
    registered.when(cmd.purchase({ items: [] })).then([evt.purchased()]);
  });

  it('records an interaction', () => {
    registered.when(cmd.interaction()).then([evt.interacted()]);
  });

  it('erases it at the decision time', () => {
    registered.when(cmd.erase()).then([evt.erased(NOW)]);
  });

  it('refuses a command for another customer than the state it was folded from: an engine bug, not bad input', () => {
    const state = customerDecider.evolve(initialState(), evt.registered());
    expect(() => decide(cmd.register({ customerId: 'c-bob', referrerId: undefined }), state, { now: NOW })).toThrow(StreamMismatchError);
  });
});

describe('when the customer was registered implicitly by a purchase', () => {
  const implicit = spec.given([evt.registeredImplicitly(), evt.purchased()]);
  const completed = spec.given([evt.registeredImplicitly(), evt.purchased(), evt.registered()]);

  it('accepts the explicit registration once', () => {
    implicit.when(cmd.register()).then([evt.registered()]);
  });

  it('answers the explicit registration again with nothing new', () => {
    completed.when(cmd.register()).thenNothingHappens();
  });

  it('refuses a second explicit registration with other facts', () => {
    completed.when(cmd.register({ channel: 'store' })).thenThrows(ErrorCode.REGISTRATION_CONFLICT, 'conflict');
  });

  it('records later purchases without another implicit registration', () => {
    implicit.when(cmd.purchase({ orderId: 'o-2' })).then([evt.purchased({ orderId: 'o-2' })]);
  });

  it('records interactions: the customer is known', () => {
    implicit.when(cmd.interaction()).then([evt.interacted()]);
  });
});

describe('when an order is recorded', () => {
  it('answers the same order again with nothing new', () => {
    withOrder.when(cmd.purchase()).thenNothingHappens();
  });

  it('recognises the same order with its time spelled differently', () => {
    withOrder.when(cmd.purchase({ occurredAt: '2024-02-01T11:00:00+01:00' })).thenNothingHappens();
  });

  it('answers an order with items again with nothing new', () => {
    const items = [{ sku: 'SKU-1', quantity: 1, amount: 5000 }];
    spec.given([evt.registered(), evt.purchased({ items, couponCode: 'X' })]).when(cmd.purchase({ items, couponCode: 'X' })).thenNothingHappens();
  });

  it.each<[string, Parameters<typeof cmd.purchase>[0]]>([
    ['another amount', { amount: 5001 }],
    ['another currency', { currency: 'USD' }],
    ['another time', { occurredAt: '2024-02-01T10:00:01Z' }],
    ['items', { items: [{ sku: 'SKU-1', quantity: 1, amount: 5000 }] }],
    ['a payment method', { paymentMethod: 'card' }],
    ['a coupon', { couponCode: 'SPRING10' }],
  ])('refuses the same order id with %s as a conflict', (_, over) => {
    withOrder.when(cmd.purchase(over)).thenThrows(ErrorCode.ORDER_CONFLICT, 'conflict');
  });

  it('records another order in the same currency', () => {
    withOrder.when(cmd.purchase({ orderId: 'o-2', amount: 1200 })).then([evt.purchased({ orderId: 'o-2', amount: 1200 })]);
  });

  it('refuses an order in another currency than the first purchase', () => {
    const error = withOrder.when(cmd.purchase({ orderId: 'o-2', currency: 'USD' })).thenThrows(ErrorCode.CURRENCY_MISMATCH, 'rejected');
    expect(error.details).toEqual({ field: 'currency' });
  });

  it('refunds part of it, in the order currency', () => {
    withOrder.when(cmd.refund()).then([evt.refunded()]);
  });

  it('refunds all of it', () => {
    withOrder.when(cmd.refund({ amount: 5000 })).then([evt.refunded({ amount: 5000 })]);
  });

  it('accepts a refund that states the order currency', () => {
    withOrder.when(cmd.refund({ currency: 'EUR' })).then([evt.refunded()]);
  });

  it('refuses a refund in another currency than the order', () => {
    withOrder.when(cmd.refund({ currency: 'USD' })).thenThrows(ErrorCode.REFUND_CURRENCY_MISMATCH, 'rejected');
  });

  it('refuses to refund more than was paid, and says how much is left', () => {
    const error = withOrder.when(cmd.refund({ amount: 5001 })).thenThrows(ErrorCode.REFUND_EXCEEDS_PAID, 'rejected');
    expect(error.details).toEqual({ field: 'amount', refundable: 5000 });
  });

  it.each([0, -100, 10.5])('refuses a refund of %p', (amount) => {
    withOrder.when(cmd.refund({ amount })).thenThrows(ErrorCode.REFUND_INVALID_AMOUNT, 'rejected');
  });

  it('refuses a refund of an order it does not know', () => {
    withOrder.when(cmd.refund({ orderId: 'o-404' })).thenThrows(ErrorCode.REFUND_UNKNOWN_ORDER, 'rejected');
  });

  it('refuses to refund a zero-value order: nothing was paid', () => {
    spec.given([evt.registered(), evt.purchased({ amount: 0 })]).when(cmd.refund({ amount: 1 })).thenThrows(ErrorCode.REFUND_EXCEEDS_PAID);
  });
});

describe('when an order is partly refunded', () => {
  const partly = spec.given([evt.registered(), evt.purchased(), evt.refunded()]);

  it('answers the same refund again with nothing new', () => {
    partly.when(cmd.refund()).thenNothingHappens();
  });

  it('answers the same refund stating the order currency with nothing new', () => {
    partly.when(cmd.refund({ currency: 'EUR' })).thenNothingHappens();
  });

  it.each<[string, Parameters<typeof cmd.refund>[0]]>([
    ['another amount', { amount: 1000 }],
    ['another order', { orderId: 'o-2' }],
    ['another time', { occurredAt: '2024-02-06T10:00:00Z' }],
    ['another currency', { currency: 'USD' }],
  ])('refuses the same refund id with %s as a conflict', (_, over) => {
    partly.when(cmd.refund(over)).thenThrows(ErrorCode.REFUND_CONFLICT, 'conflict');
  });

  it('refunds the rest', () => {
    partly.when(cmd.refund({ refundId: 'r-2', amount: 3500 })).then([evt.refunded({ refundId: 'r-2', amount: 3500 })]);
  });

  it('refuses to refund more than the rest', () => {
    const error = partly.when(cmd.refund({ refundId: 'r-2', amount: 3501 })).thenThrows(ErrorCode.REFUND_EXCEEDS_PAID);
    expect(error.details.refundable).toBe(3500);
  });
});

describe('when an interaction is recorded', () => {
  const interacted = spec.given([evt.registered(), evt.interacted()]);

  it('answers the same interaction again with nothing new', () => {
    interacted.when(cmd.interaction()).thenNothingHappens();
  });

  it.each<[string, Parameters<typeof cmd.interaction>[0]]>([
    ['another kind', { kind: 'email_click' }],
    ['another channel', { channel: 'sms' }],
    ['no channel', { channel: undefined }],
    ['another time', { occurredAt: '2024-02-02T08:00:01Z' }],
  ])('refuses the same interaction id with %s as a conflict', (_, over) => {
    interacted.when(cmd.interaction(over)).thenThrows(ErrorCode.INTERACTION_CONFLICT, 'conflict');
  });

  it('refuses the same survey with another score as a conflict', () => {
    spec.given([evt.registered(), evt.interacted({ kind: 'survey', satisfaction: 4 })])
      .when(cmd.interaction({ kind: 'survey', satisfaction: 5 }))
      .thenThrows(ErrorCode.INTERACTION_CONFLICT, 'conflict');
  });

  it.each([
    ['satisfaction', { satisfaction: 5 }],
    ['nps', { nps: 0 }],
    ['both', { satisfaction: 1, nps: 10 }],
  ])('records a survey with %s', (_, scores) => {
    registered.when(cmd.interaction({ interactionId: 'i-2', kind: 'survey', ...scores }))
      .then([evt.interacted({ interactionId: 'i-2', kind: 'survey', ...scores })]);
  });

  it.each<[string, Parameters<typeof cmd.interaction>[0], string]>([
    ['satisfaction 0', { kind: 'survey', satisfaction: 0 }, 'satisfaction'],
    ['satisfaction 6', { kind: 'survey', satisfaction: 6 }, 'satisfaction'],
    ['satisfaction 4.5', { kind: 'survey', satisfaction: 4.5 }, 'satisfaction'],
    ['nps 11', { kind: 'survey', nps: 11 }, 'nps'],
    ['nps -1', { kind: 'survey', nps: -1 }, 'nps'],
    ['a survey without any score', { kind: 'survey' }, 'satisfaction'],
    ['nps on an email open', { kind: 'email_open', nps: 9 }, 'nps'],
    ['satisfaction on a complaint', { kind: 'complaint', satisfaction: 1 }, 'satisfaction'],
  ])('refuses %s', (_, over, field) => {
    const error = registered.when(cmd.interaction({ interactionId: 'i-2', ...over })).thenThrows(ErrorCode.INVALID_SCORE, 'rejected');
    expect(error.details).toEqual({ field });
  });

  it('refuses a kind it does not know', () => {
    registered.when(cmd.interaction({ kind: anyData('tweet') })).thenThrows(ErrorCode.UNKNOWN_INTERACTION_KIND, 'rejected');
  });

  it.each(['app_visit', 'support_contact', 'complaint', 'event_attended', 'email_click'] as const)('records an interaction of kind %s', (kind) => {
    registered.when(cmd.interaction({ interactionId: 'i-2', kind, channel: undefined }))
      .then([{ type: 'InteractionRecorded', data: { customerId: CUSTOMER, interactionId: 'i-2', kind, occurredAt: '2024-02-02T08:00:00.000Z' } }]);
  });
});

describe('when the customer is erased', () => {
  const history = [evt.registered(), evt.purchased(), evt.refunded(), evt.interacted(), evt.erased()];
  const erased = spec.given(history);

  it('answers a second erasure with nothing new', () => {
    erased.when(cmd.erase()).thenNothingHappens();
  });

  it.each<[string, CustomerCommand]>([
    ['a new order', cmd.purchase({ orderId: 'o-2' })],
    ['a new refund', cmd.refund({ refundId: 'r-2', amount: 100 })],
    ['a new interaction', cmd.interaction({ interactionId: 'i-2' })],
  ])('refuses %s', (_, command) => {
    erased.when(command).thenThrows(ErrorCode.CUSTOMER_ERASED, 'rejected');
  });

  it.each<[string, CustomerCommand]>([
    ['the recorded order', cmd.purchase()],
    ['the recorded refund', cmd.refund()],
    ['the recorded interaction', cmd.interaction()],
    ['the recorded registration', cmd.register()],
  ])('still answers a redelivery of %s with nothing new', (_, command) => {
    erased.when(command).thenNothingHappens();
  });

  it('still calls a recorded order id with other facts a conflict', () => {
    erased.when(cmd.purchase({ amount: 1 })).thenThrows(ErrorCode.ORDER_CONFLICT, 'conflict');
  });

  it('refuses the explicit registration of a customer that was only registered implicitly', () => {
    spec.given([evt.registeredImplicitly(), evt.purchased(), evt.erased()]).when(cmd.register()).thenThrows(ErrorCode.CUSTOMER_ERASED);
  });
});
