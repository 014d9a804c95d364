import type { DataSource, EntityManager } from 'typeorm';
import type { Episode } from '@lifecycle/sagas';
import { CAMPAIGN_METRICS, type CampaignEpisodeRow } from './campaign-metrics.projection';

// The served version only: the join on the active checkpoint makes a switch-over atomic for readers.
const SERVED = `JOIN projection_checkpoints c ON c.projection = '${CAMPAIGN_METRICS}' AND c.active AND c.version = e.projection_version`;

export interface CampaignCounts {
  readonly enrolled: number;
  readonly heldOut: number;
  /** Active episodes of treated customers by the last stage reached (0 = enrolled, no action yet). */
  readonly atStage: Readonly<Record<string, number>>;
  readonly converted: number;
  readonly exhausted: number;
  readonly stopped: number;
}

/** How many customers are at each stage, converted, exhausted, or held out. */
export async function campaignCounts(db: DataSource | EntityManager, campaignId: string): Promise<CampaignCounts> {
  const rows: { holdout_group: string; status: string; stages_reached: number; n: string }[] = await db.query(
    `SELECT e.holdout_group, e.status, e.stages_reached, count(*) AS n FROM campaign_episodes e ${SERVED}
      WHERE e.campaign_id = $1 GROUP BY 1, 2, 3`,
    [campaignId],
  );
  const counts = { enrolled: 0, heldOut: 0, atStage: {} as Record<string, number>, converted: 0, exhausted: 0, stopped: 0 };
  for (const r of rows) {
    const n = Number(r.n);
    counts.enrolled += n;
    if (r.holdout_group === 'control') {
      counts.heldOut += n;
      continue;
    }
    if (r.status === 'active') counts.atStage[String(r.stages_reached)] = (counts.atStage[String(r.stages_reached)] ?? 0) + n;
    else counts[r.status as 'converted' | 'exhausted' | 'stopped'] += n;
  }
  return counts;
}

/** A campaign's episodes as the report measures them, and the discount its redeemed coupons gave. */
export async function campaignEpisodes(db: DataSource | EntityManager, campaignId: string): Promise<{ episodes: Episode[]; couponDiscounts: Map<string, number> }> {
  const rows: Record<string, unknown>[] = await db.query(
    `SELECT e.customer_id, e.episode, e.holdout_group, e.enrolled_at, e.window_ends_at, e.status, e.stages, e.conversion, e.coupon_discount, e.feedback
       FROM campaign_episodes e ${SERVED} WHERE e.campaign_id = $1 ORDER BY e.enrolled_at, e.customer_id`,
    [campaignId],
  );
  const couponDiscounts = new Map<string, number>();
  const episodes = rows.map((r): Episode => {
    const stages = json<CampaignEpisodeRow['stages']>(r.stages);
    const discount = Number(r.coupon_discount);
    // One coupon per episode at most carries the discount (the message stage's).
    const coupon = stages.find((s) => s.couponId !== undefined)?.couponId;
    if (coupon && discount > 0) couponDiscounts.set(coupon, discount);
    const conversion = json<CampaignEpisodeRow['conversion']>(r.conversion);
    const status = r.status as CampaignEpisodeRow['status'];
    return {
      customerId: String(r.customer_id), episode: Number(r.episode), group: r.holdout_group as Episode['group'],
      enrolledAt: String(r.enrolled_at), windowEndsAt: String(r.window_ends_at), stages: [...stages],
      ...(conversion && { conversion }), ...(status !== 'active' && { end: status }),
      feedback: json<Episode['feedback']>(r.feedback),
    };
  });
  return { episodes, couponDiscounts };
}

export interface DueTimer {
  readonly campaignId: string;
  readonly customerId: string;
  readonly timerId: string;
  readonly dueAt: string;
}

/** Timers due at `now` on active episodes, earliest first (a timer fires once: the saga refuses a second firing). */
export async function dueTimers(db: DataSource | EntityManager, now: string, limit: number): Promise<DueTimer[]> {
  const rows: { campaign_id: string; customer_id: string; timers: unknown }[] = await db.query(
    `SELECT e.campaign_id, e.customer_id, e.timers FROM campaign_episodes e ${SERVED}
      WHERE e.next_due_at IS NOT NULL AND e.next_due_at <= $1 AND e.status = 'active' ORDER BY e.next_due_at LIMIT $2`,
    [now, limit],
  );
  return rows.flatMap((r) =>
    Object.entries(json<Record<string, { dueAt: string }>>(r.timers))
      .filter(([, t]) => t.dueAt <= now)
      .map(([timerId, t]) => ({ campaignId: r.campaign_id, customerId: r.customer_id, timerId, dueAt: t.dueAt })),
  );
}

// pg parses jsonb; the embedded driver may hand text.
const json = <T>(value: unknown): T => (typeof value === 'string' ? (JSON.parse(value) as T) : (value as T));
