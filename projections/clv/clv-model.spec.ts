import { bgNbdExpectedPurchases, customerLifetimeValue, gammaGammaConditionalExpectedValue } from '@lifecycle/clv';
import { bgNbdProbabilityOfCount, calibrationHistogram, clvMonths, holdoutCheck, scoreCustomer, trackingSeries, transactionCurves } from './clv-model';

// The published CDNOW sample fits (Fader, Hardie & Lee 2005; Fader & Hardie 2013), as libs/clv reproduces them.
const bg = { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 };
const gg = { p: 6.25, q: 3.74, gamma: 15.44 };

describe('bgNbdProbabilityOfCount', () => {
  it.each([1, 39, 78])('is a distribution whose mean is E[X(%d)]', (t) => {
    let total = 0;
    let mean = 0;
    for (let x = 0; x < 600; x++) {
      const p = bgNbdProbabilityOfCount(bg, x, t);
      expect(p).toBeGreaterThanOrEqual(0);
      total += p;
      mean += x * p;
    }
    expect(total).toBeCloseTo(1, 9);
    expect(mean).toBeCloseTo(bgNbdExpectedPurchases(bg, t), 6);
  });

  it('puts everything on 0 at t = 0', () => {
    expect(bgNbdProbabilityOfCount(bg, 0, 0)).toBe(1);
    expect(bgNbdProbabilityOfCount(bg, 3, 0)).toBe(0);
  });
});

describe('scoreCustomer', () => {
  const curves = transactionCurves('bgnbd', bg);
  const customer = { customerId: 'x', frequency: 2, recency: 30.43, T: 38.86, monetaryValue: 22.35 };

  it('splits the horizon into equal months that cover it exactly', () => {
    expect(clvMonths({ horizon: 52, unit: 'weeks', monthlyDiscountRate: 0 })).toEqual({ months: 12, periodsPerMonth: 52 / 12 });
    expect(clvMonths({ horizon: 365, unit: 'days', monthlyDiscountRate: 0 })).toEqual({ months: 12, periodsPerMonth: 365 / 12 });
    expect(clvMonths({ horizon: 1, unit: 'weeks', monthlyDiscountRate: 0 })).toEqual({ months: 1, periodsPerMonth: 1 });
    expect(() => clvMonths({ horizon: 0, unit: 'weeks', monthlyDiscountRate: 0 })).toThrow(RangeError);
  });

  it('gives an undiscounted CLV of expected purchases × expected value, and less when discounted', () => {
    const plain = scoreCustomer(curves, gg, customer, { horizon: 39, unit: 'weeks', monthlyDiscountRate: 0 });
    expect(plain.expectedPurchases).toBeCloseTo(1.226, 3); // Hardie's bgnbd.xls, note 004
    expect(plain.expectedAvgValue).toBeCloseTo(gammaGammaConditionalExpectedValue(gg, customer), 12);
    expect(plain.clv).toBeCloseTo(plain.expectedPurchases * plain.expectedAvgValue, 9);
    const discounted = scoreCustomer(curves, gg, customer, { horizon: 39, unit: 'weeks', monthlyDiscountRate: 0.01 });
    expect(discounted.clv).toBeLessThan(plain.clv);
    expect(discounted.clv).toBeCloseTo(
      customerLifetimeValue((t) => curves.conditionalExpectedPurchases(t, customer), plain.expectedAvgValue, { months: 9, periodsPerMonth: 39 / 9, unit: 'weeks', monthlyDiscountRate: 0.01 }),
      12,
    );
    expect(discounted.pAlive).toBeGreaterThan(0);
    expect(discounted.pAlive).toBeLessThan(1);
  });
});

describe('holdoutCheck and calibrationHistogram', () => {
  const curves = transactionCurves('bgnbd', bg);
  const customers = [
    { customerId: 'a', frequency: 0, recency: 0, T: 30, monetaryValue: 0 },
    { customerId: 'b', frequency: 2, recency: 20, T: 30, monetaryValue: 10 },
    { customerId: 'c', frequency: 9, recency: 29, T: 35, monetaryValue: 10 },
    { customerId: 'd', frequency: 12, recency: 25, T: 38, monetaryValue: 10 },
  ];

  it('classes customers 0 … 6 and 7+, and totals the classes', () => {
    const rows = holdoutCheck(curves, customers, new Map([['b', 1], ['c', 4], ['d', 2]]), 39);
    expect(rows.map((r) => r.frequency)).toEqual(['0', '1', '2', '3', '4', '5', '6', '7+', 'total']);
    expect(rows[0]).toMatchObject({ customers: 1, actual: 0 });
    expect(rows[2]).toMatchObject({ customers: 1, actual: 1 });
    expect(rows[7]).toMatchObject({ customers: 2, actual: 6 });
    expect(rows[7]!.predicted).toBeCloseTo(curves.conditionalExpectedPurchases(39, customers[2]!) + curves.conditionalExpectedPurchases(39, customers[3]!), 12);
    const total = rows[8]!;
    expect(total).toMatchObject({ customers: 4, actual: 7 });
    expect(total.predicted).toBeCloseTo(rows.slice(0, 8).reduce((s, r) => s + r.predicted, 0), 12);
  });

  it('expects as many customers in the histogram as there are', () => {
    const bars = calibrationHistogram(customers, (x, T) => bgNbdProbabilityOfCount(bg, x, T));
    expect(bars.map((b) => b.actual)).toEqual([1, 0, 1, 0, 0, 0, 0, 2]);
    expect(bars.reduce((s, b) => s + b.predicted, 0)).toBeCloseTo(4, 9);
  });
});

describe('trackingSeries', () => {
  it('counts repeat purchases made by each time and adds each customer’s E[X] from his birth', () => {
    const curves = transactionCurves('bgnbd', bg);
    const series = trackingSeries(curves, [0.5, 2], [1, 1.5, 3], 3);
    expect(series.map((p) => [p.t, p.actual])).toEqual([[1, 1], [2, 2], [3, 3]]);
    expect(series[2]!.predicted).toBeCloseTo(bgNbdExpectedPurchases(bg, 2.5) + bgNbdExpectedPurchases(bg, 1), 12);
    expect(series[0]!.predicted).toBeCloseTo(bgNbdExpectedPurchases(bg, 0.5), 12);
  });
});
