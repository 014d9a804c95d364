import { PersistentMap } from '../shared/persistent-map';
import { type CouponBook, evolveCoupons } from './coupons';
import type { LoyaltyEvent } from './loyalty.events';
import { evolveLedger, initialLedger, type PointsLedger } from './points-ledger';
import { evolveReferral, initialReferral, type ReferralState } from './referral';
import { evolveTier, initialTier, type TierState } from './tiers';

/** The loyalty part of the customer state: one slice per concern, each folded by its own module. */
export interface LoyaltyState {
  readonly ledger: PointsLedger;
  readonly tier: TierState;
  readonly coupons: CouponBook;
  readonly referral: ReferralState;
  /** Years a birthday reward was given for. */
  readonly birthdayYears: readonly number[];
}

export const initialLoyalty = (): LoyaltyState => ({
  ledger: initialLedger(),
  tier: initialTier(),
  coupons: PersistentMap.empty(),
  referral: initialReferral(),
  birthdayYears: [],
});

/** Total like the customer's evolve: a repeated event in the log changes nothing. */
export const evolveLoyalty = (loyalty: LoyaltyState, event: LoyaltyEvent): LoyaltyState => {
  switch (event.type) {
    case 'PointsEarned':
    case 'PointsRedeemed':
    case 'PointsExpired':
    case 'PointsExpiryWarned':
    case 'PointsClawedBack':
    case 'PointsAdjusted': {
      const ledger = evolveLedger(loyalty.ledger, event);
      return ledger === loyalty.ledger ? loyalty : { ...loyalty, ledger };
    }
    case 'TierChanged':
    case 'TierRetained': {
      const tier = evolveTier(loyalty.tier, event);
      return tier === loyalty.tier ? loyalty : { ...loyalty, tier };
    }
    case 'CouponIssued':
    case 'CouponRedeemed':
    case 'CouponReleased': {
      const coupons = evolveCoupons(loyalty.coupons, event);
      return coupons === loyalty.coupons ? loyalty : { ...loyalty, coupons };
    }
    case 'ReferralRewarded':
    case 'ReferralDeclined': {
      const referral = evolveReferral(loyalty.referral, event);
      return referral === loyalty.referral ? loyalty : { ...loyalty, referral };
    }
    case 'BirthdayRewarded':
      return loyalty.birthdayYears.includes(event.data.year) ? loyalty : { ...loyalty, birthdayYears: [...loyalty.birthdayYears, event.data.year] };
    default: {
      const _exhaustive: never = event;
      return loyalty;
    }
  }
};
