import type { InboundMessage, OutboundMessage } from './messages';

/**
 * A dead letter is the original message, value and key byte for byte, with headers that say why
 * it was refused and where it came from, so it can be inspected and re-driven after a fix.
 */
export const DLQ_HEADERS = Object.freeze({
  reasonCode: 'x-dlq-reason-code',
  reason: 'x-dlq-reason',
  originalTopic: 'x-original-topic',
  originalPartition: 'x-original-partition',
  originalOffset: 'x-original-offset',
  at: 'x-dlq-at',
  /** Set on a re-driven message: the dead letter it came from (`topic:partition:offset`). */
  replayOf: 'x-replay-of',
});

const OWN_HEADERS: ReadonlySet<string> = new Set(Object.values(DLQ_HEADERS));

export interface DeadLetterReason {
  /** Stable, like the HTTP error codes (`REQUEST.VALIDATION_FAILED`, `REFUND.UNKNOWN_ORDER`). */
  readonly code: string;
  readonly reason: string;
}

/** Headers are bounded by the broker's message size; a reason never needs more than this. */
const MAX_REASON_LENGTH = 2_000;

/** The producer's own headers travel with the dead letter; ours replace any stale copies. */
export function deadLetterOf(message: InboundMessage, why: DeadLetterReason, deadLetterTopic: string, at: Date): OutboundMessage {
  return {
    topic: deadLetterTopic,
    key: message.key,
    value: message.value,
    headers: {
      ...foreignHeaders(message.headers),
      [DLQ_HEADERS.reasonCode]: why.code,
      [DLQ_HEADERS.reason]: why.reason.length > MAX_REASON_LENGTH ? `${why.reason.slice(0, MAX_REASON_LENGTH - 1)}…` : why.reason,
      [DLQ_HEADERS.originalTopic]: message.topic,
      [DLQ_HEADERS.originalPartition]: String(message.partition),
      [DLQ_HEADERS.originalOffset]: message.offset,
      [DLQ_HEADERS.at]: at.toISOString(),
    },
  };
}

/** A message read back from the dead-letter topic. */
export interface DeadLetter {
  readonly message: InboundMessage;
  readonly code: string;
  readonly reason: string;
  readonly originalTopic: string;
  readonly originalPartition: number;
  readonly originalOffset: string;
  readonly at: string;
  readonly replayOf?: string;
}

export class NotADeadLetterError extends Error {
  readonly code = 'DLQ.NOT_A_DEAD_LETTER';
  constructor(readonly where: string, missing: string) {
    super(`${where} is not a dead letter: header ${missing} is missing`);
    this.name = 'NotADeadLetterError';
  }
}

export function readDeadLetter(message: InboundMessage): DeadLetter {
  const where = `${message.topic}:${message.partition}:${message.offset}`;
  const header = (name: string): string => {
    const value = message.headers[name];
    if (value === undefined) throw new NotADeadLetterError(where, name);
    return value;
  };
  return {
    message,
    code: header(DLQ_HEADERS.reasonCode),
    reason: header(DLQ_HEADERS.reason),
    originalTopic: header(DLQ_HEADERS.originalTopic),
    originalPartition: Number(header(DLQ_HEADERS.originalPartition)),
    originalOffset: header(DLQ_HEADERS.originalOffset),
    at: header(DLQ_HEADERS.at),
    replayOf: message.headers[DLQ_HEADERS.replayOf],
  };
}

/**
 * The dead letter as its original topic should see it again. The key is the customer id read from
 * the value when there is one (a message keyed wrongly is re-keyed, so it lands in the customer's
 * partition), else the original key.
 */
export function replayOf(letter: DeadLetter): OutboundMessage {
  const { message } = letter;
  return {
    topic: letter.originalTopic,
    key: customerIdIn(message.value) ?? message.key,
    value: message.value,
    headers: { ...foreignHeaders(message.headers), [DLQ_HEADERS.replayOf]: `${message.topic}:${message.partition}:${message.offset}` },
  };
}

const foreignHeaders = (headers: Readonly<Record<string, string>>): Record<string, string> =>
  Object.fromEntries(Object.entries(headers).filter(([name]) => !OWN_HEADERS.has(name)));

const customerIdIn = (value: Buffer | null): string | undefined => {
  if (value === null) return undefined;
  try {
    const parsed: unknown = JSON.parse(value.toString('utf8'));
    const id = typeof parsed === 'object' && parsed !== null ? (parsed as { customerId?: unknown }).customerId : undefined;
    return typeof id === 'string' && id !== '' ? id : undefined;
  } catch {
    return undefined;
  }
};
