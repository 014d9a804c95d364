import { comparePositions, type EventStore, type LogPosition, type RecordedEvent, START } from './event-store';

export interface ReadLogPagesOptions {
  readonly pageSize?: number;
  /** The wait before reading again after an empty page that is not the end. */
  readonly retryMs?: number;
}

/**
 * The global log page by page, up to the last event committed when called: what a report or an
 * export reads. An empty page is not always the end: on Postgres one open transaction anywhere on
 * the server hides later commits from the gap-safe read for a while, so the read waits for them
 * rather than stop short of writes that were made before it began.
 */
export async function* readLogPages(
  store: Pick<EventStore, 'readAll' | 'committedHeadPosition'>,
  options: ReadLogPagesOptions = {},
): AsyncGenerator<readonly RecordedEvent[]> {
  const head = await store.committedHeadPosition();
  const pageSize = options.pageSize ?? 5_000;
  let after: LogPosition = START;
  while (comparePositions(after, head) < 0) {
    const page = await store.readAll({ after, maxCount: pageSize });
    if (page.length === 0) {
      await new Promise((resolve) => setTimeout(resolve, options.retryMs ?? 20));
      continue;
    }
    yield page;
    after = page[page.length - 1]!.position;
  }
}
