import { Column, Entity, PrimaryColumn, ViewColumn, ViewEntity } from 'typeorm';
import type { ChurnFacts } from '@lifecycle/domain';
import { instantColumn } from '@lifecycle/read-store';
import { TRANSITIONS_VIEW } from './lifecycle.migrations';
import type { StoredTransition } from './lifecycle.projection';

/** The tables of lifecycle.migrations.ts; the projection writes them with its own SQL (lifecycle.read-model.ts). */
@Entity({ name: 'lifecycle_state' })
export class LifecycleStateEntity {
  @PrimaryColumn({ name: 'projection_version', type: 'integer' }) projectionVersion!: number;
  @PrimaryColumn({ name: 'customer_id', type: 'text' }) customerId!: string;
  @Column({ type: 'text', nullable: true }) stage!: string | null;
  @Column({ type: 'timestamptz', nullable: true, transformer: instantColumn }) since!: string | null;
  @Column({ type: 'timestamptz', nullable: true, transformer: instantColumn }) at!: string | null;
  @Column({ name: 'next_due_at', type: 'timestamptz', nullable: true, transformer: instantColumn }) nextDueAt!: string | null;
  @Column({ name: 'registered_at', type: 'timestamptz', nullable: true, transformer: instantColumn }) registeredAt!: string | null;
  @Column({ type: 'text', nullable: true }) registration!: string | null;
  @Column({ name: 'erased_at', type: 'timestamptz', nullable: true, transformer: instantColumn }) erasedAt!: string | null;
  @Column({ name: 'first_purchase_at', type: 'timestamptz', nullable: true, transformer: instantColumn }) firstPurchaseAt!: string | null;
  @Column({ name: 'last_purchase_at', type: 'timestamptz', nullable: true, transformer: instantColumn }) lastPurchaseAt!: string | null;
  @Column({ type: 'jsonb' }) facts!: ChurnFacts;
  @Column({ type: 'jsonb' }) transitions!: StoredTransition[];
}

/** A view over the state rows' `transitions`, one row per transition (lifecycle.migrations.ts). */
@ViewEntity({ name: 'lifecycle_transitions', expression: TRANSITIONS_VIEW })
export class LifecycleTransitionEntity {
  @ViewColumn({ name: 'projection_version' }) projectionVersion!: number;
  @ViewColumn({ name: 'customer_id' }) customerId!: string;
  @ViewColumn() seq!: number;
  @ViewColumn({ name: 'from_stage' }) fromStage!: string | null;
  @ViewColumn({ name: 'to_stage' }) toStage!: string;
  @ViewColumn({ transformer: instantColumn }) at!: string;
  @ViewColumn() cause!: string;
}

@Entity({ name: 'lifecycle_clock' })
export class LifecycleClockEntity {
  @PrimaryColumn({ name: 'projection_version', type: 'integer' }) projectionVersion!: number;
  @Column({ type: 'timestamptz', nullable: true, transformer: instantColumn }) at!: string | null;
  @Column({ type: 'jsonb' }) thresholds!: object;
}
