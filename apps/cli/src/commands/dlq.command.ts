import { type Command, InvalidArgumentError } from 'commander';
import { type DeadLetter, kafkaMessaging, listDeadLetters, type Messaging, replayDeadLetters } from '@lifecycle/messaging';
import { ConfigError, loadEngineConfig } from '@lifecycle/engine/config/engine-config';
import type { KafkaConfig } from '@lifecycle/engine/ingest/kafka-config';
import { formatOption, printRows, type OutputFormat } from './output-format';

const parseLimit = (text: string): number => {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1 || n > 100_000) throw new InvalidArgumentError('a whole number from 1 to 100000');
  return n;
};

const parseInstant = (text: string): Date => {
  const at = new Date(text);
  if (Number.isNaN(at.getTime())) throw new InvalidArgumentError('an ISO-8601 instant, e.g. 2024-03-01T00:00:00Z');
  return at;
};

interface SelectOptions {
  code?: string[];
  topic?: string[];
  since?: Date;
  limit: number;
}

/** The same Kafka settings (KAFKA_BROKERS, KAFKA_TOPIC_DLQ...) as the engine reads. */
function kafkaFromEnv(): { kafka: KafkaConfig; messaging: Messaging } {
  const { kafka } = loadEngineConfig(process.env);
  if (!kafka) throw new ConfigError('set KAFKA_BROKERS (and KAFKA_TOPIC_DLQ if the dead-letter topic is not lifecycle.dlq)');
  return { kafka, messaging: kafkaMessaging({ brokers: kafka.brokers, clientId: `${kafka.clientId}-cli`, logLevel: 'error' }) };
}

/** The most recent `limit` dead letters that pass the filter, oldest of them first. */
async function select(options: SelectOptions): Promise<{ letters: DeadLetter[]; messaging: Messaging }> {
  const { kafka, messaging } = kafkaFromEnv();
  const all = await listDeadLetters(messaging, kafka.topics.deadLetters, { codes: options.code, originalTopics: options.topic, since: options.since });
  return { letters: all.slice(-options.limit), messaging };
}

const valueText = (value: Buffer | null): string | null => {
  if (value === null) return null;
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(value);
  } catch {
    return `base64:${value.toString('base64')}`;
  }
};

const row = (l: DeadLetter, full: boolean) => ({
  at: l.at,
  code: l.code,
  reason: full || l.reason.length <= 80 ? l.reason : `${l.reason.slice(0, 79)}…`,
  original: `${l.originalTopic}:${l.originalPartition}:${l.originalOffset}`,
  key: l.message.key?.toString('utf8') ?? null,
  deadLetter: `${l.message.partition}:${l.message.offset}`,
  ...(l.replayOf ? { replayOf: l.replayOf } : {}),
  ...(full ? { value: valueText(l.message.value) } : {}),
});

const selectionOptions = (command: Command, defaultLimit: number) =>
  command
    .option('--code <codes...>', 'only these reason codes (e.g. REFUND.UNKNOWN_ORDER)')
    .option('--topic <topics...>', 'only dead letters from these original topics')
    .option('--since <instant>', 'only dead letters written at or after this instant', parseInstant)
    .option('--limit <n>', 'at most this many, the most recent', parseLimit, defaultLimit);

/** `lifecycle dlq list|replay`: inspect the ingest's dead letters and re-drive them after a fix. */
export function registerDlqCommand(program: Command): void {
  const dlq = program.command('dlq').description('the Kafka ingest dead-letter topic (KAFKA_BROKERS, KAFKA_TOPIC_DLQ)');

  selectionOptions(dlq.command('list').description('print dead letters with their reason and origin, read from the start of the topic'), 50)
    .addOption(formatOption())
    .action(async (options: SelectOptions & { format: OutputFormat }) => {
      const { letters } = await select(options);
      printRows(letters.map((l) => row(l, options.format === 'json')), options.format);
    });

  selectionOptions(dlq.command('replay').description('publish the selected dead letters again on their original topics (safe to repeat)'), 100_000)
    .option('--dry-run', 'print what would be replayed, send nothing')
    .addOption(formatOption())
    .action(async (options: SelectOptions & { dryRun?: boolean; format: OutputFormat }) => {
      const { letters, messaging } = await select(options);
      if (!options.dryRun) await replayDeadLetters(messaging, letters);
      printRows(letters.map((l) => row(l, false)), options.format);
      process.stderr.write(`${options.dryRun ? 'would replay' : 'replayed'} ${letters.length} dead letter(s)\n`);
    });
}
