// Read models and people's changes for the money side: remittances awaiting a person, patient A/R
// (from 835 patient responsibility), the delta-sync inventory a patient-invoicing tool pulls, a
// claim's invoice itemization, and the billing export rows. Every change and every PHI read is
// audited in the same transaction as the change (or the read).
import { eq } from 'drizzle-orm';
import { permanent } from '../domain/errors.js';
import type { AuditInput } from '../domain/audit.js';
import type { EncounterInput } from '../domain/types.js';
import type { BillingExportRow } from '../pipeline/billing-export.js';
import { appendAudit } from '../audit/log.js';
import { listRemittances } from './remit.js';
import { remittances } from './schema.js';
import type { Store } from './open.js';

const DAY_MS = 86_400_000;

// ------------------------------------------------------------------ remittances

export interface RemittanceProblem {
  code: string;
  severity?: string;
  message: string;
}

export interface RemittanceSummary {
  id: number;
  checkNumber: string;
  payerId: string | null;
  paymentCents: number;
  paymentDate: string | null;
  status: string;
  problems: RemittanceProblem[];
  receivedAt: number;
  postedAt: number | null;
  approvedBy: string | null;
  totals: {
    claims: number;
    unmatchedClaims: number;
    chargeCents: number;
    paidCents: number;
    patientRespCents: number;
    adjustmentCents: number;
  };
}

const parseProblems = (v: unknown): RemittanceProblem[] => {
  const x = typeof v === 'string' ? (JSON.parse(v) as unknown) : v;
  return Array.isArray(x) ? (x as RemittanceProblem[]) : [];
};

type RemittanceRow = ReturnType<typeof listRemittances>[number];

interface TotalsRow {
  id: number;
  claims: number;
  unmatched: number;
  charge: number;
  paid: number;
  pr: number;
  adj: number;
}

const TOTALS = `SELECT rc.remittance_id AS id, count(*) AS claims, sum(rc.claim_id IS NULL) AS unmatched,
       sum(rc.charge_cents) AS charge, sum(rc.paid_cents) AS paid, sum(rc.patient_resp_cents) AS pr,
       coalesce(sum((SELECT sum(a.amount_cents) FROM adjustments a WHERE a.remittance_claim_id = rc.id)), 0) AS adj
  FROM remittance_claims rc`;

function toSummary(r: RemittanceRow, t: TotalsRow | undefined): RemittanceSummary {
  return {
    id: r.id,
    checkNumber: r.checkNumber,
    payerId: r.payerId,
    paymentCents: r.paymentCents,
    paymentDate: r.paymentDate,
    status: r.status,
    problems: parseProblems(r.problems),
    receivedAt: r.receivedAt,
    postedAt: r.postedAt,
    approvedBy: r.approvedBy,
    totals: {
      claims: t?.claims ?? 0,
      unmatchedClaims: t?.unmatched ?? 0,
      chargeCents: t?.charge ?? 0,
      paidCents: t?.paid ?? 0,
      patientRespCents: t?.pr ?? 0,
      adjustmentCents: t?.adj ?? 0,
    },
  };
}

/** Every remittance (or those in one status) with its claim totals and reconciliation problems. */
export function remittanceSummaries(store: Store, status?: string): RemittanceSummary[] {
  const totals = store.stmt(`${TOTALS} GROUP BY rc.remittance_id`).all() as TotalsRow[];
  const byId = new Map(totals.map((t) => [t.id, t]));
  return listRemittances(store, status).map((r) => toSummary(r, byId.get(r.id)));
}

function remittanceSummary(store: Store, id: number): RemittanceSummary | undefined {
  const r = store.db.select().from(remittances).where(eq(remittances.id, id)).get();
  if (!r) return undefined;
  const t = store.stmt(`${TOTALS} WHERE rc.remittance_id = ? GROUP BY rc.remittance_id`).get(id) as
    TotalsRow | undefined;
  return toSummary(r, t);
}

export interface AdjustmentView {
  lineNumber: number | null;
  group: string;
  carc: string;
  amountCents: number;
  units: number | null;
  rarcs: string[];
}

interface AdjustmentRow {
  rc: number;
  line_number: number | null;
  group_code: string;
  reason_code: string;
  amount_cents: number;
  units: number | null;
  remark_codes: string | null;
}

const adjustmentView = (a: AdjustmentRow): AdjustmentView => ({
  lineNumber: a.line_number,
  group: a.group_code,
  carc: a.reason_code,
  amountCents: a.amount_cents,
  units: a.units,
  rarcs: a.remark_codes ? a.remark_codes.split(':') : [],
});

/** One remittance with each of its claims (ours when matched) and their adjustments. */
export function remittanceDetail(store: Store, id: number) {
  const summary = remittanceSummary(store, id);
  if (!summary) return undefined;
  const claims = store
    .stmt(
      `SELECT rc.id, rc.claim_id, rc.pcn, rc.status_code, rc.charge_cents, rc.paid_cents, rc.patient_resp_cents,
              rc.payer_claim_number, rc.posted_at, c.status AS claim_status
         FROM remittance_claims rc LEFT JOIN claims c ON c.id = rc.claim_id
        WHERE rc.remittance_id = ? ORDER BY rc.id`,
    )
    .all(id) as {
    id: number;
    claim_id: number | null;
    pcn: string;
    status_code: string;
    charge_cents: number;
    paid_cents: number;
    patient_resp_cents: number;
    payer_claim_number: string | null;
    posted_at: number | null;
    claim_status: string | null;
  }[];
  const adjustments = store
    .stmt(
      `SELECT a.remittance_claim_id AS rc, a.line_number, a.group_code, a.reason_code, a.amount_cents, a.units, a.remark_codes
         FROM adjustments a JOIN remittance_claims rc ON rc.id = a.remittance_claim_id
        WHERE rc.remittance_id = ? ORDER BY a.id`,
    )
    .all(id) as AdjustmentRow[];
  return {
    ...summary,
    claims: claims.map((c) => ({
      claimId: c.claim_id,
      pcn: c.pcn,
      clpStatus: c.status_code,
      claimStatus: c.claim_status,
      chargeCents: c.charge_cents,
      paidCents: c.paid_cents,
      patientRespCents: c.patient_resp_cents,
      payerClaimNumber: c.payer_claim_number,
      postedAt: c.posted_at,
      adjustments: adjustments.filter((a) => a.rc === c.id).map(adjustmentView),
    })),
  };
}

/**
 * A person refuses a remittance (e.g. a doctored or misdirected 835): it is never posted. Only a
 * remittance not yet posted (proposed or held) can be rejected. The reason is kept with the
 * remittance's problems; the audit entry records that it was given, not its text (it may name a
 * patient).
 */
export function rejectRemittance(store: Store, id: number, reason: string, actor: string, now: number) {
  return store.tx(() => {
    const r = store.stmt('SELECT status, problems FROM remittances WHERE id = ?').get(id) as
      { status: string; problems: string | null } | undefined;
    if (!r) throw permanent('REMITTANCE_NOT_FOUND', 'no such remittance');
    if (r.status !== 'proposed' && r.status !== 'held')
      throw permanent(
        'REMITTANCE_CONFLICT',
        `remittance is ${r.status}; only a proposed or held one can be rejected`,
      );
    const problems = [
      ...parseProblems(r.problems),
      { code: 'REJECTED_BY_USER', severity: 'error', message: reason, by: actor, at: now },
    ];
    store
      .stmt("UPDATE remittances SET status = 'rejected', problems = ?, approved_by = ? WHERE id = ?")
      .run(JSON.stringify(problems), actor, id);
    // The reconcile work item (a held 835) is resolved by the decision.
    store
      .stmt(
        "UPDATE work_items SET status = 'done', updated_at = ? WHERE entity_type = 'remittance' AND entity_id = ? AND status != 'done'",
      )
      .run(now, id);
    appendAudit(
      store,
      [
        {
          event: 'RECORD_CHANGED',
          actor,
          entityType: 'remittance',
          entityId: String(id),
          detail: { field: 'status', from: r.status, to: 'rejected', reasonGiven: reason.length > 0 },
        },
      ],
      now,
    );
    return { id, status: 'rejected' as const, previous: r.status };
  });
}

// ------------------------------------------------------------------ patient A/R

/**
 * Per claim: its patient balance (claims.patient_resp_cents is the net of every posted 835,
 * reversals included) and the posting the balance dates from (the latest non-reversal posting).
 */
interface PatientBalanceRow {
  id: number;
  pcn: string;
  status: string;
  patient_resp_cents: number;
  updated_at: number;
  mrn: string;
  posted_at: number | null;
  last_code: string | null;
}

const BALANCE_SELECT = `
  SELECT c.id, c.pcn, c.status, c.patient_resp_cents, c.updated_at, p.mrn,
         (SELECT max(rc.posted_at) FROM remittance_claims rc
           WHERE rc.claim_id = c.id AND rc.posted_at IS NOT NULL AND rc.status_code != '22') AS posted_at,
         (SELECT rc.status_code FROM remittance_claims rc
           WHERE rc.claim_id = c.id AND rc.posted_at IS NOT NULL ORDER BY rc.posted_at DESC, rc.id DESC LIMIT 1) AS last_code
    FROM claims c JOIN patients p ON p.id = c.patient_id`;

const POSTED =
  'EXISTS (SELECT 1 FROM remittance_claims rc WHERE rc.claim_id = c.id AND rc.posted_at IS NOT NULL)';

export type InvoiceStatus = 'INVOICEABLE' | 'NON_INVOICEABLE';

/**
 * INVOICEABLE: an 835 posted patient responsibility > 0 and the last posting is not a reversal
 * (CLP02 22). A claim a person has replaced (frequency 7) or voided (8) is NON_INVOICEABLE too: the
 * payer re-adjudicates it, and the replacement carries the balance once its own 835 posts, so the
 * patient is never billed twice for one visit.
 */
function invoiceStatus(r: PatientBalanceRow): InvoiceStatus {
  return r.posted_at !== null &&
    r.patient_resp_cents > 0 &&
    r.last_code !== '22' &&
    r.status !== 'replaced' &&
    r.status !== 'void'
    ? 'INVOICEABLE'
    : 'NON_INVOICEABLE';
}

/** What the patient owes on the claim now: nothing unless it is invoiceable. */
const balanceOf = (r: PatientBalanceRow): number =>
  invoiceStatus(r) === 'INVOICEABLE' ? r.patient_resp_cents : 0;

export const AGING_BUCKETS = ['0-30', '31-60', '61-90', '91-120', '120+'] as const;
export type AgingBucket = (typeof AGING_BUCKETS)[number];

export function agingBucket(days: number): AgingBucket {
  if (days <= 30) return '0-30';
  if (days <= 60) return '31-60';
  if (days <= 90) return '61-90';
  if (days <= 120) return '91-120';
  return '120+';
}

/** Invoiceable patient balances by days since the 835 that set them was posted. */
export function patientAging(store: Store, now: number) {
  const rows = store
    .stmt(`${BALANCE_SELECT} WHERE c.patient_resp_cents > 0 AND ${POSTED}`)
    .all() as PatientBalanceRow[];
  const buckets = AGING_BUCKETS.map((bucket) => ({ bucket, claims: 0, cents: 0 }));
  let total = 0;
  let count = 0;
  for (const r of rows) {
    if (invoiceStatus(r) !== 'INVOICEABLE' || r.posted_at === null) continue;
    const days = Math.max(0, Math.floor((now - r.posted_at) / DAY_MS));
    const b = buckets[AGING_BUCKETS.indexOf(agingBucket(days))]!;
    b.claims += 1;
    b.cents += r.patient_resp_cents;
    total += r.patient_resp_cents;
    count += 1;
  }
  return { asOf: new Date(now).toISOString(), claims: count, totalCents: total, buckets };
}

export interface InventoryItem {
  claim_id: string;
  patient_external_id: string;
  status: InvoiceStatus;
  patient_balance_cents: number;
  updated_at: string;
}

/** The resume point of an inventory page: the last (updated_at, claim id) returned. */
export interface InventoryKey {
  updatedAt: number;
  claimId: number;
}

/**
 * Delta-sync inventory (Candid Health patient-AR style): every claim an 835 has touched, changed
 * at or after `since`, in (updated_at, id) order, `limit` at a time, after `after` when resuming.
 * Reads PHI (MRNs): audited as PHI_VIEWED with counts only.
 */
export function patientInventory(
  store: Store,
  q: { since: number; limit: number; after?: InventoryKey },
  actor: string,
  now: number,
): { items: InventoryItem[]; last?: InventoryKey; more: boolean } {
  // No token: start before every key (updated_at is epoch ms, never negative).
  const after = q.after ?? { updatedAt: -1, claimId: 0 };
  const rows = store
    .stmt(
      `${BALANCE_SELECT}
        WHERE ${POSTED} AND c.updated_at >= ? AND (c.updated_at > ? OR (c.updated_at = ? AND c.id > ?))
        ORDER BY c.updated_at, c.id LIMIT ?`,
    )
    .all(q.since, after.updatedAt, after.updatedAt, after.claimId, q.limit + 1) as PatientBalanceRow[];
  const more = rows.length > q.limit;
  const page = rows.slice(0, q.limit);
  const lastRow = page[page.length - 1];
  store.tx(() =>
    appendAudit(
      store,
      [{ event: 'PHI_VIEWED', actor, entityType: 'patient_ar_inventory', detail: { items: page.length } }],
      now,
    ),
  );
  return {
    items: page.map((r) => ({
      claim_id: String(r.id),
      patient_external_id: r.mrn,
      status: invoiceStatus(r),
      patient_balance_cents: balanceOf(r),
      updated_at: new Date(r.updated_at).toISOString(),
    })),
    ...(lastRow ? { last: { updatedAt: lastRow.updated_at, claimId: lastRow.id } } : {}),
    more,
  };
}

/**
 * What the patient's invoice explains for one claim: each line's charge, what the payer paid,
 * every adjustment by group and CARC from posted 835s (reversals carry negated amounts, so they net
 * out), and the patient's share (group PR). Claim-level CAS (no SVC line) is listed apart.
 */
export function invoiceItemization(store: Store, claimId: number, actor: string, now: number) {
  const claim = store.stmt(`${BALANCE_SELECT} WHERE c.id = ?`).get(claimId) as PatientBalanceRow | undefined;
  if (!claim) return undefined;
  const extra = store
    .stmt('SELECT payer_id, total_charge_cents, paid_cents, frequency FROM claims WHERE id = ?')
    .get(claimId) as { payer_id: string; total_charge_cents: number; paid_cents: number; frequency: string };
  const posted = claim.posted_at !== null;
  const lines = store
    .stmt(
      'SELECT line_number, code, modifiers, units, charge_cents, paid_cents, date_of_service FROM claim_lines WHERE claim_id = ? ORDER BY line_number',
    )
    .all(claimId) as {
    line_number: number;
    code: string;
    modifiers: string;
    units: number;
    charge_cents: number;
    paid_cents: number;
    date_of_service: string;
  }[];
  const adj = store
    .stmt(
      `SELECT a.remittance_claim_id AS rc, a.line_number, a.group_code, a.reason_code, a.amount_cents, a.units, a.remark_codes
         FROM adjustments a JOIN remittance_claims rc ON rc.id = a.remittance_claim_id
        WHERE rc.claim_id = ? AND rc.posted_at IS NOT NULL ORDER BY a.id`,
    )
    .all(claimId) as AdjustmentRow[];
  const grouped = (rows: AdjustmentRow[]) => {
    const m = new Map<string, { group: string; carc: string; amountCents: number }>();
    for (const a of rows) {
      const k = `${a.group_code}-${a.reason_code}`;
      const e = m.get(k) ?? { group: a.group_code, carc: a.reason_code, amountCents: 0 };
      e.amountCents += a.amount_cents;
      m.set(k, e);
    }
    return [...m.values()].filter((e) => e.amountCents !== 0);
  };
  store.tx(() =>
    appendAudit(
      store,
      [
        {
          event: 'PHI_VIEWED',
          actor,
          entityType: 'claim',
          entityId: String(claimId),
          detail: { view: 'itemization' },
        },
      ],
      now,
    ),
  );
  const claimLevel = adj.filter((a) => a.line_number === null);
  return {
    claim_id: String(claimId),
    pcn: claim.pcn,
    patient_external_id: claim.mrn,
    payer_id: extra.payer_id,
    claim_status: claim.status,
    status: invoiceStatus(claim),
    posted_at: claim.posted_at === null ? null : new Date(claim.posted_at).toISOString(),
    total_charge_cents: extra.total_charge_cents,
    // claim_lines.paid_cents moves only when an 835 is posted.
    total_paid_cents: posted ? extra.paid_cents : 0,
    patient_balance_cents: balanceOf(claim),
    lines: lines.map((l) => {
      const mine = adj.filter((a) => a.line_number === l.line_number);
      return {
        line_number: l.line_number,
        date_of_service: l.date_of_service,
        procedure_code: l.code,
        modifiers: l.modifiers ? l.modifiers.split(':') : [],
        units: l.units,
        charge_cents: l.charge_cents,
        paid_cents: posted ? l.paid_cents : 0,
        adjustments: grouped(mine),
        patient_responsibility_cents: mine
          .filter((a) => a.group_code === 'PR')
          .reduce((s, a) => s + a.amount_cents, 0),
      };
    }),
    claim_adjustments: grouped(claimLevel),
    claim_patient_responsibility_cents: claimLevel
      .filter((a) => a.group_code === 'PR')
      .reduce((s, a) => s + a.amount_cents, 0),
  };
}

// ------------------------------------------------------------------ billing export

/**
 * Charge items with a date of service in [from, to] (inclusive, YYYY-MM-DD) for the billing
 * export; superseded encounter versions and voided items are left out. The EXPORT audit entry is
 * written with the read, so no export leaves without a record.
 */
export function chargeExportRows(
  store: Store,
  range: { from: string; to: string },
  actor: string,
  now: number,
): BillingExportRow[] {
  const rows = store
    .stmt(
      `SELECT ci.date_of_service, ci.code, ci.modifiers, ci.units, ci.place_of_service, ci.rendering_npi,
              ci.authorization, p.mrn, p.data AS patient, e.input
         FROM charge_items ci
         JOIN encounters e ON e.id = ci.encounter_id
         JOIN patients p ON p.id = ci.patient_id
        WHERE ci.date_of_service >= ? AND ci.date_of_service <= ? AND ci.status != 'void' AND e.superseded_by IS NULL
        ORDER BY ci.date_of_service, ci.id`,
    )
    .all(range.from, range.to) as {
    date_of_service: string;
    code: string;
    modifiers: string;
    units: number;
    place_of_service: string;
    rendering_npi: string;
    authorization: string | null;
    mrn: string;
    patient: string;
    input: string;
  }[];
  const out = rows.map((r): BillingExportRow => {
    const p = JSON.parse(r.patient) as { lastName?: string; firstName?: string };
    const rendering = (JSON.parse(r.input) as EncounterInput).rendering;
    return {
      patientName: `${p.lastName ?? ''}, ${p.firstName ?? ''}`,
      mrn: r.mrn,
      providerName: [rendering.lastName, rendering.firstName].filter(Boolean).join(', '),
      npi: r.rendering_npi,
      dateOfService: r.date_of_service,
      code: r.code,
      modifiers: r.modifiers ? r.modifiers.split(':') : [],
      units: r.units,
      placeOfService: r.place_of_service,
      authorization: r.authorization,
    };
  });
  const entry: AuditInput = {
    event: 'EXPORT',
    actor,
    entityType: 'charge_items',
    detail: { kind: 'charges.csv', from: range.from, to: range.to, rows: out.length },
  };
  store.tx(() => appendAudit(store, [entry], now));
  return out;
}
