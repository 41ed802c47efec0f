// PLACEHOLDER until the scrub branch lands (it owns this file).
import type { Claim } from '../domain/types.js';
import type { CodeSets } from '../ports.js';

export interface ScrubFinding {
  ruleId: string;
  severity: 'error' | 'warning';
  message: string;
  fix: string;
  field?: string;
  line?: number;
}

export interface DuplicateKey {
  mrn: string;
  dateOfService: string;
  code: string;
  placeOfService: string;
  renderingNpi: string;
}

export interface ScrubContext {
  codeSets: CodeSets;
  today: string;
  payer?: { payerId: string; timelyFilingDays: number };
  isDuplicate?: (key: DuplicateKey) => boolean;
}

export function scrubClaim(claim: Claim, _ctx: ScrubContext): ScrubFinding[] {
  return claim.lines.length === 0
    ? [{ ruleId: 'LINES_REQUIRED', severity: 'error', message: 'No service lines.', fix: 'Add a procedure.' }]
    : [];
}
