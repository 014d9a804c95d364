import type { Admin, ITopicConfig } from 'kafkajs';

/**
 * Creates whichever of the topics are missing and resolves, with each topic's partition count, once
 * every partition has a leader.
 *
 * kafkajs's own `waitForLeaders` gives up on the first "unknown topic or partition", which a KRaft
 * broker answers for a moment after it has accepted a new topic: its metadata cache has not caught
 * up yet. Another process may also be creating the same topic right now. Until the broker has the
 * topic with its leaders it answers "already exists", "unknown topic or partition" or "leader not
 * available"; those mean "not yet" and are retried; anything else is an error.
 */
export async function createTopicsAndWait(admin: Admin, specs: readonly ITopicConfig[], attempts = 10): Promise<Record<string, number>> {
  const wanted = specs.map((s) => s.topic);
  for (let attempt = 1; ; attempt++) {
    try {
      const existing = new Set(await admin.listTopics());
      const missing = specs.filter((s) => !existing.has(s.topic));
      if (missing.length > 0) await admin.createTopics({ topics: [...missing], waitForLeaders: false });
      const { topics: metadata } = await admin.fetchTopicMetadata({ topics: wanted });
      const leaderless = metadata.filter((t) => t.partitions.length === 0 || t.partitions.some((p) => p.leader < 0)).map((t) => t.name);
      if (leaderless.length > 0) throw new TopicsNotReadyError(leaderless);
      return Object.fromEntries(metadata.map((t) => [t.name, t.partitions.length]));
    } catch (error) {
      if (attempt >= attempts || !topicCreationInProgress(error)) throw error;
      await new Promise((resolve) => setTimeout(resolve, 200 * attempt));
    }
  }
}

const IN_PROGRESS = new Set(['TOPIC_ALREADY_EXISTS', 'UNKNOWN_TOPIC_OR_PARTITION', 'LEADER_NOT_AVAILABLE', 'NOT_LEADER_FOR_PARTITION', 'NOT_CONTROLLER']);

/** What the start fails with when a topic still has a partition without a leader after every attempt. */
export class TopicsNotReadyError extends Error {
  readonly code = 'MESSAGING.TOPICS_NOT_READY';
  constructor(readonly topics: readonly string[]) {
    super(`topics without a partition leader yet: ${topics.join(', ')}`);
    this.name = 'TopicsNotReadyError';
  }
}

function topicCreationInProgress(error: unknown): boolean {
  if (error instanceof TopicsNotReadyError) return true;
  const e = error as { type?: string; errors?: unknown[]; cause?: unknown };
  if (typeof e?.type === 'string' && IN_PROGRESS.has(e.type)) return true;
  // createTopics reports per topic (KafkaJSAggregateError); a retry gives up at its own limit (cause).
  if (Array.isArray(e?.errors) && e.errors.length > 0) return e.errors.every(topicCreationInProgress);
  return e?.cause !== undefined && topicCreationInProgress(e.cause);
}
