import { readFileSync } from 'node:fs';
import { parse as parseYaml, YAMLParseError } from 'yaml';
import type { LoyaltyRules } from '@lifecycle/domain';
import { ConfigError, DEFAULT_LOYALTY_RULES_PATH } from '../config/engine-config';
import { checkLoyaltyRules } from './validate-loyalty-rules';

// The default path lives with the rest of the configuration; re-exported for the rules' own callers.
export { DEFAULT_LOYALTY_RULES_PATH };

/** A rules file the engine must not start with; `problems` are `path: reason` lines. */
export class LoyaltyRulesError extends ConfigError {
  constructor(readonly source: string, readonly problems: readonly string[]) {
    super(`invalid loyalty rules in ${source}:\n  ${problems.join('\n  ')}`);
    this.name = 'LoyaltyRulesError';
  }
}

/** Reads a YAML (or JSON) rules file and validates it; throws LoyaltyRulesError naming each bad field. */
export function loadLoyaltyRules(path: string = DEFAULT_LOYALTY_RULES_PATH): LoyaltyRules {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new LoyaltyRulesError(path, [`(file): cannot be read: ${(error as Error).message}`]);
  }
  return parseLoyaltyRules(text, path);
}

export function parseLoyaltyRules(text: string, source = 'loyalty rules'): LoyaltyRules {
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (error) {
    const where = error instanceof YAMLParseError && error.linePos ? ` at line ${error.linePos[0].line}` : '';
    throw new LoyaltyRulesError(source, [`(file): is not valid YAML${where}: ${(error as Error).message.split('\n')[0]}`]);
  }
  return validateLoyaltyRules(raw, source);
}

/** Validates already parsed rules (shape with class-validator, then the rules that span fields). */
export function validateLoyaltyRules(raw: unknown, source = 'loyalty rules'): LoyaltyRules {
  const checked = checkLoyaltyRules(raw);
  if (checked.problems) throw new LoyaltyRulesError(source, checked.problems);
  return checked.rules;
}
