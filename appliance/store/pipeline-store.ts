// The pipeline's durable state (PipelineStore port). Every write method is one transaction that
// carries its audit entries, so a state change and its audit record exist together or not at all.
import { and, eq, inArray, isNull, lte, asc, desc, ne, sql } from 'drizzle-orm';
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
import { encounters, chargeItems, claims, claimLines, workItems, counters } from './schema.js';

const SENT = ['submitted', 'accepted', 'paid', 'partially_paid', 'denied'];

/** Next value of a persisted counter; never reused (the row is updated in the caller's transaction). */
export function nextCounter(db: Db, name: string, count = 1): number {
  const row = db
    .insert(counters)
    .values({ name, value: count })
    .onConflictDoUpdate({ target: counters.name, set: { value: sql`${counters.value} + ${count}` } })
    .returning({ value: counters.value })
    .get();
  return row.value - count + 1;
}

/** Exponential backoff with jitter (50–100% of the step), capped. */
export function backoffMs(attempts: number, policy: RetryPolicy, random = Math.random): number {
  const step = Math.min(policy.maxMs, policy.baseMs * 2 ** Math.max(0, attempts - 1));
  return Math.round(step * (0.5 + random() / 2));
}

export function createPipelineStore(store: Store): PipelineStore {
  const { db } = store;

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

  return {
    encountersIn(status, limit, now): EncounterWork[] {
      return db
        .select({
          id: encounters.id,
          patientId: encounters.patientId,
          input: encounters.input,
          version: encounters.version,
          finalizedAt: encounters.finalizedAt,
          coded: encounters.coded,
        })
        .from(encounters)
        .where(
          and(
            eq(encounters.status, status),
            lte(encounters.nextAttemptAt, now),
            isNull(encounters.parkedAt),
            isNull(encounters.supersededBy),
          ),
        )
        .orderBy(asc(encounters.id))
        .limit(limit)
        .all()
        .map((r) => ({
          id: r.id,
          patientId: r.patientId,
          input: r.input as EncounterInput,
          version: r.version,
          finalizedAt: r.finalizedAt,
          coded: (r.coded ?? undefined) as CodedEncounter | undefined,
        }));
    },

    saveCoding(outcomes: CodingOutcome[], now: number): void {
      if (outcomes.length === 0) return;
      store.tx((d) => {
        const audit: AuditInput[] = [];
        for (const o of outcomes) {
          const enc = d
            .select({ input: encounters.input, patientId: encounters.patientId, status: encounters.status })
            .from(encounters)
            .where(eq(encounters.id, o.id))
            .get();
          if (!enc || enc.status !== 'received') continue; // another worker got there first
          const input = enc.input as EncounterInput;
          if (o.coded.review.length > 0) {
            d.update(encounters)
              .set({
                status: 'needs_review',
                coded: o.coded,
                review: o.coded.review,
                needsReviewAt: now,
                updatedAt: now,
              })
              .where(eq(encounters.id, o.id))
              .run();
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
          d.update(encounters)
            .set({ status: 'coded', coded: o.coded, review: null, codedAt: now, updatedAt: now })
            .where(eq(encounters.id, o.id))
            .run();
          d.delete(chargeItems).where(eq(chargeItems.encounterId, o.id)).run();
          for (const line of o.coded.lines) {
            d.insert(chargeItems)
              .values({
                encounterId: o.id,
                patientId: enc.patientId,
                dateOfService: line.dateOfService,
                code: line.code,
                modifiers: line.modifiers.join(':'),
                units: line.units,
                chargeCents: line.chargeCents,
                placeOfService: input.placeOfService,
                renderingNpi: input.rendering.npi,
                authorization: input.authorizationNumber ?? null,
                diagnosisPointers: line.diagnosisPointers.join(':'),
                tooth: line.tooth ?? null,
                surfaces: line.surfaces ?? null,
                area: line.area ?? null,
              })
              .run();
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
        for (const o of outcomes) {
          const enc = d
            .select({ patientId: encounters.patientId, status: encounters.status })
            .from(encounters)
            .where(eq(encounters.id, o.id))
            .get();
          if (!enc || enc.status !== 'coded') continue;
          const errors = o.drafts.flatMap((dr) => dr.findings.filter((f) => f.severity === 'error'));
          const review: ReviewReason[] = [
            ...o.review,
            ...errors.map((f) => ({ code: f.ruleId, message: `${f.message} Fix: ${f.fix}`, field: f.field })),
          ];
          if (review.length > 0) {
            d.update(encounters)
              .set({
                status: 'needs_review',
                review,
                scrub: o.drafts.map((dr) => dr.findings),
                needsReviewAt: now,
                updatedAt: now,
              })
              .where(eq(encounters.id, o.id))
              .run();
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
            const n = nextCounter(d, 'pcn');
            const pcn = `CB${String(n).padStart(9, '0')}`;
            const claim: Claim = { ...draft.claim, patientControlNumber: pcn };
            if (o.replaces) {
              claim.frequency = '7';
              claim.originalClaimNumber = o.replaces.payerClaimNumber;
            }
            const row = d
              .insert(claims)
              .values({
                pcn,
                encounterId: o.id,
                patientId: enc.patientId,
                kind: claim.kind,
                status: 'draft',
                frequency: claim.frequency,
                originalClaimId: o.replaces?.claimId ?? null,
                payerId: claim.coverage.payerId,
                totalChargeCents: claim.totalChargeCents,
                document: claim,
                scrub: draft.findings,
                draftAt: now,
                updatedAt: now,
              })
              .returning({ id: claims.id })
              .get();
            for (const line of claim.lines) {
              d.insert(claimLines)
                .values({
                  claimId: row.id,
                  lineNumber: line.lineNumber,
                  code: line.code,
                  modifiers: line.modifiers.join(':'),
                  units: line.units,
                  chargeCents: line.chargeCents,
                  dateOfService: line.dateOfService,
                })
                .run();
            }
            d.update(chargeItems)
              .set({ claimId: row.id })
              .where(and(eq(chargeItems.encounterId, o.id), isNull(chargeItems.claimId)))
              .run();
            if (o.replaces)
              d.update(claims)
                .set({ status: 'replaced', closedAt: now, updatedAt: now })
                .where(eq(claims.id, o.replaces.claimId))
                .run();
            audit.push({
              event: 'CLAIM_CREATED',
              actor: 'service:scrub',
              entityType: 'claim',
              entityId: String(row.id),
              detail: {
                encounterId: o.id,
                frequency: claim.frequency,
                lines: claim.lines.length,
                warnings: draft.findings.length,
              },
            });
          }
          d.update(encounters)
            .set({
              status: 'scrubbed',
              scrub: o.drafts.map((dr) => dr.findings),
              scrubbedAt: now,
              updatedAt: now,
            })
            .where(eq(encounters.id, o.id))
            .run();
        }
        appendAudit(store, audit, now);
      });
    },

    draftClaims(limit, now): ClaimWork[] {
      return db
        .select({
          id: claims.id,
          encounterId: claims.encounterId,
          pcn: claims.pcn,
          document: claims.document,
          payerId: claims.payerId,
        })
        .from(claims)
        .where(and(eq(claims.status, 'draft'), lte(claims.nextAttemptAt, now), isNull(claims.parkedAt)))
        .orderBy(asc(claims.id))
        .limit(limit)
        .all()
        .map((r) => ({
          id: r.id,
          encounterId: r.encounterId,
          pcn: r.pcn,
          claim: r.document as Claim,
          payerId: r.payerId,
        }));
    },

    promoteClaims(ids: number[], now: number): void {
      if (ids.length === 0) return;
      store.tx((d) => {
        const rows = d
          .select({ id: claims.id, encounterId: claims.encounterId })
          .from(claims)
          .where(and(inArray(claims.id, ids), eq(claims.status, 'draft')))
          .all();
        const audit: AuditInput[] = [];
        for (const r of rows) {
          d.update(claims)
            .set({ status: 'ready', readyAt: now, updatedAt: now })
            .where(eq(claims.id, r.id))
            .run();
          d.update(encounters)
            .set({ status: 'claimed', claimedAt: now, updatedAt: now })
            .where(and(eq(encounters.id, r.encounterId), eq(encounters.status, 'scrubbed')))
            .run();
          audit.push({
            event: 'CLAIM_READY',
            actor: 'service:claims',
            entityType: 'claim',
            entityId: String(r.id),
          });
        }
        appendAudit(store, audit, now);
      });
    },

    readyClaims(limit): ClaimWork[] {
      return db
        .select({
          id: claims.id,
          encounterId: claims.encounterId,
          pcn: claims.pcn,
          document: claims.document,
          payerId: claims.payerId,
        })
        .from(claims)
        .where(eq(claims.status, 'ready'))
        .orderBy(asc(claims.id))
        .limit(limit)
        .all()
        .map((r) => ({
          id: r.id,
          encounterId: r.encounterId,
          pcn: r.pcn,
          claim: r.document as Claim,
          payerId: r.payerId,
        }));
    },

    hasOtherCharge(key): boolean {
      const row = store.sqlite
        .prepare(
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
      const me = db
        .select({ system: encounters.sourceSystem, visit: encounters.visitNumber })
        .from(encounters)
        .where(eq(encounters.id, encounterId))
        .get();
      if (!me) return undefined;
      const row = db
        .select({ id: claims.id, payerClaimNumber: claims.payerClaimNumber, pcn: claims.pcn })
        .from(claims)
        .innerJoin(encounters, eq(encounters.id, claims.encounterId))
        .where(
          and(
            eq(encounters.sourceSystem, me.system),
            eq(encounters.visitNumber, me.visit),
            ne(claims.encounterId, encounterId),
            inArray(claims.status, SENT),
          ),
        )
        .orderBy(desc(claims.id))
        .get();
      // Without a payer claim number yet, our own CLM01 is the reference the payer knows.
      return row ? { claimId: row.id, payerClaimNumber: row.payerClaimNumber ?? row.pcn } : undefined;
    },

    failEncounters: (failures, policy, now) => fail('encounters', failures, policy, now),
    failClaims: (failures, policy, now) => fail('claims', failures, policy, now),

    audit(entries: AuditInput[], now: number): void {
      store.tx(() => appendAudit(store, entries, now));
    },
  };
}
