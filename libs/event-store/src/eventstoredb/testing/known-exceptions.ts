/**
 * The contract tests that the EventStoreDB adapter does not pass, and why. They are registered as
 * skipped tests whose names carry the reason, and listed once on the console when the suite is
 * collected: never dropped silently. `eventstoredb-adapter.suite.ts` pins down what the adapter
 * does instead in each case.
 */
export const EVENTSTOREDB_KNOWN_EXCEPTIONS: Readonly<Record<string, string>> = {
  'refuses an event id that is stored in another stream':
    'EventStoreDB scopes event ids to a stream and keeps no global id index, and the issue rules out a second bookkeeping table; ' +
    'engine ids are uuid v5 of (stream, upstream id), so the same id in two streams takes a hash collision',
  'reads the global log once, in append order, one transaction position per append':
    'appendToStreams is one EventStoreDB write per stream (no multi-stream transaction in @eventstore/db-client), ' +
    'so two streams of one batch never share a commit position (and whether the events of one single-stream write share one ' +
    'depends on how the server numbers them: not assumed)',
};

type ItLike = jest.It;

/**
 * Runs `register` (a call to `eventStoreContract`) with `it` swapped for one that turns the named
 * tests into skipped tests carrying their reason; every other test is registered unchanged.
 */
export function withKnownExceptions(adapter: string, exceptions: Readonly<Record<string, string>>, register: () => void): void {
  const holder = globalThis as unknown as { it: ItLike };
  const realIt = holder.it;
  const label = (name: string): string => `${name} [KNOWN EXCEPTION on ${adapter}: ${exceptions[name]!.replace(/%/g, 'percent')}]`;
  const unused = new Set(Object.keys(exceptions));
  const patched = ((name: string, fn?: jest.ProvidesCallback, timeout?: number) => {
    if (name in exceptions) {
      unused.delete(name);
      return realIt.skip(label(name), fn, timeout);
    }
    return realIt(name, fn, timeout);
  }) as ItLike;
  Object.assign(patched, realIt, {
    each: (table: readonly unknown[]) => (name: string, fn: (...args: never[]) => unknown, timeout?: number) => {
      if (name in exceptions) {
        unused.delete(name);
        return (realIt.skip.each as (t: readonly unknown[]) => (n: string, f: unknown, t?: number) => void)(table)(label(name), fn, timeout);
      }
      return (realIt.each as (t: readonly unknown[]) => (n: string, f: unknown, t?: number) => void)(table)(name, fn, timeout);
    },
  });
  holder.it = patched;
  try {
    register();
  } finally {
    holder.it = realIt;
  }
  console.warn(
    `${adapter}: ${Object.keys(exceptions).length} contract tests are known exceptions, skipped with the reason in their name:\n` +
      Object.entries(exceptions)
        .map(([name, reason]) => `  - ${name}: ${reason}`)
        .join('\n'),
  );
  // A renamed contract test must not turn a known exception into a silent pass-through.
  if (unused.size > 0) throw new Error(`known exceptions that name no contract test (renamed?): ${[...unused].join('; ')}`);
}
