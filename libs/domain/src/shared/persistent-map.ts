/**
 * An immutable string-keyed map whose `set` costs O(buckets + size / buckets) instead of O(size).
 *
 * `evolve` must not mutate the state it is given (callers keep old states, e.g. to compare before
 * and after), yet a customer with thousands of orders must fold in linear time. Copying a whole
 * `Map` per event would make that fold quadratic; copying one bucket and the bucket array keeps it
 * cheap. Deliberately simpler than a HAMT: one level of 64 buckets is plenty for the thousands of
 * entries a single customer stream holds.
 *
 * Most maps hold a handful of entries (a customer's orders, lots, tier triggers), and for those the
 * 64-slot array is most of the cost of a `set`. Up to SMALL entries the map is plain arrays,
 * copied whole per `set` and kept in the order the buckets would list; past that it switches to
 * the buckets. Iteration is in the same order either way: bucket by bucket, and within a bucket in
 * the order keys were first set.
 */
const BUCKETS = 64;
const SMALL = 16;

export class PersistentMap<V> implements Iterable<readonly [string, V]> {
  private static readonly EMPTY = new PersistentMap<never>([], 0, [], [], []);

  private constructor(
    private readonly buckets: readonly (ReadonlyMap<string, V> | undefined)[],
    readonly size: number,
    // While there are at most SMALL entries (and `buckets` is empty): keys, values and the bucket of
    // each key, side by side in iteration order.
    private readonly keys: readonly string[],
    private readonly vals: readonly V[],
    private readonly keyBuckets: readonly number[],
  ) {}

  static empty<V>(): PersistentMap<V> {
    return PersistentMap.EMPTY;
  }

  get(key: string): V | undefined {
    if (this.buckets.length === 0) {
      const at = this.keys.indexOf(key);
      return at < 0 ? undefined : this.vals[at];
    }
    return this.buckets[bucketOf(key)]?.get(key);
  }

  has(key: string): boolean {
    if (this.buckets.length === 0) return this.keys.includes(key);
    return this.buckets[bucketOf(key)]?.has(key) ?? false;
  }

  set(key: string, value: V): PersistentMap<V> {
    if (this.buckets.length === 0) {
      const known = this.keys.indexOf(key);
      if (known >= 0) {
        const vals = [...this.vals];
        vals[known] = value;
        return new PersistentMap<V>([], this.size, this.keys, vals, this.keyBuckets);
      }
      const index = bucketOf(key);
      if (this.size < SMALL) {
        // After the entries of its bucket and of those before it: where the buckets would list it.
        let at = 0;
        while (at < this.size && this.keyBuckets[at]! <= index) at++;
        return new PersistentMap<V>([], this.size + 1, inserted(this.keys, at, key), inserted(this.vals, at, value), inserted(this.keyBuckets, at, index));
      }
      // One past SMALL: into buckets, each filled in the order its keys were first set.
      const buckets = new Array<Map<string, V> | undefined>(BUCKETS);
      for (let i = 0; i < this.size; i++) (buckets[this.keyBuckets[i]!] ??= new Map()).set(this.keys[i]!, this.vals[i]!);
      (buckets[index] ??= new Map()).set(key, value);
      return new PersistentMap<V>(buckets, this.size + 1, [], [], []);
    }
    const index = bucketOf(key);
    const old = this.buckets[index];
    const bucket = new Map(old);
    bucket.set(key, value);
    const buckets = [...this.buckets];
    buckets[index] = bucket;
    return new PersistentMap(buckets, this.size + (old?.has(key) ? 0 : 1), [], [], []);
  }

  values(): IterableIterator<V> {
    if (this.buckets.length === 0) return this.vals.values();
    return this.entryList().map(([, value]) => value).values();
  }

  [Symbol.iterator](): IterableIterator<readonly [string, V]> {
    if (this.buckets.length === 0) return this.keys.map((key, i): readonly [string, V] => [key, this.vals[i]!]).values();
    return this.entryList().values();
  }

  private entryList(): (readonly [string, V])[] {
    const list: (readonly [string, V])[] = [];
    for (const bucket of this.buckets) if (bucket) for (const entry of bucket) list.push(entry);
    return list;
  }
}

const inserted = <T>(list: readonly T[], at: number, item: T): T[] => {
  const copy = list.slice(0, at);
  copy.push(item);
  for (let i = at; i < list.length; i++) copy.push(list[i]!);
  return copy;
};

// FNV-1a (32 bit): spreads short, similar ids ("o-1001", "o-1002") evenly over the buckets.
const bucketOf = (key: string): number => {
  let hash = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    hash ^= key.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0) % BUCKETS;
};
