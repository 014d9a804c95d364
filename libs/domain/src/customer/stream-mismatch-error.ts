/** The engine folded one customer's stream and handed over another's command: a bug, not bad input. */
export class StreamMismatchError extends Error {
  readonly code = 'CUSTOMER.STREAM_MISMATCH';
  constructor(readonly commandCustomerId: string, readonly stateCustomerId: string) {
    super(`a command for customer ${commandCustomerId} was decided on the state of customer ${stateCustomerId}`);
    this.name = 'StreamMismatchError';
  }
}
