import fc from 'fast-check';
import { base36, cyrb53, digestOf } from './digest';

describe('digestOf', () => {
  it('spells integers in base 36 exactly as Number#toString(36)', () => {
    for (const n of [0, 1, 35, 36, 37, 36 ** 5, 2 ** 32, 2 ** 53 - 1]) expect(base36(n)).toBe(n.toString(36));
    fc.assert(fc.property(fc.maxSafeNat(), (n) => base36(n) === n.toString(36)), { numRuns: 2000 });
  });

  it('is the base-36 cyrb53 of the facts as JSON, so digests already kept in states still match', () => {
    fc.assert(fc.property(fc.jsonValue(), (facts) => digestOf(facts) === cyrb53(JSON.stringify(facts)).toString(36)));
    expect(digestOf([1000, 'USD', '1997-01-01T00:00:00.000Z', null, null, [], null])).toBe(cyrb53('[1000,"USD","1997-01-01T00:00:00.000Z",null,null,[],null]').toString(36));
  });
});
