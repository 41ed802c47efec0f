// Stage 2, coding: received (and finalized) encounters → codes, or needs_review with reasons.
// The rules engine (appliance/coding) is pure; this stage feeds it and commits its results.
import type { CodedEncounter, EncounterInput } from '../domain/types.js';
import type { CodingOutcome, ItemFailure } from '../ports.js';
import { failureOf, type Stage, type StageContext } from './stage.js';

export interface Coder {
  code(encounter: EncounterInput): CodedEncounter;
}

export function codingStage(ctx: StageContext, coder: Coder): Stage {
  return {
    name: 'coding',
    run(now: number): Promise<number> {
      const work = ctx.store.encountersIn('received', ctx.batchSize, now);
      const outcomes: CodingOutcome[] = [];
      const failures: ItemFailure[] = [];
      for (const w of work) {
        try {
          outcomes.push({ id: w.id, coded: coder.code(w.input) });
        } catch (err) {
          failures.push(failureOf(w.id, err));
        }
      }
      ctx.store.saveCoding(outcomes, now);
      ctx.store.failEncounters(failures, ctx.policy, now);
      return Promise.resolve(work.length);
    },
  };
}
