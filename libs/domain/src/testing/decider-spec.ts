import { DomainError, type DomainErrorKind } from '../shared/domain-error';
import type { Decider } from '../shared/message';
import { stateSnapshot } from './state-snapshot';

/**
 * Given/when/then for deciders, after Emmett's DeciderSpecification:
 *
 *   DeciderSpec.for(customerDecider, { now })
 *     .given([registered, purchased])
 *     .when(refund)
 *     .then([refunded]);            // or .thenNothingHappens() / .thenThrows('REFUND.EXCEEDS_PAID')
 *
 * Besides the events, it checks what every decider owes its callers: `decide` leaves the state it
 * was given untouched, and the events it decides can be folded back.
 */
export const DeciderSpec = {
  for<C, E, S, Ctx>(decider: Decider<C, E, S, Ctx>, context: Ctx) {
    return {
      given(history: readonly E[]) {
        return {
          when(command: C, whenContext: Ctx = context) {
            const run = (): readonly E[] => {
              const state = history.reduce(decider.evolve, decider.initialState());
              const before = stateSnapshot(state);
              const decided = decider.decide(command, state, whenContext);
              expect(stateSnapshot(state)).toEqual(before);
              decided.reduce(decider.evolve, state);
              return decided;
            };
            return {
              then(expected: readonly E[]): void {
                expect(run()).toEqual(expected);
              },
              thenNothingHappens(): void {
                expect(run()).toEqual([]);
              },
              /** The decided events, for specs that look at a part of them. */
              events(): readonly E[] {
                return run();
              },
              thenThrows(code: string, kind?: DomainErrorKind): DomainError {
                let thrown: unknown;
                try {
                  run();
                } catch (error) {
                  thrown = error;
                }
                expect(thrown).toBeInstanceOf(DomainError);
                const error = thrown as DomainError;
                expect({ code: error.code, ...(kind && { kind: error.kind }) }).toEqual({ code, ...(kind && { kind }) });
                return error;
              },
            };
          },
        };
      },
    };
  },
};
