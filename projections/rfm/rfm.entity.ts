import { Column, Entity, PrimaryColumn } from 'typeorm';
import { bigintColumn, instantColumn } from '@lifecycle/read-store';

/** One order as RFM needs it; the facts every snapshot is scored from. */
@Entity({ name: 'rfm_purchase' })
export class RfmPurchase {
  @PrimaryColumn({ name: 'customer_id', type: 'text' }) customerId!: string;
  @PrimaryColumn({ name: 'order_id', type: 'text' }) orderId!: string;
  @PrimaryColumn({ name: 'projection_version', type: 'integer' }) projectionVersion!: number;
  @Column({ name: 'occurred_at', type: 'timestamptz', transformer: instantColumn }) occurredAt!: string;
  @Column({ type: 'bigint', transformer: bigintColumn }) amount!: bigint;
}

@Entity({ name: 'rfm_refund' })
export class RfmRefund {
  @PrimaryColumn({ name: 'customer_id', type: 'text' }) customerId!: string;
  @PrimaryColumn({ name: 'refund_id', type: 'text' }) refundId!: string;
  @PrimaryColumn({ name: 'projection_version', type: 'integer' }) projectionVersion!: number;
  @Column({ name: 'order_id', type: 'text' }) orderId!: string;
  @Column({ name: 'occurred_at', type: 'timestamptz', transformer: instantColumn }) occurredAt!: string;
  @Column({ type: 'bigint', transformer: bigintColumn }) amount!: bigint;
}

/** The rules a version is built with (read by the queries) and the last clock tick it saw. */
@Entity({ name: 'rfm_version' })
export class RfmVersion {
  @PrimaryColumn({ name: 'projection_version', type: 'integer' }) projectionVersion!: number;
  @Column({ type: 'jsonb' }) definition!: unknown;
  @Column({ name: 'last_tick_at', type: 'timestamptz', nullable: true, transformer: instantColumn }) lastTickAt!: string | null;
}

/** One customer's scores in one dated snapshot. */
@Entity({ name: 'rfm_snapshot' })
export class RfmSnapshot {
  @PrimaryColumn({ name: 'as_of', type: 'timestamptz', transformer: instantColumn }) asOf!: string;
  @PrimaryColumn({ name: 'customer_id', type: 'text' }) customerId!: string;
  @PrimaryColumn({ name: 'projection_version', type: 'integer' }) projectionVersion!: number;
  @Column({ name: 'recency_days', type: 'integer' }) recencyDays!: number;
  @Column({ type: 'integer' }) frequency!: number;
  @Column({ type: 'bigint', transformer: bigintColumn }) monetary!: bigint;
  @Column({ type: 'smallint' }) r!: number;
  @Column({ type: 'smallint' }) f!: number;
  @Column({ type: 'smallint' }) m!: number;
  @Column({ type: 'text' }) segment!: string;
  @Column({ name: 'value_group', type: 'text' }) valueGroup!: string;
}

/** That a snapshot was taken (also when it scored nobody), and what took it. */
@Entity({ name: 'rfm_snapshot_taken' })
export class RfmSnapshotTaken {
  @PrimaryColumn({ name: 'as_of', type: 'timestamptz', transformer: instantColumn }) asOf!: string;
  @PrimaryColumn({ name: 'projection_version', type: 'integer' }) projectionVersion!: number;
  @Column({ type: 'integer' }) customers!: number;
  @Column({ name: 'taken_by', type: 'text' }) takenBy!: 'clock' | 'query';
}
