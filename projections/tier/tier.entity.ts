import { Column, Entity, PrimaryColumn } from 'typeorm';
import { instantColumn } from '@lifecycle/read-store';
import type { TierRow } from './tier.projection';

/** A row of the tier read model (written by `replayProjection`, read by tier.query.ts). */
@Entity({ name: 'tier' })
export class CustomerTier {
  @PrimaryColumn({ name: 'customer_id', type: 'text' }) customerId!: string;
  @PrimaryColumn({ name: 'projection_version', type: 'integer' }) projectionVersion!: number;
  @Column({ type: 'text' }) replay!: string;
  @Column({ name: 'next_due_at', type: 'timestamptz', nullable: true, transformer: instantColumn }) nextDueAt!: string | null;
  @Column({ type: 'text' }) tier!: string;
  @Column({ type: 'timestamptz', nullable: true, transformer: instantColumn }) since!: string | null;
  @Column({ name: 'next_review_at', type: 'timestamptz', nullable: true, transformer: instantColumn }) nextReviewAt!: string | null;
  @Column({ type: 'jsonb' }) history!: TierRow['history'];
  @Column({ type: 'text' }) currency!: string;
}

/** The rules and the clock of each built version. */
@Entity({ name: 'tier_versions' })
export class TierVersion {
  @PrimaryColumn({ name: 'projection_version', type: 'integer' }) projectionVersion!: number;
  @Column({ type: 'jsonb' }) rules!: unknown;
  @Column({ type: 'timestamptz', nullable: true, transformer: instantColumn }) clock!: string | null;
}
