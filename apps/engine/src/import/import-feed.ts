import type { LoyaltyRules } from '@lifecycle/domain';
import { DEFAULT_INGEST_TOPICS, type InboundMessage, type IngestKind } from '@lifecycle/messaging';
import type { EngineConfig } from '../config/engine-config';
import { CustomerStream } from '../customers/customer-stream';
import { IngestBatchProcessor } from '../ingest/ingest-batch-processor';
import type { Clock } from '../storage/clock';
import type { Storage } from '../storage/storage';

/** Messages handed to the command path per call: one multi-stream append each. */
export const DEFAULT_IMPORT_BATCH = 2_000;

/** A fact read from a file, as the body a Kafka message on the kind's topic would carry. */
export interface ImportMessage {
  readonly kind: Extract<IngestKind, 'purchases' | 'refunds'>;
  readonly customerId: string;
  readonly body: Readonly<Record<string, unknown>>;
  /** Where in the file it came from (line or row number): the message offset, kept in the event metadata. */
  readonly line: number;
}

export interface ImportCount {
  readonly count: number;
  readonly reason: string;
}

/** What an import did, and what it left out and why. */
export interface ImportSummary {
  readonly source: 'cdnow' | 'online-retail';
  readonly file: string;
  /** Data rows read from the file. */
  readonly rows: number;
  /** Facts sent through the command path (orders, refunds). */
  readonly messages: number;
  /** Facts new to the log, now stored. */
  readonly recorded: number;
  /** Facts the log already held (a file imported again, or a sample after its master). */
  readonly repeated: number;
  /** Rows or facts left out before the command path, by code. */
  readonly skipped: Readonly<Record<string, ImportCount>>;
  /** Facts the command path refused, by error code (the first reason as an example). */
  readonly refused: Readonly<Record<string, ImportCount>>;
}

export interface ImportOptions {
  readonly batchSize?: number;
  /** Called as the import goes: work done and total in the stage's unit (lines, bytes, facts). */
  readonly onProgress?: (done: number, total: number, stage: string) => void;
}

/**
 * The batched command path for an import: the same IngestBatchProcessor the Kafka ingest runs
 * (decode and validate like HTTP, decide per customer, one append per batch, idempotent by the
 * upstream ids), built on the storage, rules and clock the caller opened.
 */
export function importProcessor(storage: Storage, config: EngineConfig, rules: LoyaltyRules, clock: Clock): IngestBatchProcessor {
  return new IngestBatchProcessor(new CustomerStream(storage, clock, config, rules), storage, clock, config, rules);
}

/**
 * Turns file facts into the messages Kafka would carry (topic of the kind, key = customer id, JSON
 * value) and feeds them to the processor in batches, counting what happened to each.
 */
export class ImportFeed {
  private pending: InboundMessage[] = [];
  private messages = 0;
  private recorded = 0;
  private repeated = 0;
  private readonly refused = new Map<string, { count: number; reason: string }>();
  private readonly topics: Readonly<Record<ImportMessage['kind'], string>>;

  constructor(
    private readonly processor: Pick<IngestBatchProcessor, 'process'>,
    config: Pick<EngineConfig, 'kafka'>,
    private readonly batchSize = DEFAULT_IMPORT_BATCH,
  ) {
    // The processor knows messages by topic; with KAFKA_BROKERS the topic names may be configured.
    const topics = config.kafka?.topics ?? DEFAULT_INGEST_TOPICS;
    this.topics = { purchases: topics.purchases, refunds: topics.refunds };
  }

  async push(message: ImportMessage): Promise<void> {
    this.pending.push({
      topic: this.topics[message.kind],
      partition: 0,
      offset: String(message.line),
      key: Buffer.from(message.customerId),
      value: Buffer.from(JSON.stringify({ customerId: message.customerId, ...message.body })),
      headers: {},
      timestamp: '0',
    });
    if (this.pending.length >= this.batchSize) await this.flush();
  }

  async flush(): Promise<void> {
    if (this.pending.length === 0) return;
    const batch = this.pending;
    this.pending = [];
    const outcome = await this.processor.process(batch);
    this.messages += batch.length;
    this.recorded += outcome.recorded;
    this.repeated += outcome.repeated;
    for (const r of outcome.refused) {
      const known = this.refused.get(r.code);
      if (known) known.count++;
      else this.refused.set(r.code, { count: 1, reason: r.reason });
    }
  }

  counts(): Pick<ImportSummary, 'messages' | 'recorded' | 'repeated' | 'refused'> {
    return { messages: this.messages, recorded: this.recorded, repeated: this.repeated, refused: Object.fromEntries(this.refused) };
  }
}

/** Counts of left-out rows by code, each with its reason. */
export class SkipCounter {
  private readonly skips = new Map<string, { count: number; reason: string }>();

  add(code: string, reason: string, count = 1): void {
    const known = this.skips.get(code);
    if (known) known.count += count;
    else this.skips.set(code, { count, reason });
  }

  toRecord(): Record<string, ImportCount> {
    return Object.fromEntries(this.skips);
  }
}

/** A decimal text (`29.33`, `-0.001`) as an integer number of 10^-scale units, exactly; undefined when malformed. */
export function parseDecimal(text: string, scale: number): number | undefined {
  const m = /^(-?)(\d+)(?:\.(\d+))?$/.exec(text.trim());
  if (!m) return undefined;
  const fraction = m[3] ?? '';
  if (fraction.length > scale) return undefined;
  const units = Number(m[2]) * 10 ** scale + Number(fraction.padEnd(scale, '0') || '0');
  return m[1] === '-' ? -units : units;
}
