/** Events and commands are plain readonly data: `{ type, data }`. No classes, no decorators. */
export type Event<Type extends string, Data extends object> = Readonly<{ type: Type; data: Readonly<Data> }>;
export type Command<Type extends string, Data extends object> = Readonly<{ type: Type; data: Readonly<Data> }>;

import type { LoyaltyRules } from '../loyalty/loyalty-rules';

/** What `decide` is given besides the command and the state: time, ids and rules come from outside. */
export interface DecisionContext {
  /** Wall-clock instant of the decision (ISO-8601). Used only for bookkeeping, never for classification. */
  readonly now: string;
  /**
   * The loyalty rules in force (validated at start-up). Without them a purchase earns nothing and
   * changes no tier, and loyalty commands are an engine bug (LoyaltyRulesMissingError).
   */
  readonly rules?: LoyaltyRules;
}

export interface Decider<C, E, S, Ctx = DecisionContext> {
  readonly initialState: () => S;
  readonly evolve: (state: S, event: E) => S;
  readonly decide: (command: C, state: S, context: Ctx) => readonly E[];
}
