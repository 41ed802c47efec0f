// Scrub stage core: run every rule in scrub-rules/ over a claim. Pure: the caller supplies the code
// sets, today's date, the payer's limits and the duplicate lookup.
import type { Claim } from '../domain/types.js';
import { rules } from './scrub-rules/index.js';
import type { ScrubContext, ScrubFinding, ScrubRule } from './scrub-rules/types.js';

export type {
  DuplicateKey,
  ScrubContext,
  ScrubFinding,
  ScrubRule,
  ScrubSeverity,
} from './scrub-rules/types.js';

/** Every rule (id, severity, description, kinds, check), for docs and the API. */
export const scrubRules: ScrubRule[] = [...rules];

/** All findings for one claim, in rule order. An empty list, or only warnings, means clean. */
export function scrubClaim(claim: Claim, ctx: ScrubContext): ScrubFinding[] {
  const out: ScrubFinding[] = [];
  for (const rule of rules) {
    if (rule.kinds && !rule.kinds.includes(claim.kind)) continue;
    out.push(...rule.check(claim, ctx));
  }
  return out;
}

/** True when no finding holds the claim. */
export function isClean(findings: readonly ScrubFinding[]): boolean {
  return findings.every((f) => f.severity !== 'error');
}
