import { Injectable } from '@nestjs/common';
import {
  type CustomerCommand, type CustomerState, type CustomerStreamEvent, decide, evolve, initialState, type LoyaltyRules,
  type ReferralSettlement, type ReferrerFacts, settleReferral, toCustomerStreamId, upstreamKeyOf,
} from '@lifecycle/domain';
import {
  type EventToAppend, eventIdFor, type ExpectedRevision, PartialDuplicateAppendError, type RecordedEvent, WrongExpectedRevisionError,
} from '@lifecycle/event-store';
import { EngineConfig } from '../config/engine-config';
import { RetriesExhaustedError } from '../errors/api-error';
import { InjectLoyaltyRules } from '../rules/loyalty-rules.token';
import { Clock } from '../storage/clock';
import { Storage } from '../storage/storage';

export interface LoadedCustomer {
  readonly state: CustomerState;
  readonly revision: ExpectedRevision;
}

const isCustomerEvent = (e: RecordedEvent): boolean => e.type !== '$metadata';

/**
 * How far up a referral chain the engine looks for a cycle. Each step reads a stream; real chains
 * are a handful deep, and a cycle deeper than this would take a hundred colluding accounts.
 */
export const MAX_REFERRAL_CHAIN = 100;

/**
 * The command path every customer command takes: load the stream, fold it, decide with
 * `{ now, rules }`, append with the expected revision; on a concurrent write, back off with jitter
 * and do it all again.
 */
@Injectable()
export class CustomerStream {
  constructor(
    private readonly storage: Storage,
    private readonly clock: Clock,
    private readonly config: EngineConfig,
    @InjectLoyaltyRules() private readonly rules: LoyaltyRules,
  ) {}

  async load(customerId: string): Promise<LoadedCustomer> {
    const events = await this.storage.eventStore.readStream(toCustomerStreamId(customerId));
    let state = initialState();
    for (const e of events) if (isCustomerEvent(e)) state = evolve(state, { type: e.type, data: e.data } as CustomerStreamEvent);
    return { state, revision: events.length === 0 ? 'no-stream' : events[events.length - 1]!.revision };
  }

  /**
   * Runs a command to completion and answers from the state it leaves behind. `decided` is what
   * this call recorded: empty for an idempotent repeat (the answer must not depend on it).
   */
  async execute<R>(
    command: CustomerCommand, answer: (state: CustomerState, decided: readonly CustomerStreamEvent[]) => R, actor: string,
  ): Promise<R> {
    const streamId = toCustomerStreamId(command.data.customerId);
    return this.retrying(streamId, async () => {
      const { state, revision } = await this.load(command.data.customerId);
      const now = this.clock.now().toISOString();
      const events = decide(command, state, { now, rules: this.rules });
      if (events.length === 0) return answer(state, events);
      await this.storage.eventStore.appendToStream(streamId, events.map(this.toAppend(streamId, command.type, actor, now)), { expectedRevision: revision });
      return answer(events.reduce(evolve, state), events);
    });
  }

  /**
   * What the registration of `customerId` with `referrerId` needs from other streams: does the
   * referrer exist, and who referred it (and so on up), so that the domain can refuse a cycle.
   */
  async referrerFacts(customerId: string, referrerId: string): Promise<ReferrerFacts> {
    const referrer = await this.load(referrerId);
    return { exists: referrer.state.registration !== 'none', referrerChain: await this.referrersFrom(referrer.state.referrerId, customerId) };
  }

  /**
   * Settles the referral of `customerId` at `asOf` over both streams: the new customer's and the
   * referrer's halves are appended in one transaction, each with its expected revision, so neither
   * side is ever rewarded without the other, nor twice.
   */
  async settleReferral(customerId: string, asOf: string, actor: string): Promise<ReferralSettlement> {
    const refereeStream = toCustomerStreamId(customerId);
    return this.retrying(refereeStream, async () => {
      const referee = await this.load(customerId);
      const referrerId = referee.state.referrerId;
      if (referrerId === undefined) return { referee: [], referrer: [] };
      const referrer = await this.load(referrerId);
      // settleReferral puts the referrer's own referrer first; it wants the chain above that one.
      const above = (await this.referrersFrom(referrer.state.referrerId, customerId)).slice(1);
      const now = this.clock.now().toISOString();
      const settled = settleReferral(
        { type: 'SettleReferral', data: { customerId, asOf } }, referee.state, { state: referrer.state, referrerChain: above }, { now, rules: this.rules },
      );
      const referrerStream = toCustomerStreamId(referrerId);
      const appends = [
        { streamId: refereeStream, events: settled.referee, expectedRevision: referee.revision },
        { streamId: referrerStream, events: settled.referrer, expectedRevision: referrer.revision },
      ].filter((a) => a.events.length > 0);
      if (appends.length > 0) {
        await this.storage.eventStore.appendToStreams(appends.map((a) => ({
          streamId: a.streamId, expectedRevision: a.expectedRevision, events: a.events.map(this.toAppend(a.streamId, 'SettleReferral', actor, now)),
        })));
      }
      return settled;
    });
  }

  /** `firstId`, its referrer, that one's referrer...: stops at a customer with none, at a repeat, or once `stopAt` is reached. */
  private async referrersFrom(firstId: string | undefined, stopAt: string): Promise<string[]> {
    const chain: string[] = [];
    for (let id = firstId; id !== undefined && !chain.includes(id) && chain.length < MAX_REFERRAL_CHAIN;) {
      chain.push(id);
      if (id === stopAt) break;
      id = (await this.load(id)).state.referrerId;
    }
    return chain;
  }

  // Every event records the rules version it was decided under (loyalty events also carry it in their data).
  private toAppend(streamId: string, command: string, actor: string, now: string) {
    return (event: CustomerStreamEvent): EventToAppend => ({
      id: eventIdFor(streamId, upstreamKeyOf(event)),
      type: event.type,
      data: event.data,
      metadata: { command, actor, decidedAt: now, rulesVersion: this.rules.version },
    });
  }

  private async retrying<R>(streamId: string, attempt: () => Promise<R>): Promise<R> {
    for (let n = 1; ; n++) {
      try {
        return await attempt();
      } catch (error) {
        const retryable = error instanceof WrongExpectedRevisionError || error instanceof PartialDuplicateAppendError;
        if (!retryable) throw error;
        if (n >= this.config.appendAttempts) throw new RetriesExhaustedError(streamId, n);
        await backOff(n);
      }
    }
  }
}

// Full jitter (AWS architecture blog, "Exponential Backoff And Jitter"): spreads the retries of
// many writers racing for one stream instead of having them collide again in lock-step.
const backOff = (attempt: number) =>
  new Promise((resolve) => setTimeout(resolve, Math.random() * Math.min(250, 4 * 2 ** attempt)));
