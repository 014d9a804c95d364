/**
 * Time passing, as a fact in the log. Going dormant, going lost, points expiring and the tier review
 * happen because time passes, not because an event arrives; projections and reactors learn the time
 * from the log itself (these ticks and the event times of the history), never from a wall clock, so
 * that replaying the same log gives the same read models. In live mode a scheduler appends a tick;
 * an import or a replay needs none, because the history's own event times move the clock.
 */
export interface ClockTicked {
  readonly type: 'ClockTicked';
  readonly data: {
    /** The instant time has reached, canonical ISO-8601 UTC. */
    readonly at: string;
  };
}

/** The one stream that carries the ticks. */
export const CLOCK_STREAM_ID = 'clock';

export const CLOCK_EVENT_TYPES = ['ClockTicked'] as const;

export const isClockTicked = (event: { readonly type: string }): event is ClockTicked => event.type === 'ClockTicked';
