import { addMonths, daysBetween, daysInMonth, isoWeekday, isTimeZone, localDateOf, parseMonthDay, startOfLocalDay } from './calendar';

const ms = (iso: string) => Date.parse(iso);
const iso = (t: number) => new Date(t).toISOString();

describe('calendar arithmetic', () => {
  it('adds calendar months in UTC, clamping to the month end', () => {
    expect(iso(addMonths(ms('2024-01-31T10:00:00Z'), 1))).toBe('2024-02-29T10:00:00.000Z');
    expect(iso(addMonths(ms('2023-01-31T10:00:00Z'), 1))).toBe('2023-02-28T10:00:00.000Z');
    expect(iso(addMonths(ms('2024-02-29T10:00:00Z'), 12))).toBe('2025-02-28T10:00:00.000Z');
    expect(iso(addMonths(ms('2024-03-15T10:00:00Z'), -12))).toBe('2023-03-15T10:00:00.000Z');
  });

  it('reads the local date in a zone, and finds when a local day starts across DST changes', () => {
    expect(localDateOf(ms('2024-03-14T23:30:00Z'), 'Asia/Tokyo')).toEqual({ year: 2024, month: 3, day: 15 });
    expect(localDateOf(ms('2024-03-14T23:30:00Z'), 'America/New_York')).toEqual({ year: 2024, month: 3, day: 14 });
    expect(iso(startOfLocalDay({ year: 2024, month: 3, day: 31 }, 'Europe/Paris'))).toBe('2024-03-30T23:00:00.000Z');
    expect(iso(startOfLocalDay({ year: 2024, month: 4, day: 1 }, 'Europe/Paris'))).toBe('2024-03-31T22:00:00.000Z');
    expect(iso(startOfLocalDay({ year: 2024, month: 10, day: 28 }, 'Europe/Paris'))).toBe('2024-10-27T23:00:00.000Z');
  });

  it('counts days between dates and names ISO weekdays', () => {
    expect(daysBetween({ year: 2024, month: 12, day: 31 }, { year: 2025, month: 1, day: 2 })).toBe(2);
    expect(isoWeekday({ year: 2024, month: 6, day: 2 })).toBe(7);
    expect(isoWeekday({ year: 2024, month: 6, day: 3 })).toBe(1);
  });

  it('accepts month-days of a leap year only, and IANA zones only', () => {
    expect(parseMonthDay('02-29')).toEqual({ month: 2, day: 29 });
    expect([parseMonthDay('02-30'), parseMonthDay('13-01'), parseMonthDay('3-15'), parseMonthDay(315)]).toEqual([undefined, undefined, undefined, undefined]);
    expect([isTimeZone('Europe/Paris'), isTimeZone('UTC'), isTimeZone('Mars/Olympus'), isTimeZone('')]).toEqual([true, true, false, false]);
  });
});

describe('daysInMonth', () => {
  it('counts as Date.UTC does, leap years and all, whatever the year', () => {
    for (const year of [0, 4, 99, 100, 400, 1000, 1900, 1996, 2000, 2023, 2024, 2100, 9999]) {
      for (let month = 0; month <= 13; month++) expect(daysInMonth(year, month)).toBe(new Date(Date.UTC(year, month, 0)).getUTCDate());
    }
  });
});
