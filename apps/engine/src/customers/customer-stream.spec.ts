import { randomBytes } from 'node:crypto';
import { InMemoryEventStore, type EventStore } from '@lifecycle/event-store';
import type { PersonalDataVault } from '@lifecycle/privacy';
import { validateEngineConfig } from '../config/engine-config';
import { RetriesExhaustedError } from '../errors/api-error';
import { loadLoyaltyRules } from '../rules/load-loyalty-rules';
import { Clock } from '../storage/clock';
import { Storage } from '../storage/storage';
import { CustomerStream } from './customer-stream';

class FixedClock extends Clock {
  now = () => new Date('2024-06-01T00:00:00Z');
}

const rules = loadLoyaltyRules();

const storageOn = (eventStore: EventStore): Storage =>
  Object.assign(Object.create(Storage.prototype) as Storage, { kind: 'embedded', eventStore, vault: {} as PersonalDataVault, sql: {} });

const purchase = (orderId: string, amount = 1000) => ({
  type: 'RecordPurchase' as const,
  data: { customerId: 'c-1', orderId, amount, currency: 'EUR', occurredAt: '2024-05-01T10:00:00Z' },
});

/** A store on which another writer appends to the stream just before each of our first `races` appends. */
function racingStore(races: number): { store: EventStore; appendCalls: () => number } {
  const inner = new InMemoryEventStore();
  let calls = 0;
  const store = new Proxy(inner, {
    get(target, prop, receiver) {
      if (prop !== 'appendToStream') return Reflect.get(target, prop, receiver);
      return async (...args: Parameters<EventStore['appendToStream']>) => {
        calls++;
        if (calls <= races) {
          const rival = new CustomerStream(storageOn(inner), new FixedClock(), validateEngineConfig({ appendAttempts: 1 }), rules);
          await rival.execute(purchase(`rival-${calls}`, 1), () => undefined, 'rival');
        }
        return target.appendToStream(...args);
      };
    },
  });
  return { store, appendCalls: () => calls };
}

describe('CustomerStream: load, decide, append with the expected revision, retry on conflict', () => {
  it('retries after a concurrent writer and records the command once, on top of the rival', async () => {
    const { store, appendCalls } = racingStore(2);
    const stream = new CustomerStream(storageOn(store), new FixedClock(), validateEngineConfig({ appendAttempts: 5 }), rules);
    const answer = await stream.execute(purchase('o-mine'), (s) => s, 'test');
    expect(appendCalls()).toBe(3);
    const types = (await store.readStream('customer-c-1')).map((e) => (e.type === 'PurchaseRecorded' ? (e.data as { orderId: string }).orderId : e.type));
    // The rivals' 1 cent earns no point; our 10 euros earn 10 under the shipped rules.
    expect(types).toEqual(['CustomerRegistered', 'rival-1', 'rival-2', 'o-mine', 'PointsEarned']);
    expect(answer).toBeDefined();
  });

  it('gives up with RetriesExhaustedError (HTTP 409) when every attempt loses, and stores nothing of its own', async () => {
    const { store } = racingStore(100);
    const stream = new CustomerStream(storageOn(store), new FixedClock(), validateEngineConfig({ appendAttempts: 3 }), rules);
    await expect(stream.execute(purchase('o-mine'), () => undefined, 'test')).rejects.toBeInstanceOf(RetriesExhaustedError);
    const orders = (await store.readStream('customer-c-1')).map((e) => (e.data as { orderId?: string }).orderId);
    expect(orders).not.toContain('o-mine');
  });

  it('appends nothing for an idempotent repeat', async () => {
    const store = new InMemoryEventStore();
    const stream = new CustomerStream(storageOn(store), new FixedClock(), validateEngineConfig({ masterKey: randomBytes(32).toString('base64') }), rules);
    await stream.execute(purchase('o-1'), () => undefined, 'test');
    const before = await store.readAll({ maxCount: 100 });
    await stream.execute(purchase('o-1'), () => undefined, 'test');
    expect(await store.readAll({ maxCount: 100 })).toEqual(before);
  });
});
