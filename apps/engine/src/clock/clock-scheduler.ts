import { type BeforeApplicationShutdown, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { canonicalInstant, CLOCK_STREAM_ID, type ClockTicked, parseInstant } from '@lifecycle/domain';
import { eventIdFor, WrongExpectedRevisionError } from '@lifecycle/event-store';
import { EngineConfig, tickIntervalMs } from '../config/engine-config';
import { Clock } from '../storage/clock';
import { Storage } from '../storage/storage';
import { ClockTickCommand, type TickResult } from './tick/clock-tick.handler';

export type TickOutcome =
  | { readonly outcome: 'ticked'; readonly at: string; readonly work: TickResult }
  /** Another process (or an earlier tick here) has already recorded this instant, or got there first. */
  | { readonly outcome: 'skipped'; readonly at: string; readonly reason: 'already-ticked' | 'conflict' };

/** The actor the scheduler's due work is recorded under. */
export const CLOCK_ACTOR = 'clock';

/**
 * The live clock (ROLE=all|projector). Every LIFECYCLE_TICK_INTERVAL it records that time has
 * reached the current slot (the engine clock rounded down to a whole interval) as `ClockTicked` on
 * the `clock` stream, then runs the loyalty work due at that instant (expiry, expiry warnings, tier
 * reviews, referral settlements, birthdays: ClockTickHandler). The append carries the expected
 * revision of the stream as last read, so when two processes tick the same slot one of them gets a
 * conflict and skips, work included (the work is idempotent anyway). Projections learn time from
 * these ticks and from event times, never from a wall clock.
 *
 * The first tick comes one interval after start: a start is not a moment time-driven work is due.
 */
@Injectable()
export class ClockScheduler implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('ClockScheduler');
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> = Promise.resolve();
  /** What this process knows of the clock stream: its last revision and tick. */
  private lastRevision: bigint | undefined;
  private lastAt: string | undefined;

  constructor(
    private readonly config: EngineConfig,
    private readonly storage: Storage,
    private readonly clock: Clock,
    private readonly commands: CommandBus,
  ) {}

  onApplicationBootstrap(): void {
    const interval = tickIntervalMs(this.config);
    if (interval === null || !(this.config.role === 'all' || this.config.role === 'projector')) return;
    let busy = false;
    this.timer = setInterval(() => {
      // One tick at a time, and no backlog: while a slow tick (many customers) runs, the slots it
      // overlaps are skipped; the next tick does whatever became due meanwhile.
      if (busy) return;
      busy = true;
      this.running = this.tick()
        .catch((error: unknown) => this.logger.error(`tick failed: ${String(error)}`))
        .finally(() => {
          busy = false;
        });
    }, interval);
    this.timer.unref();
  }

  async beforeApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  /** The last tick this process knows of in the log (its own or another's), for the metrics. */
  get lastTickAt(): string | undefined {
    return this.lastAt;
  }

  /** One tick at the current slot; what the timer calls, and what tests call with an injected Clock. */
  async tick(): Promise<TickOutcome> {
    const interval = tickIntervalMs(this.config) ?? 60_000;
    const at = canonicalInstant(Math.floor(this.clock.now().getTime() / interval) * interval);
    await this.readNewTicks();
    if (this.lastAt !== undefined && parseInstant(this.lastAt)! >= parseInstant(at)!) return { outcome: 'skipped', at, reason: 'already-ticked' };
    const event: ClockTicked = { type: 'ClockTicked', data: { at } };
    try {
      const appended = await this.storage.eventStore.appendToStream(
        CLOCK_STREAM_ID,
        [{ id: eventIdFor(CLOCK_STREAM_ID, at), type: event.type, data: event.data }],
        { expectedRevision: this.lastRevision ?? 'no-stream' },
      );
      this.lastRevision = appended.nextExpectedRevision;
      this.lastAt = at;
    } catch (error) {
      if (error instanceof WrongExpectedRevisionError) {
        this.logger.log(`clock at ${at}: another process ticked first, skipped`);
        return { outcome: 'skipped', at, reason: 'conflict' };
      }
      throw error;
    }
    const work = await this.commands.execute<ClockTickCommand, TickResult>(new ClockTickCommand(at, CLOCK_ACTOR));
    this.logger.log(`clock at ${at}: ${work.events} events for ${work.customersChanged} of ${work.customers} customers, ${work.failures.length} failures`);
    return { outcome: 'ticked', at, work };
  }

  /** Reads the ticks appended since the last look (by any process). */
  private async readNewTicks(): Promise<void> {
    for (;;) {
      const fromRevision = this.lastRevision === undefined ? 0n : this.lastRevision + 1n;
      const events = await this.storage.eventStore.readStream(CLOCK_STREAM_ID, { fromRevision, maxCount: 1000 });
      if (events.length === 0) return;
      const last = events[events.length - 1]!;
      this.lastRevision = last.revision;
      this.lastAt = (last.data as ClockTicked['data']).at;
    }
  }
}
