import { PersistentMap } from './persistent-map';

describe('PersistentMap', () => {
  it('returns a new map from set and leaves the old one as it was', () => {
    const empty = PersistentMap.empty<number>();
    const one = empty.set('a', 1);
    const two = one.set('b', 2);
    const replaced = two.set('a', 10);
    expect([empty.size, one.size, two.size, replaced.size]).toEqual([0, 1, 2, 2]);
    expect([one.get('a'), one.has('b'), two.get('b'), replaced.get('a'), two.get('a')]).toEqual([1, false, 2, 10, 1]);
  });

  it('holds thousands of keys and lists every one', () => {
    let map = PersistentMap.empty<number>();
    for (let i = 0; i < 3000; i++) map = map.set(`o-${i}`, i);
    expect(map.size).toBe(3000);
    expect([...map.values()].sort((a, b) => a - b)).toEqual(Array.from({ length: 3000 }, (_, i) => i));
    expect(map.get('o-2999')).toBe(2999);
    expect(map.get('o-3000')).toBeUndefined();
  });
});
