// Stage 3, scrub: coded encounters → claims built and checked by every scrub rule. A claim with an
// error-severity finding never leaves: its encounter goes to needs_review with the rules' reasons.
import type { BillingProvider } from '../domain/types.js';
import type { CodeSets, ItemFailure, ScrubOutcome } from '../ports.js';
import { buildClaims } from './claims.js';
import { scrubClaim, type ScrubContext } from './scrub.js';
import { failureOf, type Stage, type StageContext } from './stage.js';

export interface ScrubDeps {
  billing: BillingProvider;
  codeSets: CodeSets;
  /** Payer facts for timely filing; undefined for an unknown payer. */
  payer(payerId: string): { payerId: string; timelyFilingDays: number } | undefined;
}

function isoDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

export function scrubStage(ctx: StageContext, deps: ScrubDeps): Stage {
  return {
    name: 'scrub',
    run(now: number): Promise<number> {
      const work = ctx.store.encountersIn('coded', ctx.batchSize, now);
      const outcomes: ScrubOutcome[] = [];
      const failures: ItemFailure[] = [];
      for (const w of work) {
        try {
          if (!w.coded) throw new Error('coded encounter has no codes');
          const replaces = ctx.store.priorSentClaim(w.id);
          const claims = buildClaims(w.input, w.coded, deps.billing, {
            frequency: replaces ? '7' : '1',
            originalClaimNumber: replaces?.payerClaimNumber,
          });
          const sctx: ScrubContext = {
            codeSets: deps.codeSets,
            today: isoDate(now),
            payer: deps.payer(w.input.coverages[0]?.payerId ?? ''),
            isDuplicate: (key) =>
              ctx.store.hasOtherCharge({
                patientId: w.patientId,
                encounterId: w.id,
                dateOfService: key.dateOfService,
                code: key.procedureCode,
                pos: key.placeOfService,
                npi: key.renderingNpi,
              }),
          };
          outcomes.push({
            id: w.id,
            drafts: claims.map((claim) => ({ claim, findings: scrubClaim(claim, sctx) })),
            review:
              claims.length === 0
                ? [{ code: 'NO_COVERAGE', message: 'The encounter has no insurance coverage to bill.' }]
                : [],
            replaces,
          });
        } catch (err) {
          failures.push(failureOf(w.id, err));
        }
      }
      ctx.store.saveScrub(outcomes, now);
      ctx.store.failEncounters(failures, ctx.policy, now);
      return Promise.resolve(work.length);
    },
  };
}
