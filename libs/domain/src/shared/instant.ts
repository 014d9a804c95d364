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

/** The one spelling the log uses (`2024-03-01T09:15:00.000Z`), so string order is time order. */
export const canonicalInstant = (ms: number): string => new Date(ms).toISOString();

const daysIn = (year: number, month: number) => new Date(Date.UTC(year, month, 0)).getUTCDate();

const offsetMinutes = (zone: string | undefined): number | undefined => {
  if (zone === undefined || zone === 'Z') return 0;
  const digits = zone.slice(1).replace(':', '');
  const hours = Number(digits.slice(0, 2));
  const minutes = Number(digits.slice(2));
  if (hours > 23 || minutes > 59) return undefined;
  return (zone[0] === '-' ? -1 : 1) * (hours * 60 + minutes);
};
