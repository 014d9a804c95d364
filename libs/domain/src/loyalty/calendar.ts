/**
 * Calendar arithmetic on epoch milliseconds, for instants given to the domain (never the clock).
 * Time zones go through Intl, which is deterministic for a given runtime's time-zone data.
 */
export const MS_PER_DAY = 86_400_000;

export const addDays = (ms: number, days: number): number => ms + days * MS_PER_DAY;

/** Calendar months in UTC; the day is clamped to the month's end (Jan 31 + 1 month = Feb 28/29). */
export const addMonths = (ms: number, months: number): number => {
  const d = new Date(ms);
  const target = d.getUTCMonth() + months;
  const year = d.getUTCFullYear() + Math.floor(target / 12);
  const month = ((target % 12) + 12) % 12;
  const day = Math.min(d.getUTCDate(), daysInMonth(year, month + 1));
  return Date.UTC(year, month, day, d.getUTCHours(), d.getUTCMinutes(), d.getUTCSeconds(), d.getUTCMilliseconds());
};

/** Days in `month` (1-12) of `year`, proleptic Gregorian as Date.UTC counts them (month 0 is December before). */
export const daysInMonth = (year: number, month: number): number => {
  // Date.UTC reads years 0-99 as 1900-1999: those (never a date of this domain) go through it.
  if (month >= 1 && month <= 12 && year >= 100 && Number.isInteger(year) && Number.isInteger(month)) {
    return month === 2 ? ((year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28) : MONTH_DAYS[month - 1]!;
  }
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
};

const MONTH_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

export const isLeapYear = (year: number): boolean => daysInMonth(year, 2) === 29;

export interface LocalDate {
  readonly year: number;
  readonly month: number;
  readonly day: number;
}

// Building a DateTimeFormat is slow; one per zone, kept for the process (a cache, not state).
const formatters = new Map<string, Intl.DateTimeFormat>();
const formatterFor = (timeZone: string): Intl.DateTimeFormat => {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone, calendar: 'gregory', numberingSystem: 'latn', hourCycle: 'h23',
      year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric',
    });
    formatters.set(timeZone, f);
  }
  return f;
};

export const isTimeZone = (value: unknown): value is string => {
  if (typeof value !== 'string' || value === '') return false;
  try {
    formatterFor(value);
    return true;
  } catch {
    return false;
  }
};

/** Wall-clock fields in the zone, read as if they were UTC. */
const wallClock = (ms: number, timeZone: string): number => {
  let memo = wallClocks.get(timeZone);
  if (!memo) wallClocks.set(timeZone, (memo = new Map()));
  const known = memo.get(ms);
  if (known !== undefined) return known;
  const parts = Object.fromEntries(formatterFor(timeZone).formatToParts(ms).map((p) => [p.type, p.value]));
  const wall = Date.UTC(Number(parts.year), Number(parts.month) - 1, Number(parts.day), Number(parts.hour), Number(parts.minute), Number(parts.second));
  if (memo.size >= WALL_CLOCK_MEMO) memo.clear();
  memo.set(ms, wall);
  return wall;
};

// Intl.formatToParts costs microseconds, and a fold asks for the same few instants over and over
// (lapse days, purchase days, the start of a local day): remembered per zone, a bounded cache of a
// pure function (the zone data cannot change within a process).
const WALL_CLOCK_MEMO = 50_000;
const wallClocks = new Map<string, Map<number, number>>();

export const localDateOf = (ms: number, timeZone: string): LocalDate => {
  const d = new Date(wallClock(ms, timeZone));
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
};

/** The instant the local day begins (the zone's offset found by two fixed-point steps, DST-safe). */
export const startOfLocalDay = (date: LocalDate, timeZone: string): number => {
  const asUtc = Date.UTC(date.year, date.month - 1, date.day);
  let ms = asUtc;
  for (let i = 0; i < 2; i++) ms = asUtc - (wallClock(ms, timeZone) - ms);
  return ms;
};

/** Days from `a` to `b` (calendar dates, no zone involved). */
export const daysBetween = (a: LocalDate, b: LocalDate): number =>
  Math.round((Date.UTC(b.year, b.month - 1, b.day) - Date.UTC(a.year, a.month - 1, a.day)) / MS_PER_DAY);

/** ISO weekday: 1 = Monday ... 7 = Sunday. */
export const isoWeekday = (date: LocalDate): number => new Date(Date.UTC(date.year, date.month - 1, date.day)).getUTCDay() || 7;

const MONTH_DAY = /^(\d{2})-(\d{2})$/;

/** 'MM-DD' as month and day, or undefined when it is no day of a (leap) year. */
export const parseMonthDay = (value: unknown): { readonly month: number; readonly day: number } | undefined => {
  if (typeof value !== 'string') return undefined;
  const m = MONTH_DAY.exec(value);
  if (!m) return undefined;
  const month = Number(m[1]);
  const day = Number(m[2]);
  return month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(2024, month) ? { month, day } : undefined;
};

export const formatLocalDate = (d: LocalDate): string =>
  `${String(d.year).padStart(4, '0')}-${String(d.month).padStart(2, '0')}-${String(d.day).padStart(2, '0')}`;
