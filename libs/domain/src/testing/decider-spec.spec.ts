import { rejected } from '../shared/domain-error';
import type { Decider } from '../shared/message';
import { DeciderSpec } from './decider-spec';

type Counter = { count: number };
type Add = { type: 'Add'; by: number };
type Added = { type: 'Added'; by: number };

const counter = (decide: Decider<Add, Added, Counter, null>['decide']): Decider<Add, Added, Counter, null> => ({
  initialState: () => ({ count: 0 }),
  evolve: (s, e) => ({ count: s.count + e.by }),
  decide,
});
const honest = counter((c, s) => {
  if (s.count + c.by > 10) throw rejected('COUNTER.FULL', 'full');
  return c.by === 0 ? [] : [{ type: 'Added', by: c.by }];
});

describe('DeciderSpec', () => {
  const spec = DeciderSpec.for(honest, null);

  it('passes when the decided events are the expected ones, and fails when they are not', () => {
    spec.given([{ type: 'Added', by: 5 }]).when({ type: 'Add', by: 2 }).then([{ type: 'Added', by: 2 }]);
    spec.given([]).when({ type: 'Add', by: 0 }).thenNothingHappens();
    expect(() => spec.given([]).when({ type: 'Add', by: 2 }).then([{ type: 'Added', by: 3 }])).toThrow();
  });

  it('checks the refusal code and kind, and fails when nothing is refused', () => {
    spec.given([{ type: 'Added', by: 9 }]).when({ type: 'Add', by: 2 }).thenThrows('COUNTER.FULL', 'rejected');
    expect(() => spec.given([{ type: 'Added', by: 9 }]).when({ type: 'Add', by: 2 }).thenThrows('COUNTER.FULL', 'conflict')).toThrow();
    expect(() => spec.given([]).when({ type: 'Add', by: 2 }).thenThrows('COUNTER.FULL')).toThrow();
  });

  it('fails a decider that changes the state it is given', () => {
    const sloppy = counter((c, s) => {
      s.count += c.by;
      return [{ type: 'Added', by: c.by }];
    });
    expect(() => DeciderSpec.for(sloppy, null).given([]).when({ type: 'Add', by: 1 }).then([{ type: 'Added', by: 1 }])).toThrow();
  });
});
