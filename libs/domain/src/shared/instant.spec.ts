import fc from 'fast-check';
import { canonicalInstant, canonicalMillis, parseInstant } from './instant';

describe('parseInstant', () => {
  it.each([
    ['2024-03-01T10:15:00Z', '2024-03-01T10:15:00.000Z'],
    ['2024-03-01T10:15:00.5Z', '2024-03-01T10:15:00.500Z'],
    ['2024-03-01T10:15:00.123456789Z', '2024-03-01T10:15:00.123Z'],
    ['2024-03-01T11:15:00+01:00', '2024-03-01T10:15:00.000Z'],
    ['2024-03-01T05:15:00-0500', '2024-03-01T10:15:00.000Z'],
    ['2024-03-01T10:15Z', '2024-03-01T10:15:00.000Z'],
    ['2024-03-01T10:15:00', '2024-03-01T10:15:00.000Z'],
    ['2024-03-01', '2024-03-01T00:00:00.000Z'],
    ['2024-02-29T00:00:00Z', '2024-02-29T00:00:00.000Z'],
  ])('reads %s as %s', (text, canonical) => {
    expect(canonicalInstant(parseInstant(text)!)).toBe(canonical);
  });

  it.each([
    '2023-02-29', '2024-13-01', '2024-04-31', '2024-03-01T24:00:00Z', '2024-03-01T10:60:00Z', '2024-03-01T10:15:60Z',
    '2024-03-01T10:15:00+24:00', '2024-03-01 10:15:00Z', '2024-03-01t10:15:00z', '0099-01-01', '12024-01-01',
    'March 1, 2024', '', '1709288100000',
  ])('refuses %p', (text) => {
    expect(parseInstant(text)).toBeUndefined();
  });

  it('refuses what is not a string', () => {
    expect(parseInstant(1709288100000)).toBeUndefined();
    expect(parseInstant(null)).toBeUndefined();
  });
});

describe('parseInstant on the canonical spelling', () => {
  // The log's spelling takes a path of its own; it must agree with the general parser on every day.
  it('agrees with Date for every day of a leap and a common year and refuses days that do not exist', () => {
    for (const year of [1999, 2000, 2023, 2024, 2100]) {
      for (let month = 1; month <= 12; month++) {
        for (let day = 1; day <= 31; day++) {
          const text = `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}T23:59:58.123Z`;
          const exists = new Date(Date.UTC(year, month - 1, day)).getUTCDate() === day;
          expect(parseInstant(text)).toBe(exists ? Date.UTC(year, month - 1, day, 23, 59, 58, 123) : undefined);
          expect(parseInstant(text.slice(0, 19))).toBe(exists ? Date.UTC(year, month - 1, day, 23, 59, 58) : undefined);
        }
      }
    }
  });

  it.each([
    '2024-03-01T24:00:00.000Z', '2024-03-01T10:60:00.000Z', '2024-03-01T10:15:60.000Z', '2024-00-01T10:15:00.000Z', '0999-03-01T10:15:00.000Z',
    '2024-03-01T10:15:00.00aZ', '2024-03-01 10:15:00.000Z', '2024-03-01T10:15:00.000z', '+024-03-01T10:15:00.000Z',
  ])('refuses %p', (text) => {
    expect(parseInstant(text)).toBeUndefined();
  });
});

describe('canonicalInstant', () => {
  it('spells every instant as toISOString does', () => {
    const edges = [Date.UTC(1000, 0, 1), Date.UTC(10000, 0, 1) - 1, Date.UTC(1970, 0, 1), Date.UTC(2000, 1, 29, 23, 59, 59, 999), Date.UTC(2100, 2, 1), -1, Date.UTC(999, 11, 31), Date.UTC(10000, 0, 1), 1.5];
    for (const ms of edges) expect(canonicalInstant(ms)).toBe(new Date(ms).toISOString());
    fc.assert(fc.property(fc.integer({ min: Date.UTC(900, 0, 1), max: Date.UTC(10100, 0, 1) }), (ms) => canonicalInstant(ms) === new Date(ms).toISOString()), { numRuns: 5000 });
  });

  it('refuses what toISOString refuses', () => {
    expect(() => canonicalInstant(Number.NaN)).toThrow(RangeError);
  });
});

describe('canonicalMillis', () => {
  it('reads exactly the canonical spelling, and nothing else', () => {
    fc.assert(fc.property(fc.integer({ min: Date.UTC(1000, 0, 1), max: Date.UTC(10000, 0, 1) - 1 }), (ms) => canonicalMillis(canonicalInstant(ms)) === ms), { numRuns: 2000 });
    for (const text of ['2024-03-01T10:15:00Z', '2024-03-01T10:15:00.000+00:00', '2024-02-30T00:00:00.000Z', '2024-03-01T10:15:00.000z', '2024-03-01']) {
      expect(canonicalMillis(text)).toBeUndefined();
    }
  });
});
