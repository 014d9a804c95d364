import { isClockTicked } from '../clock/clock.events';
import { type CustomerStreamEvent, isCustomerEvent } from '../customer/customer.events';
import { isLoyaltyEvent } from '../loyalty/loyalty.events';
import { advanceLifecycle, evolveLifecycle, initialLifecycleState, type LifecycleState, type LifecycleTransition, nextLifecycleDueAt } from '../lifecycle/lifecycle';
import type { LifecycleThresholds } from '../lifecycle/lifecycle-thresholds';
import { type AnyIntegrationMessage, integrationMessage, type SourceEvent } from './integration-message';
import type { IntegrationSource } from './integration-source';
import { deriveLoyaltyMessages, type PendingGreeting } from './loyalty-messages';

/**
 * The outbox fold: the global log in, integration messages out. Pure; the publisher loads the state
 * it needs, calls `deriveOutboxBatch`, publishes, then commits the changed state with its checkpoint.
 *
 * Lifecycle transitions are not events in the log: they are derived here with the lifecycle rules,
 * on the log's own clock (the running maximum of event times and ClockTicked instants, in log order),
 * never the wall clock. When the clock moves, every customer whose next change is due by then is
 * advanced at that event, so the messages (and their keys) do not depend on where batches begin.
 */

/** What the outbox remembers of one customer between batches. */
export interface OutboxCustomer {
  readonly customerId: string;
  /** Stage facts only (registration, purchases, erasure): the churn facts are not needed here. */
  readonly lifecycle: LifecycleState;
  readonly pendingGreetings: readonly PendingGreeting[];
}

export interface OutboxState {
  /** The log's clock: the latest event time read so far (null before any). */
  readonly clock: string | null;
  /**
   * The customers this batch may touch: every customer of the batch that has been seen before, and
   * every customer whose next lifecycle change is due at or before `outboxBatchClock(...)` (see `outboxDueAt`).
   */
  readonly customers: ReadonlyMap<string, OutboxCustomer>;
}

export interface OutboxStep {
  readonly clock: string | null;
  /** The customers changed by the batch, to be stored with the checkpoint. */
  readonly changed: ReadonlyMap<string, OutboxCustomer>;
  readonly messages: readonly AnyIntegrationMessage[];
}

export const initialOutboxCustomer = (customerId: string): OutboxCustomer => ({
  customerId, lifecycle: initialLifecycleState(customerId), pendingGreetings: [],
});

/** When time alone next changes this customer's stage (the publisher indexes it); null for never. */
export const outboxDueAt = (customer: OutboxCustomer, thresholds: LifecycleThresholds): string | null => nextLifecycleDueAt(customer.lifecycle, thresholds);

/** The instant an event moves the log's clock to, if it carries one. */
export const logTimeOf = (event: { readonly type: string; readonly data: unknown }): string | null => {
  const d = event.data as Record<string, unknown>;
  const text = (value: unknown): string | null => (typeof value === 'string' ? value : null);
  if (isClockTicked(event)) return text(d.at);
  switch (event.type) {
    case 'CustomerRegistered':
      return text(d.registeredAt);
    case 'PurchaseRecorded':
    case 'PurchaseRefunded':
    case 'InteractionRecorded':
      return text(d.occurredAt);
    case 'CustomerErased':
      return text(d.erasedAt);
    default:
      return null;
  }
};

/** The customer a customer-stream event belongs to; undefined for other streams (clock, sagas). */
export const outboxCustomerIdOf = (event: SourceEvent): string | undefined => {
  if (!isCustomerEvent(event) && !isLoyaltyEvent(event)) return undefined;
  const id = (event.data as { customerId?: unknown }).customerId;
  return typeof id === 'string' ? id : undefined;
};

/** The clock after the batch: which customers are due in it is asked with this instant. */
export const outboxBatchClock = (clock: string | null, events: readonly SourceEvent[]): string | null =>
  events.reduce<string | null>((c, e) => later(c, logTimeOf(e)), clock);

/** The churn facts (interactions, answers) never change a stage: the outbox does not keep them. */
const stageFactsOnly = (s: LifecycleState): LifecycleState =>
  s.engagementTimes.length + s.complaintTimes.length + s.satisfactionAnswers.length + s.npsAnswers.length === 0
    ? s
    : { ...s, engagementTimes: [], complaintTimes: [], satisfactionAnswers: [], npsAnswers: [] };

const later = (a: string | null, b: string | null): string | null => (b === null || (a !== null && a >= b) ? a : b);

export function deriveOutboxBatch(
  state: OutboxState, events: readonly SourceEvent[], thresholds: LifecycleThresholds, sources: readonly IntegrationSource[] = [],
): OutboxStep {
  const customers = new Map(state.customers);
  const changed = new Map<string, OutboxCustomer>();
  const messages: AnyIntegrationMessage[] = [];
  // Customers waiting for time to move them, in due order (ties in id order, so the order of the
  // messages does not depend on the order the publisher loaded them in).
  const due: { at: string; id: string }[] = [];
  const before = (a: { at: string; id: string }, b: { at: string; id: string }) => a.at < b.at || (a.at === b.at && a.id < b.id);
  const schedule = (c: OutboxCustomer) => {
    const at = outboxDueAt(c, thresholds);
    if (at === null) return;
    const entry = { at, id: c.customerId };
    let lo = 0;
    let hi = due.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (before(due[mid]!, entry)) lo = mid + 1;
      else hi = mid;
    }
    due.splice(lo, 0, entry);
  };
  for (const c of customers.values()) {
    const at = outboxDueAt(c, thresholds);
    if (at !== null) due.push({ at, id: c.customerId });
  }
  due.sort((a, b) => (before(a, b) ? -1 : before(b, a) ? 1 : 0));
  const put = (c: OutboxCustomer) => {
    customers.set(c.customerId, c);
    changed.set(c.customerId, c);
  };
  const lifecycleMessages = (source: SourceEvent, transitions: readonly LifecycleTransition[]) => {
    for (const t of transitions) {
      messages.push(integrationMessage('customer.lifecycle', source, t.customerId, t.at, { from: t.from, to: t.to, at: t.at, cause: t.cause }, `${t.customerId}:${t.to}:${t.at}`));
    }
  };

  let clock = state.clock;
  for (const event of events) {
    clock = later(clock, logTimeOf(event));
    // Time passed for everyone: changes due by now happen at their own moment, noticed at this event,
    // before the event itself is applied.
    while (clock !== null && due.length > 0 && due[0]!.at <= clock) {
      const { id: dueId } = due.shift()!;
      const c = customers.get(dueId)!;
      const advanced = advanceLifecycle(c.lifecycle, clock, thresholds);
      lifecycleMessages(event, advanced.transitions);
      const next = { ...c, lifecycle: advanced.state };
      put(next);
      schedule(next);
    }
    for (const source of sources) if (source.handles.includes(event.type)) messages.push(...source.derive(event));
    const id = outboxCustomerIdOf(event);
    if (id === undefined) continue;
    const customer = customers.get(id) ?? initialOutboxCustomer(id);
    if (isCustomerEvent(event)) {
      const evolved = evolveLifecycle(customer.lifecycle, event as CustomerStreamEvent, thresholds);
      lifecycleMessages(event, evolved.transitions);
      if (evolved.state === customer.lifecycle) continue;
      const i = due.findIndex((d) => d.id === id);
      if (i !== -1) due.splice(i, 1);
      const next = { ...customer, lifecycle: stageFactsOnly(evolved.state) };
      put(next);
      schedule(next);
    } else if (isLoyaltyEvent(event)) {
      const derived = deriveLoyaltyMessages(event, event, customer.pendingGreetings);
      messages.push(...derived.messages);
      if (derived.pendingGreetings !== customer.pendingGreetings) put({ ...customer, pendingGreetings: derived.pendingGreetings });
    }
  }
  return { clock, changed, messages };
}
