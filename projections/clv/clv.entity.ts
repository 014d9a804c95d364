import { Column, Entity, PrimaryColumn } from 'typeorm';
import { bigintColumn, instantColumn } from '@lifecycle/read-store';
import type { ClvCustomerRow, ClvOrder } from './clv.projection';

@Entity({ name: 'clv_customer' })
export class ClvCustomer implements ClvCustomerRow {
  @PrimaryColumn({ name: 'projection_version', type: 'integer' })
  projectionVersion!: number;

  @PrimaryColumn({ name: 'customer_id', type: 'text' })
  customerId!: string;

  @Column({ name: 'first_purchase_at', type: 'timestamptz', nullable: true, transformer: instantColumn })
  firstPurchaseAt!: string | null;

  @Column({ name: 'last_purchase_at', type: 'timestamptz', nullable: true, transformer: instantColumn })
  lastPurchaseAt!: string | null;

  @Column({ name: 'purchase_days', type: 'integer' })
  purchaseDays!: number;

  @Column({ name: 'repeat_spend', type: 'bigint', transformer: bigintColumn })
  repeatSpend!: bigint;

  @Column({ type: 'jsonb' })
  orders!: Record<string, ClvOrder>;
}
