import { conflict, rejected } from '../shared/domain-error';
import { digestOf } from '../shared/digest';
import { ErrorCode } from '../shared/error-codes';
import { isKnownCurrency, isMinorUnits } from '../shared/money';
import { canonicalInstant, parseInstant } from '../shared/instant';
import { PersistentMap } from '../shared/persistent-map';
import type { PurchaseRecorded, PurchaseRefunded } from '../customer/customer.events';
import { addDays } from './calendar';
import type { IssueCoupon } from './loyalty.commands';
import {
  COUPON_REASONS, type CouponIssued, type CouponOffer, type CouponReason, type CouponRedeemed, type CouponReleased,
} from './loyalty.events';
import type { CouponTemplate, LoyaltyRules } from './loyalty-rules';

/**
 * Coupons issued to one customer, and which order uses each. A purchase may redeem one coupon;
 * a full refund of that order gives it back if it is still valid at the refund.
 */
export interface CouponRecord {
  readonly couponId: string;
  readonly offer: CouponOffer;
  readonly validFrom: string;
  readonly validTo: string;
  readonly reason: CouponReason;
  readonly issuedAt: string;
  /** Of offer, validity and reason: tells a repeated IssueCoupon from a conflicting one. */
  readonly digest: string;
  /** The order using it now; cleared by a release. */
  readonly usedBy?: string;
  readonly redemptions: number;
}

export type CouponBook = PersistentMap<CouponRecord>;

// The offer's fields are listed in a fixed order: an event read back from a JSONB column has its
// object keys in the database's order, not the order they were decided in.
export const couponDigest = (d: Pick<CouponIssued['data'], 'offer' | 'validFrom' | 'validTo' | 'reason'>): string => {
  const o = d.offer;
  const offer = o.kind === 'amount-off' ? [o.kind, o.amountOff, o.minSpend, o.currency] : [o.kind, o.percentOff];
  return digestOf([offer, d.validFrom, d.validTo, d.reason]);
};

export const evolveCoupons = (book: CouponBook, event: CouponIssued | CouponRedeemed | CouponReleased): CouponBook => {
  const d = event.data;
  const coupon = book.get(d.couponId);
  switch (event.type) {
    case 'CouponIssued': {
      if (coupon) return book;
      const i = event.data;
      return book.set(i.couponId, {
        couponId: i.couponId, offer: i.offer, validFrom: i.validFrom, validTo: i.validTo, reason: i.reason, issuedAt: i.issuedAt,
        digest: couponDigest(i), redemptions: 0,
      });
    }
    case 'CouponRedeemed':
      return !coupon || coupon.usedBy !== undefined ? book : book.set(d.couponId, { ...coupon, usedBy: event.data.orderId, redemptions: coupon.redemptions + 1 });
    case 'CouponReleased': {
      if (!coupon || coupon.usedBy !== event.data.orderId) return book;
      const { usedBy: _released, ...rest } = coupon;
      return book.set(d.couponId, rest);
    }
  }
};

/** Checks IssueCoupon's fields; `[]` for a repeat, 409 for the same id with other facts. */
export const issueCoupon = ({ data }: IssueCoupon, book: CouponBook, issuedAt: string, rules: LoyaltyRules): CouponIssued[] => {
  const validFrom = requireCanonical(data.validFrom, 'validFrom');
  const validTo = requireCanonical(data.validTo, 'validTo');
  if (validTo <= validFrom) {
    throw rejected(ErrorCode.COUPON_INVALID_VALIDITY, 'validTo must be after validFrom', { field: 'validTo' });
  }
  if (!(COUPON_REASONS as readonly unknown[]).includes(data.reason)) {
    throw rejected(ErrorCode.COUPON_UNKNOWN_REASON, `reason must be one of ${COUPON_REASONS.join(', ')}`, { field: 'reason' });
  }
  const event: CouponIssued = {
    type: 'CouponIssued',
    data: {
      customerId: data.customerId, couponId: data.couponId, offer: couponOffer(data.offer), validFrom, validTo, reason: data.reason,
      issuedAt, rulesVersion: rules.version,
    },
  };
  const known = book.get(data.couponId);
  if (known) {
    if (known.digest === couponDigest(event.data)) return [];
    throw conflict(ErrorCode.COUPON_CONFLICT, `coupon ${data.couponId} was already issued with different facts`, { field: 'couponId' });
  }
  return [event];
};

/** A coupon the domain issues by itself (birthday, referral): from the rules' template. */
export const couponFromTemplate = (
  t: CouponTemplate, c: { customerId: string; couponId: string; reason: CouponReason; currency: string; issuedAtMs: number }, rules: LoyaltyRules,
): CouponIssued => {
  const offer: CouponOffer = t.kind === 'percent-off'
    ? { kind: 'percent-off', percentOff: t.percentOff }
    : { kind: 'amount-off', amountOff: t.amountOff[c.currency] ?? 0, minSpend: t.minSpend[c.currency] ?? 0, currency: c.currency };
  const issuedAt = canonicalInstant(c.issuedAtMs);
  return {
    type: 'CouponIssued',
    data: {
      customerId: c.customerId, couponId: c.couponId, offer, validFrom: issuedAt, validTo: canonicalInstant(addDays(c.issuedAtMs, t.validDays)),
      reason: c.reason, issuedAt, rulesVersion: rules.version,
    },
  };
};

/**
 * The coupon a new purchase redeems, or a 422 with the reason. Validity is judged at the purchase's
 * own time. "Spend X, get Y off": `amount` is what the customer paid after the coupon, so the
 * basket before it, amount + Y, must reach X.
 */
export const redeemCoupon = (book: CouponBook, p: PurchaseRecorded['data'], couponId: string, rules: LoyaltyRules): CouponRedeemed => {
  const coupon = book.get(couponId);
  const field = 'couponId';
  if (!coupon) throw rejected(ErrorCode.COUPON_NOT_ISSUED_TO_CUSTOMER, `no coupon ${couponId} was issued to customer ${p.customerId}`, { field });
  if (coupon.usedBy !== undefined) {
    throw rejected(ErrorCode.COUPON_ALREADY_USED, `coupon ${couponId} is already used by order ${coupon.usedBy}`, { field, orderId: coupon.usedBy });
  }
  if (p.occurredAt < coupon.validFrom) {
    throw rejected(ErrorCode.COUPON_NOT_YET_VALID, `coupon ${couponId} is valid from ${coupon.validFrom}`, { field, validFrom: coupon.validFrom });
  }
  if (p.occurredAt >= coupon.validTo) {
    throw rejected(ErrorCode.COUPON_EXPIRED, `coupon ${couponId} expired at ${coupon.validTo}`, { field, validTo: coupon.validTo });
  }
  const { offer } = coupon;
  if (offer.kind === 'amount-off') {
    if (offer.currency !== p.currency) {
      throw rejected(ErrorCode.COUPON_CURRENCY_MISMATCH, `coupon ${couponId} is in ${offer.currency}, the order in ${p.currency}`, { field });
    }
    const basket = p.amount + offer.amountOff;
    if (basket < offer.minSpend) {
      throw rejected(
        ErrorCode.COUPON_BELOW_MINIMUM_SPEND,
        `coupon ${couponId} needs a spend of ${offer.minSpend} before its ${offer.amountOff} off; the order comes to ${basket}`,
        { field, minSpend: offer.minSpend, spend: basket },
      );
    }
  }
  return {
    type: 'CouponRedeemed',
    data: {
      customerId: p.customerId, couponId, orderId: p.orderId, reason: coupon.reason, offer, orderAmount: p.amount, currency: p.currency,
      occurredAt: p.occurredAt, rulesVersion: rules.version,
    },
  };
};

/** A refund that completes the order's refund releases its coupon if the coupon is still valid then. */
export const releaseCoupon = (
  book: CouponBook, r: PurchaseRefunded['data'], orderFullyRefunded: boolean, rules: LoyaltyRules,
): CouponReleased | undefined => {
  if (!orderFullyRefunded) return undefined;
  const coupon = [...book.values()].find((c) => c.usedBy === r.orderId);
  if (!coupon || r.occurredAt >= coupon.validTo) return undefined;
  return {
    type: 'CouponReleased',
    data: {
      customerId: r.customerId, couponId: coupon.couponId, orderId: r.orderId, refundId: r.refundId, reason: coupon.reason,
      occurredAt: r.occurredAt, rulesVersion: rules.version,
    },
  };
};

const requireCanonical = (value: unknown, field: string): string => {
  const ms = parseInstant(value);
  if (ms === undefined) throw rejected(ErrorCode.INVALID_TIME, `${field} must be an ISO-8601 instant such as 2024-03-01T09:15:00Z`, { field });
  return canonicalInstant(ms);
};

const couponOffer = (value: unknown): CouponOffer => {
  const invalid = (field: string, rule: string) => rejected(ErrorCode.COUPON_INVALID_OFFER, `${field} ${rule}`, { field });
  if (typeof value !== 'object' || value === null) throw invalid('offer', 'must be an object');
  const o = value as Record<string, unknown>;
  if (o.kind === 'percent-off') {
    const p = o.percentOff;
    if (typeof p !== 'number' || !Number.isInteger(p) || p < 1 || p > 100) throw invalid('offer.percentOff', 'must be an integer from 1 to 100');
    return { kind: 'percent-off', percentOff: p };
  }
  if (o.kind === 'amount-off') {
    if (!isMinorUnits(o.amountOff) || o.amountOff === 0) throw invalid('offer.amountOff', 'must be a positive integer number of minor units');
    if (!isMinorUnits(o.minSpend)) throw invalid('offer.minSpend', 'must be a non-negative integer number of minor units');
    if (!isKnownCurrency(o.currency)) throw invalid('offer.currency', 'must be an ISO 4217 code (upper case, e.g. EUR)');
    return { kind: 'amount-off', amountOff: o.amountOff, minSpend: o.minSpend, currency: o.currency };
  }
  throw invalid('offer.kind', 'must be amount-off or percent-off');
};
