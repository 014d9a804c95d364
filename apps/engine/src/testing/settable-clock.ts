import { Clock } from '../storage/clock';

/** The engine's clock in a test: it says what `at` says (epoch ms or an ISO instant) until set again. */
export class SettableClock extends Clock {
  constructor(public at: number | string) {
    super();
  }

  now(): Date {
    return new Date(this.at);
  }
}
