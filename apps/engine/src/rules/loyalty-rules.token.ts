import { Inject } from '@nestjs/common';

/**
 * Nest token for the validated LoyaltyRules. The rules are a plain interface from the domain, so
 * they need a token of their own; one object, loaded once in createEngine, for the whole process.
 */
export const LOYALTY_RULES = 'LoyaltyRules';

export const InjectLoyaltyRules = () => Inject(LOYALTY_RULES);
