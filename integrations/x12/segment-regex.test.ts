import { describe, expect, it } from 'vitest';
import type { ElDef } from './dictionary.js';
import { segmentRegex, type PositionRules } from './segment-regex.js';
import { DEFAULT_SEPARATORS } from './types.js';

const el = (type: ElDef['type'], min: number, max: number): ElDef => ({ type, min, max, mandatory: false });
const pos = (def: ElDef, o: Partial<PositionRules> = {}): PositionRules => ({
  need: false,
  none: false,
  def,
  codes: undefined,
  parts: [],
  ...o,
});

/** Whether `re` matches all of `seg` (as the validator asks: from its start to its end). */
function whole(re: RegExp, seg: string): boolean {
  re.lastIndex = 0;
  return re.test(seg) && re.lastIndex === seg.length;
}

describe('segmentRegex', () => {
  // XYZ01 required code (AA/BBB), XYZ02 decimal 1-4 digits, XYZ03 date, XYZ04 not used, XYZ05 time,
  // XYZ06 composite whose second component is a code (Q/R).
  const positions: PositionRules[] = [];
  positions[1] = pos(el('ID', 2, 3), { need: true, codes: ['AA', 'BBB'] });
  positions[2] = pos(el('R', 1, 4));
  positions[3] = pos(el('DT', 8, 8));
  positions[4] = pos(el('AN', 1, 10), { none: true });
  positions[5] = pos(el('TM', 4, 8));
  positions[6] = pos(el('C', 0, 0), { parts: [{ j: 2, codes: ['Q', 'R'] }] });
  const re = segmentRegex('XYZ', 6, positions, DEFAULT_SEPARATORS)!;

  it('matches segments whose elements pass every rule, trailing elements left off or empty', () => {
    for (const seg of [
      'XYZ*AA',
      'XYZ*BBB*12.5',
      'XYZ*AA*-.25*20260131',
      'XYZ*AA***',
      'XYZ*AA*1*20240228**2359*X:Q:Z',
    ])
      expect(whole(re, seg), seg).toBe(true);
  });

  it('does not match a wrong code, length, number, date, time, not-used element or component code', () => {
    for (const seg of [
      'XYZ',
      'XYZ*A',
      'XYZ*CC',
      'XYZ*AA*12345',
      'XYZ*AA*1.2.3',
      'XYZ*AA*1*20260230',
      'XYZ*AA*1*20240229', // a real date, left to the general path (leap years)
      'XYZ*AA*1**X',
      'XYZ*AA****2460',
      'XYZ*AA*****X:P',
      'XYZ*AA******',
      'XYZ*A:A',
    ])
      expect(whole(re, seg), seg).toBe(false);
  });

  it('has no regex for what it cannot express exactly', () => {
    const odd: PositionRules[] = [];
    odd[1] = pos(el('DT', 8, 8), { codes: ['20260101'] });
    expect(segmentRegex('ODD', 1, odd, DEFAULT_SEPARATORS)).toBeUndefined();
    const sep = { ...DEFAULT_SEPARATORS, segment: '~\n' };
    expect(whole(segmentRegex('XYZ', 6, positions, sep)!, 'XYZ*AA')).toBe(true);
  });
});
