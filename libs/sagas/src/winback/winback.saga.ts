import { canonicalInstant, type IssueCoupon, parseInstant } from '@lifecycle/domain';
import { type CampaignDefinition, type CustomerSignal, isEligible, type ValueGroup } from '../campaign/campaign-definition';
import { type HoldoutGroup, holdoutGroup } from '../holdout/holdout';
import type { WinbackEvent, WinbackStageReached } from './winback.events';

const DAY_MS = 86_400_000;

/**
 * What the saga of one (campaign, customer) reacts to. The engine turns lifecycle signals, due
 * timers, purchases and erasures into these; a simulation does the same on the history's clock.
 */
export type WinbackInput =
  | { readonly type: 'CustomerSignalled'; readonly data: CustomerSignal }
  | { readonly type: 'TimerFired'; readonly data: { readonly timerId: string; readonly at: string } }
  | { readonly type: 'CustomerPurchased'; readonly data: { readonly orderId: string; readonly amount: number; readonly at: string } }
  | { readonly type: 'CustomerErased'; readonly data: { readonly at: string } }
  | { readonly type: 'CampaignStopped'; readonly data: { readonly at: string } };

/** What the saga asks the engine to do besides recording its events: send an action, issue a coupon. */
export type WinbackCommand =
  | {
      readonly type: 'DispatchWinbackAction';
      readonly data: Pick<WinbackStageReached['data'], 'campaignId' | 'customerId' | 'episode' | 'stage' | 'stageName' | 'actionId' | 'action' | 'couponId' | 'at'>;
    }
  | IssueCoupon;

export interface WinbackContext {
  readonly campaignId: string;
  readonly definition: CampaignDefinition;
  /** What the campaign may still spend; undefined = no cap. The engine keeps the campaign-wide sum. */
  readonly budgetRemaining?: number;
}

export interface PendingTimer {
  readonly dueAt: string;
  readonly purpose: 'stage' | 'window-end';
  readonly stage?: number;
}

export interface WinbackState {
  /** 0 before the first enrolment. */
  readonly episode: number;
  /** Known from the first enrolment on. */
  readonly customerId?: string;
  readonly valueGroup?: ValueGroup;
  readonly status: 'idle' | 'active' | 'converted' | 'exhausted' | 'stopped';
  readonly group?: HoldoutGroup;
  readonly enrolledAt?: string;
  readonly windowEndsAt?: string;
  readonly stagesReached: number;
  readonly timers: Readonly<Record<string, PendingTimer>>;
  /** Erased customers are never enrolled again. */
  readonly erased: boolean;
  readonly campaignStopped: boolean;
}

export const initialWinbackState = (): WinbackState => ({ episode: 0, status: 'idle', stagesReached: 0, timers: {}, erased: false, campaignStopped: false });

export function evolveWinback(state: WinbackState, event: WinbackEvent): WinbackState {
  switch (event.type) {
    case 'WinbackEnrolled':
      return {
        ...state,
        episode: event.data.episode,
        customerId: event.data.customerId,
        valueGroup: event.data.valueGroup,
        status: 'active',
        group: event.data.group,
        enrolledAt: event.data.at,
        windowEndsAt: event.data.windowEndsAt,
        stagesReached: 0,
        timers: {},
      };
    case 'WinbackTimerSet': {
      const { timerId, dueAt, purpose, stage } = event.data;
      return { ...state, timers: { ...state.timers, [timerId]: { dueAt, purpose, ...(stage !== undefined && { stage }) } } };
    }
    case 'WinbackStageReached': {
      const { [timerIdOf(event.data.episode, 'stage', event.data.stage)]: _fired, ...timers } = state.timers;
      return { ...state, stagesReached: event.data.stage, timers };
    }
    case 'WinbackConverted':
      return { ...state, status: 'converted', timers: {} };
    case 'WinbackExhausted':
      return { ...state, status: 'exhausted', timers: {} };
    case 'WinbackStopped':
      return {
        ...state,
        status: state.status === 'active' ? 'stopped' : state.status,
        timers: {},
        erased: state.erased || event.data.reason === 'customer-erased',
        campaignStopped: state.campaignStopped || event.data.reason === 'campaign-stopped',
      };
  }
}

export interface WinbackReaction {
  readonly events: readonly WinbackEvent[];
  readonly commands: readonly WinbackCommand[];
}

const NOTHING: WinbackReaction = { events: [], commands: [] };

/**
 * The process manager: `(state, input) -> events (timers included) and commands`. Pure: time comes
 * in with the input, ids are derived from (campaign, customer, episode, stage), so a redelivered
 * input or a re-run after a crash decides the same ids and the same idempotency keys.
 */
export function reactWinback(state: WinbackState, input: WinbackInput, context: WinbackContext): WinbackReaction {
  switch (input.type) {
    case 'CustomerSignalled':
      return enrol(state, input.data, context);
    case 'TimerFired':
      return fire(state, input.data.timerId, input.data.at, context);
    case 'CustomerPurchased': {
      if (state.status !== 'active') return NOTHING;
      const { campaignId } = context;
      const customerId = state.customerId!;
      const at = canonicalInstant(parseInstant(input.data.at)!);
      // A purchase at or after the window's end is not the campaign's (the episode is exhausted by then).
      if (at < state.enrolledAt! || at >= state.windowEndsAt!) return NOTHING;
      return {
        events: [
          { type: 'WinbackConverted', data: { campaignId, customerId, episode: state.episode, orderId: input.data.orderId, amount: input.data.amount, at, afterStage: state.stagesReached } },
        ],
        commands: [],
      };
    }
    case 'CustomerErased':
    case 'CampaignStopped': {
      const reason = input.type === 'CustomerErased' ? 'customer-erased' : 'campaign-stopped';
      // Never enrolled: nothing to stop (an erased customer is not eligible in the first place).
      if (state.customerId === undefined) return NOTHING;
      if ((reason === 'customer-erased' && state.erased) || (reason === 'campaign-stopped' && state.campaignStopped)) return NOTHING;
      const data = { campaignId: context.campaignId, customerId: state.customerId, episode: state.episode, at: input.data.at, reason } as const;
      return { events: [{ type: 'WinbackStopped', data }], commands: [] };
    }
  }
}

function enrol(state: WinbackState, signal: CustomerSignal, context: WinbackContext): WinbackReaction {
  const { definition, campaignId } = context;
  if (state.status === 'active' || state.erased || state.campaignStopped || signal.erased === true) return NOTHING;
  if (!isEligible(definition.eligibility, signal)) return NOTHING;
  const at = parseInstant(signal.at)!;
  if (state.enrolledAt !== undefined && at - parseInstant(state.enrolledAt)! < definition.reentryAfterDays * DAY_MS) return NOTHING;
  const customerId = signal.customerId;
  const episode = state.episode + 1;
  const enrolledAt = canonicalInstant(at);
  const windowEndsAt = canonicalInstant(at + definition.attributionWindowDays * DAY_MS);
  const events: WinbackEvent[] = [
    {
      type: 'WinbackEnrolled',
      data: {
        campaignId, customerId, episode, group: holdoutGroup(campaignId, customerId, definition.holdoutShare), at: enrolledAt,
        reason: reasonOf(signal), ...(signal.valueGroup !== undefined && { valueGroup: signal.valueGroup }), windowEndsAt,
      },
    },
    { type: 'WinbackTimerSet', data: { campaignId, customerId, episode, timerId: timerIdOf(episode, 'window-end'), dueAt: windowEndsAt, purpose: 'window-end' } },
  ];
  const first = stageTimer(campaignId, customerId, episode, 1, at, definition, windowEndsAt);
  if (first) events.push(first);
  return { events, commands: [] };
}

function fire(state: WinbackState, timerId: string, firedAt: string, context: WinbackContext): WinbackReaction {
  const timer = state.timers[timerId];
  // A timer fires once: gone after it fired, after a conversion, or with its episode.
  if (state.status !== 'active' || timer === undefined) return NOTHING;
  const { campaignId, definition } = context;
  const customerId = state.customerId!;
  const at = canonicalInstant(Math.max(parseInstant(firedAt)!, parseInstant(timer.dueAt)!));
  if (timer.purpose === 'window-end') {
    return { events: [{ type: 'WinbackExhausted', data: { campaignId, customerId, episode: state.episode, at, stagesReached: state.stagesReached } }], commands: [] };
  }
  const stage = timer.stage!;
  const spec = definition.stages[stage - 1]!;
  const actionId = `wb:${campaignId}:${customerId}:${state.episode}:${stage}`;
  const skipped: WinbackStageReached['data']['skipped'] =
    state.group === 'control' ? 'control-group'
    : spec.action.kind === 'gift' && spec.action.onlyHighValue && state.valueGroup !== 'high' ? 'not-high-value'
    : context.budgetRemaining !== undefined && spec.cost > context.budgetRemaining ? 'budget-spent'
    : undefined;
  const delivered = skipped === undefined;
  const couponId = spec.action.kind === 'message' && spec.action.coupon && delivered ? actionId : undefined;
  const reached: WinbackStageReached = {
    type: 'WinbackStageReached',
    data: {
      campaignId, customerId, episode: state.episode, stage, stageName: spec.name, at, actionId, action: spec.action, delivered,
      ...(skipped !== undefined && { skipped }), cost: delivered ? spec.cost : 0, ...(couponId !== undefined && { couponId }),
    },
  };
  const events: WinbackEvent[] = [reached];
  const next = stageTimer(campaignId, customerId, state.episode, stage + 1, parseInstant(at)!, definition, state.windowEndsAt!);
  if (next) events.push(next);
  const commands: WinbackCommand[] = [];
  if (delivered) {
    commands.push({ type: 'DispatchWinbackAction', data: { campaignId, customerId, episode: state.episode, stage, stageName: spec.name, actionId, action: spec.action, at, ...(couponId !== undefined && { couponId }) } });
    if (couponId !== undefined && spec.action.kind === 'message' && spec.action.coupon) {
      commands.push({
        type: 'IssueCoupon',
        data: {
          customerId, couponId, offer: spec.action.coupon.offer, validFrom: at,
          validTo: canonicalInstant(parseInstant(at)! + spec.action.coupon.validDays * DAY_MS), reason: 'campaign',
        },
      });
    }
  }
  return { events, commands };
}

export const timerIdOf = (episode: number, purpose: 'stage' | 'window-end', stage?: number): string =>
  purpose === 'stage' ? `${episode}:stage:${stage}` : `${episode}:window-end`;

/** The timer of stage `stage`, due its delay after `from`; none past the last stage or the window's end. */
function stageTimer(
  campaignId: string, customerId: string, episode: number, stage: number, from: number, definition: CampaignDefinition, windowEndsAt: string,
): WinbackEvent | undefined {
  const spec = definition.stages[stage - 1];
  if (!spec) return undefined;
  const dueAt = canonicalInstant(from + spec.delayDays * DAY_MS);
  if (dueAt >= windowEndsAt) return undefined;
  return { type: 'WinbackTimerSet', data: { campaignId, customerId, episode, timerId: timerIdOf(episode, 'stage', stage), dueAt, purpose: 'stage', stage } };
}

const reasonOf = (signal: CustomerSignal): string =>
  signal.enteredStage !== undefined ? `entered ${signal.enteredStage}` : signal.churnWarningRaised ? 'churn warning' : 'signal';
