import { type DeadLetter, NotADeadLetterError, readDeadLetter, replayOf } from './dead-letter';
import type { Messaging, OutboundMessage } from './messages';

export interface DeadLetterFilter {
  /** Only these reason codes (`REFUND.UNKNOWN_ORDER`); all when empty or absent. */
  readonly codes?: readonly string[];
  /** Only dead letters from these original topics. */
  readonly originalTopics?: readonly string[];
  /** Only dead letters written at or after this instant. */
  readonly since?: Date;
}

/**
 * The dead letters now in the topic, oldest first (by the time they were dead-lettered, then by
 * position). A message in the topic that is not a dead letter (written there by hand) is skipped.
 */
export async function listDeadLetters(messaging: Messaging, deadLetterTopic: string, filter: DeadLetterFilter = {}): Promise<DeadLetter[]> {
  const letters: DeadLetter[] = [];
  for (const message of await messaging.readTopic(deadLetterTopic)) {
    try {
      letters.push(readDeadLetter(message));
    } catch (error) {
      if (!(error instanceof NotADeadLetterError)) throw error;
    }
  }
  const { codes, originalTopics, since } = filter;
  return letters
    .filter((l) => !codes?.length || codes.includes(l.code))
    .filter((l) => !originalTopics?.length || originalTopics.includes(l.originalTopic))
    .filter((l) => since === undefined || Date.parse(l.at) >= since.getTime())
    .sort((a, b) => a.at.localeCompare(b.at) || a.message.partition - b.message.partition || Number(BigInt(a.message.offset) - BigInt(b.message.offset)));
}

/**
 * Publishes the dead letters again on their original topics. Safe to repeat: the ingest recognises
 * what it already stored by upstream id; what is still wrong comes back to the dead letters.
 */
export async function replayDeadLetters(messaging: Messaging, letters: readonly DeadLetter[]): Promise<OutboundMessage[]> {
  const messages = letters.map(replayOf);
  if (messages.length === 0) return messages;
  const producer = await messaging.producer();
  try {
    await producer.send(messages);
  } finally {
    await producer.close();
  }
  return messages;
}
