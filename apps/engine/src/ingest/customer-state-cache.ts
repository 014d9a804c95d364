import type { LoadedCustomer } from '../customers/customer-stream';

/**
 * The last state and revision the ingest saw of each customer, most recently used kept. A hint,
 * never the truth: a stale entry is caught by the expected revision of the next append (the store
 * refuses it, the customer is read again), and a refusal decided on an entry is checked on a fresh
 * read before a message is dead-lettered. With the co-partitioned assignment this process is the
 * only ingest writer of its customers, so entries are almost always current.
 */
export class CustomerStateCache {
  private readonly entries = new Map<string, LoadedCustomer>();

  constructor(private readonly capacity: number) {}

  get(customerId: string): LoadedCustomer | undefined {
    const entry = this.entries.get(customerId);
    if (entry !== undefined) {
      // Map keeps insertion order: re-inserting makes this the most recently used.
      this.entries.delete(customerId);
      this.entries.set(customerId, entry);
    }
    return entry;
  }

  set(customerId: string, entry: LoadedCustomer): void {
    this.entries.delete(customerId);
    this.entries.set(customerId, entry);
    if (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value!);
  }

  delete(customerId: string): void {
    this.entries.delete(customerId);
  }

  clear(): void {
    this.entries.clear();
  }

  get size(): number {
    return this.entries.size;
  }
}
