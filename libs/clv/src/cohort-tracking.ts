/**
 * The population side of the models: how many repeat purchases a cohort is expected to make by
 * each point in calendar time, the curve that is laid over the actual cumulative repeat purchases
 * to check a fit across the calibration and holdout periods (the "tracking plot" of Fader, Hardie
 * & Lee 2005).
 */

/**
 * Σᵢ E[X(τ − sᵢ)] for each τ in `at`: customer i was acquired at sᵢ = births[i], and
 * `expectedPurchases(t)` is the model's E[X(t)] for a new customer (0 for t ≤ 0). Births and
 * times share one unit and origin. From a summary taken at calendar time τ₀, births are τ₀ − T.
 */
export function expectedCohortRepeatPurchases(
  expectedPurchases: (t: number) => number,
  births: readonly number[],
  at: readonly number[],
): number[] {
  // Cohorts are acquired on a limited number of days: evaluate E[X] once per distinct birth.
  const customersByBirth = new Map<number, number>();
  for (const s of births) {
    if (!Number.isFinite(s)) throw new RangeError(`birth time must be finite, got ${s}`);
    customersByBirth.set(s, (customersByBirth.get(s) ?? 0) + 1);
  }
  return at.map((tau) => {
    let total = 0;
    for (const [s, n] of customersByBirth) if (tau > s) total += n * expectedPurchases(tau - s);
    return total;
  });
}
