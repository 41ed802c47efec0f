// Calendar arithmetic on 'YYYY-MM-DD' strings, in UTC so a server's time zone never shifts a day.

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Epoch day number of a real calendar date, or undefined ('2025-02-30' is not a date). */
export function dayNumber(date: string): number | undefined {
  const m = DATE.exec(date);
  if (!m) return undefined;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const ms = Date.UTC(y, mo - 1, d);
  const back = new Date(ms);
  if (back.getUTCFullYear() !== y || back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d)
    return undefined;
  return ms / 86_400_000;
}

export function isDate(date: string | undefined): date is string {
  return date !== undefined && dayNumber(date) !== undefined;
}

/** Whole days from a to b (b later is positive); undefined if either is not a date. */
export function daysBetween(a: string, b: string): number | undefined {
  const x = dayNumber(a);
  const y = dayNumber(b);
  return x === undefined || y === undefined ? undefined : y - x;
}

/** Age in completed years on `on`. */
export function ageOn(dob: string, on: string): number | undefined {
  if (!isDate(dob) || !isDate(on)) return undefined;
  const [by, bm, bd] = dob.split('-').map(Number) as [number, number, number];
  const [oy, om, od] = on.split('-').map(Number) as [number, number, number];
  let age = oy - by;
  if (om < bm || (om === bm && od < bd)) age -= 1;
  return age;
}

/** Earliest valid line date of service, if any. */
export function earliestDate(dates: Iterable<string>): string | undefined {
  let min: string | undefined;
  for (const d of dates) if (isDate(d) && (min === undefined || d < min)) min = d;
  return min;
}
