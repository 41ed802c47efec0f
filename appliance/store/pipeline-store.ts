// The pipeline's durable state (PipelineStore port). Every write method is one transaction that
// carries its audit entries, so a state change and its audit record exist together or not at all.
import { and, eq, ne } from 'drizzle-orm';
import type {
  PipelineStore,
  EncounterWork,
  CodingOutcome,
  ScrubOutcome,
  ClaimWork,
  ItemFailure,
  RetryPolicy,
} from '../ports.js';
import type { AuditInput } from '../domain/audit.js';
import type { Claim, CodedEncounter, EncounterInput, ReviewReason } from '../domain/types.js';
import { appendAudit } from '../audit/log.js';
import type { Store, Db } from './open.js';
import { encounters, claims, workItems } from './schema.js';

const SENT = ['submitted', 'accepted', 'paid', 'partially_paid', 'denied'];

/** Next value of a persisted counter; never reused (the row is updated in the caller's transaction). */
export function nextCounter(store: Store, name: string, count = 1): number {
  const row = store
    .stmt(
      'INSERT INTO counters (name, value) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET value = value + excluded.value RETURNING value',
    )
    .get(name, count) as { value: number };
  return row.value - count + 1;
}

/** Exponential backoff with jitter (50–100% of the step), capped. */
export function backoffMs(attempts: number, policy: RetryPolicy, random = Math.random): number {
  const step = Math.min(policy.maxMs, policy.baseMs * 2 ** Math.max(0, attempts - 1));
  return Math.round(step * (0.5 + random() / 2));
}

interface ClaimRow {
  id: number;
  encounter_id: number;
  pcn: string;
  document: string;
  payer_id: string;
}

export function claimWork(rows: ClaimRow[]): ClaimWork[] {
  return rows.map((r) => ({
    id: r.id,
    encounterId: r.encounter_id,
    pcn: r.pcn,
    claim: JSON.parse(r.document) as Claim,
    payerId: r.payer_id,
  }));
}

export function createPipelineStore(store: Store): PipelineStore {
  function reviewItem(
    d: Db,
    entityType: string,
    entityId: number,
    reasons: ReviewReason[],
    now: number,
  ): void {
    const open = d
      .select({ id: workItems.id })
      .from(workItems)
      .where(
        and(
          eq(workItems.kind, 'review'),
          eq(workItems.entityType, entityType),
          eq(workItems.entityId, entityId),
          ne(workItems.status, 'done'),
        ),
      )
      .get();
    if (open) d.update(workItems).set({ reasons, updatedAt: now }).where(eq(workItems.id, open.id)).run();
    else
      d.insert(workItems)
        .values({
          kind: 'review',
          entityType,
          entityId,
          reasons,
          status: 'open',
          createdAt: now,
          updatedAt: now,
        })
        .run();
  }

  function fail(
    table: 'encounters' | 'claims',
    failures: ItemFailure[],
    policy: RetryPolicy,
    now: number,
  ): void {
    if (failures.length === 0) return;
    const t = table === 'encounters' ? encounters : claims;
    store.tx((d) => {
      const audit: AuditInput[] = [];
      for (const f of failures) {
        const row = d.select({ attempts: t.attempts }).from(t).where(eq(t.id, f.id)).get();
        if (!row) continue;
        const attempts = row.attempts + 1;
        const park = f.errorClass !== 'transient' || attempts >= policy.maxAttempts;
        d.update(t)
          .set({
            attempts,
            lastError: `${f.code}: ${f.message}`.slice(0, 500),
            nextAttemptAt: park ? now : now + backoffMs(attempts, policy),
            parkedAt: park ? now : null,
          })
          .where(eq(t.id, f.id))
          .run();
        if (park) {
          reviewItem(
            d,
            table === 'encounters' ? 'encounter' : 'claim',
            f.id,
            [{ code: f.code, message: `Processing stopped after ${attempts} attempt(s): ${f.message}` }],
            now,
          );
          audit.push({
            event: 'ERROR',
            actor: 'service:pipeline',
            entityType: table === 'encounters' ? 'encounter' : 'claim',
            entityId: String(f.id),
            outcome: 'failure',
            detail: { code: f.code, class: f.errorClass, attempts, parked: true },
          });
        }
      }
      appendAudit(store, audit, now);
    });
  }

  /** The encounter's diagnoses and coverages as rows (reports, SQL users), from its current input. */
  function project(encounterId: number, patientId: number, input: EncounterInput): void {
    store.stmt('DELETE FROM diagnoses WHERE encounter_id = ?').run(encounterId);
    store.stmt('DELETE FROM coverages WHERE encounter_id = ?').run(encounterId);
    const dx = store.stmt(
      'INSERT INTO diagnoses (encounter_id, seq, code) VALUES (?,?,?) ON CONFLICT DO NOTHING',
    );
    for (const d of input.diagnoses) dx.run(encounterId, d.seq, d.code);
    const cov = store.stmt(
      'INSERT INTO coverages (patient_id, encounter_id, ord, payer_id, member_id, data) VALUES (?,?,?,?,?,?)',
    );
    for (const c of input.coverages)
      cov.run(patientId, encounterId, c.order, c.payerId, c.memberId, JSON.stringify(c));
  }

  return {
    encountersIn(status, limit, now): EncounterWork[] {
      const rows = store
        .stmt(
          `SELECT id, patient_id, input, version, finalized_at, coded FROM encounters
            WHERE status = ? AND next_attempt_at <= ? AND parked_at IS NULL AND superseded_by IS NULL
            ORDER BY id LIMIT ?`,
        )
        .all(status, now, limit) as {
        id: number;
        patient_id: number;
        input: string;
        version: number;
        finalized_at: number;
        coded: string | null;
      }[];
      return rows.map((r) => ({
        id: r.id,
        patientId: r.patient_id,
        input: JSON.parse(r.input) as EncounterInput,
        version: r.version,
        finalizedAt: r.finalized_at,
        coded: r.coded ? (JSON.parse(r.coded) as CodedEncounter) : undefined,
      }));
    },

    saveCoding(outcomes: CodingOutcome[], now: number): void {
      if (outcomes.length === 0) return;
      store.tx((d) => {
        const audit: AuditInput[] = [];
        const insertCharge = store.stmt(
          `INSERT INTO charge_items (encounter_id, patient_id, date_of_service, code, modifiers, units, charge_cents,
             place_of_service, rendering_npi, authorization, diagnosis_pointers, tooth, surfaces, area)
           VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)`,
        );
        for (const o of outcomes) {
          const enc = store
            .stmt('SELECT input, patient_id, status FROM encounters WHERE id = ?')
            .get(o.id) as { input: string; patient_id: number; status: string } | undefined;
          if (!enc || enc.status !== 'received') continue; // another worker got there first
          const input = JSON.parse(enc.input) as EncounterInput;
          project(o.id, enc.patient_id, input);
          const coded = JSON.stringify(o.coded);
          if (o.coded.review.length > 0) {
            store
              .stmt(
                "UPDATE encounters SET status = 'needs_review', coded = ?, review = ?, needs_review_at = ?, updated_at = ? WHERE id = ?",
              )
              .run(coded, JSON.stringify(o.coded.review), now, now, o.id);
            reviewItem(d, 'encounter', o.id, o.coded.review, now);
            audit.push({
              event: 'MANUAL_REVIEW_REQUIRED',
              actor: 'service:coding',
              entityType: 'encounter',
              entityId: String(o.id),
              detail: { reasons: o.coded.review.map((r) => r.code) },
            });
            continue;
          }
          store
            .stmt(
              "UPDATE encounters SET status = 'coded', coded = ?, review = NULL, coded_at = ?, updated_at = ? WHERE id = ?",
            )
            .run(coded, now, now, o.id);
          store.stmt('DELETE FROM charge_items WHERE encounter_id = ?').run(o.id);
          for (const line of o.coded.lines) {
            insertCharge.run(
              o.id,
              enc.patient_id,
              line.dateOfService,
              line.code,
              line.modifiers.join(':'),
              line.units,
              line.chargeCents,
              o.coded.placeOfService ?? input.placeOfService,
              input.rendering.npi,
              input.authorizationNumber ?? null,
              line.diagnosisPointers.join(':'),
              line.tooth ?? null,
              line.surfaces ?? null,
              line.area ?? null,
            );
          }
          audit.push({
            event: 'CODING_COMPLETED',
            actor: 'service:coding',
            entityType: 'encounter',
            entityId: String(o.id),
            detail: { lines: o.coded.lines.length, diagnoses: o.coded.diagnoses.length },
          });
        }
        appendAudit(store, audit, now);
      });
    },

    saveScrub(outcomes: ScrubOutcome[], now: number): void {
      if (outcomes.length === 0) return;
      store.tx((d) => {
        const audit: AuditInput[] = [];
        const insertClaim = store.stmt(
          `INSERT INTO claims (pcn, encounter_id, patient_id, kind, status, frequency, original_claim_id, payer_id,
             total_charge_cents, document, scrub, draft_at, updated_at)
           VALUES (?,?,?,?,'draft',?,?,?,?,?,?,?,?)`,
        );
        const insertLine = store.stmt(
          'INSERT INTO claim_lines (claim_id, line_number, code, modifiers, units, charge_cents, date_of_service) VALUES (?,?,?,?,?,?,?)',
        );
        for (const o of outcomes) {
          const enc = store.stmt('SELECT patient_id, status FROM encounters WHERE id = ?').get(o.id) as
            { patient_id: number; status: string } | undefined;
          if (!enc || enc.status !== 'coded') continue;
          const errors = o.drafts.flatMap((dr) => dr.findings.filter((f) => f.severity === 'error'));
          const review: ReviewReason[] = [
            ...o.review,
            ...errors.map((f) => ({ code: f.ruleId, message: `${f.message} Fix: ${f.fix}`, field: f.field })),
          ];
          const scrubJson = JSON.stringify(o.drafts.map((dr) => dr.findings));
          if (review.length > 0) {
            store
              .stmt(
                "UPDATE encounters SET status = 'needs_review', review = ?, scrub = ?, needs_review_at = ?, updated_at = ? WHERE id = ?",
              )
              .run(JSON.stringify(review), scrubJson, now, now, o.id);
            reviewItem(d, 'encounter', o.id, review, now);
            audit.push({
              event: 'SCRUB_FAILED',
              actor: 'service:scrub',
              entityType: 'encounter',
              entityId: String(o.id),
              outcome: 'failure',
              detail: { rules: review.map((r) => r.code) },
            });
            continue;
          }
          for (const draft of o.drafts) {
            const pcn = `CB${String(nextCounter(store, 'pcn')).padStart(9, '0')}`;
            const claim: Claim = { ...draft.claim, patientControlNumber: pcn };
            if (o.replaces) {
              claim.frequency = '7';
              claim.originalClaimNumber = o.replaces.payerClaimNumber;
            }
            const claimId = Number(
              insertClaim.run(
                pcn,
                o.id,
                enc.patient_id,
                claim.kind,
                claim.frequency,
                o.replaces?.claimId ?? null,
                claim.coverage.payerId,
                claim.totalChargeCents,
                JSON.stringify(claim),
                JSON.stringify(draft.findings),
                now,
                now,
              ).lastInsertRowid,
            );
            for (const line of claim.lines)
              insertLine.run(
                claimId,
                line.lineNumber,
                line.code,
                line.modifiers.join(':'),
                line.units,
                line.chargeCents,
                line.dateOfService,
              );
            store
              .stmt('UPDATE charge_items SET claim_id = ? WHERE encounter_id = ? AND claim_id IS NULL')
              .run(claimId, o.id);
            if (o.replaces)
              store
                .stmt("UPDATE claims SET status = 'replaced', closed_at = ?, updated_at = ? WHERE id = ?")
                .run(now, now, o.replaces.claimId);
            audit.push({
              event: 'CLAIM_CREATED',
              actor: 'service:scrub',
              entityType: 'claim',
              entityId: String(claimId),
              detail: {
                encounterId: o.id,
                frequency: claim.frequency,
                lines: claim.lines.length,
                warnings: draft.findings.length,
              },
            });
          }
          store
            .stmt(
              "UPDATE encounters SET status = 'scrubbed', scrub = ?, scrubbed_at = ?, updated_at = ? WHERE id = ?",
            )
            .run(scrubJson, now, now, o.id);
        }
        appendAudit(store, audit, now);
      });
    },

    draftClaims(limit, now): ClaimWork[] {
      return claimWork(
        store
          .stmt(
            "SELECT id, encounter_id, pcn, document, payer_id FROM claims WHERE status = 'draft' AND next_attempt_at <= ? AND parked_at IS NULL ORDER BY id LIMIT ?",
          )
          .all(now, limit) as ClaimRow[],
      );
    },

    promoteClaims(ids: number[], now: number): void {
      if (ids.length === 0) return;
      store.tx(() => {
        const audit: AuditInput[] = [];
        for (const id of ids) {
          const r = store
            .stmt("SELECT encounter_id FROM claims WHERE id = ? AND status = 'draft'")
            .get(id) as { encounter_id: number } | undefined;
          if (!r) continue;
          store
            .stmt("UPDATE claims SET status = 'ready', ready_at = ?, updated_at = ? WHERE id = ?")
            .run(now, now, id);
          store
            .stmt(
              "UPDATE encounters SET status = 'claimed', claimed_at = ?, updated_at = ? WHERE id = ? AND status = 'scrubbed'",
            )
            .run(now, now, r.encounter_id);
          audit.push({
            event: 'CLAIM_READY',
            actor: 'service:claims',
            entityType: 'claim',
            entityId: String(id),
          });
        }
        appendAudit(store, audit, now);
      });
    },

    readyClaims(limit): ClaimWork[] {
      return claimWork(
        store
          .stmt(
            "SELECT id, encounter_id, pcn, document, payer_id FROM claims WHERE status = 'ready' ORDER BY id LIMIT ?",
          )
          .all(limit) as ClaimRow[],
      );
    },

    hasOtherCharge(key): boolean {
      const row = store
        .stmt(
          `SELECT 1 FROM charge_items ci
             JOIN encounters e ON e.id = ci.encounter_id
             JOIN encounters me ON me.id = ?
            WHERE ci.patient_id = ? AND ci.date_of_service = ? AND ci.code = ? AND ci.place_of_service = ?
              AND ci.rendering_npi = ? AND ci.status != 'void' AND e.superseded_by IS NULL
              AND NOT (e.source_system = me.source_system AND e.visit_number = me.visit_number)
            LIMIT 1`,
        )
        .get(key.encounterId, key.patientId, key.dateOfService, key.code, key.pos, key.npi);
      return row !== undefined;
    },

    priorSentClaim(encounterId: number) {
      const row = store
        .stmt(
          `SELECT c.id, c.payer_claim_number, c.pcn FROM claims c
             JOIN encounters e ON e.id = c.encounter_id
             JOIN encounters me ON me.id = ?
            WHERE e.source_system = me.source_system AND e.visit_number = me.visit_number AND c.encounter_id != me.id
              AND c.status IN (${SENT.map((x) => `'${x}'`).join(',')})
            ORDER BY c.id DESC LIMIT 1`,
        )
        .get(encounterId) as { id: number; payer_claim_number: string | null; pcn: string } | undefined;
      // Without a payer claim number yet, our own CLM01 is the reference the payer knows.
      return row ? { claimId: row.id, payerClaimNumber: row.payer_claim_number ?? row.pcn } : undefined;
    },

    failEncounters: (failures, policy, now) => fail('encounters', failures, policy, now),
    failClaims: (failures, policy, now) => fail('claims', failures, policy, now),

    audit(entries: AuditInput[], now: number): void {
      store.tx(() => appendAudit(store, entries, now));
    },
  };
}
