// The shapes every scrub rule shares. Kept apart from scrub.ts so rules and the runner never import
// each other in a circle.
import type { Claim, EncounterKind } from '../../domain/types.js';
import type { CodeSets } from '../../ports.js';

export type ScrubSeverity = 'error' | 'warning';

/** One problem found on a claim: `error` holds the claim, `warning` informs. */
export interface ScrubFinding {
  ruleId: string;
  severity: ScrubSeverity;
  /** A sentence a biller understands; never PHI beyond what is on the claim screen already. */
  message: string;
  /** What to do about it. */
  fix: string;
  /** Path into the Claim, e.g. 'patient.dob', 'lines[2].units', 'diagnoses[0]'. */
  field?: string;
  /** 1-based claim line number (2400 LX01) when the finding is about one line. */
  line?: number;
  /** A person approved it (ScrubContext.overrides): kept for the record, downgraded to a warning. */
  approved?: boolean;
}

/** A person's decision to let a finding through (e.g. "yes, this really was done twice"). */
export interface ScrubOverride {
  ruleId: string;
  /** Only this claim line; every finding of the rule when omitted. */
  line?: number;
}

/** What the duplicate check asks the store about: same patient, DOS, procedure, POS and provider. */
export interface DuplicateKey {
  patientMrn: string;
  dateOfService: string;
  procedureCode: string;
  placeOfService: string;
  renderingNpi: string;
  /** Dental: two extractions on different teeth the same day are not duplicates. */
  tooth?: string;
}

export interface ScrubContext {
  codeSets: CodeSets;
  /** The date the claim would go out, YYYY-MM-DD (injected; never read from the system clock here). */
  today: string;
  /** The claim's payer and its timely-filing limit; without it timely filing is not checked. */
  payer?: { payerId: string; timelyFilingDays: number };
  /** True when the same service is already billed or waiting on another claim. */
  isDuplicate?: (key: DuplicateKey) => boolean;
  /** Warn this many days before the timely-filing limit runs out (default 30). */
  timelyFilingWarnDays?: number;
  /** Findings people approved for this claim: they no longer hold it. */
  overrides?: readonly ScrubOverride[];
}

export interface ScrubRule {
  id: string;
  /** The severity of every finding this rule makes. */
  severity: ScrubSeverity;
  /** One line for docs and the API. */
  description: string;
  /** Claim kinds the rule applies to; both when omitted. */
  kinds?: readonly EncounterKind[];
  check(claim: Claim, ctx: ScrubContext): ScrubFinding[];
}

/** What a rule says about one problem; the runner-facing fields come from the rule itself. */
export interface Problem {
  message: string;
  fix: string;
  field?: string;
  line?: number;
}

/** Define a rule whose findings all carry its id and severity. */
export function defineRule(rule: {
  id: string;
  severity: ScrubSeverity;
  description: string;
  kinds?: readonly EncounterKind[];
  problems(this: void, claim: Claim, ctx: ScrubContext): Iterable<Problem>;
}): ScrubRule {
  const { problems, ...meta } = rule;
  return {
    ...meta,
    check(claim, ctx) {
      const out: ScrubFinding[] = [];
      for (const p of problems(claim, ctx)) {
        const f: ScrubFinding = { ruleId: rule.id, severity: rule.severity, message: p.message, fix: p.fix };
        if (p.field !== undefined) f.field = p.field;
        if (p.line !== undefined) f.line = p.line;
        out.push(f);
      }
      return out;
    },
  };
}
