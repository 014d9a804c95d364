/**
 * Events per second over the last few seconds, from the batches applied; it falls to zero while
 * nothing arrives. Fed by a monotonic clock in milliseconds.
 */
export class RateWindow {
  private samples: { at: number; events: number }[] = [];

  constructor(
    private readonly now: () => number,
    private readonly windowMs = 10_000,
    private readonly startedAt = now(),
  ) {}

  record(events: number): void {
    const at = this.now();
    this.samples.push({ at, events });
    this.samples = this.samples.filter((s) => s.at > at - this.windowMs);
  }

  perSecond(): number {
    const at = this.now();
    const recent = this.samples.filter((s) => s.at > at - this.windowMs);
    const span = Math.min(this.windowMs, at - this.startedAt);
    if (recent.length === 0 || span <= 0) return 0;
    return (recent.reduce((sum, s) => sum + s.events, 0) * 1000) / span;
  }
}
