import type { DataSource } from 'typeorm';
import { clvOf, ClvNoFitError, ClvNotBuiltError } from '@lifecycle/projections';
import { clvDefinitionOf } from './clv-definition';

/**
 * P(alive) from the clv projection as the lifecycle churn warning takes it (`lifecycleOf(…, pAliveOf)`):
 * as of the same instant (the clv projection's log clock when none is given), undefined when there
 * is no fit yet or no purchase by then, so the warning goes without that signal instead of failing.
 */
export function clvPAliveOf(readStore: DataSource, asOf: string | undefined): (customerId: string) => Promise<number | undefined> {
  return async (customerId) => {
    try {
      const view = await clvOf(readStore, customerId, { ...(asOf !== undefined && { asOf }), definitionOf: (v) => clvDefinitionOf(readStore, v) });
      return view?.pAlive;
    } catch (error) {
      if (error instanceof ClvNoFitError || error instanceof ClvNotBuiltError) return undefined;
      throw error;
    }
  };
}
