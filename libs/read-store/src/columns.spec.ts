import { bigintColumn, instantColumn } from './columns';

describe('read-model column transformers', () => {
  it('reads an instant back in the canonical spelling, whatever form the driver gives it in', () => {
    const from = (value: Date | string | null) => instantColumn.from(value) as string | null;
    expect(from(null)).toBeNull();
    expect(from(new Date('1997-03-01T12:30:00.250Z'))).toBe('1997-03-01T12:30:00.250Z');
    // Canonical already: kept as it is (the fast path), and equal to what a Date makes of it.
    for (const text of ['1997-03-01T12:30:00.250Z', '2024-02-29T23:59:59.999Z', '0001-01-01T00:00:00.000Z']) {
      expect(from(text)).toBe(text);
      expect(from(text)).toBe(new Date(text).toISOString());
    }
    // Other spellings of an instant go through Date.
    expect(from('1997-03-01T12:30:00Z')).toBe('1997-03-01T12:30:00.000Z');
    expect(from('1997-03-01 13:30:00+01')).toBe('1997-03-01T12:30:00.000Z');
    expect(from('1997-03-01T24:00:00.000Z')).toBe('1997-03-02T00:00:00.000Z');
  });

  it('keeps int8 as bigint in memory and as its digits in the database', () => {
    expect(bigintColumn.to(12345678901234567890n)).toBe('12345678901234567890');
    expect(bigintColumn.from('12345678901234567890')).toBe(12345678901234567890n);
    expect(bigintColumn.from(null)).toBeNull();
  });
});
