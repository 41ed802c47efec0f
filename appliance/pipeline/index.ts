// The pipeline's order, stated once: intake (channels → IntakeSink) feeds these stages.
//   coding → scrub → claims → submit → remit
import type { Stage } from './stage.js';

export const STAGE_ORDER = ['coding', 'scrub', 'claims', 'submit', 'remit'] as const;
export type StageName = (typeof STAGE_ORDER)[number];

/** Put the built stages in pipeline order; a stage not configured (no transport yet) is skipped. */
export function orderStages(stages: Partial<Record<StageName, Stage>>): Stage[] {
  return STAGE_ORDER.flatMap((n) => (stages[n] ? [stages[n]] : []));
}
