import type { CouponRedeemed, InteractionRecorded } from '@lifecycle/domain';
import { type PendingTimer, type WinbackEvent, WINBACK_EVENT_TYPES } from '@lifecycle/sagas';

/**
 * One row per win-back episode (a customer's enrolment in a campaign): what GET /campaigns/:id
 * counts, what the report measures, and the due timers the saga host fires. Saga events only, plus
 * the redemptions of the coupons the campaign issued (their discount is the campaign's cost).
 */
export interface CampaignEpisodeRow {
  /** `<campaign>|<customer>|<episode>`. */
  readonly episodeKey: string;
  readonly campaignId: string;
  readonly customerId: string;
  readonly episode: number;
  readonly holdoutGroup: 'treated' | 'control';
  readonly enrolledAt: string;
  readonly windowEndsAt: string;
  readonly status: 'active' | 'converted' | 'exhausted' | 'stopped';
  readonly stagesReached: number;
  readonly stages: readonly { stage: number; at: string; delivered: boolean; cost: number; kind: string; couponId?: string }[];
  readonly conversion: { at: string; amount: number; afterStage: number } | null;
  readonly timers: Readonly<Record<string, PendingTimer>>;
  /** The earliest pending timer, for the saga host's due query. */
  readonly nextDueAt: string | null;
  /** Discount given on this episode's coupons when redeemed, minor units. */
  readonly couponDiscount: number;
  /** Delivery feedback by stage and interaction kind (message_sent, email_open, email_click, call_completed, ...). */
  readonly feedback: Readonly<Record<string, Readonly<Record<string, number>>>>;
}

export const CAMPAIGN_METRICS = 'campaign-metrics';

type Handled = WinbackEvent | CouponRedeemed | InteractionRecorded;

export const episodeKeyOf = (campaignId: string, customerId: string, episode: number) => `${campaignId}|${customerId}|${episode}`;

/**
 * Action ids (and the coupon ids of message stages) are `wb:<campaign>:<customer>:<episode>:<stage>`;
 * campaign ids hold no colon, so a customer id with colons still parses back.
 */
export function campaignActionOwner(actionId: string): { campaignId: string; customerId: string; episode: number; stage: number } | undefined {
  const parts = actionId.split(':');
  if (parts[0] !== 'wb' || parts.length < 5) return undefined;
  return { campaignId: parts[1]!, customerId: parts.slice(2, -2).join(':'), episode: Number(parts[parts.length - 2]), stage: Number(parts[parts.length - 1]) };
}

// Coupons and interactions of no campaign all fold into a key that never has a row.
const NOT_A_CAMPAIGN_ACTION = '-';

export const campaignMetricsFold = {
  name: CAMPAIGN_METRICS,
  version: 1,
  handles: [...WINBACK_EVENT_TYPES, 'CouponRedeemed', 'InteractionRecorded'] as Handled['type'][],
  keyOf: (event: Handled): string => {
    if (event.type === 'CouponRedeemed' || event.type === 'InteractionRecorded') {
      const id = event.type === 'CouponRedeemed' ? event.data.couponId : event.data.actionId;
      const owner = id === undefined ? undefined : campaignActionOwner(id);
      return owner ? episodeKeyOf(owner.campaignId, owner.customerId, owner.episode) : NOT_A_CAMPAIGN_ACTION;
    }
    return episodeKeyOf(event.data.campaignId, event.data.customerId, event.data.episode);
  },
  evolve: (row: CampaignEpisodeRow | null, event: Handled): CampaignEpisodeRow | null => {
    if (event.type === 'WinbackEnrolled') {
      const d = event.data;
      return {
        episodeKey: episodeKeyOf(d.campaignId, d.customerId, d.episode), campaignId: d.campaignId, customerId: d.customerId, episode: d.episode,
        holdoutGroup: d.group, enrolledAt: d.at, windowEndsAt: d.windowEndsAt, status: 'active', stagesReached: 0, stages: [], conversion: null,
        timers: {}, nextDueAt: null, couponDiscount: 0, feedback: {},
      };
    }
    if (row === null) return null;
    switch (event.type) {
      case 'WinbackTimerSet': {
        const { timerId, dueAt, purpose, stage } = event.data;
        return withTimers(row, { ...row.timers, [timerId]: { dueAt, purpose, ...(stage !== undefined && { stage }) } });
      }
      case 'WinbackStageReached': {
        const d = event.data;
        const { [`${d.episode}:stage:${d.stage}`]: _fired, ...timers } = row.timers;
        const stage = { stage: d.stage, at: d.at, delivered: d.delivered, cost: d.cost, kind: d.action.kind, ...(d.couponId !== undefined && { couponId: d.couponId }) };
        return { ...withTimers(row, timers), stagesReached: d.stage, stages: [...row.stages, stage] };
      }
      case 'WinbackConverted':
        return { ...withTimers(row, {}), status: 'converted', conversion: { at: event.data.at, amount: event.data.amount, afterStage: event.data.afterStage } };
      case 'WinbackExhausted':
        return { ...withTimers(row, {}), status: 'exhausted' };
      case 'WinbackStopped':
        return row.status === 'active' ? { ...withTimers(row, {}), status: 'stopped' } : row;
      case 'CouponRedeemed': {
        const { offer, orderAmount } = event.data;
        const discount = offer.kind === 'amount-off' ? offer.amountOff : Math.floor((orderAmount * offer.percentOff) / 100);
        return { ...row, couponDiscount: row.couponDiscount + discount };
      }
      case 'InteractionRecorded': {
        const stage = String(campaignActionOwner(event.data.actionId!)!.stage);
        const kinds = row.feedback[stage] ?? {};
        return { ...row, feedback: { ...row.feedback, [stage]: { ...kinds, [event.data.kind]: (kinds[event.data.kind] ?? 0) + 1 } } };
      }
    }
  },
};

function withTimers(row: CampaignEpisodeRow, timers: Readonly<Record<string, PendingTimer>>): CampaignEpisodeRow {
  const due = Object.values(timers).map((t) => t.dueAt).sort();
  return { ...row, timers, nextDueAt: due[0] ?? null };
}
