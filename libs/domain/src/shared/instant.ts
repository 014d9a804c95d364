/**
 * ISO-8601 instants, parsed without the host's time zone: `Date.parse` reads an offset-less
 * date-time as local time, which would make the same event mean different instants on different
 * machines. Here an instant without an offset is read as UTC.
 */
const ISO_8601 =
  /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

// Years below 1000 are typos in this domain (and Date.UTC maps years 0-99 onto 1900-1999); past
// 9999 `toISOString` changes its spelling.
const EARLIEST = Date.UTC(1000, 0, 1);
const LATEST = Date.UTC(10000, 0, 1) - 1;

/** Milliseconds since the epoch, or undefined when `text` is not a valid ISO-8601 instant. */
export const parseInstant = (text: unknown): number | undefined => {
  if (typeof text !== 'string') return undefined;
  if (text.length === 24) {
    const ms = parseCanonical(text);
    if (ms !== undefined) return ms;
  }
  const m = ISO_8601.exec(text);
  if (!m) return undefined;
  const [year, month, day, hour = 0, minute = 0, second = 0] = m.slice(1, 7).map((part) => (part === undefined ? undefined : Number(part)));
  if (year! < 1000) return undefined;
  const millis = m[7] === undefined ? 0 : Number(m[7].padEnd(3, '0').slice(0, 3));
  if (month! < 1 || month! > 12 || day! < 1 || day! > daysIn(year!, month!)) return undefined;
  if (hour > 23 || minute > 59 || second > 59) return undefined;
  const offset = offsetMinutes(m[8]);
  if (offset === undefined) return undefined;
  const ms = Date.UTC(year!, month! - 1, day!, hour, minute, second, millis) - offset * 60_000;
  return ms >= EARLIEST && ms <= LATEST ? ms : undefined;
};

/** Milliseconds since the epoch when `text` is spelled exactly as `canonicalInstant` spells it, else undefined. */
export const canonicalMillis = (text: string): number | undefined => (text.length === 24 ? parseCanonical(text) : undefined);

/**
 * The log's own spelling (`canonicalInstant`: YYYY-MM-DDTHH:MM:SS.sssZ) without the regular
 * expression: folds parse it for every event. Same checks as below; undefined sends anything else
 * (including an invalid date in this shape) through the general parser, which gives the answer.
 */
const parseCanonical = (t: string): number | undefined => {
  if (t.charCodeAt(4) !== 45 || t.charCodeAt(7) !== 45 || t.charCodeAt(10) !== 84 || t.charCodeAt(13) !== 58 || t.charCodeAt(16) !== 58
    || t.charCodeAt(19) !== 46 || t.charCodeAt(23) !== 90) return undefined;
  const year = digits(t, 0, 4);
  const month = digits(t, 5, 2);
  const day = digits(t, 8, 2);
  const hour = digits(t, 11, 2);
  const minute = digits(t, 14, 2);
  const second = digits(t, 17, 2);
  const millis = digits(t, 20, 3);
  if (year < 1000 || month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 59 || millis < 0) return undefined;
  if (day > 28 && day > (month === 2 ? (isLeap(year) ? 29 : 28) : MONTH_DAYS[month - 1]!)) return undefined;
  return Date.UTC(year, month - 1, day, hour, minute, second, millis);
};

const MONTH_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const isLeap = (year: number): boolean => (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;

/** The decimal number in `t` from `at` on, `n` digits; -1 when one of them is no digit. */
const digits = (t: string, at: number, n: number): number => {
  let value = 0;
  for (let i = at; i < at + n; i++) {
    const d = t.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return -1;
    value = value * 10 + d;
  }
  return value;
};

/** The one spelling the log uses (`2024-03-01T09:15:00.000Z`), so string order is time order. */
export const canonicalInstant = (ms: number): string => {
  // `toISOString` costs over a microsecond and folds spell instants for every event; the calendar
  // arithmetic below spells years 1000-9999 the same way (H. Hinnant's civil_from_days).
  if (!(ms >= EARLIEST && ms <= LATEST) || !Number.isInteger(ms)) return new Date(ms).toISOString();
  const days = Math.floor(ms / 86_400_000);
  const inDay = ms - days * 86_400_000;
  const z = days + 719_468;
  const era = Math.floor(z / 146_097);
  const doe = z - era * 146_097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  const year = yoe + era * 400 + (month <= 2 ? 1 : 0);
  const hour = Math.floor(inDay / 3_600_000);
  const minute = Math.floor((inDay % 3_600_000) / 60_000);
  const second = Math.floor((inDay % 60_000) / 1000);
  const millis = inDay % 1000;
  return `${year}-${two(month)}-${two(day)}T${two(hour)}:${two(minute)}:${two(second)}.${millis < 10 ? '00' : millis < 100 ? '0' : ''}${millis}Z`;
};

const two = (n: number): string => (n < 10 ? `0${n}` : `${n}`);

const daysIn = (year: number, month: number) => new Date(Date.UTC(year, month, 0)).getUTCDate();

const offsetMinutes = (zone: string | undefined): number | undefined => {
  if (zone === undefined || zone === 'Z') return 0;
  const digits = zone.slice(1).replace(':', '');
  const hours = Number(digits.slice(0, 2));
  const minutes = Number(digits.slice(2));
  if (hours > 23 || minutes > 59) return undefined;
  return (zone[0] === '-' ? -1 : 1) * (hours * 60 + minutes);
};
