import { differenceOfProportions } from './proportions';

describe('differenceOfProportions (Newcombe hybrid score interval)', () => {
  // Newcombe R. G. (1998), "Interval estimation for the difference between independent proportions:
  // comparison of eleven methods", Statistics in Medicine 17: 873–890, Table II, method 10
  // (score interval without continuity correction), examples (a)–(f), printed to four decimals.
  it.each([
    [56, 70, 48, 80, 0.0524, 0.3339],
    [9, 10, 3, 10, 0.1705, 0.809],
    [6, 7, 2, 7, 0.0582, 0.8062],
    [5, 56, 0, 29, -0.0381, 0.1926],
    [0, 10, 0, 20, -0.1611, 0.2775],
    [10, 10, 0, 20, 0.6791, 1.0],
  ])('%i/%i vs %i/%i gives Newcombe\'s published interval', (a, m, b, n, lower, upper) => {
    const { difference, interval } = differenceOfProportions({ successes: a, n: m }, { successes: b, n });
    expect(difference).toBeCloseTo(a / m - b / n, 12);
    expect(interval![0]).toBeCloseTo(lower, 4);
    expect(interval![1]).toBeCloseTo(upper, 4);
  });

  it('has no interval when a group is empty', () => {
    expect(differenceOfProportions({ successes: 1, n: 4 }, { successes: 0, n: 0 }).interval).toBeNull();
  });

  it('widens with the confidence level', () => {
    const t = { successes: 30, n: 100 };
    const c = { successes: 20, n: 100 };
    const i90 = differenceOfProportions(t, c, 0.9).interval!;
    const i99 = differenceOfProportions(t, c, 0.99).interval!;
    expect(i99[0]).toBeLessThan(i90[0]);
    expect(i99[1]).toBeGreaterThan(i90[1]);
  });
});
