// Calendar arithmetic on 'YYYY-MM-DD' strings, in UTC so a server's time zone never shifts a day.

/** The number in date[from, to) when every character there is a digit, else -1. */
function digits(date: string, from: number, to: number): number {
  let n = 0;
  for (let i = from; i < to; i++) {
    const c = date.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return -1;
    n = n * 10 + c;
  }
  return n;
}

const MONTH_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/**
 * Epoch day number of a real calendar date, or undefined ('2025-02-30' is not a date). Arithmetic
 * on the characters (days-from-civil, proleptic Gregorian) rather than a regex and a Date per call:
 * every scrub rule asks it about every line. Years before 100 are refused, as they always were here
 * (Date.UTC reads them as 19xx).
 */
export function dayNumber(date: string): number | undefined {
  if (date.length !== 10 || date.charCodeAt(4) !== 45 || date.charCodeAt(7) !== 45) return undefined;
  const y = digits(date, 0, 4);
  const m = digits(date, 5, 7);
  const d = digits(date, 8, 10);
  if (y < 100 || m < 1 || m > 12 || d < 1) return undefined;
  const leap = y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0);
  if (d > (m === 2 && leap ? 29 : MONTH_DAYS[m - 1]!)) return undefined;
  // Howard Hinnant's days_from_civil: March-based year so the leap day falls at its end.
  const yy = m <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const doy = Math.floor((153 * ((m + 9) % 12) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146_097 + doe - 719_468;
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
