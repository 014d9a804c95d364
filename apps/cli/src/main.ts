import { Command } from 'commander';
import { registerCampaignsCommand } from './commands/campaigns.command';
import { registerClvCommand } from './commands/clv.command';
import { registerDlqCommand } from './commands/dlq.command';
import { registerHistoryCommand } from './commands/history.command';
import { registerImportCommand } from './commands/import.command';
import { registerLogCommand } from './commands/log.command';
import { registerProjectionsCommand } from './commands/projections.command';
import { registerReportCommand } from './commands/report.command';
import { registerServeCommand } from './commands/serve.command';

/** `lifecycle`: the engine's command line. Each command lives in commands/<name>.command.ts. */
export function buildCli(): Command {
  const program = new Command('lifecycle')
    .description('Lifecycle Engine: event-sourced customer lifecycle')
    .showHelpAfterError()
    .configureOutput({ outputError: (text, write) => write(text) });
  registerServeCommand(program);
  registerHistoryCommand(program);
  registerLogCommand(program);
  registerDlqCommand(program);
  registerClvCommand(program);
  registerImportCommand(program);
  registerReportCommand(program);
  registerCampaignsCommand(program);
  registerProjectionsCommand(program);
  return program;
}

if (require.main === module || process.argv[1]?.endsWith('lifecycle.js')) {
  buildCli()
    .parseAsync(process.argv)
    .catch((error: unknown) => {
      process.stderr.write(`lifecycle: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exitCode = 1;
    });
}
