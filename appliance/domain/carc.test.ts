import { describe, expect, it } from 'vitest';
import { adjustmentKind, classifyCarc, describeRarc } from './carc.js';

describe('classifyCarc', () => {
  it.each([
    ['4', 'modifier_issue', true],
    ['16', 'missing_information', true],
    ['18', 'duplicate', false],
    ['29', 'timely_filing', false],
    ['50', 'non_covered', true],
    ['96', 'non_covered', false],
    ['97', 'bundled', true],
    ['197', 'prior_auth', true],
    ['27', 'eligibility', false],
    ['999', 'other', false],
  ] as const)('CARC %s, maps to %s, with correctedClaimFits %s', (code, category, corrected) => {
    const info = classifyCarc(code);
    expect(info.category).toBe(category);
    expect(info.correctedClaimFits).toBe(corrected);
    expect(info.suggestedAction.length).toBeGreaterThan(10);
  });

  it('CO-16, becomes prior auth, when the remark says the authorization is the problem', () => {
    expect(classifyCarc('16', ['N54']).category).toBe('prior_auth');
    expect(classifyCarc('16', ['M51']).category).toBe('missing_information');
  });
});

describe('adjustmentKind', () => {
  it('separates patient share, contract, denial and correction, by group and CARC', () => {
    expect(adjustmentKind('PR', '1')).toBe('patient_responsibility');
    expect(adjustmentKind('PR', '3')).toBe('patient_responsibility');
    expect(adjustmentKind('CO', '45')).toBe('contractual');
    expect(adjustmentKind('CO', '253')).toBe('contractual');
    expect(adjustmentKind('CO', '97')).toBe('denial');
    expect(adjustmentKind('OA', '18')).toBe('denial');
    expect(adjustmentKind('CR', '45')).toBe('correction');
  });
});

describe('describeRarc', () => {
  it('passes an unknown remark through, and describes a known one', () => {
    expect(describeRarc('zz99')).toEqual({ code: 'ZZ99' });
    expect(describeRarc('M51').description).toMatch(/procedure code/);
  });
});
