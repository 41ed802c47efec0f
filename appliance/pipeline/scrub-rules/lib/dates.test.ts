import { describe, expect, it } from 'vitest';
import { ageOn, dayNumber, daysBetween } from './dates.js';

/** The reference: what Date.UTC makes of the same calendar date. */
const viaDate = (y: number, m: number, d: number) => Date.UTC(y, m - 1, d) / 86_400_000;

describe('dayNumber', () => {
  it('counts epoch days as Date.UTC does, across leap years and centuries', () => {
    for (const [s, y, m, d] of [
      ['1970-01-01', 1970, 1, 1],
      ['2000-02-29', 2000, 2, 29],
      ['2024-02-29', 2024, 2, 29],
      ['2024-03-01', 2024, 3, 1],
      ['1900-03-01', 1900, 3, 1],
      ['1899-12-31', 1899, 12, 31],
      ['0100-01-01', 100, 1, 1],
      ['9999-12-31', 9999, 12, 31],
    ] as const)
      expect(dayNumber(s)).toBe(viaDate(y, m, d));
    // Every day of four centuries, one after the other.
    let prev = dayNumber('1799-12-31')!;
    for (let y = 1800; y < 2200; y++)
      for (let m = 1; m <= 12; m++)
        for (let d = 1; d <= 31; d++) {
          const s = `${y}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
          const n = dayNumber(s);
          if (new Date(Date.UTC(y, m - 1, d)).getUTCDate() !== d) expect(n, s).toBeUndefined();
          else {
            expect(n, s).toBe(prev + 1);
            prev = n!;
          }
        }
  });

  it('refuses what is not a calendar date', () => {
    for (const s of [
      '2023-02-29',
      '1900-02-29',
      '2024-04-31',
      '2024-13-01',
      '2024-00-10',
      '2024-01-00',
      '0099-01-01',
    ])
      expect(dayNumber(s), s).toBeUndefined();
    for (const s of ['', '2024-1-01', '20240101', '2024/01/01', '2024-01-01 ', '+2024-01-1', 'abcd-ef-gh'])
      expect(dayNumber(s), s).toBeUndefined();
  });

  it('daysBetween and ageOn build on it', () => {
    expect(daysBetween('2024-02-28', '2024-03-01')).toBe(2);
    expect(daysBetween('2023-02-28', '2023-03-01')).toBe(1);
    expect(daysBetween('2024-02-30', '2024-03-01')).toBeUndefined();
    expect(ageOn('2000-02-29', '2018-02-28')).toBe(17);
    expect(ageOn('2000-02-29', '2018-03-01')).toBe(18);
  });
});
