import { type ChurnInput, churnWarning } from './churn-warning';
import { DEFAULT_LIFECYCLE_THRESHOLDS as T } from './lifecycle-thresholds';

const ASOF = '2024-06-01T00:00:00.000Z';
const daysBefore = (n: number) => new Date(Date.parse(ASOF) - n * 86_400_000).toISOString();
const quiet: ChurnInput = {
  asOf: ASOF, stage: 'active', purchaseTimes: [], engagementTimes: [], complaintTimes: [], satisfactionAnswers: [], npsAnswers: [],
};
const given = (over: Partial<ChurnInput>) => churnWarning({ ...quiet, ...over }, T);

describe('when no signal is present', () => {
  it('raises nothing', () => {
    expect(given({ purchaseTimes: [daysBefore(60), daysBefore(30), daysBefore(5)] })).toEqual({ raised: false, signals: [] });
  });
});

describe('purchase gap against the customer\'s own usual interval', () => {
  it('raises at twice the median interval, naming the gap and the interval', () => {
    // Purchases every 20 days, the last one 40 days ago: exactly twice the usual interval.
    const w = given({ purchaseTimes: [daysBefore(100), daysBefore(80), daysBefore(60), daysBefore(40)] });
    expect(w.raised).toBe(true);
    expect(w.signals).toEqual([{ code: 'purchase_gap', figure: 2, threshold: 2, detail: '40 days since the last purchase, 2 times the usual interval of 20 days' }]);
  });

  it('does not raise just below twice the interval', () => {
    expect(given({ purchaseTimes: [daysBefore(100), daysBefore(80), daysBefore(60), daysBefore(39)] }).signals).toEqual([]);
  });

  it('needs two purchase days: orders on the same day are one visit', () => {
    expect(given({ purchaseTimes: [daysBefore(300)] }).signals).toEqual([]);
    expect(given({ purchaseTimes: ['2024-01-01T08:00:00.000Z', '2024-01-01T18:00:00.000Z'] }).signals).toEqual([]);
  });

  it('ignores purchases after the as-of instant', () => {
    const times = [daysBefore(100), daysBefore(80), daysBefore(60), daysBefore(40), daysBefore(-5)];
    expect(given({ purchaseTimes: times }).signals.map((s) => s.code)).toEqual(['purchase_gap']);
  });
});

describe('falling engagement: the last 90 days vs the 90 before', () => {
  it('raises when the recent window has half or less of the earlier one', () => {
    const w = given({ engagementTimes: [daysBefore(170), daysBefore(150), daysBefore(120), daysBefore(100), daysBefore(10), daysBefore(5)] });
    expect(w.signals).toEqual([{ code: 'falling_engagement', figure: 0.5, threshold: 0.5, detail: '2 interactions in the last 90 days vs 4 in the 90 before' }]);
  });

  it('does not raise when engagement holds or the earlier window was too thin to compare', () => {
    expect(given({ engagementTimes: [daysBefore(150), daysBefore(120), daysBefore(10), daysBefore(5)] }).signals).toEqual([]);
    expect(given({ engagementTimes: [daysBefore(150)] }).signals).toEqual([]);
  });
});

describe('complaints in the last 90 days', () => {
  it('raises on one complaint within the window, not on an older one', () => {
    expect(given({ complaintTimes: [daysBefore(89)] }).signals).toEqual([{ code: 'complaints', figure: 1, threshold: 1, detail: '1 complaint in the last 90 days' }]);
    expect(given({ complaintTimes: [daysBefore(90)] }).signals).toEqual([]);
  });
});

describe('low satisfaction and NPS detractors', () => {
  it('raises on a latest satisfaction answer of 2 or less', () => {
    expect(given({ satisfactionAnswers: [{ at: '2024-05-01T00:00:00.000Z', score: 2 }] }).signals)
      .toEqual([{ code: 'low_satisfaction', figure: 2, threshold: 2, detail: 'satisfaction 2 of 5 on 2024-05-01' }]);
  });

  it('reads the latest answer only: a better later answer clears it', () => {
    expect(given({ satisfactionAnswers: [{ at: daysBefore(50), score: 1 }, { at: daysBefore(10), score: 4 }] }).signals).toEqual([]);
  });

  it('raises on an NPS detractor (0-6), not on a passive (7)', () => {
    expect(given({ npsAnswers: [{ at: '2024-05-01T00:00:00.000Z', score: 6 }] }).signals)
      .toEqual([{ code: 'nps_detractor', figure: 6, threshold: 6, detail: 'NPS answer 6 of 10 on 2024-05-01 (a detractor)' }]);
    expect(given({ npsAnswers: [{ at: daysBefore(10), score: 7 }] }).signals).toEqual([]);
  });

  it('forgets answers older than a year', () => {
    expect(given({ npsAnswers: [{ at: daysBefore(366), score: 0 }] }).signals).toEqual([]);
  });
});

describe('P(alive) from the customer-base model', () => {
  it('raises below 0.5 when given, and is absent when not', () => {
    expect(given({ pAlive: 0.31234 }).signals).toEqual([{ code: 'p_alive_low', figure: 0.312, threshold: 0.5, detail: 'P(alive) 0.312 below 0.5' }]);
    expect(given({ pAlive: 0.5 }).signals).toEqual([]);
    expect(given({}).signals).toEqual([]);
  });
});

describe('which customers can be warned', () => {
  it('lists the signals but raises no warning for a lost customer or a prospect', () => {
    for (const stage of ['lost', 'prospect'] as const) {
      const w = given({ stage, complaintTimes: [daysBefore(1)] });
      expect(w).toEqual({ raised: false, signals: [expect.objectContaining({ code: 'complaints' })] });
    }
    expect(given({ stage: 'dormant', complaintTimes: [daysBefore(1)] }).raised).toBe(true);
  });

  it('needs minSignals signals', () => {
    const two = { ...T, churn: { ...T.churn, minSignals: 2 } };
    expect(churnWarning({ ...quiet, complaintTimes: [daysBefore(1)] }, two).raised).toBe(false);
    expect(churnWarning({ ...quiet, complaintTimes: [daysBefore(1)], pAlive: 0.1 }, two).raised).toBe(true);
  });
});
