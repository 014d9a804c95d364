import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { PendingTimer } from '@lifecycle/sagas';
import type { CampaignEpisodeRow } from './campaign-metrics.projection';

@Entity({ name: 'campaign_episodes' })
export class CampaignEpisode implements CampaignEpisodeRow {
  @PrimaryColumn({ name: 'projection_version', type: 'integer' }) projectionVersion!: number;
  @PrimaryColumn({ name: 'episode_key', type: 'text' }) episodeKey!: string;
  @Column({ name: 'campaign_id', type: 'text' }) campaignId!: string;
  @Column({ name: 'customer_id', type: 'text' }) customerId!: string;
  @Column({ type: 'integer' }) episode!: number;
  @Column({ name: 'holdout_group', type: 'text' }) holdoutGroup!: 'treated' | 'control';
  // Canonical ISO text, as the saga events spell instants: it sorts in time order.
  @Column({ name: 'enrolled_at', type: 'text' }) enrolledAt!: string;
  @Column({ name: 'window_ends_at', type: 'text' }) windowEndsAt!: string;
  @Column({ type: 'text' }) status!: CampaignEpisodeRow['status'];
  @Column({ name: 'stages_reached', type: 'integer' }) stagesReached!: number;
  @Column({ type: 'jsonb' }) stages!: CampaignEpisodeRow['stages'];
  @Column({ type: 'jsonb', nullable: true }) conversion!: CampaignEpisodeRow['conversion'];
  @Column({ type: 'jsonb' }) timers!: Record<string, PendingTimer>;
  @Column({ name: 'next_due_at', type: 'text', nullable: true }) nextDueAt!: string | null;
  @Column({ type: 'jsonb' }) feedback!: CampaignEpisodeRow['feedback'];
  @Column({ name: 'coupon_discount', type: 'bigint', transformer: { to: (v: number) => v, from: (v: string | number) => Number(v) } }) couponDiscount!: number;
}
