import { type EventStore, readLogPages } from '@lifecycle/event-store';
import type { IngestKind } from '@lifecycle/messaging';

/**
 * A deterministic mix of ingest messages, as upstream systems would send them: registrations and
 * purchases first, then interactions and refunds (which need a customer and an order to exist),
 * with exact redeliveries and garbage mixed in. Each message says what it must leave behind.
 */
export interface WorkloadMessage {
  readonly kind: IngestKind;
  readonly key: string | null;
  readonly value: Buffer | null;
  /** A new fact (`<EventType>|<customerId>|<upstream id>`), a redelivery, or a dead letter with its code. */
  readonly expect: { readonly fact: string } | { readonly repeat: true } | { readonly refused: string };
}

export interface Workload {
  /** Phase 2 may be produced only once phase 1 is stored: Kafka orders a customer's messages per topic, not across topics. */
  readonly phases: readonly [readonly WorkloadMessage[], readonly WorkloadMessage[]];
  /** Every fact the valid messages carry, once each. */
  readonly facts: readonly string[];
  readonly refused: readonly WorkloadMessage[];
}

export interface WorkloadSize {
  readonly total: number;
  readonly customers: number;
  readonly duplicateRate?: number;
  readonly garbageRate?: number;
  readonly prefix: string;
  readonly seed?: number;
}

// A small LCG: the same seed gives the same workload, so a failure can be replayed.
const random = (seed: number) => {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
};

const json = (body: object) => Buffer.from(JSON.stringify(body));

export function ingestWorkload(size: WorkloadSize): Workload {
  const rnd = random(size.seed ?? 42);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  const duplicates = Math.round(size.total * (size.duplicateRate ?? 0.05));
  const garbage = Math.round(size.total * (size.garbageRate ?? 0.01));
  const valid = size.total - duplicates - garbage;
  const customer = (i: number) => `${size.prefix}-c${i}`;
  const customers = Array.from({ length: size.customers }, (_, i) => customer(i));

  // Phase 1: a registration for half of the customers, purchases for all of them (round robin).
  const phase1Valid = Math.round(valid * 0.6);
  const registrations = Math.min(Math.floor(size.customers / 2), Math.floor(phase1Valid / 4));
  const orders: { customerId: string; orderId: string; amount: number }[] = [];
  const p1: WorkloadMessage[] = [];
  for (let i = 0; i < registrations; i++) {
    const customerId = customer(i);
    p1.push({ kind: 'registrations', key: customerId, value: json({ customerId, registeredAt: '2024-01-05T09:00:00Z', channel: pick(['web', 'store', 'app']) }), expect: { fact: `CustomerRegistered|${customerId}|explicit` } });
  }
  for (let n = 0; p1.length < phase1Valid; n++) {
    const customerId = customer(n % size.customers);
    const orderId = `${size.prefix}-o${n}`;
    const amount = 500 + Math.floor(rnd() * 20_000);
    orders.push({ customerId, orderId, amount });
    const day = String(1 + (n % 28)).padStart(2, '0');
    p1.push({ kind: 'purchases', key: customerId, value: json({ customerId, orderId, amount, currency: 'EUR', occurredAt: `2024-02-${day}T10:00:00Z` }), expect: { fact: `PurchaseRecorded|${customerId}|${orderId}` } });
  }

  // Phase 2: refunds of distinct phase-1 orders, interactions of known customers.
  const p2: WorkloadMessage[] = [];
  const phase2Valid = valid - phase1Valid;
  const refunds = Math.min(Math.floor(phase2Valid / 5), orders.length);
  for (let r = 0; r < refunds; r++) {
    const order = orders[(r * 7) % orders.length]!;
    const refundId = `${size.prefix}-r${r}`;
    p2.push({ kind: 'refunds', key: order.customerId, value: json({ customerId: order.customerId, refundId, orderId: order.orderId, amount: Math.ceil(order.amount / 2), occurredAt: '2024-03-04T08:00:00Z' }), expect: { fact: `PurchaseRefunded|${order.customerId}|${refundId}` } });
  }
  for (let n = 0; p2.length < phase2Valid; n++) {
    const customerId = pick(customers);
    const interactionId = `${size.prefix}-i${n}`;
    const survey = n % 10 === 0;
    const body = survey
      ? { customerId, interactionId, kind: 'survey', satisfaction: 1 + (n % 5), occurredAt: '2024-03-05T12:00:00Z' }
      : { customerId, interactionId, kind: pick(['email_open', 'email_click', 'app_visit', 'support_contact']), occurredAt: '2024-03-05T12:00:00Z' };
    p2.push({ kind: 'interactions', key: customerId, value: json(body), expect: { fact: `InteractionRecorded|${customerId}|${interactionId}` } });
  }
  const facts = [...p1, ...p2].map((m) => (m.expect as { fact: string }).fact);

  // Garbage: the envelope and the contract in both phases; rule refusals (which need phase-1 facts) in phase 2.
  const someone = customer(0);
  const firstOrder = orders[0]!;
  const shapeGarbage = (g: number): WorkloadMessage => {
    const marker = `${size.prefix}-g${g}`;
    switch (g % 7) {
      case 0: return { kind: 'purchases', key: marker, value: Buffer.from(`{"customerId":"${marker}", "orderId":`), expect: { refused: 'REQUEST.MALFORMED_JSON' } };
      case 1: return { kind: 'interactions', key: marker, value: Buffer.from(`["${marker}"]`), expect: { refused: 'REQUEST.MALFORMED_JSON' } };
      case 2: return { kind: 'registrations', key: marker, value: null, expect: { refused: 'REQUEST.MALFORMED_JSON' } };
      case 3: return { kind: 'purchases', key: marker, value: json({ customerId: marker, orderId: marker, amount: 100, currency: 'EUR', occurredAt: '2024-02-01T10:00:00Z', shoeSize: 42 }), expect: { refused: 'REQUEST.VALIDATION_FAILED' } };
      case 4: return { kind: 'purchases', key: marker, value: json({ customerId: marker, orderId: marker, amount: '100', currency: 'EUR', occurredAt: '2024-02-01T10:00:00Z' }), expect: { refused: 'REQUEST.VALIDATION_FAILED' } };
      case 5: return { kind: 'refunds', key: marker, value: json({ customerId: marker, refundId: marker, orderId: 'o-1', amount: 10 }), expect: { refused: 'REQUEST.VALIDATION_FAILED' } };
      default: return { kind: 'purchases', key: `${marker}-not-the-customer`, value: json({ customerId: marker, orderId: marker, amount: 100, currency: 'EUR', occurredAt: '2024-02-01T10:00:00Z' }), expect: { refused: 'MESSAGE.KEY_MISMATCH' } };
    }
  };
  const ruleGarbage = (g: number): WorkloadMessage => {
    const marker = `${size.prefix}-g${g}`;
    switch (g % 4) {
      case 0: return { kind: 'refunds', key: someone, value: json({ customerId: someone, refundId: marker, orderId: `${marker}-no-such-order`, amount: 10, occurredAt: '2024-03-04T08:00:00Z' }), expect: { refused: 'REFUND.UNKNOWN_ORDER' } };
      case 1: return { kind: 'interactions', key: someone, value: json({ customerId: someone, interactionId: marker, kind: 'email_open', satisfaction: 5, occurredAt: '2024-03-05T12:00:00Z' }), expect: { refused: 'INTERACTION.INVALID_SCORE' } };
      case 2: return { kind: 'purchases', key: firstOrder.customerId, value: json({ customerId: firstOrder.customerId, orderId: firstOrder.orderId, amount: firstOrder.amount + 1 + g, currency: 'EUR', occurredAt: '2024-02-01T10:00:00Z' }), expect: { refused: 'PURCHASE.ORDER_CONFLICT' } };
      default: return { kind: 'purchases', key: someone, value: json({ customerId: someone, orderId: marker, amount: 100, currency: 'USD', occurredAt: '2024-03-06T10:00:00Z' }), expect: { refused: 'PURCHASE.CURRENCY_MISMATCH' } };
    }
  };
  const g1 = Math.floor(garbage / 2);
  const refused = [
    ...Array.from({ length: g1 }, (_, g) => shapeGarbage(g)),
    ...Array.from({ length: garbage - g1 }, (_, g) => (g % 2 === 0 ? ruleGarbage(g1 + g) : shapeGarbage(g1 + g))),
  ];

  // Redeliveries: exact copies (key and value) of valid messages. Where a copy lands before its
  // original, the copy is the first delivery and the original the repeat: the same store either way.
  const d1 = Math.round(duplicates * 0.6);
  const withRepeats = (valid: WorkloadMessage[], earlier: readonly WorkloadMessage[], count: number, junk: readonly WorkloadMessage[]) => {
    const out = [...valid];
    for (let d = 0; d < count; d++) {
      const original = pick([...earlier, ...valid]);
      out.splice(Math.floor(rnd() * (out.length + 1)), 0, { ...original, expect: { repeat: true } });
    }
    for (const j of junk) out.splice(Math.floor(rnd() * (out.length + 1)), 0, j);
    return out;
  };
  const phase1 = withRepeats(p1, [], d1, refused.slice(0, g1));
  const phase2 = withRepeats(p2, p1, duplicates - d1, refused.slice(g1));
  return { phases: [phase1, phase2], facts, refused };
}

/**
 * The facts in the store, in the workload's spelling (implicit registrations are not facts of a
 * message), up to the last committed event: an empty page can be a transaction open elsewhere.
 */
export async function storedFacts(store: Pick<EventStore, 'readAll' | 'committedHeadPosition'>): Promise<string[]> {
  const facts: string[] = [];
  for await (const page of readLogPages(store)) {
    for (const e of page) {
      const d = e.data as Record<string, unknown>;
      if (e.type === 'CustomerRegistered' && d.implicit !== true) facts.push(`CustomerRegistered|${d.customerId}|explicit`);
      if (e.type === 'PurchaseRecorded') facts.push(`PurchaseRecorded|${d.customerId}|${d.orderId}`);
      if (e.type === 'PurchaseRefunded') facts.push(`PurchaseRefunded|${d.customerId}|${d.refundId}`);
      if (e.type === 'InteractionRecorded') facts.push(`InteractionRecorded|${d.customerId}|${d.interactionId}`);
    }
  }
  return facts;
}
