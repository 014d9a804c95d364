import type { Command } from 'commander';

export function registerServeCommand(program: Command): void {
  program
    .command('serve')
    .description('start the engine (same as npm start); configuration from the environment')
    .action(() => {
      require('@lifecycle/engine/main');
    });
}
