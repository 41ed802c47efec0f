// Scrub stage core: run every rule in scrub-rules/ over a claim. Pure: the caller supplies the code
// sets, today's date, the payer's limits and the duplicate lookup.
import type { BillingProvider, Claim, CodedEncounter, EncounterInput } from '../domain/types.js';
import { buildClaims } from './claims.js';
import { rules } from './scrub-rules/index.js';
import type { ScrubContext, ScrubFinding, ScrubOverride, ScrubRule } from './scrub-rules/types.js';

export type {
  DuplicateKey,
  ScrubContext,
  ScrubFinding,
  ScrubOverride,
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
  return ctx.overrides?.length ? out.map((f) => applyOverride(f, ctx.overrides!)) : out;
}

function applyOverride(f: ScrubFinding, overrides: readonly ScrubOverride[]): ScrubFinding {
  const hit = overrides.some((o) => o.ruleId === f.ruleId && (o.line === undefined || o.line === f.line));
  return hit ? { ...f, severity: 'warning', approved: true } : f;
}

/** True when no finding holds the claim. */
export function isClean(findings: readonly ScrubFinding[]): boolean {
  return findings.every((f) => f.severity !== 'error');
}

/** Readiness of one coded encounter: the claims it would make and what holds each of them. */
export interface ReadyReport {
  /** No coding review reason and no error finding on any claim. */
  ready: boolean;
  /** Coding review reasons, as findings (ruleId `coding:<code>`), before any claim exists. */
  coding: ScrubFinding[];
  claims: { claim: Claim; findings: ScrubFinding[] }[];
}

/**
 * What `GET /api/encounters/:id/ready` answers: build the claims the encounter would make
 * (without storing them) and scrub each, plus the coding stage's open review reasons.
 */
export function checkReady(
  encounter: EncounterInput,
  coded: CodedEncounter,
  billing: BillingProvider,
  ctx: ScrubContext,
): ReadyReport {
  const coding = coded.review.map((r): ScrubFinding => ({
    ruleId: `coding:${r.code}`,
    severity: 'error',
    message: r.message,
    fix: 'Correct the coding in the review queue and release the encounter.',
    ...(r.field !== undefined ? { field: r.field } : {}),
  }));
  const claims = buildClaims(encounter, coded, billing).map((claim) => ({
    claim,
    findings: scrubClaim(claim, ctx),
  }));
  return { ready: coding.length === 0 && claims.every((c) => isClean(c.findings)), coding, claims };
}
