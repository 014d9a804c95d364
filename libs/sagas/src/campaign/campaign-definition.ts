import type { CouponOffer } from '@lifecycle/domain';

/**
 * A win-back campaign as ops write it (examples/campaigns/winback.yaml). Plain data: the engine
 * validates it at the edge (HTTP body, YAML file) and the saga reads it as given. Money is in minor
 * units of `currency`.
 */
export interface CampaignDefinition {
  readonly name: string;
  readonly currency: string;
  /** Who is enrolled; every condition given must hold (they combine with AND). */
  readonly eligibility: Eligibility;
  /** Share of the eligible held out as the control group, in [0, 0.5]. */
  readonly holdoutShare: number;
  readonly stages: readonly CampaignStage[];
  /**
   * An episode lasts this many days from enrolment: a purchase inside it is a conversion (for the
   * treated and the control alike), and it ends exhausted when it closes. Stages are due inside it.
   */
  readonly attributionWindowDays: number;
  /** Spend stops when the cost of actions sent reaches the cap: later actions are skipped and say so. */
  readonly budgetCap?: number;
  /** A customer is not enrolled again within this many days of the last enrolment. */
  readonly reentryAfterDays: number;
  /** Share of revenue that is margin, for the incremental margin and the ROI. */
  readonly marginRate: number;
}

export type LifecycleStageName = 'new' | 'active' | 'dormant' | 'lost';
export type ValueGroup = 'high' | 'mid' | 'low';

export interface Eligibility {
  /** Enrol when the customer enters this lifecycle stage. */
  readonly enteredStage?: LifecycleStageName;
  /** Enrol when the churn warning is raised. */
  readonly churnWarning?: boolean;
  readonly segments?: readonly string[];
  readonly tiers?: readonly string[];
  readonly valueGroups?: readonly ValueGroup[];
  /** Only customers whose P(alive) is below this. */
  readonly pAliveBelow?: number;
}

export interface CampaignStage {
  readonly name: string;
  /** Days after the previous stage (after enrolment for the first). */
  readonly delayDays: number;
  readonly action: StageAction;
  /** Cost per action sent, minor units (a gift's cost, a call's cost, a message's cost). */
  readonly cost: number;
}

export type StageAction =
  | {
      readonly kind: 'message';
      readonly channel: 'email' | 'sms' | 'push';
      readonly templateId: string;
      /** Issued through the loyalty rules' IssueCoupon, so its redemption is measured. */
      readonly coupon?: { readonly offer: CouponOffer; readonly validDays: number };
    }
  | { readonly kind: 'callback'; readonly queue: string }
  | { readonly kind: 'gift'; readonly sku: string; readonly onlyHighValue: boolean };

/** What the engine knows of a customer when a lifecycle signal arrives: the input of eligibility. */
export interface CustomerSignal {
  readonly customerId: string;
  readonly at: string;
  /** Set when the signal is a stage transition. */
  readonly enteredStage?: LifecycleStageName;
  readonly churnWarningRaised?: boolean;
  readonly segment?: string;
  readonly tier?: string;
  readonly valueGroup?: ValueGroup;
  readonly pAlive?: number;
  /** Erased customers are never contacted. */
  readonly erased?: boolean;
}

/**
 * Whether a signal enrols the customer. A condition the signal cannot answer (no segment known, say)
 * does not hold: enrolling on missing facts would spend on customers nobody chose.
 */
export function isEligible(eligibility: Eligibility, signal: CustomerSignal): boolean {
  const e = eligibility;
  if (e.enteredStage !== undefined && signal.enteredStage !== e.enteredStage) return false;
  if (e.churnWarning === true && signal.churnWarningRaised !== true) return false;
  if (e.segments !== undefined && (signal.segment === undefined || !e.segments.includes(signal.segment))) return false;
  if (e.tiers !== undefined && (signal.tier === undefined || !e.tiers.includes(signal.tier))) return false;
  if (e.valueGroups !== undefined && (signal.valueGroup === undefined || !e.valueGroups.includes(signal.valueGroup))) return false;
  if (e.pAliveBelow !== undefined && (signal.pAlive === undefined || !(signal.pAlive < e.pAliveBelow))) return false;
  // Without a stage or warning condition in the definition, any transition or warning triggers.
  return e.enteredStage !== undefined || e.churnWarning === true || signal.enteredStage !== undefined || signal.churnWarningRaised === true;
}

/** Day offsets from enrolment at which each stage is due. */
export const stageOffsetsDays = (definition: CampaignDefinition): number[] => {
  let day = 0;
  return definition.stages.map((s) => (day += s.delayDays));
};
