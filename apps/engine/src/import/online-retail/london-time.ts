const LONDON = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Europe/London', hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit',
});

/** Offset of London from UTC at an instant, in ms (0 in winter, one hour in summer time). */
function londonOffset(utcMs: number): number {
  const p = Object.fromEntries(LONDON.formatToParts(new Date(utcMs)).map((x) => [x.type, x.value]));
  return Date.UTC(+p.year!, +p.month! - 1, +p.day!, +p.hour!, +p.minute!, +p.second!) - utcMs;
}

/**
 * `2011-06-01 10:30:00`, UK local time as the UCI file writes it, as the UTC instant
 * (`2011-06-01T09:30:00.000Z`). Undefined when the text is not such a date-time.
 */
export function londonToUtc(local: string): string | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2})(?::(\d{2}))?$/.exec(local.trim());
  if (!m) return undefined;
  const asUtc = Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +(m[6] ?? 0));
  // Date.UTC rolls month 13 over into the next year: a date that does not come back is no date.
  if (new Date(asUtc).toISOString().slice(0, 16) !== `${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}`) return undefined;
  // The shop's hours are far from the 01:00 switch, so the offset at the guess is the offset at the instant.
  return new Date(asUtc - londonOffset(asUtc)).toISOString();
}
