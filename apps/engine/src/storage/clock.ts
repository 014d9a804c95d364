/** Wall-clock time for bookkeeping (recordedAt, erasedAt). Classification never reads it. */
export abstract class Clock {
  abstract now(): Date;
}

export class SystemClock extends Clock {
  now(): Date {
    return new Date();
  }
}
