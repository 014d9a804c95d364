import { Injectable } from '@nestjs/common';
import {
  type CustomerCommand, type CustomerState, decide, evolve, type LoyaltyRules, toCustomerStreamId, upstreamKeyOf,
} from '@lifecycle/domain';
import {
  DuplicateEventIdError, eventIdFor, type ExpectedRevision, InvalidAppendError, PartialDuplicateAppendError, type StreamAppend,
  WrongExpectedRevisionError,
} from '@lifecycle/event-store';
import { type DeadLetterReason, DEFAULT_INGEST_TOPICS, type InboundMessage } from '@lifecycle/messaging';
import { hasPersonalData, PersonalDataErasedError } from '@lifecycle/privacy';
import { EngineConfig } from '../config/engine-config';
import { CustomerStream, type LoadedCustomer } from '../customers/customer-stream';
import { RetriesExhaustedError } from '../errors/api-error';
import { InjectLoyaltyRules } from '../rules/loyalty-rules.token';
import { Clock } from '../storage/clock';
import { Storage } from '../storage/storage';
import { CustomerStateCache } from './customer-state-cache';
import { decodeIngestMessage, type DecodedMessage, topicKinds } from './ingest-messages';

/** Customers whose last state the ingest keeps in memory (a few KiB each). */
const CACHED_CUSTOMERS = 20_000;

export interface RefusedMessage extends DeadLetterReason {
  readonly message: InboundMessage;
}

export interface IngestOutcome {
  /** Messages whose facts were new and are stored now. */
  readonly recorded: number;
  /** Messages whose facts were already stored: redeliveries and duplicates. */
  readonly repeated: number;
  /** Messages to dead-letter, in the order they came. */
  readonly refused: readonly RefusedMessage[];
  /** appendToStreams calls: one per run of messages (see `segments`), more when a concurrent writer got in between. */
  readonly appendCalls: number;
}

interface Accepted extends DecodedMessage {
  readonly message: InboundMessage;
  command: CustomerCommand;
}

interface CustomerDecision {
  readonly customerId: string;
  /** The state after the decided events. */
  readonly state: CustomerState;
  readonly append?: StreamAppend;
  /** Messages that decided the events in `append`. */
  readonly recorded: readonly Accepted[];
  readonly repeated: number;
  readonly refused: readonly RefusedMessage[];
}

/**
 * A batch of messages (one partition's, in offset order) through the same command path the HTTP
 * API takes, but with one write: decode and validate each message, load each customer's stream
 * once, fold and decide that customer's commands in offset order, then append every customer's
 * new events with ONE appendToStreams (all or nothing, expected revision per stream). Only a
 * referred registration splits a batch (see `segments`).
 *
 * Idempotency comes from the upstream id (the event id is derived from it), not from the offset:
 * a redelivered batch decides nothing new, and a batch redone after a conflict is safe.
 */
@Injectable()
export class IngestBatchProcessor {
  private readonly kinds: ReturnType<typeof topicKinds>;
  private readonly loadConcurrency: number;
  private readonly cache = new CustomerStateCache(CACHED_CUSTOMERS);

  constructor(
    private readonly customers: CustomerStream,
    private readonly storage: Storage,
    private readonly clock: Clock,
    private readonly config: EngineConfig,
    @InjectLoyaltyRules() private readonly rules: LoyaltyRules,
  ) {
    this.kinds = topicKinds(config.kafka?.topics ?? DEFAULT_INGEST_TOPICS);
    // PGlite answers one query at a time; a Postgres pool or EventStoreDB can overlap the stream reads.
    this.loadConcurrency = storage.kind === 'embedded' ? 1 : 8;
  }

  async process(messages: readonly InboundMessage[]): Promise<IngestOutcome> {
    const refused: RefusedMessage[] = [];
    const accepted: Accepted[] = [];
    for (const message of messages) {
      const decoded = decodeIngestMessage(message, this.kinds);
      if (!decoded.ok) {
        refused.push({ message, code: decoded.code, reason: decoded.reason });
        continue;
      }
      const a: Accepted = { message, customerId: decoded.customerId, command: decoded.command, personal: decoded.personal };
      if (await this.sealPersonalData(a, refused)) accepted.push(a);
    }
    let recorded = 0;
    let repeated = 0;
    let appendCalls = 0;
    for (const segment of segments(accepted)) {
      const done = await this.processSegment(segment, refused);
      recorded += done.recorded;
      repeated += done.repeated;
      appendCalls += done.appendCalls;
    }
    return { recorded, repeated, refused: refused.sort(byOffset), appendCalls };
  }

  private async processSegment(segment: readonly Accepted[], refused: RefusedMessage[]): Promise<Omit<IngestOutcome, 'refused'>> {
    const first = segment[0]!;
    if (first.command.type === 'RegisterCustomer' && first.command.data.referrerId !== undefined) {
      // As RegisterCustomerHandler: the referrer's facts are read from the store, which holds
      // everything before this message (segments end before each referred registration).
      const referrer = await this.customers.referrerFacts(first.customerId, first.command.data.referrerId);
      first.command = { type: 'RegisterCustomer', data: { ...first.command.data, referrer } };
    }
    const byCustomer = new Map<string, Accepted[]>();
    for (const a of segment) {
      const pending = byCustomer.get(a.customerId);
      if (pending) pending.push(a);
      else byCustomer.set(a.customerId, [a]);
    }

    // Fresh: read from the store during this segment. The others come from the cache (see CustomerStateCache).
    const loaded = new Map<string, LoadedCustomer & { fresh: boolean }>();
    for (let attempt = 1; ;) {
      const missing: string[] = [];
      for (const id of byCustomer.keys()) {
        if (loaded.has(id)) continue;
        const cached = this.cache.get(id);
        if (cached) loaded.set(id, { ...cached, fresh: false });
        else missing.push(id);
      }
      await this.load(missing, loaded);
      const now = this.clock.now().toISOString();
      const decisions = [...byCustomer].map(([id, pending]) => this.decideFor(pending, loaded.get(id)!, now));
      // A refusal decided on a cached state may come from a stale one: decide it again on a fresh read.
      const unsure = decisions.filter((d) => d.refused.length > 0 && !loaded.get(d.customerId)!.fresh);
      if (unsure.length > 0) {
        for (const d of unsure) this.forget(d.customerId, loaded);
        continue;
      }
      const appends = decisions.flatMap((d) => (d.append ? [d.append] : []));
      try {
        const results = appends.length > 0 ? await this.storage.eventStore.appendToStreams(appends) : [];
        const revisions = new Map(results.map((r) => [r.streamId, r.nextExpectedRevision]));
        for (const d of decisions) {
          const revision = d.append ? revisions.get(d.append.streamId)! : loaded.get(d.customerId)!.revision;
          this.cache.set(d.customerId, { state: d.state, revision });
        }
        refused.push(...decisions.flatMap((d) => d.refused));
        return {
          recorded: decisions.reduce((n, d) => n + d.recorded.length, 0),
          repeated: decisions.reduce((n, d) => n + d.repeated, 0),
          appendCalls: appends.length > 0 ? attempt : attempt - 1,
        };
      } catch (error) {
        const customerId = error instanceof Error && 'streamId' in error ? customerOf(String(error.streamId), byCustomer) : undefined;
        if (customerId === undefined) throw error;
        if (error instanceof WrongExpectedRevisionError || error instanceof PartialDuplicateAppendError) {
          // Someone else (an HTTP request) wrote to that stream since it was read or cached. Nothing
          // of this segment was written (all or nothing). The store names one stream only, so every
          // state taken from the cache is read again too: one more round at most, not one per stale
          // customer. A race with a fresh read backs off first, as the HTTP path does.
          if (attempt >= this.config.appendAttempts) throw new RetriesExhaustedError(error.streamId, attempt);
          const raced = loaded.get(customerId)?.fresh === true;
          for (const [id, l] of [...loaded]) if (!l.fresh || id === customerId) this.forget(id, loaded);
          if (raced) await backOff(attempt);
          attempt++;
          continue;
        }
        if (error instanceof InvalidAppendError || error instanceof DuplicateEventIdError) {
          // Retrying cannot help this customer; its messages go to the dead letters, the rest go on.
          const decision = decisions.find((d) => d.append?.streamId === error.streamId);
          for (const a of decision?.recorded ?? []) refused.push({ message: a.message, code: error.code, reason: error.message });
          byCustomer.delete(customerId);
          continue;
        }
        throw error;
      }
    }
  }

  /** After a group rebalance: the customers of partitions this process lost may change elsewhere. */
  forgetCachedCustomers(): void {
    this.cache.clear();
  }

  private forget(customerId: string, loaded: Map<string, unknown>): void {
    loaded.delete(customerId);
    this.cache.delete(customerId);
  }

  /** As RegisterCustomerHandler: personal fields are sealed before anything reaches the domain. */
  private async sealPersonalData(accepted: Accepted, refused: RefusedMessage[]): Promise<boolean> {
    if (accepted.command.type !== 'RegisterCustomer' || !hasPersonalData(accepted.personal)) return true;
    try {
      const personal = await this.storage.vault.seal(accepted.customerId, accepted.personal, this.clock.now());
      accepted.command = { type: 'RegisterCustomer', data: { ...accepted.command.data, personal } };
      return true;
    } catch (error) {
      if (!(error instanceof PersonalDataErasedError)) throw error;
      refused.push({ message: accepted.message, code: error.code, reason: error.message });
      return false;
    }
  }

  private async load(ids: readonly string[], into: Map<string, LoadedCustomer & { fresh: boolean }>): Promise<void> {
    let next = 0;
    const worker = async () => {
      while (next < ids.length) {
        const id = ids[next++]!;
        into.set(id, { ...(await this.customers.load(id)), fresh: true });
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.loadConcurrency, ids.length) }, worker));
  }

  /** One customer's commands in offset order, each decided on the state the previous ones left. */
  private decideFor(pending: readonly Accepted[], loaded: LoadedCustomer, now: string): CustomerDecision {
    let state: CustomerState = loaded.state;
    const streamId = toCustomerStreamId(pending[0]!.customerId);
    const events: StreamAppend['events'][number][] = [];
    const recorded: Accepted[] = [];
    const refused: RefusedMessage[] = [];
    let repeated = 0;
    for (const a of pending) {
      let decided;
      try {
        decided = decide(a.command, state, { now, rules: this.rules });
      } catch (error) {
        // decide is pure: whatever it refuses now it would refuse on every redelivery.
        const code = error instanceof Error && 'code' in error && typeof error.code === 'string' ? error.code : 'INGEST.DECIDE_FAILED';
        refused.push({ message: a.message, code, reason: error instanceof Error ? error.message : String(error) });
        continue;
      }
      if (decided.length === 0) {
        repeated++;
        continue;
      }
      const source = `${a.message.topic}:${a.message.partition}:${a.message.offset}`;
      for (const event of decided) {
        events.push({
          id: eventIdFor(streamId, upstreamKeyOf(event)),
          type: event.type,
          data: event.data,
          metadata: { command: a.command.type, actor: 'kafka', decidedAt: now, rulesVersion: this.rules.version, message: source },
        });
      }
      state = decided.reduce(evolve, state);
      recorded.push(a);
    }
    const expectedRevision: ExpectedRevision = loaded.revision;
    const customerId = pending[0]!.customerId;
    return { customerId, state, append: events.length > 0 ? { streamId, events, expectedRevision } : undefined, recorded, repeated, refused };
  }
}

/**
 * Runs of messages that can be decided together. A referred registration starts a new run: its
 * referrer's facts are read from the store, which must already hold every message before it.
 */
function segments(accepted: readonly Accepted[]): Accepted[][] {
  const runs: Accepted[][] = [];
  for (const a of accepted) {
    const referred = a.command.type === 'RegisterCustomer' && a.command.data.referrerId !== undefined;
    if (runs.length === 0 || referred) runs.push([a]);
    else runs[runs.length - 1]!.push(a);
  }
  return runs;
}

const customerOf = (streamId: string, byCustomer: ReadonlyMap<string, unknown>): string | undefined =>
  [...byCustomer.keys()].find((id) => toCustomerStreamId(id) === streamId);

const byOffset = (a: RefusedMessage, b: RefusedMessage) => {
  const x = BigInt(a.message.offset);
  const y = BigInt(b.message.offset);
  return a.message.partition - b.message.partition || (x < y ? -1 : x > y ? 1 : 0);
};

// Full jitter, as the HTTP command path: spreads writers racing for one stream.
const backOff = (attempt: number) =>
  new Promise((resolve) => setTimeout(resolve, Math.random() * Math.min(250, 4 * 2 ** attempt)));
