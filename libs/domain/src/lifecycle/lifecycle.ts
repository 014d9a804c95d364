import type { CustomerStreamEvent, InteractionKind } from '../customer/customer.events';
import type { LifecycleThresholds } from './lifecycle-thresholds';

/** prospect = registered, no purchase yet; then new, active, dormant, lost (see LifecycleThresholds). */
export type LifecycleStage = 'prospect' | 'new' | 'active' | 'dormant' | 'lost';

export const LIFECYCLE_STAGES: readonly LifecycleStage[] = ['prospect', 'new', 'active', 'dormant', 'lost'];

/** Why a stage changed: a registration, a purchase, time passing, or the customer's erasure. */
export type TransitionCause = 'registration' | 'purchase' | 'time' | 'erasure';

export interface LifecycleTransition {
  readonly customerId: string;
  /** null for the first stage a customer gets. */
  readonly from: LifecycleStage | null;
  readonly to: LifecycleStage;
  /** The due moment (time) or the event time (registration, purchase, erasure), canonical ISO-8601. */
  readonly at: string;
  readonly cause: TransitionCause;
}

/** The interactions that count as engagement for the falling-engagement signal. */
export const ENGAGEMENT_KINDS: readonly InteractionKind[] = ['email_open', 'email_click', 'app_visit', 'event_attended', 'survey'];

export interface SurveyAnswer {
  readonly at: string;
  readonly score: number;
}

/** The facts the churn signals read; every list is in ascending time order. */
export interface ChurnFacts {
  readonly purchaseTimes: readonly string[];
  readonly engagementTimes: readonly string[];
  readonly complaintTimes: readonly string[];
  readonly satisfactionAnswers: readonly SurveyAnswer[];
  readonly npsAnswers: readonly SurveyAnswer[];
}

/**
 * One customer's lifecycle, as plain data (a read model stores it as is). `at` is the instant the
 * state has been brought to (by an event of the customer or by time passing); every fact it holds
 * is at or before `at`.
 */
export interface LifecycleState extends ChurnFacts {
  readonly customerId: string;
  readonly stage: LifecycleStage | null;
  /** When the current stage began. */
  readonly since: string | null;
  readonly at: string | null;
  readonly registeredAt: string | null;
  /** An implicit registration (a purchase registered the customer) makes no prospect. */
  readonly registration: 'explicit' | 'implicit' | null;
  readonly erasedAt: string | null;
}

export interface LifecycleStep {
  readonly state: LifecycleState;
  readonly transitions: readonly LifecycleTransition[];
}

export const initialLifecycleState = (customerId: string): LifecycleState => ({
  customerId,
  stage: null,
  since: null,
  at: null,
  registeredAt: null,
  registration: null,
  erasedAt: null,
  purchaseTimes: [],
  engagementTimes: [],
  complaintTimes: [],
  satisfactionAnswers: [],
  npsAnswers: [],
});

export const DAY_MS = 24 * 60 * 60 * 1000;

// Date.parse and toISOString were the fold's top cost in a CDNOW rebuild (each instant is converted
// many times). Memoised: the same answers, so the functions stay pure; bounded, so memory is too.
const parsed = new Map<string, number>();
const printed = new Map<number, string>();
const ms = (instant: string): number => {
  let value = parsed.get(instant);
  if (value === undefined) {
    if (parsed.size >= 50_000) parsed.clear();
    value = Date.parse(instant);
    parsed.set(instant, value);
  }
  return value;
};
const iso = (millis: number): string => {
  let value = printed.get(millis);
  if (value === undefined) {
    if (printed.size >= 50_000) printed.clear();
    value = new Date(millis).toISOString();
    printed.set(millis, value);
  }
  return value;
};
const later = (a: string | null, b: string): string => (a === null || b > a ? b : a);

/**
 * The stage at `at` from the facts known at or before `at` (later facts are ignored, so this also
 * answers for a past instant). Canonical ISO strings compare in time order.
 */
export function lifecycleStageAt(state: LifecycleState, at: string, thresholds: LifecycleThresholds): LifecycleStage | null {
  const t = ms(at);
  const times = state.purchaseTimes;
  let first: string | undefined;
  let last: string | undefined;
  if (times.length > 0 && times[times.length - 1]! <= at) {
    // The usual case (every fact known by then): no scan.
    first = times[0];
    last = times[times.length - 1];
  } else {
    for (const p of times) {
      if (p > at) break;
      first ??= p;
      last = p;
    }
  }
  const erased = state.erasedAt !== null && state.erasedAt <= at;
  if (first === undefined || last === undefined) {
    const prospect = state.registration === 'explicit' && state.registeredAt !== null && state.registeredAt <= at;
    return prospect ? (erased ? 'lost' : 'prospect') : null;
  }
  if (erased) return 'lost';
  if (t < ms(first) + thresholds.newForDays * DAY_MS) return 'new';
  const sinceLast = t - ms(last);
  if (sinceLast < thresholds.dormantAfterDays * DAY_MS) return 'active';
  if (sinceLast < thresholds.lostAfterDays * DAY_MS) return 'dormant';
  return 'lost';
}

/**
 * The next instant after `state.at` at which time alone changes the stage, or null when none will
 * (no purchase, lost, erased). The projection keeps it in an indexed column so that a tick loads only
 * the customers that are due.
 */
export function nextLifecycleDueAt(state: LifecycleState, thresholds: LifecycleThresholds): string | null {
  if (state.erasedAt !== null || state.purchaseTimes.length === 0 || state.stage === 'lost') return null;
  const first = ms(state.purchaseTimes[0]!);
  const last = ms(state.purchaseTimes[state.purchaseTimes.length - 1]!);
  const now = state.at === null ? -Infinity : ms(state.at);
  // Boundaries in increasing order (new < dormant < lost, and first <= last): the first one ahead is next.
  const newEnds = first + thresholds.newForDays * DAY_MS;
  if (newEnds > now) return iso(Math.min(newEnds, last + thresholds.dormantAfterDays * DAY_MS));
  if (last + thresholds.dormantAfterDays * DAY_MS > now) return iso(last + thresholds.dormantAfterDays * DAY_MS);
  if (last + thresholds.lostAfterDays * DAY_MS > now) return iso(last + thresholds.lostAfterDays * DAY_MS);
  return null;
}

/**
 * Time passing up to `to`: every change due in (state.at, to] happens at its exact due moment (not at
 * `to`), in order; then the state stands at `to`. Advancing in several steps equals advancing at once.
 * A `to` before `state.at` changes nothing: time does not run backwards.
 */
export function advanceLifecycle(state: LifecycleState, to: string, thresholds: LifecycleThresholds): LifecycleStep {
  if (state.at !== null && to <= state.at) return { state, transitions: [] };
  const transitions: LifecycleTransition[] = [];
  let current = state;
  for (let due = nextLifecycleDueAt(current, thresholds); due !== null && due <= to; due = nextLifecycleDueAt(current, thresholds)) {
    current = moveTo(current, due, 'time', thresholds, transitions);
  }
  return { state: { ...current, at: to }, transitions };
}

/** Brings the state to `at` and records the change of stage that the facts give there, if any. */
function moveTo(state: LifecycleState, at: string, cause: TransitionCause, thresholds: LifecycleThresholds, out: LifecycleTransition[]): LifecycleState {
  const stage = lifecycleStageAt(state, at, thresholds);
  if (stage === null || stage === state.stage) return { ...state, at };
  out.push({ customerId: state.customerId, from: state.stage, to: stage, at, cause });
  return { ...state, stage, since: at, at };
}

/**
 * A customer event: first time passes up to the event's time (changes due before it happen at their
 * own moment), then the fact is applied at max(state.at, event time). A purchase after dormant or lost
 * reactivates the customer. A late event (older than `state.at`, say a delayed import) is applied at
 * `state.at`: the log's transitions never go back in time. Refunds leave the stage alone: the customer
 * did buy. Other events of the stream (loyalty) change nothing.
 */
export function evolveLifecycle(state: LifecycleState, event: CustomerStreamEvent, thresholds: LifecycleThresholds): LifecycleStep {
  const time = eventTimeOf(event);
  if (time === null) return { state, transitions: [] };
  const advanced = advanceLifecycle(state, time, thresholds);
  const transitions = [...advanced.transitions];
  const s = advanced.state;
  const at = later(s.at, time);
  let next: LifecycleState;
  let cause: TransitionCause;
  switch (event.type) {
    case 'CustomerRegistered': {
      const d = event.data;
      if (s.registration === 'explicit' || (s.registration === 'implicit' && d.implicit)) return { state: s, transitions };
      next = { ...s, registeredAt: d.registeredAt, registration: d.implicit ? 'implicit' : 'explicit' };
      cause = 'registration';
      break;
    }
    case 'PurchaseRecorded':
      if (s.erasedAt !== null) return { state: s, transitions };
      next = { ...s, purchaseTimes: insertSorted(s.purchaseTimes, event.data.occurredAt) };
      cause = 'purchase';
      break;
    case 'InteractionRecorded': {
      const d = event.data;
      next = {
        ...s,
        ...(ENGAGEMENT_KINDS.includes(d.kind) && { engagementTimes: insertSorted(s.engagementTimes, d.occurredAt) }),
        ...(d.kind === 'complaint' && { complaintTimes: insertSorted(s.complaintTimes, d.occurredAt) }),
        ...(d.satisfaction !== undefined && { satisfactionAnswers: insertAnswer(s.satisfactionAnswers, { at: d.occurredAt, score: d.satisfaction }) }),
        ...(d.nps !== undefined && { npsAnswers: insertAnswer(s.npsAnswers, { at: d.occurredAt, score: d.nps }) }),
      };
      return { state: next, transitions };
    }
    case 'CustomerErased':
      if (s.erasedAt !== null) return { state: s, transitions };
      next = { ...s, erasedAt: event.data.erasedAt };
      cause = 'erasure';
      break;
    default:
      return { state: s, transitions };
  }
  return { state: moveTo(next, at, cause, thresholds, transitions), transitions };
}

/** The instant a customer event happened; null for the events lifecycle does not read. */
function eventTimeOf(event: CustomerStreamEvent): string | null {
  switch (event.type) {
    case 'CustomerRegistered':
      return event.data.registeredAt;
    case 'PurchaseRecorded':
    case 'InteractionRecorded':
      return event.data.occurredAt;
    case 'CustomerErased':
      return event.data.erasedAt;
    default:
      return null;
  }
}

function insertSorted(times: readonly string[], at: string): string[] {
  if (times.length === 0 || times[times.length - 1]! <= at) return [...times, at];
  const i = times.findIndex((t) => t > at);
  return [...times.slice(0, i), at, ...times.slice(i)];
}

/** Answers at the same instant keep their log order (the later one in the log is the latest). */
function insertAnswer(answers: readonly SurveyAnswer[], answer: SurveyAnswer): SurveyAnswer[] {
  const i = answers.findIndex((a) => a.at > answer.at);
  return i === -1 ? [...answers, answer] : [...answers.slice(0, i), answer, ...answers.slice(i)];
}

/**
 * The transitions the facts give when folded in event-time order, up to `state.at`: what a late
 * event (older than the time already reached) rewrites a customer's history to. Registration comes
 * before a purchase at the same instant, erasure after it. Interactions change no stage.
 */
export function lifecycleHistory(state: LifecycleState, thresholds: LifecycleThresholds): LifecycleStep {
  const customerId = state.customerId;
  const facts: { at: string; rank: number; event: CustomerStreamEvent }[] = [];
  if (state.registration !== null && state.registeredAt !== null) {
    facts.push({
      at: state.registeredAt, rank: 0,
      event: { type: 'CustomerRegistered', data: { customerId, registeredAt: state.registeredAt, channel: '', implicit: state.registration === 'implicit' } },
    });
  }
  state.purchaseTimes.forEach((at, i) => facts.push({
    at, rank: 1, event: { type: 'PurchaseRecorded', data: { customerId, orderId: `${i}`, amount: 0, currency: '', occurredAt: at } },
  }));
  if (state.erasedAt !== null) facts.push({ at: state.erasedAt, rank: 2, event: { type: 'CustomerErased', data: { customerId, erasedAt: state.erasedAt } } });
  facts.sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : a.rank - b.rank));
  let s: LifecycleState = { ...initialLifecycleState(customerId), engagementTimes: state.engagementTimes, complaintTimes: state.complaintTimes,
    satisfactionAnswers: state.satisfactionAnswers, npsAnswers: state.npsAnswers };
  const transitions: LifecycleTransition[] = [];
  for (const { event } of facts) {
    const step = evolveLifecycle(s, event, thresholds);
    s = step.state;
    transitions.push(...step.transitions);
  }
  if (state.at !== null) {
    const step = advanceLifecycle(s, state.at, thresholds);
    s = step.state;
    transitions.push(...step.transitions);
  }
  return { state: s, transitions };
}
