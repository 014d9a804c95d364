import { DEFAULT_INGEST_TOPICS, type InboundMessage } from '@lifecycle/messaging';

/** Test messages as the consumer hands them over: JSON bodies keyed by customer id unless told. */
export function inboundFactory(partition = 0) {
  let offset = 0;
  return (topic: string, body: unknown, options: { key?: string | null; headers?: Record<string, string>; raw?: Buffer | null; timestamp?: string } = {}): InboundMessage => {
    const customerId = typeof body === 'object' && body !== null ? (body as { customerId?: unknown }).customerId : undefined;
    const key = options.key === undefined ? (typeof customerId === 'string' ? customerId : null) : options.key;
    return {
      topic,
      partition,
      offset: String(offset++),
      key: key === null ? null : Buffer.from(key),
      value: options.raw !== undefined ? options.raw : Buffer.from(JSON.stringify(body)),
      headers: options.headers ?? {},
      timestamp: options.timestamp ?? '0',
    };
  };
}

export const T = DEFAULT_INGEST_TOPICS;

export const purchase = (customerId: string, orderId: string, extra: object = {}) => ({
  customerId, orderId, amount: 4999, currency: 'EUR', occurredAt: '2024-03-01T10:00:00Z', ...extra,
});
export const refund = (customerId: string, refundId: string, orderId: string, amount = 1000) => ({
  customerId, refundId, orderId, amount, occurredAt: '2024-03-04T08:00:00Z',
});
export const interaction = (customerId: string, interactionId: string, extra: object = {}) => ({
  customerId, interactionId, kind: 'email_open', occurredAt: '2024-03-05T12:00:00Z', ...extra,
});
export const registration = (customerId: string, extra: object = {}) => ({
  customerId, registeredAt: '2024-01-05T09:00:00Z', channel: 'web', ...extra,
});
