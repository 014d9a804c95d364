import { ConfigError, loadEngineConfig } from '@lifecycle/engine/config/engine-config';
import { FOLD_THREAD_MIN_EVENTS, foldsOnThread, setFoldThreadMode } from './fold-thread';

describe('LIFECYCLE_FOLD_THREAD', () => {
  afterEach(() => setFoldThreadMode('auto'));

  it('defaults to auto, and reads on and off', () => {
    expect(loadEngineConfig({}).foldThread).toBe('auto');
    expect(loadEngineConfig({ LIFECYCLE_FOLD_THREAD: 'on' }).foldThread).toBe('on');
    expect(loadEngineConfig({ LIFECYCLE_FOLD_THREAD: 'off' }).foldThread).toBe('off');
  });

  it.each(['yes', 'true', '1', 'ON'])('refuses %s, naming the variable', (text) => {
    expect(() => loadEngineConfig({ LIFECYCLE_FOLD_THREAD: text })).toThrow(ConfigError);
    expect(() => loadEngineConfig({ LIFECYCLE_FOLD_THREAD: text })).toThrow(/LIFECYCLE_FOLD_THREAD must be auto, on or off/);
  });

  it('sends a build from the start to the thread when its first batch is large (auto), every one (on), none (off); never a resumed build', () => {
    expect([foldsOnThread(true, FOLD_THREAD_MIN_EVENTS), foldsOnThread(true, FOLD_THREAD_MIN_EVENTS - 1), foldsOnThread(false, 100_000)]).toEqual([true, false, false]);
    setFoldThreadMode('on');
    expect([foldsOnThread(true, 1), foldsOnThread(false, 100_000)]).toEqual([true, false]);
    setFoldThreadMode('off');
    expect(foldsOnThread(true, 100_000)).toBe(false);
  });
});
