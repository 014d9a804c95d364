import { DataSource, type EntityManager } from 'typeorm';
import { ProjectionCheckpoint } from '@lifecycle/read-store';
import { lifecycleOf } from '../lifecycle/lifecycle.query';
import { pointsOf } from '../points/points.query';
import { segmentOf } from '../rfm/rfm.query';
import { tierOf } from '../tier/tier.query';
import { CustomerSummary } from './customer-summary.entity';
import { complaintsInLast90Days, CUSTOMER_SUMMARY } from './customer-summary.projection';

/** Money as a decimal string of integer minor units: exact in JSON whatever the size. */
export interface MoneyView {
  readonly amount: string;
  readonly currency: string | null;
}

export interface CustomerSummaryView {
  readonly customerId: string;
  readonly registeredAt: string | null;
  readonly implicit: boolean | null;
  readonly firstPurchaseAt: string | null;
  readonly lastPurchaseAt: string | null;
  readonly orderCount: number;
  readonly grossRevenue: MoneyView;
  readonly refundedAmount: MoneyView;
  readonly netRevenue: MoneyView;
  readonly averageOrderValue: MoneyView | null;
  readonly interactionCounts: Readonly<Record<string, number>>;
  readonly lastInteractionAt: string | null;
  readonly lastSatisfaction: { readonly score: number; readonly at: string } | null;
  readonly lastNps: { readonly score: number; readonly at: string } | null;
  /** In (asOf - 90 days, asOf]. */
  readonly complaintsLast90Days: number;
  readonly asOf: string;
  readonly erased: boolean;
  readonly erasedAt: string | null;
  /** As of `asOf`, from the served versions of the points, tier, lifecycle and rfm projections; null where one has nothing on the customer. */
  readonly pointsBalance: number | null;
  readonly tier: string | null;
  readonly stage: string | null;
  /** RFM segment and value group; null when the customer was not scored (no purchase in the window). */
  readonly segment: string | null;
  readonly valueGroup: string | null;
}

/**
 * The summary of one customer from the served version of the projection (the join on the active
 * checkpoint makes a switch-over atomic for readers too), or null if the log has nothing on them.
 * The row covers the whole log read so far; `asOf` (ISO-8601) places the 90-day complaint window and
 * is the instant the points balance, tier, stage and segment are taken at (each from its projection's
 * own as-of query). The segment needs a DataSource (an RFM snapshot may be taken on demand): within
 * a transaction's manager it is left null rather than wait on the database outside it.
 */
export async function customerSummary(
  db: DataSource | EntityManager,
  customerId: string,
  { asOf }: { readonly asOf: string },
): Promise<CustomerSummaryView | null> {
  const row = await db
    .createQueryBuilder(CustomerSummary, 's')
    .innerJoin(ProjectionCheckpoint, 'c', 'c.projection = :projection AND c.active AND c.version = s.projectionVersion', { projection: CUSTOMER_SUMMARY })
    .where('s.customerId = :customerId', { customerId })
    .getOne();
  if (!row) return null;
  const hosted = await hostedReadModels(db);
  const [points, tier, lifecycle, segment] = [
    hosted.points ? await pointsOf(db, customerId, asOf) : null,
    hosted.tier ? await tierOf(db, customerId, asOf) : null,
    hosted.lifecycle ? await lifecycleOf(db, customerId, asOf) : null,
    hosted.rfm && db instanceof DataSource ? await segmentOf(db, customerId, asOf) : null,
  ];
  const money = (amount: bigint): MoneyView => ({ amount: amount.toString(), currency: row.currency });
  return {
    customerId: row.customerId,
    registeredAt: row.registeredAt,
    implicit: row.implicit,
    firstPurchaseAt: row.firstPurchaseAt,
    lastPurchaseAt: row.lastPurchaseAt,
    orderCount: row.orderCount,
    grossRevenue: money(row.grossRevenue),
    refundedAmount: money(row.refundedAmount),
    netRevenue: money(row.netRevenue),
    averageOrderValue: row.averageOrderValue === null ? null : money(row.averageOrderValue),
    interactionCounts: row.interactionCounts,
    lastInteractionAt: row.lastInteractionAt,
    lastSatisfaction: row.lastSatisfaction === null ? null : { score: row.lastSatisfaction, at: row.lastSatisfactionAt! },
    lastNps: row.lastNps === null ? null : { score: row.lastNps, at: row.lastNpsAt! },
    complaintsLast90Days: complaintsInLast90Days(row.complaintTimes, asOf),
    asOf,
    erased: row.erasedAt !== null,
    erasedAt: row.erasedAt,
    pointsBalance: points?.balance ?? null,
    tier: tier?.tier ?? null,
    stage: lifecycle?.stage ?? null,
    segment: segment?.segment ?? null,
    valueGroup: segment?.valueGroup ?? null,
  };
}

/**
 * Which of the other read models this read store has tables for: a store opened with only some
 * projections' read models (a tool, a test) answers null for the others instead of failing.
 */
async function hostedReadModels(db: DataSource | EntityManager): Promise<Record<'points' | 'tier' | 'lifecycle' | 'rfm', boolean>> {
  const [row] = (await db.query(
    `SELECT to_regclass('points_versions') IS NOT NULL AS points, to_regclass('tier_versions') IS NOT NULL AS tier,
            to_regclass('lifecycle_state') IS NOT NULL AS lifecycle, to_regclass('rfm_snapshot') IS NOT NULL AS rfm`,
  )) as { points: boolean; tier: boolean; lifecycle: boolean; rfm: boolean }[];
  return row!;
}
