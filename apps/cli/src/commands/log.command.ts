import { type Command, InvalidArgumentError } from 'commander';
import type { LogPosition } from '@lifecycle/event-store';
import { formatOption, printRows, type OutputFormat } from './output-format';
import { withStorage } from './open-storage';

const parsePosition = (text: string): LogPosition => {
  const match = /^(\d+):(\d+)$/.exec(text);
  if (!match) throw new InvalidArgumentError('a position is <transaction>:<position>, as printed by this command');
  return { tx: BigInt(match[1]!), pos: BigInt(match[2]!) };
};

const parseLimit = (text: string): number => {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1 || n > 10_000) throw new InvalidArgumentError('a whole number from 1 to 10000');
  return n;
};

export function registerLogCommand(program: Command): void {
  program
    .command('log')
    .description('print the global event log forward from a position')
    .option('--after <tx:pos>', 'start after this position', parsePosition)
    .option('--limit <n>', 'how many events', parseLimit, 50)
    .addOption(formatOption())
    .action(async (options: { after?: LogPosition; limit: number; format: OutputFormat }) => {
      const events = await withStorage((s) => s.eventStore.readAll({ after: options.after, maxCount: options.limit }));
      printRows(
        events.map((e) => ({ position: `${e.position.tx}:${e.position.pos}`, stream: e.streamId, revision: Number(e.revision), type: e.type })),
        options.format,
      );
    });
}
