/**
 * The topics upstream systems publish to, one per message kind, and the dead-letter topic.
 * Every name can be changed by configuration; these are the defaults the README documents.
 */
export interface IngestTopics {
  readonly purchases: string;
  readonly refunds: string;
  readonly interactions: string;
  readonly registrations: string;
  readonly redemptions: string;
  readonly deadLetters: string;
}

export const DEFAULT_INGEST_TOPICS: IngestTopics = Object.freeze({
  purchases: 'orders.purchases',
  refunds: 'orders.refunds',
  interactions: 'customer.interactions',
  registrations: 'customer.registrations',
  redemptions: 'loyalty.redemptions',
  deadLetters: 'lifecycle.dlq',
});

/** What a message on an ingest topic asks for. */
export type IngestKind = Exclude<keyof IngestTopics, 'deadLetters'>;

export const INGEST_KINDS: readonly IngestKind[] = ['purchases', 'refunds', 'interactions', 'registrations', 'redemptions'];

/** The message contract version this engine reads; a message may state it in this header. */
export const SCHEMA_VERSION_HEADER = 'x-schema-version';
export const SCHEMA_VERSION = '1';
