import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RecordedEvent } from '@lifecycle/event-store';
import { validateEngineConfig } from '../config/engine-config';
import type { Storage } from '../storage/storage';
import { sampleDataWanted, shouldImportSample } from './first-start';

/** Just what the decision reads: the kind of store and whether its log holds anything. */
const storageWith = (kind: Storage['kind'], events: number): Storage =>
  ({ kind, eventStore: { readAll: async () => new Array<RecordedEvent>(Math.min(events, 1)) } }) as unknown as Storage;

describe('the first-start sample import', () => {
  let dataDir: string;
  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'le-sample-'));
  });
  afterEach(() => rmSync(dataDir, { recursive: true, force: true }));
  const config = () => validateEngineConfig({ dataDir });

  it('runs on an empty embedded log on disk, and only there', async () => {
    expect(await shouldImportSample(storageWith('embedded', 0), config(), true)).toBe(true);
    expect(await shouldImportSample(storageWith('embedded', 5), config(), true)).toBe(false);
    expect(await shouldImportSample(storageWith('embedded', 0), config(), false)).toBe(false);
    expect(await shouldImportSample(storageWith('postgres', 0), config(), true)).toBe(false);
    expect(await shouldImportSample(storageWith('embedded', 0), validateEngineConfig({ dataDir, inMemory: true }), true)).toBe(false);
  });

  it('resumes an import a previous start began, and never repeats a finished one', async () => {
    writeFileSync(join(dataDir, 'sample-data.json'), '{"state":"importing"}');
    expect(await shouldImportSample(storageWith('embedded', 5), config(), true)).toBe(true);
    writeFileSync(join(dataDir, 'sample-data.json'), '{"state":"done"}');
    expect(await shouldImportSample(storageWith('embedded', 0), config(), true)).toBe(false);
  });

  it('is turned off by LIFECYCLE_SAMPLE_DATA=off (or false, 0, no)', () => {
    expect(sampleDataWanted({})).toBe(true);
    expect(sampleDataWanted({ LIFECYCLE_SAMPLE_DATA: 'on' })).toBe(true);
    expect(['off', 'OFF', 'false', '0', 'no'].map((v) => sampleDataWanted({ LIFECYCLE_SAMPLE_DATA: v }))).toEqual([false, false, false, false, false]);
  });
});
