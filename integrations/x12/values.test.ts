// parseCents and dateValid are char-code scans (they replaced regexes for speed): these cases pin the
// results the regex versions gave, edge cases included.
import { describe, expect, it } from 'vitest';
import { dateValid } from './validate.js';
import { parseCents } from './values.js';

describe('parseCents', () => {
  it('reads X12 R amounts as exact cents, undefined for anything else, same as the regex it replaced', () => {
    const cases: [string, number | undefined][] = [
      ['', undefined],
      ['-', undefined],
      ['.', undefined],
      ['-.', undefined],
      ['-.5', -50],
      ['5.', 500],
      ['1.234', undefined],
      ['1.230', 123],
      ['1.2300', 123],
      ['00.01', 1],
      ['12.5', 1250],
      ['0', 0],
      ['-12.05', -1205],
      ['+1', undefined],
      [' 1', undefined],
      ['1e3', undefined],
      ['\u0661\u0662', undefined],
      ['90071992547409.91', 9007199254740991],
      ['900719925474099.1', undefined],
      ['1.2.3', undefined],
    ];
    for (const [text, cents] of cases) expect(parseCents(text), text).toBe(cents);
  });
});

describe('dateValid', () => {
  it('accepts real CCYYMMDD dates only, leap years by the Gregorian rule, ASCII digits only', () => {
    const cases: [string, boolean][] = [
      ['20240229', true],
      ['20230229', false],
      ['19000229', false],
      ['20000229', true],
      ['20261231', true],
      ['20261232', false],
      ['20260001', false],
      ['20261301', false],
      ['2026011', false],
      ['202601150', false],
      ['2026-1-1', false],
      ['\uFF120260101', false],
      ['00000101', true],
    ];
    for (const [text, ok] of cases) expect(dateValid(text), text).toBe(ok);
  });
});
