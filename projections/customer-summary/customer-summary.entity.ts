import { Column, Entity, PrimaryColumn } from 'typeorm';
import { bigintColumn, instantColumn } from '@lifecycle/read-store';
import type { CustomerSummaryRow } from './customer-summary.projection';

@Entity({ name: 'customer_summary' })
export class CustomerSummary implements CustomerSummaryRow {
  @PrimaryColumn({ name: 'projection_version', type: 'integer' })
  projectionVersion!: number;

  @PrimaryColumn({ name: 'customer_id', type: 'text' })
  customerId!: string;

  @Column({ name: 'registered_at', type: 'timestamptz', nullable: true, transformer: instantColumn })
  registeredAt!: string | null;

  @Column({ type: 'boolean', nullable: true })
  implicit!: boolean | null;

  @Column({ name: 'first_purchase_at', type: 'timestamptz', nullable: true, transformer: instantColumn })
  firstPurchaseAt!: string | null;

  @Column({ name: 'last_purchase_at', type: 'timestamptz', nullable: true, transformer: instantColumn })
  lastPurchaseAt!: string | null;

  @Column({ name: 'order_count', type: 'integer' })
  orderCount!: number;

  @Column({ type: 'text', nullable: true })
  currency!: string | null;

  @Column({ name: 'gross_revenue', type: 'bigint', transformer: bigintColumn })
  grossRevenue!: bigint;

  @Column({ name: 'refunded_amount', type: 'bigint', transformer: bigintColumn })
  refundedAmount!: bigint;

  @Column({ name: 'net_revenue', type: 'bigint', transformer: bigintColumn })
  netRevenue!: bigint;

  @Column({ name: 'average_order_value', type: 'bigint', nullable: true, transformer: bigintColumn })
  averageOrderValue!: bigint | null;

  @Column({ name: 'interaction_counts', type: 'jsonb' })
  interactionCounts!: Record<string, number>;

  @Column({ name: 'last_interaction_at', type: 'timestamptz', nullable: true, transformer: instantColumn })
  lastInteractionAt!: string | null;

  @Column({ name: 'last_satisfaction', type: 'smallint', nullable: true })
  lastSatisfaction!: number | null;

  @Column({ name: 'last_satisfaction_at', type: 'timestamptz', nullable: true, transformer: instantColumn })
  lastSatisfactionAt!: string | null;

  @Column({ name: 'last_nps', type: 'smallint', nullable: true })
  lastNps!: number | null;

  @Column({ name: 'last_nps_at', type: 'timestamptz', nullable: true, transformer: instantColumn })
  lastNpsAt!: string | null;

  @Column({ name: 'complaint_times', type: 'jsonb' })
  complaintTimes!: string[];

  @Column({ name: 'erased_at', type: 'timestamptz', nullable: true, transformer: instantColumn })
  erasedAt!: string | null;
}
