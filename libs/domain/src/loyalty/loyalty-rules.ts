/**
 * The loyalty rules as data: every number the points ledger, tiers, referral and birthday care use.
 * The engine loads them from a file (config/loyalty-rules.yaml), validates them at start-up and
 * passes the typed object in the DecisionContext; the domain never reads a file.
 *
 * Decisions use the rules in force; the events they produce record the outcome (points, lots,
 * expiry instants, thresholds) and `rulesVersion`, so a replay never needs an old rules file.
 */
export interface LoyaltyRules {
  /** Recorded in every loyalty event (`rulesVersion`). */
  readonly version: string;
  /** IANA zone of the business calendar: member days, the annual lapse date. */
  readonly timeZone: string;
  /** The currency of the points of a customer who has not bought yet (referrers, adjustments). */
  readonly defaultCurrency: string;
  /** Per ISO 4217 code. A purchase in a currency not listed here earns nothing. */
  readonly currencies: Readonly<Record<string, CurrencyRule>>;
  readonly bonuses: readonly BonusRule[];
  readonly expiry: ExpiryPolicy;
  /** A lot is warned about once, when its expiry falls within this many days. */
  readonly expiryWarningDays: number;
  /** Lowest first; the first level is where everyone starts (thresholds 0). */
  readonly tiers: readonly TierLevel[];
  readonly tierPolicy: TierPolicy;
  readonly referral?: ReferralRules;
  readonly birthday?: BirthdayRules;
}

export interface CurrencyRule {
  /** Minor units in one currency unit: 100 for EUR, 1 for JPY. */
  readonly minorUnitsPerUnit: number;
  /** Base earn rate: points per currency unit paid (at most 2 decimals). */
  readonly pointsPerUnit: number;
  /** What points are worth, for the liability: `points` points are worth `minorUnits`. */
  readonly pointValue: { readonly points: number; readonly minorUnits: number };
}

/**
 * A bonus multiplies the points of a purchase when every condition it states holds. A rule with
 * `categories` multiplies only the share of the order paid for items of those categories.
 */
export interface BonusRule {
  /** Named in the PointsEarned event as `bonus:<id>`. */
  readonly id: string;
  /** At most 2 decimals. */
  readonly multiplier: number;
  readonly categories?: readonly string[];
  readonly paymentMethods?: readonly string[];
  /** Instants: the rule holds from `from` (inclusive) to `to` (exclusive). */
  readonly from?: string;
  readonly to?: string;
  /** Recurring days in the business time zone (member day): 1-31, and ISO weekdays 1 (Mon) - 7 (Sun). */
  readonly daysOfMonth?: readonly number[];
  readonly daysOfWeek?: readonly number[];
}

/**
 * How lots expire; recorded on each lot when it is earned (see lot-expiry.ts).
 *  - months-after-earning: the whole lot expires `months` calendar months after it was earned;
 *  - annual-lapse: every year on `on` (MM-DD, business time zone) `percent`% of what each lot
 *    still holds lapses (rounded up), for lots at least `minAgeMonths` old on that day.
 */
export type ExpiryPolicy =
  | { readonly kind: 'months-after-earning'; readonly months: number }
  | { readonly kind: 'annual-lapse'; readonly on: string; readonly percent: number; readonly minAgeMonths: number };

export interface TierLevel {
  readonly name: string;
  /** Rolling net spend to reach the level, minor units per currency. */
  readonly minSpend: Readonly<Record<string, number>>;
  /** Orders in the window (not fully refunded) to reach the level, when `qualifyBy` counts orders. */
  readonly minOrders?: number;
  /** At most 2 decimals. */
  readonly pointsMultiplier: number;
  /** Shown with the tier; the shop applies it at checkout. */
  readonly discountPercent: number;
}

export interface TierPolicy {
  readonly qualifyBy: 'spend' | 'spend-and-orders' | 'spend-or-orders';
  /** The rolling window the figures are taken over (12). */
  readonly windowMonths: number;
  /** A tier is held at least this long; then reviewed every period (downgrade only at review). */
  readonly reviewPeriodMonths: number;
}

/** Points, a coupon, or both. */
export interface Reward {
  readonly points?: number;
  readonly coupon?: CouponTemplate;
}

export type CouponTemplate =
  | {
      readonly kind: 'amount-off';
      /** Per currency: the customer's currency (or the default) picks the amounts. */
      readonly amountOff: Readonly<Record<string, number>>;
      readonly minSpend: Readonly<Record<string, number>>;
      readonly validDays: number;
    }
  | { readonly kind: 'percent-off'; readonly percentOff: number; readonly validDays: number };

export interface ReferralRules {
  /** Refunds of the first purchase within this many days count against it; settled after it. */
  readonly windowDays: number;
  readonly referrer: Reward;
  readonly referee: Reward;
}

export interface BirthdayRules {
  readonly reward: Reward;
  /** A tick that missed the day may still reward up to this many days late (0: on the day only). */
  readonly graceDays: number;
}

/** The level a tier name stands for; a name the rules no longer know counts as the lowest level. */
export const tierLevelOf = (rules: LoyaltyRules, name: string | undefined): { readonly level: TierLevel; readonly index: number } => {
  const index = name === undefined ? 0 : rules.tiers.findIndex((t) => t.name === name);
  return index < 0 ? { level: rules.tiers[0]!, index: 0 } : { level: rules.tiers[index]!, index };
};

/** Rates and multipliers have at most 2 decimals; in hundredths they multiply exactly. */
export const hundredths = (value: number): bigint => BigInt(Math.round(value * 100));
