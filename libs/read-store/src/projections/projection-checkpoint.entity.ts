import { Column, Entity, PrimaryColumn } from 'typeorm';

export type CheckpointStatus = 'building' | 'live' | 'failed';

/** What a failed projection recorded about the event it could not apply (or the read that broke). */
export interface RecordedProjectionError {
  readonly message: string;
  readonly code?: string;
  readonly eventId?: string;
  readonly eventType?: string;
  /** The failing event's log position, both halves as decimal strings. */
  readonly position?: { readonly tx: string; readonly pos: string };
  /** The batch that was rolled back: after the checkpoint, up to and including `last`. */
  readonly batch?: { readonly after: { readonly tx: string; readonly pos: string }; readonly last: { readonly tx: string; readonly pos: string } };
}

/**
 * One row per projection version: where in the global log its rows are up to, and whether it is the
 * version queries read. The position moves only in the transaction that writes the rows it covers.
 * Positions are int8 read as decimal strings (pg's convention); the runner turns them into bigints.
 */
@Entity({ name: 'projection_checkpoints' })
export class ProjectionCheckpoint {
  @PrimaryColumn({ type: 'text' })
  projection!: string;

  @PrimaryColumn({ type: 'integer' })
  version!: number;

  /** Exclusive: the last event applied is at (tx, pos). (0, 0) before the first. */
  @Column({ type: 'bigint' })
  tx!: string;

  @Column({ type: 'bigint' })
  pos!: string;

  @Column({ type: 'text' })
  status!: CheckpointStatus;

  /** At most one version of a projection is active (a partial unique index says so). */
  @Column({ type: 'boolean' })
  active!: boolean;

  @Column({ name: 'events_processed', type: 'bigint' })
  eventsProcessed!: string;

  @Column({ name: 'last_error', type: 'jsonb', nullable: true })
  lastError!: RecordedProjectionError | null;

  @Column({ name: 'caught_up_at', type: 'timestamptz', nullable: true })
  caughtUpAt!: Date | null;

  @Column({ name: 'activated_at', type: 'timestamptz', nullable: true })
  activatedAt!: Date | null;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
