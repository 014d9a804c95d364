import type { EraseCustomer, RecordInteraction, RecordPurchase, RefundPurchase, RegisterCustomer } from '../customer/customer.commands';
import type {
  CustomerErased, CustomerRegistered, InteractionRecorded, PurchaseRecorded, PurchaseRefunded, SealedPersonalData,
} from '../customer/customer.events';

/** Commands and the events they decide, for one customer, with every field overridable. */
export const CUSTOMER = 'c-ada';
export const NOW = '2024-06-01T12:00:00.000Z';
export const SEALED: SealedPersonalData = { sealed: 'v1.iv.cipher.tag', fingerprint: 'fp-ada', keyId: 'k-ada' };

type Over<T extends { data: object }> = Partial<T['data']>;

export const cmd = {
  register: (over: Over<RegisterCustomer> = {}): RegisterCustomer => ({
    type: 'RegisterCustomer',
    data: { customerId: CUSTOMER, registeredAt: '2024-01-01T09:00:00Z', channel: 'web', referrerId: 'c-bob', personal: SEALED, ...over },
  }),
  purchase: (over: Over<RecordPurchase> = {}): RecordPurchase => ({
    type: 'RecordPurchase',
    data: { customerId: CUSTOMER, orderId: 'o-1', amount: 5000, currency: 'EUR', occurredAt: '2024-02-01T10:00:00Z', ...over },
  }),
  refund: (over: Over<RefundPurchase> = {}): RefundPurchase => ({
    type: 'RefundPurchase',
    data: { customerId: CUSTOMER, refundId: 'r-1', orderId: 'o-1', amount: 1500, occurredAt: '2024-02-05T10:00:00Z', ...over },
  }),
  interaction: (over: Over<RecordInteraction> = {}): RecordInteraction => ({
    type: 'RecordInteraction',
    data: { customerId: CUSTOMER, interactionId: 'i-1', kind: 'email_open', channel: 'email', occurredAt: '2024-02-02T08:00:00Z', ...over },
  }),
  erase: (): EraseCustomer => ({ type: 'EraseCustomer', data: { customerId: CUSTOMER } }),
};

export const evt = {
  registered: (over: Over<CustomerRegistered> = {}): CustomerRegistered => ({
    type: 'CustomerRegistered',
    data: {
      customerId: CUSTOMER, registeredAt: '2024-01-01T09:00:00.000Z', channel: 'web', referrerId: 'c-bob', personal: SEALED, implicit: false, ...over,
    },
  }),
  registeredImplicitly: (registeredAt = '2024-02-01T10:00:00.000Z'): CustomerRegistered => ({
    type: 'CustomerRegistered',
    data: { customerId: CUSTOMER, registeredAt, channel: 'implicit', implicit: true },
  }),
  purchased: (over: Over<PurchaseRecorded> = {}): PurchaseRecorded => ({
    type: 'PurchaseRecorded',
    data: { customerId: CUSTOMER, orderId: 'o-1', amount: 5000, currency: 'EUR', occurredAt: '2024-02-01T10:00:00.000Z', ...over },
  }),
  refunded: (over: Over<PurchaseRefunded> = {}): PurchaseRefunded => ({
    type: 'PurchaseRefunded',
    data: { customerId: CUSTOMER, refundId: 'r-1', orderId: 'o-1', amount: 1500, currency: 'EUR', occurredAt: '2024-02-05T10:00:00.000Z', ...over },
  }),
  interacted: (over: Over<InteractionRecorded> = {}): InteractionRecorded => ({
    type: 'InteractionRecorded',
    data: { customerId: CUSTOMER, interactionId: 'i-1', kind: 'email_open', channel: 'email', occurredAt: '2024-02-02T08:00:00.000Z', ...over },
  }),
  erased: (erasedAt = NOW): CustomerErased => ({ type: 'CustomerErased', data: { customerId: CUSTOMER, erasedAt } }),
};
