import { ConfigError, loadEngineConfig, tickIntervalMs } from '../config/engine-config';

describe('LIFECYCLE_TICK_INTERVAL', () => {
  it('defaults to an hour', () => {
    expect(tickIntervalMs(loadEngineConfig({}))).toBe(3_600_000);
  });

  it.each([['30s', 30_000], ['15m', 900_000], ['2h', 7_200_000], ['1500ms', 1500], ['off', null]])('reads %s', (text, ms) => {
    expect(tickIntervalMs(loadEngineConfig({ LIFECYCLE_TICK_INTERVAL: text }))).toBe(ms);
  });

  it.each(['10', '5 minutes', '0s', '-1m', '1d'])('refuses %s, naming the variable', (text) => {
    expect(() => loadEngineConfig({ LIFECYCLE_TICK_INTERVAL: text })).toThrow(ConfigError);
    expect(() => loadEngineConfig({ LIFECYCLE_TICK_INTERVAL: text })).toThrow(/LIFECYCLE_TICK_INTERVAL/);
  });

  it('refuses less than a second', () => {
    expect(() => loadEngineConfig({ LIFECYCLE_TICK_INTERVAL: '999ms' })).toThrow(/at least 1s/);
  });
});
