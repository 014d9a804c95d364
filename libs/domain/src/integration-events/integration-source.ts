import type { AnyIntegrationMessage, SourceEvent } from './integration-message';

/**
 * A further producer of integration messages from the log, beside the customer and loyalty rules
 * built into the outbox fold: pure and per event (e.g. the win-back sagas' stage events ->
 * `winback.actions`). Adding one is one file exporting a source, listed in the engine's
 * INTEGRATION_SOURCES; build its messages with `integrationMessage` so keys and positions follow
 * the envelope's rules.
 */
export interface IntegrationSource {
  readonly name: string;
  /** The event types it reads; the publisher hands it no other. */
  readonly handles: readonly string[];
  readonly derive: (event: SourceEvent) => readonly AnyIntegrationMessage[];
}
