import { readFileSync } from 'node:fs';
import { parseCdnowSample } from '../test/cdnow-files';
import { bgNbdExpectedPurchases, fitBgNbd } from './bg-nbd';
import { expectedCohortRepeatPurchases } from './cohort-tracking';
import { fitParetoNbd, paretoNbdExpectedPurchases } from './pareto-nbd';
import { summarizeTransactions } from './summary';
import { sharedDataFile } from '@lifecycle/testing/shared-data';


describe('expectedCohortRepeatPurchases', () => {
  it('adds each customer’s E[X] from his own acquisition time, nothing before it', () => {
    const linear = (t: number) => 0.5 * t;
    expect(expectedCohortRepeatPurchases(linear, [0, 0, 4], [2, 4, 10])).toEqual([2, 4, 0.5 * (10 + 10 + 6)]);
    expect(expectedCohortRepeatPurchases(linear, [5], [5, 3])).toEqual([0, 0]);
  });

  it('rejects a birth time that is not a number', () => {
    expect(() => expectedCohortRepeatPurchases((t) => t, [NaN], [1])).toThrow(RangeError);
  });

  // The calibration/holdout tracking check of Fader, Hardie & Lee (2005) on the CDNOW sample:
  // weeks 1–39 calibrate, weeks 40–78 (to 1998-06-30) are held out. Time runs in weeks from
  // 1997-01-01 00:00 with every event at the end of its day, so the calibration ends at week 39,
  // the holdout at week 78, and a customer with age T at the calibration end was acquired at 39 − T.
  describe('on the CDNOW sample', () => {
    const transactions = parseCdnowSample(readFileSync(sharedDataFile('CDNOW_sample.txt'), 'utf8'));
    const calibration = summarizeTransactions(transactions, { asOf: '1997-09-30', unit: 'weeks' });
    const wholePeriod = summarizeTransactions(transactions, { asOf: '1998-06-30', unit: 'weeks' });
    const actualByWeek39 = calibration.reduce((sum, c) => sum + c.frequency, 0);
    const actualByWeek78 = wholePeriod.reduce((sum, c) => sum + c.frequency, 0);
    const births = calibration.map((c) => 39 - c.T);

    it('acquires the whole cohort in the first quarter of 1997', () => {
      expect(Math.min(...births)).toBeCloseTo(1 / 7, 10);
      expect(Math.max(...births)).toBeLessThan(13);
    });

    const bg = fitBgNbd(calibration).params;
    const pnbd = fitParetoNbd(calibration).params;
    const curves = [
      ['BG/NBD', (t: number) => bgNbdExpectedPurchases(bg, t)],
      ['Pareto/NBD', (t: number) => paretoNbdExpectedPurchases(pnbd, t)],
    ] as const;

    it.each(curves)('%s tracks cumulative repeat purchases to within 5% at weeks 39 and 78', (_name, curve) => {
      const [by39, by78] = expectedCohortRepeatPurchases(curve, births, [39, 78]);
      expect(Math.abs(by39 / actualByWeek39 - 1)).toBeLessThan(0.05);
      expect(Math.abs(by78 / actualByWeek78 - 1)).toBeLessThan(0.05);
    });
  });
});
