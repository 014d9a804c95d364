import { Column, Entity, PrimaryColumn } from 'typeorm';
import { instantColumn } from '@lifecycle/read-store';
import type { PointsLot } from './points.projection';

const pointsColumn = { from: (v: string | number) => Number(v), to: (v: number) => v };

/** A row of the points read model (written by `replayProjection`, read by points.query.ts). */
@Entity({ name: 'points' })
export class PointsBalance {
  @PrimaryColumn({ name: 'customer_id', type: 'text' }) customerId!: string;
  @PrimaryColumn({ name: 'projection_version', type: 'integer' }) projectionVersion!: number;
  @Column({ type: 'text' }) replay!: string;
  @Column({ name: 'next_due_at', type: 'timestamptz', nullable: true, transformer: instantColumn }) nextDueAt!: string | null;
  @Column({ type: 'text' }) currency!: string;
  @Column({ type: 'bigint', transformer: pointsColumn }) balance!: number;
  @Column({ type: 'bigint', transformer: pointsColumn }) outstanding!: number;
  @Column({ type: 'bigint', transformer: pointsColumn }) debt!: number;
  @Column({ type: 'bigint', transformer: pointsColumn }) earned!: number;
  @Column({ type: 'bigint', transformer: pointsColumn }) redeemed!: number;
  @Column({ type: 'bigint', transformer: pointsColumn }) expired!: number;
  @Column({ name: 'clawed_back', type: 'bigint', transformer: pointsColumn }) clawedBack!: number;
  @Column({ type: 'bigint', transformer: pointsColumn }) adjusted!: number;
  @Column({ name: 'shortfall_movements', type: 'bigint', transformer: pointsColumn }) shortfallMovements!: number;
  @Column({ name: 'shortfall_points', type: 'bigint', transformer: pointsColumn }) shortfallPoints!: number;
  @Column({ type: 'jsonb' }) lots!: PointsLot[];
}

/** The rules and the clock of each built version. */
@Entity({ name: 'points_versions' })
export class PointsVersion {
  @PrimaryColumn({ name: 'projection_version', type: 'integer' }) projectionVersion!: number;
  @Column({ type: 'jsonb' }) rules!: unknown;
  @Column({ type: 'timestamptz', nullable: true, transformer: instantColumn }) clock!: string | null;
}
