import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CampaignEpisodes1767226000000 implements MigrationInterface {
  name = 'CampaignEpisodes1767226000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`CREATE TABLE campaign_episodes (
      projection_version integer NOT NULL,
      episode_key text NOT NULL,
      campaign_id text NOT NULL,
      customer_id text NOT NULL,
      episode integer NOT NULL,
      holdout_group text NOT NULL,
      enrolled_at text NOT NULL,
      window_ends_at text NOT NULL,
      status text NOT NULL,
      stages_reached integer NOT NULL,
      stages jsonb NOT NULL,
      conversion jsonb,
      timers jsonb NOT NULL,
      next_due_at text,
      coupon_discount bigint NOT NULL,
      feedback jsonb NOT NULL,
      PRIMARY KEY (episode_key, projection_version)
    )`);
    // The saga host asks for the due timers of active episodes; GET /campaigns/:id counts one campaign.
    await runner.query(`CREATE INDEX campaign_episodes_due ON campaign_episodes (next_due_at) WHERE next_due_at IS NOT NULL`);
    await runner.query(`CREATE INDEX campaign_episodes_campaign ON campaign_episodes (campaign_id, projection_version)`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TABLE campaign_episodes`);
  }
}

/**
 * The saga host's own checkpoint on the log (purchases, erasures, campaign coupons), with the lease
 * that keeps one host reacting. Not a projection's: a rebuild never moves it, so never re-sends.
 */
export class WinbackHost1767226000001 implements MigrationInterface {
  name = 'WinbackHost1767226000001';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`CREATE TABLE winback_host (
      name text PRIMARY KEY,
      tx bigint NOT NULL DEFAULT 0,
      pos bigint NOT NULL DEFAULT 0,
      events_read bigint NOT NULL DEFAULT 0,
      lease_owner text,
      lease_until timestamptz
    )`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TABLE winback_host`);
  }
}
