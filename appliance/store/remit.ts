// What comes back from the clearinghouse: responses stored durably first (then confirmed remotely),
// then applied — 999 to batches, 277CA to claims, 835 to remittances that a person approves (or
// that post themselves when remit.auto_post is on). Each application is one transaction + audit.
import { and, asc, eq, inArray, type SQL } from 'drizzle-orm';
import type { AuditInput } from '../domain/audit.js';
import type {
  Ack999Status,
  InterchangeAckStatus,
  PostingProposal,
  WiderRejection,
} from '../pipeline/remit.js';
import type { RemitStore } from '../pipeline/remit-stage.js';
import { appendAudit } from '../audit/log.js';
import { claimsSubmitted } from './submission.js';
import type { Store, Db } from './open.js';
import { batchClaims, batches, clearinghouseResponses, remittanceClaims, remittances } from './schema.js';

const ACTOR = 'service:remit';

/** The batch an acknowledgment names (by id, ISA13 or GS06), with what applying it needs. */
function batchWhere(d: Db, where: SQL) {
  return d
    .select({
      id: batches.id,
      status: batches.status,
      isaControl: batches.isaControl,
      testMode: batches.testMode,
    })
    .from(batches)
    .where(where)
    .get();
}

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
    void d;
    store
      .stmt(
        `INSERT INTO work_items (kind, entity_type, entity_id, reasons, category, suggested_action, status, created_at, updated_at)
         VALUES (?,?,?,?,?,?,'open',?,?)`,
      )
      .run(
        kind,
        entityType,
        entityId,
        JSON.stringify(reasons),
        extra.category ?? null,
        extra.suggestedAction ?? null,
        now,
        now,
      );
  }

  function processed(d: Db, id: number, now: number) {
    d.update(clearinghouseResponses)
      .set({ status: 'processed', processedAt: now })
      .where(eq(clearinghouseResponses.id, id))
      .run();
  }

  function reject(d: Db, claimId: number, reason: string, codes: string[], now: number, audit: AuditInput[]) {
    const c = store.stmt('SELECT status FROM claims WHERE id = ?').get(claimId) as
      { status: string } | undefined;
    if (!c || (c.status !== 'submitted' && c.status !== 'accepted')) return;
    store
      .stmt("UPDATE claims SET status = 'rejected', rejected_at = ?, updated_at = ? WHERE id = ?")
      .run(now, now, claimId);
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

  function post(_d: Db, remittanceId: number, actor: string, now: number, audit: AuditInput[]): void {
    const rcs = store
      .stmt(
        'SELECT id, claim_id, status_code, paid_cents, patient_resp_cents, payer_claim_number, posted_at FROM remittance_claims WHERE remittance_id = ?',
      )
      .all(remittanceId) as {
      id: number;
      claim_id: number | null;
      status_code: string;
      paid_cents: number;
      patient_resp_cents: number;
      payer_claim_number: string | null;
      posted_at: number | null;
    }[];
    for (const rc of rcs) {
      if (rc.claim_id === null || rc.posted_at !== null) continue;
      if (rc.status_code === '22') {
        // A reversal takes back what an earlier 835 paid; the corrected 835 that follows re-posts.
        store
          .stmt(
            "UPDATE claims SET status = 'accepted', paid_cents = paid_cents + ?, patient_resp_cents = patient_resp_cents + ?, paid_at = NULL, denied_at = NULL, updated_at = ? WHERE id = ?",
          )
          .run(rc.paid_cents, rc.patient_resp_cents, now, rc.claim_id);
        audit.push({
          event: 'PAYMENT_REVERSED',
          actor,
          entityType: 'claim',
          entityId: String(rc.claim_id),
          detail: { remittanceId, cents: rc.paid_cents },
        });
      } else {
        const adj = store
          .stmt('SELECT group_code, reason_code, amount_cents FROM adjustments WHERE remittance_claim_id = ?')
          .all(rc.id) as { group_code: string; reason_code: string; amount_cents: number }[];
        const denied = adj.some(
          (a) =>
            a.group_code !== 'PR' && a.reason_code !== '45' && a.reason_code !== '253' && a.amount_cents > 0,
        );
        const status =
          rc.status_code === '4' || (rc.paid_cents === 0 && denied && rc.patient_resp_cents === 0)
            ? 'denied'
            : denied
              ? 'partially_paid'
              : 'paid';
        store
          .stmt(
            `UPDATE claims SET status = ?, paid_cents = paid_cents + ?, patient_resp_cents = patient_resp_cents + ?,
               payer_claim_number = coalesce(?, payer_claim_number),
               paid_at = CASE WHEN ? = 'denied' THEN paid_at ELSE ? END,
               denied_at = CASE WHEN ? = 'denied' THEN ? ELSE denied_at END, updated_at = ?
             WHERE id = ?`,
          )
          .run(
            status,
            rc.paid_cents,
            rc.patient_resp_cents,
            rc.payer_claim_number,
            status,
            now,
            status,
            now,
            now,
            rc.claim_id,
          );
        audit.push({
          event: 'PAYMENT_POSTED',
          actor,
          entityType: 'claim',
          entityId: String(rc.claim_id),
          detail: { remittanceId, status, paidCents: rc.paid_cents, patientRespCents: rc.patient_resp_cents },
        });
      }
      // Line payments post with the claim (a reversal's negative SVC03 takes them back).
      store
        .stmt(
          `UPDATE claim_lines SET paid_cents = paid_cents + coalesce((SELECT sum(rl.paid_cents) FROM remittance_lines rl
             WHERE rl.remittance_claim_id = ? AND rl.line_number = claim_lines.line_number), 0)
           WHERE claim_id = ?`,
        )
        .run(rc.id, rc.claim_id);
      store.stmt('UPDATE remittance_claims SET posted_at = ? WHERE id = ?').run(now, rc.id);
    }
    store
      .stmt("UPDATE remittances SET status = 'posted', posted_at = ?, approved_by = ? WHERE id = ?")
      .run(now, actor, remittanceId);
  }

  function groupReason(status: Ack999Status): string {
    return (status.groupErrors ?? []).slice(0, 3).join('; ') || 'no detail';
  }

  /** An acknowledgment naming nothing we sent: a person looks (it may answer another system's file). */
  function unknownBatch(d: Db, responseId: number, what: string, now: number) {
    openWork(
      d,
      'review',
      'response',
      responseId,
      [{ code: 'ACK_UNKNOWN_BATCH', message: `${what}, which matches no batch we sent` }],
      now,
    );
  }

  /**
   * The batch a 277CA answers: 2200B TRN02 is the BHT03 of our 837, which write837 makes of the ISA13
   * and the ST02 (stControl, 4+ digits); failing that, the one batch of the claims the 277CA names.
   */
  function batchOf277(reference: string | undefined, pcns: readonly string[]) {
    const byRef = store.stmt(
      'SELECT b.id FROM batches b JOIN batch_claims bc ON bc.batch_id = b.id WHERE b.isa_control = ? AND bc.st_control = ? LIMIT 1',
    );
    if (reference && /^\d{5,}$/.test(reference))
      for (let k = 1; k <= reference.length - 4; k++) {
        const hit = byRef.get(Number(reference.slice(0, k)), reference.slice(k)) as
          { id: number } | undefined;
        if (hit) return hit.id;
      }
    const byClaim = store.stmt(
      'SELECT bc.batch_id FROM batch_claims bc JOIN claims c ON c.id = bc.claim_id WHERE c.pcn = ? ORDER BY bc.batch_id DESC LIMIT 1',
    );
    const ids = new Set<number>();
    for (const pcn of pcns) {
      const hit = byClaim.get(pcn) as { batch_id: number } | undefined;
      if (hit) ids.add(hit.batch_id);
    }
    return ids.size === 1 ? [...ids][0] : undefined;
  }

  /** A 2200B (file) or 2200C (provider) rejection: every claim it covers that no 2200D speaks for. */
  function applyWider(d: Db, responseId: number, w: WiderRejection, now: number, audit: AuditInput[]) {
    const what =
      w.scope === 'file'
        ? `277CA rejects the whole file (2200B TRN02 '${w.batchReference ?? ''}': ${w.codes.join(', ')})`
        : `277CA rejects billing provider ${w.provider?.qualifier ?? ''} ${w.provider?.id ?? ''} (${w.codes.join(', ')})`;
    const batchId = batchOf277(w.batchReference, w.claimsWithStatus);
    if (batchId === undefined) {
      unknownBatch(d, responseId, what, now);
      return;
    }
    const b = batchWhere(d, eq(batches.id, batchId));
    if (b && (b.status === 'pending' || b.status === 'sending' || b.status === 'ambiguous'))
      audit.push(...claimsSubmitted(d, b, now));
    const spoken = new Set(w.claimsWithStatus);
    const members = store
      .stmt(
        'SELECT c.id, c.pcn, c.document FROM batch_claims bc JOIN claims c ON c.id = bc.claim_id WHERE bc.batch_id = ?',
      )
      .all(batchId) as { id: number; pcn: string; document: string }[];
    const covered = members.filter((m) => {
      if (spoken.has(m.pcn)) return false;
      if (w.scope === 'file' || !w.provider) return true;
      const billing = (JSON.parse(m.document) as { billing?: { npi?: string; taxId?: string } }).billing;
      const digits = (v: string | undefined) => (v ?? '').replace(/\D/g, '');
      // X214 2100C NM108: XX NPI, FI federal tax id; any other qualifier names nothing we bill with.
      if (w.provider.qualifier === 'XX') return billing?.npi === w.provider.id;
      if (w.provider.qualifier === 'FI') return digits(billing?.taxId) === digits(w.provider.id);
      return false;
    });
    if (covered.length === 0) {
      unknownBatch(d, responseId, `${what}: no claim of batch ${batchId} without its own status`, now);
      return;
    }
    const reason =
      w.scope === 'file'
        ? `The payer rejected the whole file (277CA 2200B): ${w.message}`
        : `The payer rejected the billing provider (277CA 2200C): ${w.message}`;
    for (const m of covered) reject(d, m.id, reason, w.codes, now, audit);
  }

  /**
   * TA1s (X12 interchange acknowledgment): TA104 R rejects every claim of the interchange whose ISA13
   * is TA101 (no 999 or 277CA will come for it); E is recorded for a person; A changes nothing.
   */
  function interchangeAcks(
    d: Db,
    responseId: number,
    acks: readonly InterchangeAckStatus[],
    now: number,
    audit: AuditInput[],
  ) {
    for (const a of acks) {
      if (a.status === 'accepted') continue;
      const batch = batchWhere(d, eq(batches.isaControl, a.isaControl));
      if (!batch) {
        unknownBatch(d, responseId, `TA1 acknowledges interchange ${a.isaControl}`, now);
        continue;
      }
      if (a.status === 'accepted_with_errors') {
        // TA104 E: the interchange was accepted (a 999 follows), but its envelope had errors.
        openWork(
          d,
          'review',
          'batch',
          batch.id,
          [{ code: 'INTERCHANGE_ACK_ERRORS', message: `${a.message} (accepted, errors noted)` }],
          now,
        );
        continue;
      }
      // TA104 R: the clearinghouse refused the whole interchange; no 999 or 277CA will come.
      if (batch.status === 'ambiguous' || batch.status === 'sending' || batch.status === 'pending')
        audit.push(...claimsSubmitted(d, batch, now));
      const members = d
        .select({ claimId: batchClaims.claimId })
        .from(batchClaims)
        .where(eq(batchClaims.batchId, batch.id))
        .all();
      for (const m of members)
        reject(
          d,
          m.claimId,
          `The clearinghouse rejected the interchange (${a.message})`,
          [`TA1:R:${a.noteCode}`],
          now,
          audit,
        );
      d.update(batches).set({ status: 'rejected', ackAt: now }).where(eq(batches.id, batch.id)).run();
    }
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

    together(fn) {
      // better-sqlite3 runs the apply calls' own transactions inside this one as savepoints.
      store.tx(() => fn());
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

    apply999(responseId, statuses, now, interchanges = []) {
      store.tx((d) => {
        const audit: AuditInput[] = [];
        // A TA1 sits before the groups of its interchange (ISA14 = 1 asks for one with the 999).
        interchangeAcks(d, responseId, interchanges, now, audit);
        // X231A1: each 999 transaction set acknowledges one functional group (AK102 = its GS06).
        for (const status of statuses) {
          const batch = batchWhere(d, eq(batches.gsControl, Number(status.groupControlNumber)));
          if (!batch) {
            unknownBatch(d, responseId, `999 acknowledges group ${status.groupControlNumber}`, now);
            continue;
          }
          // A 999 answers a file the clearinghouse holds: an upload whose reply was lost (ambiguous,
          // or interrupted while sending) landed after all. Its claims are submitted now; otherwise
          // they stay 'ready' in an accepted batch, the 277CA skips them and nothing resolves them.
          if (batch.status === 'ambiguous' || batch.status === 'sending' || batch.status === 'pending')
            audit.push(...claimsSubmitted(d, batch, now));
          const members = d
            .select({ claimId: batchClaims.claimId, st: batchClaims.stControl })
            .from(batchClaims)
            .where(eq(batchClaims.batchId, batch.id))
            .all();
          let anyAccepted = false;
          const answered = new Set<number>();
          for (const t of status.transactions) {
            answered.add(Number(t.controlNumber));
            if (t.accepted && !status.groupRejected) anyAccepted = true;
            else
              for (const m of members.filter((x) => Number(x.st) === Number(t.controlNumber)))
                reject(
                  d,
                  m.claimId,
                  `The clearinghouse rejected the file (999): ${t.errors.slice(0, 3).join('; ') || groupReason(status)}`,
                  t.errors.length > 0 ? t.errors.slice(0, 5) : (status.groupErrors ?? []).slice(0, 5),
                  now,
                  audit,
                );
          }
          // AK9-01 R rejects the whole group, also the sets no AK2 loop names (often none is sent).
          if (status.groupRejected)
            for (const m of members.filter((x) => !answered.has(Number(x.st))))
              reject(
                d,
                m.claimId,
                `The clearinghouse rejected the whole file (999 AK9 R): ${groupReason(status)}`,
                (status.groupErrors ?? []).slice(0, 5),
                now,
                audit,
              );
          const accepted = !status.groupRejected && (anyAccepted || status.groupAccepted);
          d.update(batches)
            .set({ status: accepted ? 'accepted' : 'rejected', ackAt: now })
            .where(eq(batches.id, batch.id))
            .run();
        }
        processed(d, responseId, now);
        appendAudit(store, audit, now);
      });
    },

    applyTA1(responseId, acks, now) {
      store.tx((d) => {
        const audit: AuditInput[] = [];
        interchangeAcks(d, responseId, acks, now, audit);
        processed(d, responseId, now);
        appendAudit(store, audit, now);
      });
    },

    apply277(responseId, statuses, now, wider = []) {
      store.tx((d) => {
        const audit: AuditInput[] = [];
        for (const s of statuses) {
          const c = store.stmt('SELECT id, status FROM claims WHERE pcn = ?').get(s.patientControlNumber) as
            { id: number; status: string } | undefined;
          if (!c) continue;
          if (c.status === 'ready') {
            // Like a 999 (apply999), a 277CA naming a claim of a batch still awaiting proof of its
            // upload shows the file landed; an SFTP mailbox may hand the 277CA over first.
            const b = d
              .select({ id: batches.id, isaControl: batches.isaControl, testMode: batches.testMode })
              .from(batches)
              .innerJoin(batchClaims, eq(batchClaims.batchId, batches.id))
              .where(
                and(
                  eq(batchClaims.claimId, c.id),
                  inArray(batches.status, ['pending', 'sending', 'ambiguous']),
                ),
              )
              .get();
            if (b) {
              audit.push(...claimsSubmitted(d, b, now));
              c.status = 'submitted';
            }
          }
          if (s.claimStatus === 'accepted' && c.status === 'submitted') {
            store
              .stmt(
                "UPDATE claims SET status = 'accepted', accepted_at = ?, payer_claim_number = ?, updated_at = ? WHERE id = ?",
              )
              .run(now, s.payerClaimNumber ?? null, now, c.id);
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
        for (const w of wider) applyWider(d, responseId, w, now, audit);
        processed(d, responseId, now);
        appendAudit(store, audit, now);
      });
    },

    lookupClaim(pcn) {
      const c = store.stmt('SELECT id, total_charge_cents FROM claims WHERE pcn = ?').get(pcn) as
        { id: number; total_charge_cents: number } | undefined;
      if (!c) return undefined;
      const lines = store
        .stmt(
          'SELECT line_number, code, modifiers, charge_cents, units, date_of_service FROM claim_lines WHERE claim_id = ?',
        )
        .all(c.id) as {
        line_number: number;
        code: string;
        modifiers: string;
        charge_cents: number;
        units: number;
        date_of_service: string;
      }[];
      return {
        claimId: c.id,
        patientControlNumber: pcn,
        chargeCents: c.total_charge_cents,
        lines: lines.map((l) => ({
          lineNumber: l.line_number,
          code: l.code,
          modifiers: l.modifiers ? l.modifiers.split(':') : [],
          chargeCents: l.charge_cents,
          units: l.units,
          dateOfService: l.date_of_service,
        })),
      };
    },

    save835(responseId, plans, autoPost, now) {
      return store.tx((d) => {
        const audit: AuditInput[] = [];
        const ids: number[] = [];
        // One remittance per 835 transaction set: each is its own check/EFT (TRN02) and reconciles alone.
        for (const plan of plans) {
          const unmatched = plan.proposals.filter((p) => p.claimId === undefined);
          const held = !plan.postable;
          const rem = d
            .insert(remittances)
            .values({
              responseId,
              checkNumber: plan.traceNumber,
              paymentCents: plan.paymentCents,
              payerId: plan.payerId ?? null,
              paymentDate: plan.paymentDate ?? null,
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
          if (!held && autoPost) post(d, rem.id, 'service:auto-post', now, audit);
          ids.push(rem.id);
        }
        processed(d, responseId, now);
        appendAudit(store, audit, now);
        return ids;
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
    const rcId = Number(
      store
        .stmt(
          `INSERT INTO remittance_claims (remittance_id, claim_id, pcn, status_code, charge_cents, paid_cents, patient_resp_cents, payer_claim_number)
           VALUES (?,?,?,?,?,?,?,?)`,
        )
        .run(
          remittanceId,
          p.claimId ?? null,
          p.patientControlNumber,
          p.clpStatus,
          p.chargeCents,
          p.paidCents,
          p.patientResponsibilityCents,
          p.payerClaimNumber ?? null,
        ).lastInsertRowid,
    );
    const insertAdj = store.stmt(
      `INSERT INTO adjustments (remittance_claim_id, line_number, group_code, reason_code, amount_cents, units, remark_codes)
       VALUES (?,?,?,?,?,?,?)`,
    );
    const add = (
      a: { group: string; reason: string; amountCents: number; quantity?: number },
      line: number | null,
      remarks: string[],
    ) =>
      insertAdj.run(
        rcId,
        line,
        a.group,
        a.reason,
        a.amountCents,
        a.quantity ?? null,
        remarks.join(':') || null,
      );
    for (const a of p.adjustments) add(a, null, []);
    for (const l of p.lines) {
      for (const a of l.adjustments) add(a, l.lineNumber ?? null, l.remarks);
      // Line payments wait here until the remittance is posted (a rejected proposal pays nothing).
      if (p.claimId !== undefined && l.lineNumber !== undefined)
        store
          .stmt('INSERT INTO remittance_lines (remittance_claim_id, line_number, paid_cents) VALUES (?,?,?)')
          .run(rcId, l.lineNumber, l.paidCents);
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
