import { Injectable } from '@nestjs/common';
import {
  type CampaignCommand, type CampaignDefinition, campaignDecider, type CampaignEvent, type CampaignState, campaignStreamId, evolveWinback,
  initialWinbackState, reactWinback, type WinbackContext, type WinbackEvent, type WinbackInput, type WinbackReaction, winbackStreamId,
} from '@lifecycle/sagas';
import { eventIdFor, type ExpectedRevision, PartialDuplicateAppendError, type RecordedEvent, type StreamAppend, WrongExpectedRevisionError } from '@lifecycle/event-store';
import { EngineConfig } from '../config/engine-config';
import { RetriesExhaustedError } from '../errors/api-error';
import { Clock } from '../storage/clock';
import { Storage } from '../storage/storage';

/** The stream that lists every campaign id, so the saga host finds the campaigns without scanning the log. */
export const CAMPAIGN_INDEX_STREAM = 'campaign-index';

export interface LoadedCampaign {
  readonly campaignId: string;
  readonly state: CampaignState;
  readonly revision: ExpectedRevision;
}

/**
 * The command paths of campaigns and of their sagas: load the stream, decide (or react), append with
 * the expected revision, retry on conflict. Event ids derive from the facts, so a re-run after a
 * crash appends nothing twice.
 */
@Injectable()
export class CampaignStreams {
  constructor(
    private readonly storage: Storage,
    private readonly clock: Clock,
    private readonly config: EngineConfig,
  ) {}

  async loadCampaign(campaignId: string): Promise<LoadedCampaign> {
    const events = await this.storage.eventStore.readStream(campaignStreamId(campaignId));
    const state = events.reduce((s, e) => campaignDecider.evolve(s, { type: e.type, data: e.data } as CampaignEvent), campaignDecider.initialState());
    return { campaignId, state, revision: events.length === 0 ? 'no-stream' : events[events.length - 1]!.revision };
  }

  async campaignIds(): Promise<string[]> {
    const listed = await this.storage.eventStore.readStream(CAMPAIGN_INDEX_STREAM);
    return listed.map((e) => (e.data as { campaignId: string }).campaignId);
  }

  /** Runs a campaign command; a new campaign is also listed in the index, in the same append. */
  async execute(command: CampaignCommand, actor: string): Promise<CampaignState> {
    const streamId = campaignStreamId(command.data.campaignId);
    return this.retrying(streamId, async () => {
      const { state, revision } = await this.loadCampaign(command.data.campaignId);
      const now = this.clock.now().toISOString();
      const events = campaignDecider.decide(command, state, { now, actor });
      if (events.length === 0) return state;
      // A campaign event is the stream's next revision: that is what makes it unique.
      const next = revision === 'no-stream' ? 0 : Number(revision) + 1;
      const appends: StreamAppend[] = [{
        streamId, expectedRevision: revision,
        events: events.map((e, i) => ({ id: eventIdFor(streamId, `revision:${next + i}`), type: e.type, data: e.data, metadata: { actor, decidedAt: now } })),
      }];
      if (command.type === 'CreateCampaign') {
        appends.push({
          streamId: CAMPAIGN_INDEX_STREAM, expectedRevision: 'any',
          events: [{ id: eventIdFor(CAMPAIGN_INDEX_STREAM, command.data.campaignId), type: 'CampaignListed', data: { campaignId: command.data.campaignId }, metadata: { actor, decidedAt: now } }],
        });
      }
      await this.storage.eventStore.appendToStreams(appends);
      return events.reduce(campaignDecider.evolve, state);
    });
  }

  /** Feeds one input to one saga and records what it decided; the reaction tells the caller what to send. */
  async react(campaignId: string, customerId: string, definition: CampaignDefinition, input: WinbackInput, budgetRemaining?: number): Promise<WinbackReaction> {
    const streamId = winbackStreamId(campaignId, customerId);
    const context: WinbackContext = { campaignId, definition, ...(budgetRemaining !== undefined && { budgetRemaining }) };
    return this.retrying(streamId, async () => {
      const events = await this.storage.eventStore.readStream(streamId);
      const state = events.reduce((s, e) => evolveWinback(s, { type: e.type, data: e.data } as WinbackEvent), initialWinbackState());
      const reaction = reactWinback(state, input, context);
      if (reaction.events.length === 0) return reaction;
      const now = this.clock.now().toISOString();
      await this.storage.eventStore.appendToStream(
        streamId,
        reaction.events.map((e) => ({ id: eventIdFor(streamId, sagaEventKey(e)), type: e.type, data: e.data, metadata: { input: input.type, decidedAt: now } })),
        { expectedRevision: events.length === 0 ? 'no-stream' : events[events.length - 1]!.revision },
      );
      return reaction;
    });
  }

  /**
   * Many sagas at once (the timer sweep): every stream read, every reaction decided, then ONE
   * multi-stream append with an expected revision per stream. If another writer got in between,
   * the batch is done again saga by saga, each with its own retries. `spend` is called for every
   * delivered action in order, so the caller can keep the budget across the batch.
   */
  async reactMany(
    items: readonly { readonly campaignId: string; readonly customerId: string; readonly definition: CampaignDefinition; readonly input: WinbackInput }[],
    budgetRemaining?: (campaignId: string) => number | undefined,
  ): Promise<WinbackReaction[]> {
    const now = this.clock.now().toISOString();
    const reactions: WinbackReaction[] = [];
    const appends: StreamAppend[] = [];
    const spent = new Map<string, number>();
    // PGlite answers one query at a time; a Postgres pool or EventStoreDB overlaps the reads.
    const streamIds = items.map((item) => winbackStreamId(item.campaignId, item.customerId));
    const loaded = await readAllStreams(this.storage, streamIds);
    for (const [n, item] of items.entries()) {
      const streamId = streamIds[n]!;
      const events = loaded[n]!;
      const state = events.reduce((s, e) => evolveWinback(s, { type: e.type, data: e.data } as WinbackEvent), initialWinbackState());
      const left = budgetRemaining?.(item.campaignId);
      const context: WinbackContext = {
        campaignId: item.campaignId, definition: item.definition, ...(left !== undefined && { budgetRemaining: left - (spent.get(item.campaignId) ?? 0) }),
      };
      const reaction = reactWinback(state, item.input, context);
      reactions.push(reaction);
      for (const e of reaction.events) if (e.type === 'WinbackStageReached') spent.set(item.campaignId, (spent.get(item.campaignId) ?? 0) + e.data.cost);
      if (reaction.events.length === 0) continue;
      appends.push({
        streamId, expectedRevision: events.length === 0 ? 'no-stream' : events[events.length - 1]!.revision,
        events: reaction.events.map((e) => ({ id: eventIdFor(streamId, sagaEventKey(e)), type: e.type, data: e.data, metadata: { input: item.input.type, decidedAt: now } })),
      });
    }
    if (appends.length === 0) return reactions;
    try {
      await this.storage.eventStore.appendToStreams(appends);
      return reactions;
    } catch (error) {
      if (!(error instanceof WrongExpectedRevisionError || error instanceof PartialDuplicateAppendError)) throw error;
      const one: WinbackReaction[] = [];
      for (const item of items) one.push(await this.react(item.campaignId, item.customerId, item.definition, item.input, budgetRemaining?.(item.campaignId)));
      return one;
    }
  }

  private async retrying<R>(streamId: string, attempt: () => Promise<R>): Promise<R> {
    for (let n = 1; ; n++) {
      try {
        return await attempt();
      } catch (error) {
        if (!(error instanceof WrongExpectedRevisionError || error instanceof PartialDuplicateAppendError)) throw error;
        if (n >= this.config.appendAttempts) throw new RetriesExhaustedError(streamId, n);
        await new Promise((resolve) => setTimeout(resolve, Math.random() * Math.min(250, 4 * 2 ** n)));
      }
    }
  }
}

async function readAllStreams(storage: Storage, streamIds: readonly string[]): Promise<RecordedEvent[][]> {
  const width = storage.kind === 'embedded' ? 1 : 8;
  const out: RecordedEvent[][] = new Array(streamIds.length);
  for (let i = 0; i < streamIds.length; i += width) {
    const chunk = await Promise.all(streamIds.slice(i, i + width).map((id) => storage.eventStore.readStream(id)));
    chunk.forEach((events, k) => (out[i + k] = events));
  }
  return out;
}

/** What makes a saga event unique within its stream: the same decision always gets the same event id. */
function sagaEventKey(e: WinbackEvent): string {
  const d = e.data;
  switch (e.type) {
    case 'WinbackEnrolled':
    case 'WinbackExhausted':
    case 'WinbackConverted':
    case 'WinbackStopped':
      return `${e.type}:${d.episode}`;
    case 'WinbackTimerSet':
      return `${e.type}:${e.data.timerId}`;
    case 'WinbackStageReached':
      return `${e.type}:${d.episode}:${e.data.stage}`;
  }
}
