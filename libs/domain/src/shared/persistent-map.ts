/**
 * An immutable string-keyed map whose `set` costs O(buckets + size / buckets) instead of O(size).
 *
 * `evolve` must not mutate the state it is given (callers keep old states, e.g. to compare before
 * and after), yet a customer with thousands of orders must fold in linear time. Copying a whole
 * `Map` per event would make that fold quadratic; copying one bucket and the bucket array keeps it
 * cheap. Deliberately simpler than a HAMT: one level of 64 buckets is plenty for the thousands of
 * entries a single customer stream holds.
 */
const BUCKETS = 64;

export class PersistentMap<V> implements Iterable<readonly [string, V]> {
  private static readonly EMPTY = new PersistentMap<never>([], 0);

  private constructor(
    private readonly buckets: readonly (ReadonlyMap<string, V> | undefined)[],
    readonly size: number,
  ) {}

  static empty<V>(): PersistentMap<V> {
    return PersistentMap.EMPTY;
  }

  get(key: string): V | undefined {
    return this.buckets[bucketOf(key)]?.get(key);
  }

  has(key: string): boolean {
    return this.buckets[bucketOf(key)]?.has(key) ?? false;
  }

  set(key: string, value: V): PersistentMap<V> {
    const index = bucketOf(key);
    const old = this.buckets[index];
    const bucket = new Map(old);
    bucket.set(key, value);
    const buckets = this.buckets.length === 0 ? new Array<ReadonlyMap<string, V> | undefined>(BUCKETS) : [...this.buckets];
    buckets[index] = bucket;
    return new PersistentMap(buckets, this.size + (old?.has(key) ? 0 : 1));
  }

  *values(): IterableIterator<V> {
    for (const [, value] of this) yield value;
  }

  *[Symbol.iterator](): IterableIterator<readonly [string, V]> {
    for (const bucket of this.buckets) if (bucket) yield* bucket;
  }
}

// FNV-1a (32 bit): spreads short, similar ids ("o-1001", "o-1002") evenly over the buckets.
const bucketOf = (key: string): number => {
  let hash = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    hash ^= key.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0) % BUCKETS;
};
