import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DataSource } from 'typeorm';
import { eventIdFor, type EventStore } from '@lifecycle/event-store';
import { DefinitionConflictError, eventsTableLag, InvalidDefinitionError, readDefinitions } from '@lifecycle/read-store';
import {
  diffProjection, dropProjectionVersion, listProjectionVersions, type ProjectionsContext, rebuildProjection, renderDiff,
} from '../../apps/cli/src/commands/projections.command';
import { SPEND_BAND, spendBandFamily } from './spend-band.family';

export interface ProjectionsCliBackend {
  readonly readStore: DataSource;
  readonly eventStore: EventStore;
  readonly exclusive: boolean;
  close(): Promise<void>;
}

/** Purchases per customer (minor units): bands at 10,000 vs 13,000 put c3 (12,000) on different sides. */
const PURCHASES: readonly [string, number][] = [['c1', 5000], ['c2', 15000], ['c3', 8000], ['c3', 4000], ['c4', 20000]];

/**
 * `lifecycle projections rebuild -> list -> diff` on one database, with the test family that has a
 * parameter (spend bands): two versions built side by side, the switch, and the matrix between them.
 */
export function projectionsCliContract(open: () => Promise<ProjectionsCliBackend>): void {
  let backend: ProjectionsCliBackend;
  let dir: string;
  let out: string[];
  let progress: string[];
  let ctx: ProjectionsContext;

  beforeAll(async () => {
    backend = await open();
    dir = mkdtempSync(join(tmpdir(), 'le-projections-cli-'));
    out = [];
    progress = [];
    ctx = {
      readStore: backend.readStore,
      eventStore: backend.eventStore,
      families: [spendBandFamily],
      exclusive: backend.exclusive,
      eventsBehind: eventsTableLag(backend.readStore),
      out: (text) => out.push(text),
      progress: { tty: false, write: (text) => progress.push(text) },
    };
    let n = 0;
    for (const [customerId, amount] of PURCHASES) {
      n += 1;
      const streamId = `customer-${customerId}`;
      await backend.eventStore.appendToStream(
        streamId,
        [{ id: eventIdFor(streamId, `o-${n}`), type: 'PurchaseRecorded', data: { customerId, orderId: `o-${n}`, amount, currency: 'EUR', occurredAt: '2024-01-01T00:00:00Z' } }],
        { expectedRevision: 'any' },
      );
    }
  });
  afterAll(async () => {
    await backend.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const file = (name: string, content: string) => {
    const path = join(dir, name);
    writeFileSync(path, content);
    return path;
  };
  const bands = async (version: number) =>
    Object.fromEntries(
      ((await backend.readStore.query(`SELECT customer_id, band FROM test_spend_band WHERE projection_version = $1 ORDER BY 1`, [version])) as {
        customer_id: string;
        band: string;
      }[]).map((r) => [r.customer_id, r.band]),
    );

  it('refuses a bad definition file, naming the file, the field and the reason, and registers nothing', async () => {
    const negative = file('bad.yaml', `projection: ${SPEND_BAND}\nversion: 5\nthreshold: -1\n`);
    await expect(rebuildProjection(ctx, SPEND_BAND, negative, { switchTo: true })).rejects.toThrow(
      new InvalidDefinitionError('threshold', 'must be a whole number of minor units, 0 or more (got -1)', negative),
    );
    const typo = file('typo.yaml', `projection: ${SPEND_BAND}\nversion: 5\nthreshhold: 100\n`);
    await expect(rebuildProjection(ctx, SPEND_BAND, typo, { switchTo: true })).rejects.toThrow(/typo\.yaml: threshhold: is not a field/);
    const noVersion = file('no-version.json', JSON.stringify({ projection: SPEND_BAND, threshold: 100 }));
    await expect(rebuildProjection(ctx, SPEND_BAND, noVersion, { switchTo: true })).rejects.toThrow(/no-version\.json: version: must be a positive integer/);
    await expect(rebuildProjection(ctx, 'nope', negative, { switchTo: true })).rejects.toThrow(/no projection nope; known: test-spend-band/);
    expect(await readDefinitions(backend.readStore.manager)).toEqual([]);
  });

  it('rebuild builds v1 from the start of the log and serves it', async () => {
    const v1 = file('v1.yaml', `projection: ${SPEND_BAND}\nversion: 1\ndescription: high from 100.00\nthreshold: 10000\n`);
    const result = await rebuildProjection(ctx, SPEND_BAND, v1, { switchTo: true });
    expect(result).toMatchObject({ name: SPEND_BAND, version: 1, registered: 'new', events: PURCHASES.length, switched: true, activeVersion: 1 });
    expect(await bands(1)).toEqual({ c1: 'low', c2: 'high', c3: 'high', c4: 'high' });
    expect(progress.join('')).toContain(`${SPEND_BAND} v1: ${PURCHASES.length}/${PURCHASES.length} events`);
  });

  it('rebuild --no-switch builds v2 beside v1, which keeps serving', async () => {
    const v2 = file('v2.json', JSON.stringify({ projection: SPEND_BAND, version: 2, threshold: 13000 }));
    const result = await rebuildProjection(ctx, SPEND_BAND, v2, { switchTo: false });
    expect(result).toMatchObject({ version: 2, registered: 'new', events: PURCHASES.length, switched: false, activeVersion: 1 });
    expect(await bands(2)).toEqual({ c1: 'low', c2: 'high', c3: 'low', c4: 'high' });
    expect(await bands(1)).toEqual({ c1: 'low', c2: 'high', c3: 'high', c4: 'high' });
  });

  it('list shows both versions: which is served, live, nothing behind, nobody holding them', async () => {
    const { rows, problems } = await listProjectionVersions(ctx, { sampleMs: 0 });
    expect(problems).toEqual([]);
    expect(rows).toEqual([
      expect.objectContaining({ projection: SPEND_BAND, version: 1, active: true, status: 'live', drivenBy: null, eventsBehind: 0, eventsProcessed: PURCHASES.length, lastError: null, description: 'high from 100.00' }),
      expect.objectContaining({ projection: SPEND_BAND, version: 2, active: false, status: 'live', drivenBy: null, eventsBehind: 0, eventsProcessed: PURCHASES.length, lastError: null }),
    ]);
  });

  it('diff prints the from x to matrix and the totals', async () => {
    const diff = await diffProjection(ctx, SPEND_BAND, 1, 2);
    expect(diff.matrices).toEqual([
      { dimension: 'band', cells: [{ from: 'high', to: 'high', customers: 2 }, { from: 'high', to: 'low', customers: 1 }, { from: 'low', to: 'low', customers: 1 }] },
    ]);
    expect(diff.totals).toEqual([{ measure: 'high-band customers', from: 3, to: 2 }]);
    const text = renderDiff(diff);
    expect(text).toContain(`${SPEND_BAND}: v1 -> v2`);
    expect(text).toMatch(/│ high\s+│ 2\s+│ 1\s+│ 3\s+│/);
    expect(text).toMatch(/│ low\s+│ 0\s+│ 1\s+│ 1\s+│/);
    expect(text).toContain('1 customer(s) change band');
    await expect(diffProjection(ctx, SPEND_BAND, 1, 7)).rejects.toThrow(/--to: test-spend-band has no version 7 \(registered: 1, 2\)/);
  });

  it('a version is immutable: other rules under the same version are refused', async () => {
    const clash = file('clash.yaml', `projection: ${SPEND_BAND}\nversion: 2\nthreshold: 99\n`);
    await expect(rebuildProjection(ctx, SPEND_BAND, clash, { switchTo: true })).rejects.toThrow(DefinitionConflictError);
  });

  it('rebuild of a registered version resumes it and switches: new events only, then it serves', async () => {
    const streamId = 'customer-c1';
    await backend.eventStore.appendToStream(
      streamId,
      [{ id: eventIdFor(streamId, 'o-late'), type: 'PurchaseRecorded', data: { customerId: 'c1', orderId: 'o-late', amount: 9000, currency: 'EUR', occurredAt: '2024-02-01T00:00:00Z' } }],
      { expectedRevision: 'any' },
    );
    const v2 = file('v2-again.yaml', `projection: ${SPEND_BAND}\nversion: 2\nthreshold: 13000\n`);
    const result = await rebuildProjection(ctx, SPEND_BAND, v2, { switchTo: true });
    expect(result).toMatchObject({ version: 2, registered: 'existing', events: 1, switched: true, activeVersion: 2 });
    expect(await bands(2)).toEqual({ c1: 'high', c2: 'high', c3: 'low', c4: 'high' });
    // v1 was not driven meanwhile: it stays where it was, and no row was counted twice in v2.
    const [{ spent }] = (await backend.readStore.query(`SELECT spent::int AS spent FROM test_spend_band WHERE projection_version = 2 AND customer_id = 'c1'`)) as { spent: number }[];
    expect(spent).toBe(14000);
  });
  it('drop deletes a version that is not served (definition, rows, checkpoint), and refuses the served one and the shipped default', async () => {
    const v3 = file('v3.yaml', `projection: ${SPEND_BAND}\nversion: 3\nthreshold: 1\n`);
    await rebuildProjection(ctx, SPEND_BAND, v3, { switchTo: false });
    expect(Object.keys(await bands(3))).toHaveLength(4);

    await expect(dropProjectionVersion(ctx, SPEND_BAND, 2)).rejects.toMatchObject({ code: 'PROJECTION.ACTIVE_VERSION' });
    await expect(dropProjectionVersion(ctx, SPEND_BAND, 1)).rejects.toMatchObject({ code: 'PROJECTION.DEFAULT_VERSION' });
    await expect(dropProjectionVersion(ctx, SPEND_BAND, 9)).rejects.toMatchObject({ code: 'PROJECTION.UNKNOWN_VERSION' });

    await dropProjectionVersion(ctx, SPEND_BAND, 3);
    expect(await bands(3)).toEqual({});
    expect((await readDefinitions(backend.readStore.manager, SPEND_BAND)).map((d) => d.version)).toEqual([1, 2]);
    expect((await listProjectionVersions(ctx, { sampleMs: 0 })).rows.map((r) => r.version)).toEqual([1, 2]);
    // The others are untouched: v2 still serves with its rows.
    expect(await bands(2)).toEqual({ c1: 'high', c2: 'high', c3: 'low', c4: 'high' });
    // The version number is free again, for other rules.
    const again = file('v3-again.yaml', `projection: ${SPEND_BAND}\nversion: 3\nthreshold: 20000\n`);
    await rebuildProjection(ctx, SPEND_BAND, again, { switchTo: false });
    expect(await bands(3)).toEqual({ c1: 'low', c2: 'low', c3: 'low', c4: 'high' });
  });
}
