import type { AnyIntegrationMessage, SourceEvent } from './integration-message';

/**
 * Side effects of a replay are held back. A message whose fact took effect more than `maxAgeMs`
 * before its source event was written to the log is history (an import of old orders, a first start
 * on an existing log, the transitions a long-stopped log clock owes): it is counted, not sent. A
 * live event, or a tick that notices a change due since the previous tick, is news.
 */
export const isHistoryMessage = (message: AnyIntegrationMessage, source: SourceEvent, maxAgeMs: number): boolean =>
  Date.parse(message.occurredAt) < Date.parse(source.recordedAt) - maxAgeMs;
