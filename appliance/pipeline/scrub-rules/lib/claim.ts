// Views of a Claim that several rules need.
import type { Claim, ClaimLine } from '../../../domain/types.js';
import { earliestDate, isDate } from './dates.js';

/** ICD-10-CM as claims carry it: upper case, no dot. */
export const ICD10_SHAPE = /^[A-Z][0-9][0-9A-Z]([0-9A-Z]{1,4})?$/;

/**
 * The dates of service each diagnosis is used on (through line pointers). A diagnosis no line
 * points at is checked on the claim's first date of service.
 */
export function diagnosisDates(claim: Claim): string[][] {
  const first = earliestDate(claim.lines.map((l) => l.dateOfService));
  const dates = claim.diagnoses.map(() => new Set<string>());
  for (const l of claim.lines)
    for (const p of l.diagnosisPointers) if (isDate(l.dateOfService)) dates[p - 1]?.add(l.dateOfService);
  return dates.map((s) => (s.size > 0 ? [...s].sort() : first ? [first] : []));
}

/** Lines grouped by date of service, with their index in claim.lines. */
export function linesByDate(claim: Claim): Map<string, { line: ClaimLine; index: number }[]> {
  const out = new Map<string, { line: ClaimLine; index: number }[]>();
  for (const [index, line] of claim.lines.entries()) {
    const list = out.get(line.dateOfService) ?? [];
    list.push({ line, index });
    out.set(line.dateOfService, list);
  }
  return out;
}

export function lineField(index: number, field?: string): string {
  return field ? `lines[${index}].${field}` : `lines[${index}]`;
}
