import type { DecisionContext } from '../shared/message';
import type { LoyaltyRules } from './loyalty-rules';

/** A loyalty decision without rules in the context: an engine wiring bug, not bad input. */
export class LoyaltyRulesMissingError extends Error {
  readonly code = 'LOYALTY.RULES_MISSING';
  constructor(what: string) {
    super(`${what} needs the loyalty rules in the decision context`);
    this.name = 'LoyaltyRulesMissingError';
  }
}

export const requireRules = (context: DecisionContext, what = 'a loyalty command'): LoyaltyRules => {
  if (!context.rules) throw new LoyaltyRulesMissingError(what);
  return context.rules;
};
