// Stage 4, claims: scrubbed drafts → ready claims, each rendered alone as an 837 and validated first,
// so a claim the writer or validator refuses is parked here and never poisons a batch.
import type { Claim } from '../domain/types.js';
import { permanent } from '../domain/errors.js';
import type { ItemFailure } from '../ports.js';
import { failureOf, type Stage, type StageContext } from './stage.js';

export interface ClaimCheck {
  /** Render the claim as a one-claim 837 and validate it; returns error messages (empty = valid). */
  check(claim: Claim): string[];
}

export function claimsStage(ctx: StageContext, checker: ClaimCheck | undefined): Stage {
  return {
    name: 'claims',
    run(now: number): Promise<number> {
      const work = ctx.store.draftClaims(ctx.batchSize, now);
      const ok: number[] = [];
      const failures: ItemFailure[] = [];
      for (const w of work) {
        try {
          const errors = checker ? checker.check(w.claim) : [];
          if (errors.length > 0)
            throw permanent('X12_INVALID', `837 validation failed: ${errors.slice(0, 3).join('; ')}`);
          ok.push(w.id);
        } catch (err) {
          failures.push(failureOf(w.id, err));
        }
      }
      ctx.store.promoteClaims(ok, now);
      ctx.store.failClaims(failures, ctx.policy, now);
      return Promise.resolve(work.length);
    },
  };
}
