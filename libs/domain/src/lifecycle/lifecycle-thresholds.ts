/**
 * The lifecycle rules as data. Defaults (days are 24-hour periods of event time):
 *  - new: the first purchase was less than 30 days ago;
 *  - active: a purchase less than 90 days ago (and not new);
 *  - dormant: 90 days or more without a purchase;
 *  - lost: 365 days or more without a purchase.
 * A customer registered without a purchase is a prospect. A change happens at its exact due moment
 * (lastPurchase + 90 days is dormant), whatever event or tick notices it.
 */
export interface LifecycleThresholds {
  readonly newForDays: number;
  readonly dormantAfterDays: number;
  readonly lostAfterDays: number;
  readonly churn: ChurnParameters;
}

/**
 * The churn-warning signals of the retention playbooks, each with its own cut-off. A warning is
 * raised when at least `minSignals` signals are present (and the customer is not already lost).
 */
export interface ChurnParameters {
  /** Raised when the days since the last purchase reach `factor` times the customer's usual (median) interval. */
  readonly purchaseGap: { readonly factor: number; readonly minPurchaseDays: number };
  /**
   * Engagement interactions (email open/click, app visit, event attended, survey) in the last
   * `windowDays` vs the `windowDays` before: raised when the earlier window had at least
   * `minPrevious` and the recent one has at most `(1 - dropRatio)` of it.
   */
  readonly engagement: { readonly windowDays: number; readonly minPrevious: number; readonly dropRatio: number };
  /** Complaints in the last `windowDays`: raised at `atLeast`. */
  readonly complaints: { readonly windowDays: number; readonly atLeast: number };
  /**
   * The latest survey answer within `maxAgeDays`: satisfaction (1-5) at most `lowAtMost` is low;
   * NPS (0-10) at most `npsDetractorAtMost` is a detractor (the NPS definition: 0-6).
   */
  readonly satisfaction: { readonly lowAtMost: number; readonly npsDetractorAtMost: number; readonly maxAgeDays: number };
  /** P(alive) from the customer-base model (BG/NBD), when one is given: raised below `below`. */
  readonly pAlive: { readonly below: number };
  readonly minSignals: number;
}

export const DEFAULT_CHURN_PARAMETERS: ChurnParameters = {
  purchaseGap: { factor: 2, minPurchaseDays: 2 },
  engagement: { windowDays: 90, minPrevious: 2, dropRatio: 0.5 },
  complaints: { windowDays: 90, atLeast: 1 },
  satisfaction: { lowAtMost: 2, npsDetractorAtMost: 6, maxAgeDays: 365 },
  pAlive: { below: 0.5 },
  minSignals: 1,
};

export const DEFAULT_LIFECYCLE_THRESHOLDS: LifecycleThresholds = {
  newForDays: 30,
  dormantAfterDays: 90,
  lostAfterDays: 365,
  churn: DEFAULT_CHURN_PARAMETERS,
};

export interface ThresholdProblem {
  readonly field: string;
  readonly reason: string;
}

/**
 * What is wrong with a set of thresholds (empty when they are usable), field by field, so that a
 * definition file is refused at start-up with the field named. Read as unknown: it comes from a file.
 */
export function lifecycleThresholdProblems(raw: unknown): ThresholdProblem[] {
  const problems: ThresholdProblem[] = [];
  const t = (raw ?? {}) as Record<string, unknown>;
  const positiveInt = (field: string, value: unknown) => {
    if (!Number.isSafeInteger(value) || (value as number) < 1) problems.push({ field, reason: 'must be a whole number of at least 1' });
  };
  const inRange = (field: string, value: unknown, min: number, max: number) => {
    if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) problems.push({ field, reason: `must be a number from ${min} to ${max}` });
  };
  positiveInt('newForDays', t.newForDays);
  positiveInt('dormantAfterDays', t.dormantAfterDays);
  positiveInt('lostAfterDays', t.lostAfterDays);
  if (problems.length === 0) {
    if ((t.newForDays as number) >= (t.dormantAfterDays as number)) problems.push({ field: 'newForDays', reason: 'must be less than dormantAfterDays' });
    if ((t.dormantAfterDays as number) >= (t.lostAfterDays as number)) problems.push({ field: 'dormantAfterDays', reason: 'must be less than lostAfterDays' });
  }
  const churn = t.churn as Record<string, Record<string, unknown> | undefined> | undefined;
  if (typeof churn !== 'object' || churn === null) return [...problems, { field: 'churn', reason: 'is required' }];
  const part = (name: string): Record<string, unknown> => {
    const value = churn[name];
    if (typeof value !== 'object' || value === null) {
      problems.push({ field: `churn.${name}`, reason: 'is required' });
      return {};
    }
    return value;
  };
  const gap = part('purchaseGap');
  if (Object.keys(gap).length) {
    inRange('churn.purchaseGap.factor', gap.factor, 1, 100);
    positiveInt('churn.purchaseGap.minPurchaseDays', gap.minPurchaseDays);
    if (gap.minPurchaseDays === 1) problems.push({ field: 'churn.purchaseGap.minPurchaseDays', reason: 'must be at least 2 (an interval needs two purchase days)' });
  }
  const engagement = part('engagement');
  if (Object.keys(engagement).length) {
    positiveInt('churn.engagement.windowDays', engagement.windowDays);
    positiveInt('churn.engagement.minPrevious', engagement.minPrevious);
    inRange('churn.engagement.dropRatio', engagement.dropRatio, 0, 1);
  }
  const complaints = part('complaints');
  if (Object.keys(complaints).length) {
    positiveInt('churn.complaints.windowDays', complaints.windowDays);
    positiveInt('churn.complaints.atLeast', complaints.atLeast);
  }
  const satisfaction = part('satisfaction');
  if (Object.keys(satisfaction).length) {
    inRange('churn.satisfaction.lowAtMost', satisfaction.lowAtMost, 1, 5);
    inRange('churn.satisfaction.npsDetractorAtMost', satisfaction.npsDetractorAtMost, 0, 10);
    positiveInt('churn.satisfaction.maxAgeDays', satisfaction.maxAgeDays);
  }
  const pAlive = part('pAlive');
  if (Object.keys(pAlive).length) inRange('churn.pAlive.below', pAlive.below, 0, 1);
  positiveInt('churn.minSignals', churn.minSignals);
  return problems;
}
