// Stage 5, submit: ready claims → an 837 batch in the outbox → the clearinghouse. Nothing lost,
// nothing sent twice: the batch and its control numbers are committed before the first byte goes
// out, a retry resends the same bytes, and an interrupted or timed-out upload ('ambiguous') waits
// for evidence (the clearinghouse's upload list) instead of being resent blindly.
import type { Claim, EncounterKind } from '../domain/types.js';
import { permanent } from '../domain/errors.js';
import type { ClearinghouseTransport, HoldSwitch, SubmissionStore } from '../ports.js';
import { failureOf, type Stage, type StageContext } from './stage.js';

export interface BatchWriter {
  /** Write one 837 interchange for claims of one kind with these control numbers. */
  write(
    claims: Claim[],
    controls: { isaControl: number; gsControl: number; stStart: number },
    testMode: boolean,
    now: Date,
  ): { content: string; stControls: string[] };
  /** Strict validation; returns error messages (empty = valid). Every file is validated before it leaves. */
  validate(content: string): string[];
}

export interface SubmitDeps {
  outbox: SubmissionStore;
  transport: ClearinghouseTransport;
  hold: HoldSwitch;
  writer: BatchWriter;
  mode: 'immediate' | 'scheduled';
  intervalMs: number;
  maxClaimsPerBatch: number;
  testMode: boolean;
  /** True once after someone pressed "submit now". */
  takeSubmitNow(): boolean;
}

export function submitStage(ctx: StageContext, deps: SubmitDeps): Stage & { recover(now: number): number } {
  function batchesDue(now: number): boolean {
    if (deps.mode === 'immediate') return true;
    if (deps.takeSubmitNow()) return true;
    const last = deps.outbox.lastBatchAt();
    return last === undefined || now - last >= deps.intervalMs;
  }

  function createBatches(now: number): number {
    const ready = deps.outbox.unbatchedReadyClaims(deps.maxClaimsPerBatch);
    if (ready.length === 0) return 0;
    // 837P and 837D are different implementation guides: never mix them in one interchange.
    const byKind = new Map<EncounterKind, typeof ready>();
    for (const c of ready) {
      const group = byKind.get(c.claim.kind);
      if (group) group.push(c);
      else byKind.set(c.claim.kind, [c]);
    }
    for (const [kind, group] of byKind) {
      deps.outbox.createBatch(
        group.map((c) => c.id),
        { transport: deps.transport.name, testMode: deps.testMode },
        (controls) => {
          const claims = group.map((c) => c.claim);
          const { content, stControls } = deps.writer.write(claims, controls, deps.testMode, new Date(now));
          const errors = deps.writer.validate(content);
          if (errors.length > 0)
            throw permanent('X12_INVALID', `batch failed validation: ${errors.slice(0, 3).join('; ')}`);
          const fileName = `CB${String(controls.batchId).padStart(7, '0')}_${kind === 'dental' ? '837D' : '837P'}_${controls.isaControl}.x12`;
          return { fileName, content, stControls };
        },
        now,
      );
    }
    return ready.length;
  }

  async function resolveAmbiguous(now: number): Promise<void> {
    for (const b of deps.outbox.ambiguousBatches()) {
      if (!deps.transport.wasUploaded) continue;
      try {
        const seen = await deps.transport.wasUploaded(b.fileName);
        if (seen === true) deps.outbox.markSent(b.id, undefined, now);
        else if (seen === false) deps.outbox.requeueBatch(b.id, now);
      } catch (err) {
        ctx.logger.warn(
          { batchId: b.id, err: failureOf(b.id, err) },
          'could not resolve an ambiguous upload yet',
        );
      }
    }
  }

  return {
    name: 'submit',
    recover: (now) => deps.outbox.recoverInterrupted(now),
    async run(now: number): Promise<number> {
      if (deps.hold.isHeld()) return 0;
      let n = 0;
      if (batchesDue(now)) n += createBatches(now);
      await resolveAmbiguous(now);
      for (const b of deps.outbox.dueBatches(now, 10)) {
        if (deps.hold.isHeld()) break;
        n += 1;
        deps.outbox.markSending(b.id, now);
        try {
          const res = await deps.transport.upload({ fileName: b.fileName, content: b.content });
          deps.outbox.markSent(b.id, res.remoteId, ctx.clock.now());
        } catch (err) {
          const f = failureOf(b.id, err);
          ctx.logger.warn({ batchId: b.id, code: f.code, class: f.errorClass }, 'upload failed');
          deps.outbox.failBatch(b.id, f, ctx.policy, ctx.clock.now());
        }
      }
      return n;
    },
  };
}
