import { deadLetterOf, DLQ_HEADERS, NotADeadLetterError, readDeadLetter, replayOf } from './dead-letter';
import type { InboundMessage, OutboundMessage } from './messages';

const original: InboundMessage = {
  topic: 'orders.refunds',
  partition: 2,
  offset: '18734',
  key: Buffer.from('c-1'),
  value: Buffer.from([0x7b, 0xff, 0x00]), // not even UTF-8: kept byte for byte
  headers: { traceparent: '00-abc-def-01', [DLQ_HEADERS.reasonCode]: 'STALE' },
  timestamp: '1700000000000',
};
const at = new Date('2024-03-05T12:00:01.234Z');

/** What the broker hands back for a message that was sent as `sent`. */
const asRead = (sent: OutboundMessage, partition: number, offset: string): InboundMessage => ({
  topic: sent.topic, partition, offset, timestamp: '0',
  key: sent.key === null ? null : Buffer.from(sent.key), value: sent.value === null ? null : Buffer.from(sent.value),
  headers: { ...sent.headers },
});

describe('dead letters', () => {
  it('keep the original key, value and producer headers, and say why and where from', () => {
    const letter = deadLetterOf(original, { code: 'REFUND.UNKNOWN_ORDER', reason: 'customer c-1 has no order o-2' }, 'lifecycle.dlq', at);
    expect(letter.topic).toBe('lifecycle.dlq');
    expect(letter.key).toEqual(original.key);
    expect(letter.value).toEqual(original.value);
    expect(letter.headers).toEqual({
      traceparent: '00-abc-def-01',
      'x-dlq-reason-code': 'REFUND.UNKNOWN_ORDER',
      'x-dlq-reason': 'customer c-1 has no order o-2',
      'x-original-topic': 'orders.refunds',
      'x-original-partition': '2',
      'x-original-offset': '18734',
      'x-dlq-at': '2024-03-05T12:00:01.234Z',
    });
  });

  it('bound a long reason', () => {
    const letter = deadLetterOf(original, { code: 'REQUEST.VALIDATION_FAILED', reason: 'x'.repeat(10_000) }, 'dlq', at);
    expect(letter.headers!['x-dlq-reason']!.length).toBe(2_000);
  });

  it('read back as what was written', () => {
    const read = readDeadLetter(asRead(deadLetterOf(original, { code: 'C.ODE', reason: 'why' }, 'dlq', at), 0, '17'));
    expect(read).toMatchObject({ code: 'C.ODE', reason: 'why', originalTopic: 'orders.refunds', originalPartition: 2, originalOffset: '18734', at: at.toISOString() });
    expect(() => readDeadLetter({ ...original, headers: {} })).toThrow(NotADeadLetterError);
  });

  it('replay to the original topic keyed by the customer id in the value, marked with where they came from', () => {
    const wronglyKeyed = { ...original, key: Buffer.from('someone-else'), value: Buffer.from('{"customerId":"c-9","refundId":"r-1"}') };
    const read = readDeadLetter(asRead(deadLetterOf(wronglyKeyed, { code: 'MESSAGE.KEY_MISMATCH', reason: 'key' }, 'dlq', at), 1, '5'));
    const replay = replayOf(read);
    expect(replay).toMatchObject({ topic: 'orders.refunds', key: 'c-9', value: wronglyKeyed.value });
    expect(replay.headers).toEqual({ traceparent: '00-abc-def-01', 'x-replay-of': 'dlq:1:5' });
    // A value that is not JSON keeps its original key.
    expect(replayOf(readDeadLetter(asRead(deadLetterOf(original, { code: 'X', reason: 'y' }, 'dlq', at), 0, '0'))).key).toEqual(original.key);
  });
});
