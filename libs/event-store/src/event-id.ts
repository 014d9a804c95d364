import { v5 as uuidV5 } from 'uuid';

/**
 * Fixed for the life of the project: changing it would give every redelivered upstream message a
 * new event id, and the store would no longer recognise it as already stored.
 */
export const EVENT_ID_NAMESPACE = 'db6aafb2-6121-483a-b200-cf3ca1959df9';

/**
 * The id of the event that records one upstream fact (an order id, a refund id, an interaction id)
 * in one stream. Same inputs, same id: a repeated append of the same fact is a no-op. The stream
 * is part of the name so that one upstream id can feed events in different streams (a referral
 * rewards two customers) without the two colliding.
 */
export function eventIdFor(streamId: string, upstreamKey: string): string {
  if (streamId === '' || upstreamKey === '') throw new RangeError('eventIdFor needs a stream id and an upstream key');
  // The length prefix keeps ('ab', 'c') and ('a', 'bc') apart.
  return uuidV5(`${streamId.length}:${streamId}:${upstreamKey}`, EVENT_ID_NAMESPACE);
}
