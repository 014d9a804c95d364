import normalQuantile from '@stdlib/stats-base-dists-normal-quantile';

export interface ProportionDifference {
  /** p_treated − p_control. */
  readonly difference: number;
  /** Two-sided confidence interval of the difference; null when a group is empty. */
  readonly interval: readonly [number, number] | null;
  readonly confidence: number;
}

/**
 * Difference of two independent proportions with Newcombe's hybrid score interval (method 10 of
 * Newcombe 1998, "Interval estimation for the difference between independent proportions",
 * Statistics in Medicine 17: 873–890): Wilson intervals of each proportion combined. Unlike the Wald
 * interval it keeps its coverage near 0 and 1 and with small control groups, which a 10% holdout of
 * a small campaign is.
 */
export function differenceOfProportions(
  treated: { readonly successes: number; readonly n: number },
  control: { readonly successes: number; readonly n: number },
  confidence = 0.95,
): ProportionDifference {
  const p1 = treated.n === 0 ? 0 : treated.successes / treated.n;
  const p2 = control.n === 0 ? 0 : control.successes / control.n;
  if (treated.n === 0 || control.n === 0) return { difference: p1 - p2, interval: null, confidence };
  const z = normalQuantile(1 - (1 - confidence) / 2, 0, 1);
  const [l1, u1] = wilson(treated.successes, treated.n, z);
  const [l2, u2] = wilson(control.successes, control.n, z);
  const d = p1 - p2;
  const lower = d - Math.sqrt((p1 - l1) ** 2 + (u2 - p2) ** 2);
  const upper = d + Math.sqrt((u1 - p1) ** 2 + (p2 - l2) ** 2);
  return { difference: d, interval: [lower, upper], confidence };
}

/** Wilson score interval of one proportion. */
export function wilson(successes: number, n: number, z: number): [number, number] {
  const p = successes / n;
  const z2 = z * z;
  const centre = (p + z2 / (2 * n)) / (1 + z2 / n);
  const half = (z / (1 + z2 / n)) * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  return [Math.max(0, centre - half), Math.min(1, centre + half)];
}
