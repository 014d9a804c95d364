import { randomUUID } from 'node:crypto';
import { type BeforeApplicationShutdown, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import type { AnyIntegrationMessage, CustomerErased, PurchaseRecorded } from '@lifecycle/domain';
import { type BatchConsumer, kafkaMessaging } from '@lifecycle/messaging';
import { fromIntegrationRecord, InProcessIntegrationBus } from '@lifecycle/messaging/integration-events';
import type { LogPosition, RecordedEvent } from '@lifecycle/event-store';
import { dueTimers } from '@lifecycle/projections/campaign-metrics/campaign-metrics.query';
import { segmentOf, ServedValueGroupsCache } from '@lifecycle/projections';
import type { CampaignDefinition, CustomerSignal, ValueGroup, WinbackCommand, WinbackStageReached } from '@lifecycle/sagas';
import { EngineConfig } from '../config/engine-config';
import { CustomerStream } from '../customers/customer-stream';
import { Clock } from '../storage/clock';
import { Storage } from '../storage/storage';
import { integrationTopicsOf } from '../integration-events/integration-events.config';
import { ensureTopicsRetrying } from '../integration-events/integration-events.host';
import { CampaignStreams } from './campaign-streams';

export const runsSagas = (config: EngineConfig) => config.role === 'all' || config.role === 'saga';

const HOST = 'winback';
const LEASE_MS = 30_000;
const BATCH = 500;

interface RunningCampaign {
  readonly campaignId: string;
  readonly status: 'running' | 'paused' | 'stopped' | 'draft';
  readonly definition: CampaignDefinition;
}

/**
 * Drives the win-back sagas in the engine (ROLE=all|saga), one process at a time (a lease):
 *  - lifecycle signals (`customer.lifecycle`, handed over by the integration publisher before it
 *    moves its checkpoint) enrol eligible customers into every running campaign;
 *  - its own pass over the log, with its own checkpoint: a purchase converts the customer's active
 *    sagas at once, an erasure stops them, and a delivered stage's coupon is issued through the
 *    loyalty rules' IssueCoupon (idempotent by coupon id, so a re-read issues nothing twice);
 *  - due timers (from the campaign-metrics read model) fire on the engine's clock; a paused
 *    campaign's timers wait, a stopped campaign's sagas are stopped instead.
 * Actions themselves go out through the integration publisher, derived from WinbackStageReached in
 * the log, each with its action id as idempotency key.
 */
@Injectable()
export class WinbackSagaHost implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('WinbackSagaHost');
  private readonly owner = randomUUID();
  private loop?: Promise<void>;
  private stopping = false;
  private wake?: () => void;
  private campaigns: RunningCampaign[] = [];
  private unsubscribe?: () => void;
  private consumer?: BatchConsumer;
  private spent = new Map<string, number>();
  // A day's dormant customers arrive together; under an RFM version with value groups by CLV, each
  // one's group would otherwise rank the whole snapshot again (about a second on CDNOW master).
  private readonly valueGroups = new ServedValueGroupsCache(60_000);

  constructor(
    private readonly storage: Storage,
    private readonly clock: Clock,
    private readonly config: EngineConfig,
    private readonly streams: CampaignStreams,
    private readonly customers: CustomerStream,
    private readonly bus: InProcessIntegrationBus,
  ) {}

  /**
   * Lifecycle signals come from where the publisher sends them: Kafka's `customer.lifecycle` (a
   * consumer group, offsets committed after the sagas recorded their reaction) or the in-process bus
   * (the publisher moves its checkpoint only after this subscriber returned). Either way at least
   * once, and enrolment is idempotent.
   */
  async onApplicationBootstrap(): Promise<void> {
    if (!runsSagas(this.config)) return;
    const kafka = this.config.kafka;
    if (kafka) {
      const topic = integrationTopicsOf(this.config.integrationEvents.topics)['customer.lifecycle'];
      const messaging = kafkaMessaging({ brokers: kafka.brokers, clientId: `${kafka.clientId}-winback` });
      // The publisher may be creating the same topic at this moment: asked again, it is there.
      await ensureTopicsRetrying(() => messaging.ensureTopics([topic]));
      this.consumer = messaging.batchConsumer({
        groupId: `${kafka.clientId}-winback-sagas`, topics: [topic],
        handle: async (batch) => {
          for (const m of batch.messages) await this.onIntegrationMessage(fromIntegrationRecord(m));
        },
      });
      await this.consumer.start();
    } else {
      this.unsubscribe = this.bus.subscribe((message) => this.onIntegrationMessage(message));
    }
    this.loop = this.run();
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopping = true;
    this.wake?.();
    this.unsubscribe?.();
    await this.consumer?.stop();
    await this.loop;
  }

  /** The enrolment path: a lifecycle transition, offered to every running campaign. */
  async onIntegrationMessage(message: AnyIntegrationMessage): Promise<void> {
    if (message.type !== 'customer.lifecycle') return;
    await this.refreshCampaigns();
    const running = this.campaigns.filter((c) => c.status === 'running');
    if (running.length === 0) return;
    const signal = await this.signalOf(message.customerId, message.payload.to, message.payload.at);
    if (!signal) return;
    for (const c of running) await this.streams.react(c.campaignId, message.customerId, c.definition, { type: 'CustomerSignalled', data: signal });
  }

  /** One pass: the log since the checkpoint, then the due timers. Exposed for tests and the CLI. */
  async runOnce(): Promise<{ events: number; timersFired: number }> {
    if (!(await this.takeLease())) return { events: 0, timersFired: 0 };
    await this.refreshCampaigns();
    const events = await this.reactToLog();
    const timersFired = await this.fireDueTimers();
    return { events, timersFired };
  }

  private async run(): Promise<void> {
    while (!this.stopping) {
      let busy = false;
      try {
        const { events, timersFired } = await this.runOnce();
        busy = events > 0 || timersFired > 0;
      } catch (error) {
        this.logger.error(`win-back saga pass failed: ${error instanceof Error ? error.message : String(error)}`);
      }
      if (this.stopping) break;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, busy ? 0 : this.config.projectionPollMs);
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
    await this.storage.readStore.query(`UPDATE winback_host SET lease_owner = NULL, lease_until = NULL WHERE name = $1 AND lease_owner = $2`, [HOST, this.owner]).catch(() => undefined);
  }

  private async refreshCampaigns(): Promise<void> {
    const ids = await this.streams.campaignIds();
    const loaded = await Promise.all(ids.map((id) => this.streams.loadCampaign(id)));
    this.campaigns = loaded
      .filter((c) => c.state.definition !== undefined && c.state.status !== 'none')
      .map((c) => ({ campaignId: c.campaignId, status: c.state.status as RunningCampaign['status'], definition: c.state.definition! }));
  }

  /**
   * What the engine knows of the customer at the transition: the RFM segment and value group of the
   * day's snapshot, whether he is erased, and whether a purchase has already overtaken the signal
   * (then it is stale: a customer who bought since is not dormant, and is not enrolled).
   */
  private async signalOf(customerId: string, stage: string, at: string): Promise<CustomerSignal | undefined> {
    const { state } = await this.customers.load(customerId);
    const lastPurchase = [...state.orders.values()].reduce<string | undefined>((last, o) => (last === undefined || o.occurredAt > last ? o.occurredAt : last), undefined);
    if (lastPurchase !== undefined && lastPurchase > at && stage !== 'new' && stage !== 'active') return undefined;
    const day = `${at.slice(0, 10)}T00:00:00.000Z`;
    const rfm = await segmentOf(this.storage.readStore, customerId, day, undefined, this.valueGroups).catch(() => null);
    return {
      customerId, at, enteredStage: stage as CustomerSignal['enteredStage'], erased: state.erasedAt !== undefined,
      ...(rfm && { segment: rfm.segment, valueGroup: rfm.valueGroup as ValueGroup }),
    };
  }

  private async reactToLog(): Promise<number> {
    const [row] = (await this.storage.readStore.query(`SELECT tx, pos FROM winback_host WHERE name = $1`, [HOST])) as { tx: string; pos: string }[];
    const after: LogPosition = { tx: BigInt(row!.tx), pos: BigInt(row!.pos) };
    const events = await this.storage.eventStore.readAll({ after, maxCount: BATCH });
    if (events.length === 0) return 0;
    const active = this.campaigns.filter((c) => c.status !== 'draft');
    for (const e of events) await this.reactTo(e, active);
    const last = events[events.length - 1]!.position;
    await this.storage.readStore.query(
      `UPDATE winback_host SET tx = $3, pos = $4, events_read = events_read + $5 WHERE name = $1 AND lease_owner = $2`,
      [HOST, this.owner, last.tx.toString(), last.pos.toString(), events.length],
    );
    return events.length;
  }

  private async reactTo(e: RecordedEvent, campaigns: readonly RunningCampaign[]): Promise<void> {
    switch (e.type) {
      case 'PurchaseRecorded': {
        const d = e.data as PurchaseRecorded['data'];
        for (const c of campaigns) {
          await this.streams.react(c.campaignId, d.customerId, c.definition, { type: 'CustomerPurchased', data: { orderId: d.orderId, amount: d.amount, at: d.occurredAt } });
        }
        return;
      }
      case 'CustomerErased': {
        const d = e.data as CustomerErased['data'];
        for (const c of campaigns) await this.streams.react(c.campaignId, d.customerId, c.definition, { type: 'CustomerErased', data: { at: d.erasedAt } });
        return;
      }
      case 'WinbackStageReached': {
        const d = e.data as WinbackStageReached['data'];
        if (d.delivered && d.couponId !== undefined && d.action.kind === 'message' && d.action.coupon) {
          const command: WinbackCommand = {
            type: 'IssueCoupon',
            data: {
              customerId: d.customerId, couponId: d.couponId, offer: d.action.coupon.offer, validFrom: d.at,
              validTo: new Date(Date.parse(d.at) + d.action.coupon.validDays * 86_400_000).toISOString(), reason: 'campaign',
            },
          };
          await this.customers.execute(command, () => undefined, `campaign:${d.campaignId}`);
        }
        return;
      }
      default:
    }
  }

  private async fireDueTimers(): Promise<number> {
    const now = this.clock.now().toISOString();
    const due = await dueTimers(this.storage.readStore, now, BATCH);
    const firing: Parameters<CampaignStreams['reactMany']>[0][number][] = [];
    for (const t of due) {
      const campaign = this.campaigns.find((c) => c.campaignId === t.campaignId);
      // A paused campaign holds every timer; a stopped one stops its sagas instead of firing them.
      if (!campaign || campaign.status === 'paused' || campaign.status === 'draft') continue;
      const input = campaign.status === 'stopped'
        ? { type: 'CampaignStopped' as const, data: { at: now } }
        : { type: 'TimerFired' as const, data: { timerId: t.timerId, at: now } };
      firing.push({ campaignId: t.campaignId, customerId: t.customerId, definition: campaign.definition, input });
    }
    for (const c of this.campaigns) if (c.definition.budgetCap !== undefined) await this.spentBy(c.campaignId);
    const reactions = await this.streams.reactMany(firing, (campaignId) => {
      const cap = this.campaigns.find((c) => c.campaignId === campaignId)?.definition.budgetCap;
      return cap === undefined ? undefined : cap - (this.spent.get(campaignId) ?? 0);
    });
    for (const [i, reaction] of reactions.entries()) {
      for (const e of reaction.events) {
        if (e.type === 'WinbackStageReached' && e.data.delivered) this.spent.set(firing[i]!.campaignId, (this.spent.get(firing[i]!.campaignId) ?? 0) + e.data.cost);
      }
    }
    // Only what changed counts as work: a timer the read model still shows after it fired is no reason to spin.
    return reactions.filter((r) => r.events.length > 0).length;
  }

  /** What the campaign has committed so far: read once from the read model, then kept as actions go out (one host holds the lease). */
  private async spentBy(campaignId: string): Promise<number> {
    const known = this.spent.get(campaignId);
    if (known !== undefined) return known;
    const [row] = (await this.storage.readStore.query(
      `SELECT coalesce(sum((s->>'cost')::bigint), 0) AS spent FROM campaign_episodes e, jsonb_array_elements(e.stages) s
        JOIN projection_checkpoints c ON c.projection = 'campaign-metrics' AND c.active WHERE c.version = e.projection_version AND e.campaign_id = $1`,
      [campaignId],
    )) as { spent: string }[];
    const spent = Number(row?.spent ?? 0);
    this.spent.set(campaignId, spent);
    return spent;
  }

  private async takeLease(): Promise<boolean> {
    await this.storage.readStore.query(`INSERT INTO winback_host (name) VALUES ($1) ON CONFLICT (name) DO NOTHING`, [HOST]);
    // Embedded data belongs to this process alone: a lease left by a killed predecessor is ours at once.
    const rows = (await this.storage.readStore.query(
      `UPDATE winback_host SET lease_owner = $2, lease_until = now() + make_interval(secs => $3)
        WHERE name = $1 AND (lease_owner IS NULL OR lease_owner = $2 OR lease_until < now() OR $4) RETURNING name`,
      [HOST, this.owner, LEASE_MS / 1000, this.storage.kind === 'embedded'],
    )) as unknown[];
    return rows.length > 0;
  }
}
