// What comes back from the clearinghouse: responses stored durably first (then confirmed remotely),
// then applied — 999 to batches, 277CA to claims, 835 to remittances that a person approves (or
// that post themselves when remit.auto_post is on). Each application is one transaction + audit.
import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import type { AuditInput } from '../domain/audit.js';
import type { RemoteDocument } from '../ports.js';
import type { PostingProposal } from '../pipeline/remit.js';
import type { RemitStore } from '../pipeline/remit-stage.js';
import { appendAudit } from '../audit/log.js';
import type { Store, Db } from './open.js';
import {
  adjustments,
  batchClaims,
  batches,
  claimLines,
  claims,
  clearinghouseResponses,
  remittanceClaims,
  remittances,
  workItems,
} from './schema.js';

const ACTOR = 'service:remit';

export function createRemitStore(store: Store): RemitStore {
  const { db } = store;

  function openWork(
    d: Db,
    kind: string,
    entityType: string,
    entityId: number,
    reasons: unknown[],
    now: number,
    extra: { category?: string; suggestedAction?: string } = {},
  ) {
    d.insert(workItems)
      .values({
        kind,
        entityType,
        entityId,
        reasons,
        category: extra.category ?? null,
        suggestedAction: extra.suggestedAction ?? null,
        status: 'open',
        createdAt: now,
        updatedAt: now,
      })
      .run();
  }

  function processed(d: Db, id: number, now: number) {
    d.update(clearinghouseResponses)
      .set({ status: 'processed', processedAt: now })
      .where(eq(clearinghouseResponses.id, id))
      .run();
  }

  function reject(d: Db, claimId: number, reason: string, codes: string[], now: number, audit: AuditInput[]) {
    const c = d.select({ status: claims.status }).from(claims).where(eq(claims.id, claimId)).get();
    if (!c || (c.status !== 'submitted' && c.status !== 'accepted')) return;
    d.update(claims)
      .set({ status: 'rejected', rejectedAt: now, updatedAt: now })
      .where(eq(claims.id, claimId))
      .run();
    openWork(d, 'review', 'claim', claimId, [{ code: 'CLEARINGHOUSE_REJECTED', message: reason }], now);
    audit.push({
      event: 'CLAIM_REJECTED',
      actor: ACTOR,
      entityType: 'claim',
      entityId: String(claimId),
      outcome: 'failure',
      detail: { codes },
    });
  }

  function post(d: Db, remittanceId: number, actor: string, now: number, audit: AuditInput[]): void {
    const rcs = d
      .select()
      .from(remittanceClaims)
      .where(eq(remittanceClaims.remittanceId, remittanceId))
      .all();
    for (const rc of rcs) {
      if (rc.claimId === null || rc.postedAt !== null) continue;
      const claim = d.select().from(claims).where(eq(claims.id, rc.claimId)).get();
      if (!claim) continue;
      const adj = d.select().from(adjustments).where(eq(adjustments.remittanceClaimId, rc.id)).all();
      if (rc.statusCode === '22') {
        // A reversal takes back what an earlier 835 paid; the corrected 835 that follows re-posts.
        d.update(claims)
          .set({
            status: 'accepted',
            paidCents: sql`${claims.paidCents} + ${rc.paidCents}`,
            patientRespCents: sql`${claims.patientRespCents} + ${rc.patientRespCents}`,
            paidAt: null,
            deniedAt: null,
            updatedAt: now,
          })
          .where(eq(claims.id, rc.claimId))
          .run();
        audit.push({
          event: 'PAYMENT_REVERSED',
          actor,
          entityType: 'claim',
          entityId: String(rc.claimId),
          detail: { remittanceId, cents: rc.paidCents },
        });
      } else {
        const denied = adj.some(
          (a) => a.groupCode !== 'PR' && a.reasonCode !== '45' && a.reasonCode !== '253' && a.amountCents > 0,
        );
        const status =
          rc.statusCode === '4' || (rc.paidCents === 0 && denied && rc.patientRespCents === 0)
            ? 'denied'
            : denied
              ? 'partially_paid'
              : 'paid';
        d.update(claims)
          .set({
            status,
            paidCents: sql`${claims.paidCents} + ${rc.paidCents}`,
            patientRespCents: sql`${claims.patientRespCents} + ${rc.patientRespCents}`,
            payerClaimNumber: rc.payerClaimNumber ?? claim.payerClaimNumber,
            paidAt: status === 'denied' ? claim.paidAt : now,
            deniedAt: status === 'denied' ? now : claim.deniedAt,
            updatedAt: now,
          })
          .where(eq(claims.id, rc.claimId))
          .run();
        audit.push({
          event: 'PAYMENT_POSTED',
          actor,
          entityType: 'claim',
          entityId: String(rc.claimId),
          detail: { remittanceId, status, paidCents: rc.paidCents, patientRespCents: rc.patientRespCents },
        });
      }
      d.update(remittanceClaims).set({ postedAt: now }).where(eq(remittanceClaims.id, rc.id)).run();
    }
    d.update(remittances)
      .set({ status: 'posted', postedAt: now, approvedBy: actor })
      .where(eq(remittances.id, remittanceId))
      .run();
  }

  return {
    saveResponse(transport, doc, now) {
      const r = db
        .insert(clearinghouseResponses)
        .values({
          transport,
          remoteId: doc.remoteId,
          kind: doc.kind,
          content: doc.content,
          receivedAt: now,
          status: 'new',
        })
        .onConflictDoNothing()
        .run();
      return r.changes > 0;
    },

    newResponses(limit) {
      return db
        .select({
          id: clearinghouseResponses.id,
          kind: clearinghouseResponses.kind,
          content: clearinghouseResponses.content,
        })
        .from(clearinghouseResponses)
        .where(eq(clearinghouseResponses.status, 'new'))
        .orderBy(asc(clearinghouseResponses.id))
        .limit(limit)
        .all();
    },

    failResponse(id, message, now) {
      store.tx((d) => {
        d.update(clearinghouseResponses)
          .set({ status: 'error', error: message.slice(0, 500), processedAt: now })
          .where(eq(clearinghouseResponses.id, id))
          .run();
        openWork(d, 'review', 'response', id, [{ code: 'RESPONSE_UNREADABLE', message }], now);
        appendAudit(
          store,
          [
            {
              event: 'ERROR',
              actor: ACTOR,
              entityType: 'response',
              entityId: String(id),
              outcome: 'failure',
              detail: { message: message.slice(0, 200) },
            },
          ],
          now,
        );
      });
    },

    apply999(responseId, status, now) {
      store.tx((d) => {
        const audit: AuditInput[] = [];
        const batch = d
          .select({ id: batches.id })
          .from(batches)
          .where(eq(batches.gsControl, Number(status.groupControlNumber)))
          .get();
        if (batch) {
          const members = d
            .select({ claimId: batchClaims.claimId, st: batchClaims.stControl })
            .from(batchClaims)
            .where(eq(batchClaims.batchId, batch.id))
            .all();
          let anyAccepted = false;
          for (const t of status.transactions) {
            if (t.accepted) anyAccepted = true;
            else
              for (const m of members.filter((x) => Number(x.st) === Number(t.controlNumber)))
                reject(
                  d,
                  m.claimId,
                  `The clearinghouse rejected the file (999): ${t.errors.slice(0, 3).join('; ') || 'no detail'}`,
                  t.errors.slice(0, 5),
                  now,
                  audit,
                );
          }
          d.update(batches)
            .set({ status: anyAccepted || status.groupAccepted ? 'accepted' : 'rejected', ackAt: now })
            .where(eq(batches.id, batch.id))
            .run();
        }
        processed(d, responseId, now);
        appendAudit(store, audit, now);
      });
    },

    apply277(responseId, statuses, now) {
      store.tx((d) => {
        const audit: AuditInput[] = [];
        for (const s of statuses) {
          const c = d
            .select({ id: claims.id, status: claims.status })
            .from(claims)
            .where(eq(claims.pcn, s.patientControlNumber))
            .get();
          if (!c) continue;
          if (s.claimStatus === 'accepted' && c.status === 'submitted') {
            d.update(claims)
              .set({
                status: 'accepted',
                acceptedAt: now,
                payerClaimNumber: s.payerClaimNumber ?? null,
                updatedAt: now,
              })
              .where(eq(claims.id, c.id))
              .run();
            audit.push({
              event: 'CLAIM_ACCEPTED',
              actor: ACTOR,
              entityType: 'claim',
              entityId: String(c.id),
              detail: { codes: s.codes },
            });
          } else if (s.claimStatus === 'rejected') {
            reject(d, c.id, `The payer rejected the claim (277CA): ${s.message}`, s.codes, now, audit);
          }
        }
        processed(d, responseId, now);
        appendAudit(store, audit, now);
      });
    },

    lookupClaim(pcn) {
      const c = db
        .select({ id: claims.id, total: claims.totalChargeCents })
        .from(claims)
        .where(eq(claims.pcn, pcn))
        .get();
      if (!c) return undefined;
      const lines = db.select().from(claimLines).where(eq(claimLines.claimId, c.id)).all();
      return {
        claimId: c.id,
        patientControlNumber: pcn,
        chargeCents: c.total,
        lines: lines.map((l) => ({
          lineNumber: l.lineNumber,
          code: l.code,
          modifiers: l.modifiers ? l.modifiers.split(':') : [],
          chargeCents: l.chargeCents,
          units: l.units,
          dateOfService: l.dateOfService,
        })),
      };
    },

    save835(responseId, plan, autoPost, now) {
      return store.tx((d) => {
        const audit: AuditInput[] = [];
        const unmatched = plan.proposals.filter((p) => p.claimId === undefined);
        const held = !plan.postable;
        const rem = d
          .insert(remittances)
          .values({
            responseId,
            checkNumber: plan.traceNumber,
            paymentCents: plan.paymentCents,
            status: held ? 'held' : 'proposed',
            problems: [
              ...plan.problems,
              ...unmatched.map((u) => ({
                code: 'UNMATCHED_CLAIM',
                severity: 'warning',
                message: `CLP01 ${u.patientControlNumber} matches no claim we sent`,
              })),
            ],
            receivedAt: now,
          })
          .returning({ id: remittances.id })
          .get();
        for (const p of plan.proposals) saveProposal(d, rem.id, p, now, audit);
        audit.push({
          event: held ? 'REMITTANCE_HELD' : 'ERA_RECEIVED',
          actor: ACTOR,
          entityType: 'remittance',
          entityId: String(rem.id),
          outcome: held ? 'failure' : 'success',
          detail: {
            claims: plan.proposals.length,
            paymentCents: plan.paymentCents,
            problems: plan.problems.map((x) => x.code),
          },
        });
        if (held)
          openWork(
            d,
            'reconcile',
            'remittance',
            rem.id,
            plan.problems.map((x) => ({ code: x.code, message: x.message })),
            now,
          );
        processed(d, responseId, now);
        if (!held && autoPost) post(d, rem.id, 'service:auto-post', now, audit);
        appendAudit(store, audit, now);
        return rem.id;
      });
    },

    approve(remittanceId, actor, now) {
      return store.tx((d) => {
        const r = d
          .select({ status: remittances.status })
          .from(remittances)
          .where(eq(remittances.id, remittanceId))
          .get();
        if (!r) return { posted: false, reason: 'no such remittance' };
        if (r.status !== 'proposed')
          return { posted: false, reason: `remittance is ${r.status}, not awaiting approval` };
        const audit: AuditInput[] = [];
        post(d, remittanceId, actor, now, audit);
        appendAudit(store, audit, now);
        return { posted: true };
      });
    },

    awaitingAcks() {
      const b = store.sqlite
        .prepare("SELECT count(*) FROM batches WHERE status IN ('sent','ambiguous')")
        .pluck()
        .get() as number;
      const c = store.sqlite
        .prepare("SELECT count(*) FROM claims WHERE status = 'submitted'")
        .pluck()
        .get() as number;
      return b + c;
    },
  };

  function saveProposal(
    d: Db,
    remittanceId: number,
    p: PostingProposal,
    now: number,
    audit: AuditInput[],
  ): void {
    const rc = d
      .insert(remittanceClaims)
      .values({
        remittanceId,
        claimId: p.claimId ?? null,
        pcn: p.patientControlNumber,
        statusCode: p.clpStatus,
        chargeCents: p.chargeCents,
        paidCents: p.paidCents,
        patientRespCents: p.patientResponsibilityCents,
        payerClaimNumber: p.payerClaimNumber ?? null,
      })
      .returning({ id: remittanceClaims.id })
      .get();
    const add = (
      a: { group: string; reason: string; amountCents: number; quantity?: number },
      line: number | null,
      remarks: string[],
    ) =>
      d
        .insert(adjustments)
        .values({
          remittanceClaimId: rc.id,
          lineNumber: line,
          groupCode: a.group,
          reasonCode: a.reason,
          amountCents: a.amountCents,
          units: a.quantity ?? null,
          remarkCodes: remarks.join(':') || null,
        })
        .run();
    for (const a of p.adjustments) add(a, null, []);
    for (const l of p.lines) {
      for (const a of l.adjustments) add(a, l.lineNumber ?? null, l.remarks);
      if (p.claimId !== undefined && l.lineNumber !== undefined)
        d.update(claimLines)
          .set({ paidCents: sql`${claimLines.paidCents} + ${l.paidCents}` })
          .where(and(eq(claimLines.claimId, p.claimId), eq(claimLines.lineNumber, l.lineNumber)))
          .run();
    }
    for (const den of p.denials) {
      if (den.claimId === undefined) continue;
      openWork(
        d,
        'denial',
        'claim',
        den.claimId,
        [
          {
            code: `${den.group}-${den.carc}`,
            message: den.description,
            line: den.lineNumber,
            amountCents: den.amountCents,
            rarcs: den.rarcs,
          },
        ],
        now,
        { category: den.category, suggestedAction: den.suggestedAction },
      );
      audit.push({
        event: 'DENIAL_OPENED',
        actor: ACTOR,
        entityType: 'claim',
        entityId: String(den.claimId),
        detail: { carc: den.carc, group: den.group, category: den.category },
      });
    }
  }
}

/** Remittances for the admin page and API. */
export function listRemittances(store: Store, status?: string) {
  return store.db
    .select()
    .from(remittances)
    .where(status ? eq(remittances.status, status) : undefined)
    .orderBy(asc(remittances.id))
    .all();
}

export function remittanceClaimsOf(store: Store, ids: number[]) {
  if (ids.length === 0) return [];
  return store.db.select().from(remittanceClaims).where(inArray(remittanceClaims.remittanceId, ids)).all();
}
