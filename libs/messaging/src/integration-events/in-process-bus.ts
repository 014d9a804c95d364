import type { AnyIntegrationMessage } from '@lifecycle/domain';
import type { IntegrationTransport } from './integration-transport';

export type IntegrationSubscriber = (message: AnyIntegrationMessage) => void | Promise<void>;

/**
 * The embedded default: subscribers in the same process (tests, the quick start, in-process sagas).
 * Each message goes to every subscriber in order, one message at a time; a subscriber that throws
 * fails the publish, so the publisher sends the batch again (at least once, with the same keys) and
 * subscribers dedupe by `idempotencyKey`. Nothing is kept: a message with no subscriber is gone.
 */
export class InProcessIntegrationBus implements IntegrationTransport {
  private readonly subscribers = new Set<IntegrationSubscriber>();

  /** Returns the unsubscribe function. */
  subscribe(subscriber: IntegrationSubscriber): () => void {
    this.subscribers.add(subscriber);
    return () => this.subscribers.delete(subscriber);
  }

  async publish(messages: readonly AnyIntegrationMessage[]): Promise<void> {
    for (const message of messages) {
      for (const subscriber of [...this.subscribers]) await subscriber(message);
    }
  }

  async close(): Promise<void> {
    this.subscribers.clear();
  }
}
