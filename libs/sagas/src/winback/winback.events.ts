import type { Event } from '@lifecycle/domain';
import type { HoldoutGroup } from '../holdout/holdout';
import type { StageAction, ValueGroup } from '../campaign/campaign-definition';

/**
 * The win-back saga of one customer in one campaign, on its own stream (`winbackStreamId`). An
 * enrolment opens an episode; the episode ends converted (a purchase), exhausted (the attribution
 * window closed) or stopped (erasure, the campaign stopped). A later enrolment opens the next
 * episode on the same stream, once the re-entry period has passed.
 */
export type WinbackEnrolled = Event<
  'WinbackEnrolled',
  {
    campaignId: string;
    customerId: string;
    episode: number;
    group: HoldoutGroup;
    at: string;
    /** What made the customer eligible, e.g. "entered dormant". */
    reason: string;
    valueGroup?: ValueGroup;
    /** When the attribution window closes. */
    windowEndsAt: string;
  }
>;

/** A durable timer: stored as an event, fired once by the clock (live scheduler or the history's own). */
export type WinbackTimerSet = Event<
  'WinbackTimerSet',
  { campaignId: string; customerId: string; episode: number; timerId: string; dueAt: string; purpose: 'stage' | 'window-end'; stage?: number }
>;

/**
 * A stage was reached. For the treated the action goes out (`delivered`), for the control it is
 * recorded as what would have been sent, so both groups are tracked alike. `skipped` says why a
 * treated customer got nothing at this stage (gift for the high-value only, budget spent).
 */
export type WinbackStageReached = Event<
  'WinbackStageReached',
  {
    campaignId: string;
    customerId: string;
    episode: number;
    stage: number;
    stageName: string;
    at: string;
    /** Also the idempotency key: the same for every re-send of this action, so downstream deduplicates on it. */
    actionId: string;
    action: StageAction;
    delivered: boolean;
    skipped?: 'control-group' | 'not-high-value' | 'budget-spent';
    /** Cost committed by this action (0 when not delivered). */
    cost: number;
    couponId?: string;
  }
>;

export type WinbackConverted = Event<
  'WinbackConverted',
  {
    campaignId: string;
    customerId: string;
    episode: number;
    orderId: string;
    amount: number;
    at: string;
    /** Stages reached before the purchase (0: it came before the first action was due). */
    afterStage: number;
  }
>;

export type WinbackExhausted = Event<'WinbackExhausted', { campaignId: string; customerId: string; episode: number; at: string; stagesReached: number }>;

export type WinbackStopped = Event<
  'WinbackStopped',
  { campaignId: string; customerId: string; episode: number; at: string; reason: 'customer-erased' | 'campaign-stopped' }
>;

export type WinbackEvent = WinbackEnrolled | WinbackTimerSet | WinbackStageReached | WinbackConverted | WinbackExhausted | WinbackStopped;

export const WINBACK_EVENT_TYPES: readonly WinbackEvent['type'][] = [
  'WinbackEnrolled', 'WinbackTimerSet', 'WinbackStageReached', 'WinbackConverted', 'WinbackExhausted', 'WinbackStopped',
];

export const isWinbackEvent = (event: { readonly type: string }): event is WinbackEvent =>
  (WINBACK_EVENT_TYPES as readonly string[]).includes(event.type);

export const winbackStreamId = (campaignId: string, customerId: string): string => `winback-${campaignId}-${customerId}`;
