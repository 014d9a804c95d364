import fc from 'fast-check';
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

/** The map as it was before small maps were kept in one `Map`: 64 buckets from the first entry on. */
class BucketsOnly {
  private readonly buckets: Map<string, number>[] = Array.from({ length: 64 }, () => new Map());
  set(key: string, value: number): void {
    let hash = 0x811c9dc5;
    for (let i = 0; i < key.length; i++) hash = Math.imul(hash ^ key.charCodeAt(i), 0x01000193);
    this.buckets[(hash >>> 0) % 64]!.set(key, value);
  }
  entries(): [string, number][] {
    return this.buckets.flatMap((b) => [...b]);
  }
}

describe('PersistentMap, small and large', () => {
  it('lists, finds and counts like the bucketed map whatever the size, with repeated keys and old versions kept', () => {
    fc.assert(fc.property(fc.array(fc.tuple(fc.constantFrom(...KEYS), fc.integer()), { maxLength: 80 }), (sets) => {
      let map = PersistentMap.empty<number>();
      const model = new BucketsOnly();
      const versions: [PersistentMap<number>, [string, number][]][] = [];
      for (const [key, value] of sets) {
        map = map.set(key, value);
        model.set(key, value);
        versions.push([map, model.entries()]);
      }
      for (const [version, entries] of versions) {
        expect([...version]).toEqual(entries);
        expect([...version.values()]).toEqual(entries.map(([, v]) => v));
        expect(version.size).toBe(entries.length);
        for (const key of KEYS) {
          const found = entries.find(([k]) => k === key);
          expect([version.has(key), version.get(key)]).toEqual([found !== undefined, found?.[1]]);
        }
      }
    }), { numRuns: 300 });
  });
});

// Enough keys to cross from one Map to the buckets, several of them in one bucket.
const KEYS = Array.from({ length: 40 }, (_, i) => `order:cdnow-${String(i * 37).padStart(5, '0')}`);
