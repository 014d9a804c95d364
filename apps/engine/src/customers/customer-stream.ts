import { Injectable } from '@nestjs/common';
import {
  type CustomerCommand, type CustomerEvent, type CustomerState, decide, evolve, initialState, toCustomerStreamId,
  upstreamKeyOf,
} from '@lifecycle/domain';
import {
  eventIdFor, type ExpectedRevision, PartialDuplicateAppendError, type RecordedEvent, WrongExpectedRevisionError,
} from '@lifecycle/event-store';
import { EngineConfig } from '../config/engine-config';
import { RetriesExhaustedError } from '../errors/api-error';
import { Clock } from '../storage/clock';
import { Storage } from '../storage/storage';

export interface LoadedCustomer {
  readonly state: CustomerState;
  readonly revision: ExpectedRevision;
}

const isCustomerEvent = (e: RecordedEvent): boolean => e.type !== '$metadata';

/**
 * The command path every customer command takes: load the stream, fold it, decide, append with the
 * expected revision; on a concurrent write, back off with jitter and do it all again.
 */
@Injectable()
export class CustomerStream {
  constructor(
    private readonly storage: Storage,
    private readonly clock: Clock,
    private readonly config: EngineConfig,
  ) {}

  async load(customerId: string): Promise<LoadedCustomer> {
    const events = await this.storage.eventStore.readStream(toCustomerStreamId(customerId));
    let state = initialState();
    for (const e of events) if (isCustomerEvent(e)) state = evolve(state, { type: e.type, data: e.data } as CustomerEvent);
    return { state, revision: events.length === 0 ? 'no-stream' : events[events.length - 1]!.revision };
  }

  /** Runs a command to completion and answers from the state it leaves behind. */
  async execute<R>(command: CustomerCommand, answer: (state: CustomerState) => R, actor: string): Promise<R> {
    const streamId = toCustomerStreamId(command.data.customerId);
    for (let attempt = 1; ; attempt++) {
      const { state, revision } = await this.load(command.data.customerId);
      const now = this.clock.now().toISOString();
      const events = decide(command, state, { now });
      if (events.length === 0) return answer(state);
      try {
        await this.storage.eventStore.appendToStream(
          streamId,
          events.map((event) => ({
            id: eventIdFor(streamId, upstreamKeyOf(event)),
            type: event.type,
            data: event.data,
            metadata: { command: command.type, actor, decidedAt: now },
          })),
          { expectedRevision: revision },
        );
        return answer(events.reduce(evolve, state));
      } catch (error) {
        const retryable = error instanceof WrongExpectedRevisionError || error instanceof PartialDuplicateAppendError;
        if (!retryable) throw error;
        if (attempt >= this.config.appendAttempts) throw new RetriesExhaustedError(streamId, attempt);
        await backOff(attempt);
      }
    }
  }
}

// Full jitter (AWS architecture blog, "Exponential Backoff And Jitter"): spreads the retries of
// many writers racing for one stream instead of having them collide again in lock-step.
const backOff = (attempt: number) =>
  new Promise((resolve) => setTimeout(resolve, Math.random() * Math.min(250, 4 * 2 ** attempt)));
