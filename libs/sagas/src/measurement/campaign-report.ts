import { parseInstant } from '@lifecycle/domain';
import type { CampaignDefinition } from '../campaign/campaign-definition';
import type { HoldoutGroup } from '../holdout/holdout';
import type { WinbackEvent } from '../winback/winback.events';
import { differenceOfProportions } from './proportions';

const DAY_MS = 86_400_000;

/** One enrolment of one customer, as its saga recorded it. */
export interface Episode {
  readonly customerId: string;
  readonly episode: number;
  readonly group: HoldoutGroup;
  readonly enrolledAt: string;
  readonly windowEndsAt: string;
  readonly stages: { stage: number; at: string; delivered: boolean; cost: number; kind: string; couponId?: string }[];
  conversion?: { readonly at: string; readonly amount: number; readonly afterStage: number };
  end?: 'converted' | 'exhausted' | 'stopped';
  /** Delivery feedback (interactions naming the action id) by stage and kind. */
  feedback?: Readonly<Record<string, Readonly<Record<string, number>>>>;
}

/** Folds a campaign's saga events (each stream in its own order) into episodes. */
export function episodesOf(events: Iterable<WinbackEvent>): Episode[] {
  const byKey = new Map<string, Episode>();
  const key = (customerId: string, episode: number) => `${episode}\u0000${customerId}`;
  for (const e of events) {
    const d = e.data;
    if (e.type === 'WinbackEnrolled') {
      byKey.set(key(d.customerId, d.episode), { customerId: d.customerId, episode: d.episode, group: e.data.group, enrolledAt: e.data.at, windowEndsAt: e.data.windowEndsAt, stages: [] });
      continue;
    }
    const episode = byKey.get(key(d.customerId, d.episode));
    if (!episode) continue;
    if (e.type === 'WinbackStageReached') {
      episode.stages.push({ stage: e.data.stage, at: e.data.at, delivered: e.data.delivered, cost: e.data.cost, kind: e.data.action.kind, ...(e.data.couponId && { couponId: e.data.couponId }) });
    } else if (e.type === 'WinbackConverted') {
      episode.conversion = { at: e.data.at, amount: e.data.amount, afterStage: e.data.afterStage };
      episode.end = 'converted';
    } else if (e.type === 'WinbackExhausted') episode.end = 'exhausted';
    else if (e.type === 'WinbackStopped') episode.end ??= 'stopped';
  }
  return [...byKey.values()];
}

export interface ReportInput {
  readonly campaignId: string;
  readonly definition: CampaignDefinition;
  readonly episodes: readonly Episode[];
  /** Coupon id -> discount the customer got when redeeming it (minor units); coupons not in it were not redeemed. */
  readonly couponDiscounts?: ReadonlyMap<string, number>;
  /**
   * Revenue of the customer in [from, to) (minor units). Without it, an episode's revenue is its
   * converting order alone: the saga stops at the first purchase and sees no later ones.
   */
  readonly revenueBetween?: (customerId: string, from: string, to: string) => number;
  /** The segment (or stage) to report the converted by. */
  readonly segmentOf?: (customerId: string, at: string) => string | undefined;
  readonly confidence?: number;
}

export interface GroupFigures {
  readonly customers: number;
  readonly reactivated: number;
  readonly rate: number;
}

export interface Comparison {
  readonly treated: GroupFigures;
  readonly control: GroupFigures;
  /** Reactivation rate, treated minus control. */
  readonly uplift: number;
  readonly interval: readonly [number, number] | null;
}

export interface StageReport extends Comparison {
  readonly stage: number;
  readonly name: string;
  readonly actionsSent: number;
  readonly cost: number;
  /** Delivery feedback on this stage's actions, by kind (message_sent, email_open, email_click, call_completed...). */
  readonly feedback: Readonly<Record<string, number>>;
}

export interface CampaignReport {
  readonly campaignId: string;
  readonly name: string;
  readonly currency: string;
  readonly confidence: number;
  readonly overall: Comparison;
  readonly stages: readonly StageReport[];
  readonly revenue: { readonly treatedPerCustomer: number; readonly controlPerCustomer: number; readonly incremental: number; readonly incrementalMargin: number };
  readonly cost: { readonly actions: number; readonly coupons: number; readonly total: number };
  /** (incremental margin − cost) / cost; null without cost. */
  readonly roi: number | null;
  readonly coupons: { readonly issued: number; readonly redeemed: number; readonly redemptionRate: number | null };
  readonly converted: { readonly byStage: Readonly<Record<string, number>>; readonly bySegment: Readonly<Record<string, number>> };
  /** Cumulative reactivation by day since enrolment, per group: the chart's series. */
  readonly daily: readonly { readonly day: number; readonly treated: number; readonly control: number }[];
}

/**
 * The campaign's measurement, per campaign and per stage, treated against control. A customer is
 * reactivated when its episode converted (a purchase inside the attribution window). Per stage, the
 * cohort is the episodes that reached the stage (the control "would have been contacted" then),
 * and a reactivation counts for the last stage reached before the purchase, so stage k is judged on
 * customers it could still win back.
 */
export function campaignReport(input: ReportInput): CampaignReport {
  const { definition, episodes } = input;
  const confidence = input.confidence ?? 0.95;
  const treated = episodes.filter((e) => e.group === 'treated');
  const control = episodes.filter((e) => e.group === 'control');
  const compare = (t: readonly Episode[], c: readonly Episode[], won: (e: Episode) => boolean): Comparison => {
    const tf = figures(t, won);
    const cf = figures(c, won);
    const diff = differenceOfProportions({ successes: tf.reactivated, n: tf.customers }, { successes: cf.reactivated, n: cf.customers }, confidence);
    return { treated: tf, control: cf, uplift: diff.difference, interval: diff.interval };
  };

  const overall = compare(treated, control, (e) => e.conversion !== undefined);
  const stages = definition.stages.map((spec, i): StageReport => {
    const stage = i + 1;
    const reached = (e: Episode) => e.stages.some((s) => s.stage === stage);
    const sent = treated.flatMap((e) => e.stages.filter((s) => s.stage === stage && s.delivered));
    const feedback: Record<string, number> = {};
    for (const e of treated) for (const [kind, n] of Object.entries(e.feedback?.[String(stage)] ?? {})) feedback[kind] = (feedback[kind] ?? 0) + n;
    return {
      stage, name: spec.name, actionsSent: sent.length, cost: sum(sent.map((s) => s.cost)), feedback,
      ...compare(treated.filter(reached), control.filter(reached), (e) => e.conversion?.afterStage === stage),
    };
  });

  const revenueOf = (e: Episode): number =>
    input.revenueBetween ? input.revenueBetween(e.customerId, e.enrolledAt, e.windowEndsAt) : (e.conversion?.amount ?? 0);
  const perCustomer = (group: readonly Episode[]) => (group.length === 0 ? 0 : sum(group.map(revenueOf)) / group.length);
  const treatedPerCustomer = perCustomer(treated);
  const controlPerCustomer = perCustomer(control);
  const incremental = control.length === 0 ? 0 : (treatedPerCustomer - controlPerCustomer) * treated.length;
  const incrementalMargin = incremental * definition.marginRate;

  const issued = treated.flatMap((e) => e.stages.filter((s) => s.couponId !== undefined).map((s) => s.couponId!));
  const redeemed = issued.filter((id) => input.couponDiscounts?.has(id));
  const couponCost = sum(redeemed.map((id) => input.couponDiscounts!.get(id)!));
  const actionCost = sum(treated.flatMap((e) => e.stages.map((s) => s.cost)));
  const totalCost = actionCost + couponCost;

  const byStage: Record<string, number> = {};
  const bySegment: Record<string, number> = {};
  for (const e of treated) {
    if (!e.conversion) continue;
    const stageName = e.conversion.afterStage === 0 ? 'before the first stage' : definition.stages[e.conversion.afterStage - 1]!.name;
    byStage[stageName] = (byStage[stageName] ?? 0) + 1;
    const segment = input.segmentOf?.(e.customerId, e.enrolledAt) ?? 'unknown';
    bySegment[segment] = (bySegment[segment] ?? 0) + 1;
  }

  return {
    campaignId: input.campaignId, name: definition.name, currency: definition.currency, confidence, overall, stages,
    revenue: { treatedPerCustomer, controlPerCustomer, incremental, incrementalMargin },
    cost: { actions: actionCost, coupons: couponCost, total: totalCost },
    roi: totalCost === 0 ? null : (incrementalMargin - totalCost) / totalCost,
    coupons: { issued: issued.length, redeemed: redeemed.length, redemptionRate: issued.length === 0 ? null : redeemed.length / issued.length },
    converted: { byStage, bySegment },
    daily: dailySeries(treated, control, definition.attributionWindowDays),
  };
}

const sum = (values: readonly number[]): number => values.reduce((a, b) => a + b, 0);

function figures(group: readonly Episode[], won: (e: Episode) => boolean): GroupFigures {
  const reactivated = group.filter(won).length;
  return { customers: group.length, reactivated, rate: group.length === 0 ? 0 : reactivated / group.length };
}

function dailySeries(treated: readonly Episode[], control: readonly Episode[], days: number) {
  const curve = (group: readonly Episode[]) => {
    const counts = new Array<number>(days + 1).fill(0);
    for (const e of group) {
      if (!e.conversion) continue;
      const day = Math.floor((parseInstant(e.conversion.at)! - parseInstant(e.enrolledAt)!) / DAY_MS);
      counts[Math.min(Math.max(day, 0), days)]! += 1;
    }
    let running = 0;
    return counts.map((c) => (running += c) / Math.max(group.length, 1));
  };
  const t = curve(treated);
  const c = curve(control);
  return t.map((treatedRate, day) => ({ day, treated: treatedRate, control: c[day]! }));
}
