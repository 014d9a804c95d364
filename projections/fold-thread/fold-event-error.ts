/**
 * An event of a batch a fold (loyalty-fold.ts, lifecycle-fold.ts) could not apply: `index` is its
 * place in the batch it was given, so that the caller can name the event itself, on whichever thread
 * the fold ran.
 */
export class FoldEventError extends Error {
  constructor(readonly index: number, override readonly cause: unknown) {
    super(cause instanceof Error ? cause.message : String(cause));
    this.name = 'FoldEventError';
  }
}
