import type { LoyaltyEvent } from '../loyalty/loyalty.events';
import { type AnyIntegrationMessage, integrationMessage, type SourceEvent } from './integration-message';

/**
 * A birthday reward whose coupon has not been read yet. BirthdayRewarded comes first in its append
 * and the CouponIssued with the offer right after it; the greeting goes out with the coupon, so it
 * waits for it (across a batch boundary too: this is part of the state committed with the checkpoint).
 */
export interface PendingGreeting {
  readonly couponId: string;
  readonly year: number;
  readonly celebratedOn: string;
  readonly points?: number;
}

export interface LoyaltyDerivation {
  readonly pendingGreetings: readonly PendingGreeting[];
  readonly messages: readonly AnyIntegrationMessage[];
}

/**
 * The `customer.tier`, `loyalty.points` and `customer.messages` messages one loyalty event gives.
 * Points and tier changes, expiry warnings and birthday rewards are events in the log already (the
 * tick decides them once, with keys of their own), so a tick that runs twice derives nothing twice.
 */
export const deriveLoyaltyMessages = (
  source: SourceEvent, event: LoyaltyEvent, pendingGreetings: readonly PendingGreeting[],
): LoyaltyDerivation => {
  const none = { pendingGreetings, messages: [] };
  const id = event.data.customerId;
  switch (event.type) {
    case 'TierChanged': {
      const d = event.data;
      return {
        pendingGreetings,
        messages: [integrationMessage('customer.tier', source, id, d.changedAt, {
          from: d.from, to: d.to, reason: d.reason, trigger: d.trigger, changedAt: d.changedAt,
          ...(d.nextReviewAt !== undefined && { nextReviewAt: d.nextReviewAt }), figures: d.figures,
        })],
      };
    }
    case 'PointsEarned': {
      const d = event.data;
      return {
        pendingGreetings,
        messages: [integrationMessage('loyalty.points', source, id, d.earnedAt, {
          kind: 'earned', points: d.points, balanceChange: d.points, at: d.earnedAt, lotId: d.lotId, reason: d.source,
          ...(d.orderId !== undefined && { orderId: d.orderId }),
          ...(d.expiry.kind === 'at' && { expiresAt: d.expiry.expiresAt }),
        })],
      };
    }
    case 'PointsRedeemed': {
      const d = event.data;
      return {
        pendingGreetings,
        messages: [integrationMessage('loyalty.points', source, id, d.occurredAt, {
          kind: 'redeemed', points: d.points, balanceChange: -d.points, at: d.occurredAt, redemptionId: d.redemptionId, rewardId: d.rewardId,
        })],
      };
    }
    case 'PointsExpired': {
      const d = event.data;
      return {
        pendingGreetings,
        messages: [integrationMessage('loyalty.points', source, id, d.expiredAt, {
          kind: 'expired', points: d.points, balanceChange: -d.points, at: d.expiredAt, lotId: d.lotId,
        })],
      };
    }
    case 'PointsClawedBack': {
      const d = event.data;
      return {
        pendingGreetings,
        messages: [integrationMessage('loyalty.points', source, id, d.occurredAt, {
          kind: 'clawed_back', points: d.points, balanceChange: -d.points, at: d.occurredAt, orderId: d.orderId, refundId: d.refundId,
        })],
      };
    }
    case 'PointsAdjusted': {
      const d = event.data;
      return {
        pendingGreetings,
        messages: [integrationMessage('loyalty.points', source, id, d.occurredAt, {
          kind: 'adjusted', points: Math.abs(d.points), balanceChange: d.points, at: d.occurredAt, adjustmentId: d.adjustmentId, reason: d.reason,
          ...(d.lotId !== undefined && { lotId: d.lotId }),
        })],
      };
    }
    case 'PointsExpiryWarned': {
      // The warning is both a ledger fact (loyalty.points) and a message to the customer, sent once per lot and expiry.
      const d = event.data;
      return {
        pendingGreetings,
        messages: [
          integrationMessage('loyalty.points', source, id, d.warnedAt, {
            kind: 'expiry_warning', points: d.points, balanceChange: 0, at: d.warnedAt, lotId: d.lotId, expiresAt: d.expiresAt,
          }),
          integrationMessage('customer.messages', source, id, d.warnedAt, {
            programme: 'points-expiry-warning', lotId: d.lotId, points: d.points, expiresAt: d.expiresAt,
          }),
        ],
      };
    }
    case 'BirthdayRewarded': {
      const d = event.data;
      if (d.couponId !== undefined) {
        const pending: PendingGreeting = { couponId: d.couponId, year: d.year, celebratedOn: d.celebratedOn, ...(d.points !== undefined && { points: d.points }) };
        return { pendingGreetings: [...pendingGreetings.filter((p) => p.couponId !== d.couponId), pending], messages: [] };
      }
      return {
        pendingGreetings,
        messages: [integrationMessage('customer.messages', source, id, d.rewardedAt, {
          programme: 'birthday-greeting', year: d.year, celebratedOn: d.celebratedOn, ...(d.points !== undefined && { points: d.points }),
        })],
      };
    }
    case 'CouponIssued': {
      const d = event.data;
      const greeting = d.reason === 'birthday' ? pendingGreetings.find((p) => p.couponId === d.couponId) : undefined;
      if (!greeting) return none;
      return {
        pendingGreetings: pendingGreetings.filter((p) => p !== greeting),
        messages: [integrationMessage('customer.messages', source, id, d.issuedAt, {
          programme: 'birthday-greeting', year: greeting.year, celebratedOn: greeting.celebratedOn,
          ...(greeting.points !== undefined && { points: greeting.points }),
          coupon: { couponId: d.couponId, offer: d.offer, validFrom: d.validFrom, validTo: d.validTo },
        })],
      };
    }
    case 'TierRetained':
    case 'CouponRedeemed':
    case 'CouponReleased':
    case 'ReferralRewarded':
    case 'ReferralDeclined':
      return none;
    default: {
      const unknown: never = event;
      throw new Error(`no integration rule for event type ${(unknown as { type: string }).type}`);
    }
  }
};
