// The review queue (issues 4 and 8): encounters the coding engine or the scrubber could not finish
// alone wait in needs_review with reasons a biller understands. A person fixes the codes (or
// confirms the ones there) and the encounter goes back to 'coded', where the scrub stage picks it up.
import { permanent } from '../domain/errors.js';
import type { ChargeLine, CodedEncounter, EncounterInput, ReviewReason } from '../domain/types.js';
import { appendAudit } from '../audit/log.js';
import type { Store } from './open.js';
import { createPipelineStore } from './pipeline-store.js';

export interface ReviewEntry {
  encounterId: number;
  workItemId: number | null;
  visitNumber: string;
  version: number;
  kind: string;
  dateOfService: string;
  /** Initials and the last 4 of the MRN, as the encounter list shows them. */
  patientLabel: string;
  reasons: ReviewReason[];
  needsReviewAt: number | null;
  assignee: string | null;
  parked: boolean;
}

export function listReview(store: Store, opts: { limit?: number; offset?: number } = {}): ReviewEntry[] {
  const rows = store
    .stmt(
      `SELECT e.id, e.visit_number, e.version, e.kind, e.date_of_service, e.input, e.review, e.needs_review_at,
              e.parked_at, w.id AS work_id, w.assignee
         FROM encounters e
         LEFT JOIN work_items w ON w.kind = 'review' AND w.entity_type = 'encounter' AND w.entity_id = e.id AND w.status != 'done'
        WHERE e.status = 'needs_review' AND e.superseded_by IS NULL
        ORDER BY e.needs_review_at, e.id LIMIT ? OFFSET ?`,
    )
    .all(opts.limit ?? 200, opts.offset ?? 0) as {
    id: number;
    visit_number: string;
    version: number;
    kind: string;
    date_of_service: string;
    input: string;
    review: string | null;
    needs_review_at: number | null;
    parked_at: number | null;
    work_id: number | null;
    assignee: string | null;
  }[];
  return rows.map((r) => {
    const p = (JSON.parse(r.input) as EncounterInput).patient;
    return {
      encounterId: r.id,
      workItemId: r.work_id,
      visitNumber: r.visit_number,
      version: r.version,
      kind: r.kind,
      dateOfService: r.date_of_service,
      patientLabel: `${p.firstName.slice(0, 1)}.${p.lastName.slice(0, 1)}. …${p.mrn.slice(-4)}`,
      reasons: r.review ? (JSON.parse(r.review) as ReviewReason[]) : [],
      needsReviewAt: r.needs_review_at,
      assignee: r.assignee,
      parked: r.parked_at !== null,
    };
  });
}

export interface EncounterForReady {
  id: number;
  status: string;
  patientId: number;
  input: EncounterInput;
  coded: CodedEncounter | null;
}

/** What checkReady needs: the encounter as received and its codes. Reading it is a PHI view, audited. */
export function encounterForReady(
  store: Store,
  id: number,
  actor: string,
  now: number,
): EncounterForReady | undefined {
  const r = store.stmt('SELECT id, status, patient_id, input, coded FROM encounters WHERE id = ?').get(id) as
    { id: number; status: string; patient_id: number; input: string; coded: string | null } | undefined;
  if (!r) return undefined;
  store.tx(() =>
    appendAudit(
      store,
      [
        {
          event: 'PHI_VIEWED',
          actor,
          entityType: 'encounter',
          entityId: String(id),
          detail: { view: 'ready' },
        },
      ],
      now,
    ),
  );
  return {
    id: r.id,
    status: r.status,
    patientId: r.patient_id,
    input: JSON.parse(r.input) as EncounterInput,
    coded: r.coded ? (JSON.parse(r.coded) as CodedEncounter) : null,
  };
}

/**
 * True when another current encounter of the patient already has the same service: the scrub
 * stage's own duplicate lookup, so /ready and the stage can never disagree.
 */
export function hasOtherCharge(
  store: Store,
  key: {
    encounterId: number;
    patientId: number;
    dateOfService: string;
    code: string;
    pos: string;
    npi: string;
  },
): boolean {
  return createPipelineStore(store).hasOtherCharge(key);
}

/** Statuses a person may recode from: before a claim exists. */
const RECODABLE = ['received', 'needs_review', 'coded'];

/**
 * Write the encounter's codes as 'coded' (review reasons cleared, retries reset), rebuild its
 * charge items from the lines as the coding stage does, and close its open review work item.
 */
function markCoded(
  store: Store,
  id: number,
  patientId: number,
  input: EncounterInput,
  coded: CodedEncounter,
  now: number,
) {
  store
    .stmt(
      `UPDATE encounters SET status = 'coded', coded = ?, review = NULL, coded_at = ?, updated_at = ?,
         attempts = 0, next_attempt_at = 0, last_error = NULL, parked_at = NULL WHERE id = ?`,
    )
    .run(JSON.stringify(coded), now, now, id);
  store.stmt('DELETE FROM charge_items WHERE encounter_id = ? AND claim_id IS NULL').run(id);
  const insert = store.stmt(
    `INSERT INTO charge_items (encounter_id, patient_id, date_of_service, code, modifiers, units, charge_cents,
       place_of_service, rendering_npi, authorization, diagnosis_pointers, tooth, surfaces, area)
     VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)`,
  );
  for (const line of coded.lines)
    insert.run(
      id,
      patientId,
      line.dateOfService,
      line.code,
      line.modifiers.join(':'),
      line.units,
      line.chargeCents,
      coded.placeOfService ?? input.placeOfService,
      input.rendering.npi,
      input.authorizationNumber ?? null,
      line.diagnosisPointers.join(':'),
      line.tooth ?? null,
      line.surfaces ?? null,
      line.area ?? null,
    );
  return Number(
    store
      .stmt(
        "UPDATE work_items SET status = 'done', updated_at = ? WHERE kind = 'review' AND entity_type = 'encounter' AND entity_id = ? AND status != 'done'",
      )
      .run(now, id).changes,
  );
}

function loadForChange(store: Store, id: number, allowed: readonly string[]) {
  const r = store
    .stmt('SELECT status, patient_id, input, coded, superseded_by FROM encounters WHERE id = ?')
    .get(id) as
    | {
        status: string;
        patient_id: number;
        input: string;
        coded: string | null;
        superseded_by: number | null;
      }
    | undefined;
  if (!r) throw permanent('ENCOUNTER_NOT_FOUND', 'no such encounter');
  if (r.superseded_by !== null)
    throw permanent('ENCOUNTER_CONFLICT', `a newer version (encounter ${r.superseded_by}) replaced this one`);
  if (!allowed.includes(r.status))
    throw permanent(
      'ENCOUNTER_CONFLICT',
      `the encounter is ${r.status}; codes can change only before a claim exists`,
    );
  return r;
}

export interface CodesInput {
  diagnoses: { code: string }[];
  /** dateOfService defaults to the encounter's. */
  lines: (Omit<ChargeLine, 'why' | 'dateOfService'> & { dateOfService?: string })[];
  placeOfService?: string;
}

/** A person sets the encounter's codes. Each code carries why: the person who set it. */
export function saveManualCodes(store: Store, id: number, codes: CodesInput, actor: string, now: number) {
  return store.tx(() => {
    const r = loadForChange(store, id, RECODABLE);
    const input = JSON.parse(r.input) as EncounterInput;
    const why = [{ rule: 'manual', input: actor }];
    const coded: CodedEncounter = {
      diagnoses: codes.diagnoses.map((d) => ({ code: d.code.replace(/\./g, '').trim().toUpperCase(), why })),
      lines: codes.lines.map((l) => ({ ...l, dateOfService: l.dateOfService ?? input.dateOfService, why })),
      review: [],
      ...(codes.placeOfService ? { placeOfService: codes.placeOfService } : {}),
    };
    const closed = markCoded(store, id, r.patient_id, input, coded, now);
    appendAudit(
      store,
      [
        {
          event: 'RECORD_CHANGED',
          actor,
          entityType: 'encounter',
          entityId: String(id),
          detail: {
            field: 'codes',
            from: r.status,
            to: 'coded',
            diagnoses: coded.diagnoses.length,
            lines: coded.lines.length,
            codes: coded.lines.map((l) => l.code),
            reviewItemsClosed: closed,
          },
        },
      ],
      now,
    );
    return { encounterId: id, status: 'coded' as const, previous: r.status };
  });
}

/** A person confirms the codes already there: needs_review → coded without changing them. */
export function releaseEncounter(store: Store, id: number, actor: string, now: number) {
  return store.tx(() => {
    const r = loadForChange(store, id, ['needs_review']);
    if (!r.coded)
      throw permanent('ENCOUNTER_CONFLICT', 'the encounter has no codes to release; set them first');
    const coded = JSON.parse(r.coded) as CodedEncounter;
    if (coded.lines.length === 0)
      throw permanent('ENCOUNTER_CONFLICT', 'the encounter has no billable lines; set codes first');
    const confirmed = coded.review.map((x) => x.code);
    const closed = markCoded(
      store,
      id,
      r.patient_id,
      JSON.parse(r.input) as EncounterInput,
      { ...coded, review: [] },
      now,
    );
    appendAudit(
      store,
      [
        {
          event: 'RECORD_CHANGED',
          actor,
          entityType: 'encounter',
          entityId: String(id),
          detail: {
            field: 'status',
            from: 'needs_review',
            to: 'coded',
            released: true,
            confirmed,
            reviewItemsClosed: closed,
          },
        },
      ],
      now,
    );
    return { encounterId: id, status: 'coded' as const, previous: r.status };
  });
}
