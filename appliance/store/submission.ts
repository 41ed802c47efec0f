// The outbox: batches of 837s with persisted control numbers. A claim belongs to at most one live
// batch; a retry resends the same batch (same bytes, same control numbers); a send interrupted by
// a crash becomes 'ambiguous' and is resolved by evidence, never blindly resent.
import { and, asc, desc, eq, inArray, lte } from 'drizzle-orm';
import type { BatchWork, ClaimWork, ItemFailure, RetryPolicy, SubmissionStore } from '../ports.js';
import type { AuditInput } from '../domain/audit.js';
import type { Claim } from '../domain/types.js';
import { appendAudit } from '../audit/log.js';
import type { Store, Db } from './open.js';
import { batches, batchClaims, claims, workItems, chargeItems } from './schema.js';
import { backoffMs, nextCounter } from './pipeline-store.js';

const LIVE = ['pending', 'sending', 'sent', 'ambiguous', 'accepted', 'parked'];

/**
 * The batch's claims move ready → submitted (charge items billed), in the caller's transaction.
 * Proof of landing is either the upload's reply, the upload list, or a 999 answering the batch.
 */
export function claimsSubmitted(
  d: Db,
  b: { id: number; isaControl: number; testMode: boolean },
  now: number,
): AuditInput[] {
  const ids = d
    .select({ id: batchClaims.claimId })
    .from(batchClaims)
    .where(eq(batchClaims.batchId, b.id))
    .all()
    .map((r) => r.id);
  if (ids.length === 0) return [];
  const moved = d
    .update(claims)
    .set({ status: 'submitted', submittedAt: now, updatedAt: now })
    .where(and(inArray(claims.id, ids), eq(claims.status, 'ready')))
    .returning({ id: claims.id })
    .all()
    .map((r) => r.id);
  d.update(chargeItems).set({ status: 'billed' }).where(inArray(chargeItems.claimId, ids)).run();
  return moved.map((cid) => ({
    event: 'CLAIM_SUBMITTED',
    actor: 'service:submit',
    entityType: 'claim',
    entityId: String(cid),
    detail: { batchId: b.id, isaControl: b.isaControl, testMode: b.testMode },
  }));
}

export function createSubmissionStore(store: Store): SubmissionStore {
  const { db } = store;

  function batchWork(d: Db, row: typeof batches.$inferSelect): BatchWork {
    const ids = d
      .select({ id: batchClaims.claimId })
      .from(batchClaims)
      .where(eq(batchClaims.batchId, row.id))
      .all()
      .map((r) => r.id);
    return {
      id: row.id,
      fileName: row.fileName,
      content: row.content,
      status: row.status,
      attempts: row.attempts,
      claimIds: ids,
    };
  }

  return {
    unbatchedReadyClaims(limit): ClaimWork[] {
      const rows = store
        .stmt(
          `SELECT c.id, c.encounter_id, c.pcn, c.document, c.payer_id FROM claims c
            WHERE c.status = 'ready' AND NOT EXISTS (
              SELECT 1 FROM batch_claims bc JOIN batches b ON b.id = bc.batch_id
               WHERE bc.claim_id = c.id AND b.status IN (${LIVE.map(() => '?').join(',')}))
            ORDER BY c.id LIMIT ?`,
        )
        .all(...LIVE, limit) as {
        id: number;
        encounter_id: number;
        pcn: string;
        document: string;
        payer_id: string;
      }[];
      return rows.map((r) => ({
        id: r.id,
        encounterId: r.encounter_id,
        pcn: r.pcn,
        claim: JSON.parse(r.document) as Claim,
        payerId: r.payer_id,
      }));
    },

    createBatch(claimIds, meta, build, now): BatchWork {
      return store.tx((d) => {
        // ISA13 is 9 digits: a billion interchanges outlives any practice.
        const isaControl = nextCounter(store, 'isa13');
        const gsControl = nextCounter(store, 'gs06');
        const stStart = nextCounter(store, 'st02', claimIds.length);
        const batchId = nextCounter(store, 'batch');
        const built = build({ isaControl, gsControl, stStart, batchId });
        const row = d
          .insert(batches)
          .values({
            id: batchId,
            transport: meta.transport,
            isaControl,
            gsControl,
            fileName: built.fileName,
            content: built.content,
            claimCount: claimIds.length,
            testMode: meta.testMode,
            status: 'pending',
            createdAt: now,
          })
          .returning()
          .get();
        // A cached statement: drizzle would build and prepare the same INSERT once per claim.
        const insertMember = store.stmt(
          'INSERT INTO batch_claims (batch_id, claim_id, st_control) VALUES (?,?,?)',
        );
        claimIds.forEach((claimId, i) => {
          insertMember.run(batchId, claimId, built.stControls[i] ?? built.stControls[0] ?? '');
        });
        appendAudit(
          store,
          [
            {
              event: 'BATCH_CREATED',
              actor: 'service:submit',
              entityType: 'batch',
              entityId: String(batchId),
              detail: {
                claims: claimIds.length,
                isaControl,
                gsControl,
                testMode: meta.testMode,
                file: built.fileName,
              },
            },
          ],
          now,
        );
        return batchWork(d, row);
      });
    },

    dueBatches(now, limit): BatchWork[] {
      return db
        .select()
        .from(batches)
        .where(and(eq(batches.status, 'pending'), lte(batches.nextAttemptAt, now)))
        .orderBy(asc(batches.id))
        .limit(limit)
        .all()
        .map((r) => batchWork(db, r));
    },

    markSending(id, now): void {
      store.tx((d) => {
        d.update(batches).set({ status: 'sending', sentAt: now }).where(eq(batches.id, id)).run();
      });
    },

    markSent(id, remoteId, now): void {
      store.tx((d) => {
        const b = d.select().from(batches).where(eq(batches.id, id)).get();
        if (!b || b.status === 'sent' || b.status === 'accepted' || b.status === 'rejected') return;
        d.update(batches)
          .set({ status: 'sent', remoteId: remoteId ?? null, sentAt: now, lastError: null })
          .where(eq(batches.id, id))
          .run();
        appendAudit(store, claimsSubmitted(d, b, now), now);
      });
    },

    failBatch(id, failure: ItemFailure, policy: RetryPolicy, now): void {
      store.tx((d) => {
        const b = d.select({ attempts: batches.attempts }).from(batches).where(eq(batches.id, id)).get();
        if (!b) return;
        const attempts = b.attempts + 1;
        const status =
          failure.errorClass === 'ambiguous'
            ? 'ambiguous'
            : failure.errorClass === 'permanent'
              ? 'parked'
              : 'pending';
        d.update(batches)
          .set({
            status,
            attempts,
            lastError: `${failure.code}: ${failure.message}`.slice(0, 500),
            nextAttemptAt: now + backoffMs(attempts, policy),
          })
          .where(eq(batches.id, id))
          .run();
        if (status === 'parked') {
          d.insert(workItems)
            .values({
              kind: 'review',
              entityType: 'batch',
              entityId: id,
              reasons: [
                { code: failure.code, message: `The clearinghouse refused the upload: ${failure.message}` },
              ],
              status: 'open',
              createdAt: now,
              updatedAt: now,
            })
            .run();
        }
        appendAudit(
          store,
          [
            {
              event: 'ERROR',
              actor: 'service:submit',
              entityType: 'batch',
              entityId: String(id),
              outcome: 'failure',
              detail: { code: failure.code, class: failure.errorClass, attempts, status },
            },
          ],
          now,
        );
      });
    },

    ambiguousBatches(): BatchWork[] {
      return db
        .select()
        .from(batches)
        .where(eq(batches.status, 'ambiguous'))
        .orderBy(asc(batches.id))
        .all()
        .map((r) => batchWork(db, r));
    },

    requeueBatch(id, now): void {
      store.tx((d) =>
        d
          .update(batches)
          .set({ status: 'pending', nextAttemptAt: now })
          .where(and(eq(batches.id, id), eq(batches.status, 'ambiguous')))
          .run(),
      );
    },

    recoverInterrupted(now): number {
      return store.tx(
        (d) =>
          d
            .update(batches)
            .set({
              status: 'ambiguous',
              lastError: 'INTERRUPTED: the service stopped during the upload',
              nextAttemptAt: now,
            })
            .where(eq(batches.status, 'sending'))
            .run().changes,
      );
    },

    lastBatchAt(): number | undefined {
      return db.select({ at: batches.createdAt }).from(batches).orderBy(desc(batches.id)).limit(1).get()?.at;
    },
  };
}
