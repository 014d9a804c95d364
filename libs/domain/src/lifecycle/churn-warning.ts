import type { LifecycleThresholds } from './lifecycle-thresholds';
import { type ChurnFacts, DAY_MS, type LifecycleStage, type LifecycleState, type SurveyAnswer } from './lifecycle';

export type ChurnSignalCode = 'purchase_gap' | 'falling_engagement' | 'complaints' | 'low_satisfaction' | 'nps_detractor' | 'p_alive_low';

/** One reason for the warning: what it is, its figure, the cut-off the figure met, and both in words. */
export interface ChurnSignal {
  readonly code: ChurnSignalCode;
  readonly figure: number;
  readonly threshold: number;
  readonly detail: string;
}

export interface ChurnWarning {
  readonly raised: boolean;
  readonly signals: readonly ChurnSignal[];
}

/**
 * The facts as of `asOf` (later ones are ignored, so a past instant can be asked), the customer's stage
 * then if known, and P(alive) from the customer-base model when the caller has one.
 */
export interface ChurnInput extends ChurnFacts {
  readonly asOf: string;
  readonly stage?: LifecycleStage | null;
  readonly pAlive?: number;
}

export const churnInputOf = (state: LifecycleState, asOf: string, pAlive?: number): ChurnInput => ({
  asOf,
  stage: state.stage,
  purchaseTimes: state.purchaseTimes,
  engagementTimes: state.engagementTimes,
  complaintTimes: state.complaintTimes,
  satisfactionAnswers: state.satisfactionAnswers,
  npsAnswers: state.npsAnswers,
  ...(pAlive !== undefined && { pAlive }),
});

const round2 = (n: number): number => Math.round(n * 100) / 100;

/**
 * The retention playbooks' churn signals, each computed at `asOf`. The warning is raised when at
 * least `minSignals` are present, except for a prospect (nothing to lose yet) and a lost customer
 * (already gone: that is win-back, not a warning); the signals are listed all the same.
 */
export function churnWarning(input: ChurnInput, thresholds: LifecycleThresholds): ChurnWarning {
  const p = thresholds.churn;
  const t = Date.parse(input.asOf);
  const signals: ChurnSignal[] = [];

  const gap = purchaseGap(input.purchaseTimes.filter((at) => at <= input.asOf), t, p.purchaseGap.minPurchaseDays);
  if (gap && gap.ratio >= p.purchaseGap.factor) {
    signals.push({
      code: 'purchase_gap', figure: round2(gap.ratio), threshold: p.purchaseGap.factor,
      detail: `${round2(gap.daysSinceLast)} days since the last purchase, ${round2(gap.ratio)} times the usual interval of ${round2(gap.usualDays)} days`,
    });
  }

  const w = p.engagement.windowDays * DAY_MS;
  const recent = countIn(input.engagementTimes, t - w, t);
  const previous = countIn(input.engagementTimes, t - 2 * w, t - w);
  const keep = 1 - p.engagement.dropRatio;
  if (previous >= p.engagement.minPrevious && recent <= previous * keep) {
    signals.push({
      code: 'falling_engagement', figure: round2(recent / previous), threshold: round2(keep),
      detail: `${recent} interactions in the last ${p.engagement.windowDays} days vs ${previous} in the ${p.engagement.windowDays} before`,
    });
  }

  const complaints = countIn(input.complaintTimes, t - p.complaints.windowDays * DAY_MS, t);
  if (complaints >= p.complaints.atLeast) {
    signals.push({
      code: 'complaints', figure: complaints, threshold: p.complaints.atLeast,
      detail: `${complaints} complaint${complaints === 1 ? '' : 's'} in the last ${p.complaints.windowDays} days`,
    });
  }

  const oldest = t - p.satisfaction.maxAgeDays * DAY_MS;
  const satisfaction = latestAnswer(input.satisfactionAnswers, input.asOf, oldest);
  if (satisfaction && satisfaction.score <= p.satisfaction.lowAtMost) {
    signals.push({
      code: 'low_satisfaction', figure: satisfaction.score, threshold: p.satisfaction.lowAtMost,
      detail: `satisfaction ${satisfaction.score} of 5 on ${satisfaction.at.slice(0, 10)}`,
    });
  }
  const nps = latestAnswer(input.npsAnswers, input.asOf, oldest);
  if (nps && nps.score <= p.satisfaction.npsDetractorAtMost) {
    signals.push({
      code: 'nps_detractor', figure: nps.score, threshold: p.satisfaction.npsDetractorAtMost,
      detail: `NPS answer ${nps.score} of 10 on ${nps.at.slice(0, 10)} (a detractor)`,
    });
  }

  if (input.pAlive !== undefined && input.pAlive < p.pAlive.below) {
    signals.push({
      code: 'p_alive_low', figure: Math.round(input.pAlive * 1000) / 1000, threshold: p.pAlive.below,
      detail: `P(alive) ${Math.round(input.pAlive * 1000) / 1000} below ${p.pAlive.below}`,
    });
  }

  const eligible = input.stage !== 'prospect' && input.stage !== 'lost';
  return { raised: eligible && signals.length >= p.minSignals, signals };
}

/**
 * The usual interval is the median of the gaps between consecutive purchase days (same-day orders are
 * one visit; a day is a UTC date), in days; the current gap runs from the last purchase to `asOf`.
 */
function purchaseGap(purchaseTimes: readonly string[], t: number, minPurchaseDays: number) {
  const days: number[] = [];
  for (const at of purchaseTimes) {
    const ms = Date.parse(at);
    const day = Math.floor(ms / DAY_MS);
    if (days.length === 0 || Math.floor(days[days.length - 1]! / DAY_MS) !== day) days.push(ms);
  }
  if (days.length < minPurchaseDays) return undefined;
  const gaps = days.slice(1).map((ms, i) => (ms - days[i]!) / DAY_MS).sort((a, b) => a - b);
  const mid = gaps.length >> 1;
  const usualDays = gaps.length % 2 ? gaps[mid]! : (gaps[mid - 1]! + gaps[mid]!) / 2;
  const daysSinceLast = (t - Date.parse(purchaseTimes[purchaseTimes.length - 1]!)) / DAY_MS;
  // Two orders minutes apart on either side of midnight make a usual interval near zero: count at least a day.
  return { usualDays, daysSinceLast, ratio: daysSinceLast / Math.max(usualDays, 1) };
}

/** Events in (from, to], times in ascending order. */
function countIn(times: readonly string[], from: number, to: number): number {
  let n = 0;
  for (const at of times) {
    const ms = Date.parse(at);
    if (ms > to) break;
    if (ms > from) n++;
  }
  return n;
}

/** The latest answer at or before `asOf` and after `oldest`; on equal instants the later in the log. */
function latestAnswer(answers: readonly SurveyAnswer[], asOf: string, oldest: number): SurveyAnswer | undefined {
  let latest: SurveyAnswer | undefined;
  for (const a of answers) {
    if (a.at > asOf) break;
    latest = a;
  }
  return latest && Date.parse(latest.at) > oldest ? latest : undefined;
}
