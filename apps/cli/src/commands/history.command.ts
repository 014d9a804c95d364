import type { Command } from 'commander';
import { toCustomerStreamId } from '@lifecycle/domain';
import { formatOption, printRows, type OutputFormat } from './output-format';
import { withStorage } from './open-storage';

export function registerHistoryCommand(program: Command): void {
  program
    .command('history')
    .description("print one customer's events (personal data stays sealed)")
    .argument('<customerId>')
    .addOption(formatOption())
    .action(async (customerId: string, options: { format: OutputFormat }) => {
      const events = await withStorage((s) => s.eventStore.readStream(toCustomerStreamId(customerId)));
      printRows(
        events.map((e) => ({ revision: Number(e.revision), type: e.type, recordedAt: e.recordedAt.toISOString(), data: e.data })),
        options.format,
      );
    });
}
