import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sharedDataFile } from '@lifecycle/testing';
import type { TestEngine } from '../../testing/test-engine';
import { logSize, startImportEngine } from '../testing/import-engine';
import { CdnowOrderIds, type CdnowRow, parseCdnowLine } from './cdnow-rows';

const rowsOf = (path: string): CdnowRow[] =>
  readFileSync(path, 'latin1')
    .split(/\r?\n/)
    .map((l, i) => parseCdnowLine(l, i + 1))
    .flatMap((p) => (p?.ok ? [p.row] : []));

const factsById = (rows: readonly CdnowRow[]) => {
  const ids = new CdnowOrderIds();
  return new Map(rows.map((r) => [`${r.masterId}/${ids.next(r)}`, `${r.day} ${r.cds} ${r.cents}`]));
};

// The sample's lines are master lines (SOURCES.md: "Every row of this file occurs verbatim in
// CDNOW_master.txt"), and order ids come from the facts, not the line numbers: so the sample
// imported after the master finds every one of its orders already recorded.
describe('lifecycle import cdnow, CDNOW_sample.txt after CDNOW_master.txt', () => {
  const master = rowsOf(sharedDataFile('CDNOW_master.txt'));
  const sample = rowsOf(sharedDataFile('CDNOW_sample.txt'));

  it('derives, for every sample line, the order id the same fact has in the master file', () => {
    expect(master).toHaveLength(69_659);
    expect(sample).toHaveLength(6_919);
    const inMaster = factsById(master);
    const inSample = factsById(sample);
    expect(inMaster.size).toBe(69_659);
    expect(inSample.size).toBe(6_919);
    const differ = [...inSample].filter(([id, facts]) => inMaster.get(id) !== facts);
    expect(differ).toEqual([]);
  });

  describe('through the engine', () => {
    let t: TestEngine;
    let importFile: Awaited<ReturnType<typeof startImportEngine>>['importFile'];
    let dir: string;

    beforeAll(async () => {
      ({ t, importFile } = await startImportEngine());
      dir = mkdtempSync(join(tmpdir(), 'cdnow-'));
    });
    afterAll(async () => {
      rmSync(dir, { recursive: true, force: true });
      await t.close();
    });

    // The whole master takes minutes on the shared machine (the bench measures it); the master's
    // lines of the sample's 2,357 customers, in the master's own format and order, show the same.
    it('adds nothing when the sample follows the master lines of its customers', async () => {
      const customers = new Set(sample.map((r) => r.masterId));
      const lines = readFileSync(sharedDataFile('CDNOW_master.txt'), 'latin1').split(/\r?\n/);
      const part = join(dir, 'CDNOW_master_part.txt');
      writeFileSync(part, [lines[0], ...lines.slice(1).filter((l) => customers.has(l.trim().split(/\s+/)[0]!))].join('\r\n'));

      const fromMaster = await importFile('cdnow', part);
      expect(fromMaster).toMatchObject({ rows: 6_919, recorded: 6_919, refused: {} });
      const before = await logSize(t);
      const fromSample = await importFile('cdnow', sharedDataFile('CDNOW_sample.txt'));
      expect(fromSample).toMatchObject({ rows: 6_919, recorded: 0, repeated: 6_919, refused: {} });
      expect(await logSize(t)).toBe(before);
    }, 600_000);
  });
});
