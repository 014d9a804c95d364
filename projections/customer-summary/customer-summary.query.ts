import type { DataSource, EntityManager } from 'typeorm';
import { ProjectionCheckpoint } from '@lifecycle/read-store';
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
}

/**
 * The summary of one customer from the served version of the projection (the join on the active
 * checkpoint makes a switch-over atomic for readers too), or null if the log has nothing on them.
 * The row covers the whole log read so far; `asOf` (ISO-8601) only places the 90-day complaint window.
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
  };
}
