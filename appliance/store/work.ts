// The denial work queue (issue 5): each 835 denial is a work item (kind 'denial') on a claim, with
// its CARC category and suggested action (set by remit posting). People assign, progress and
// annotate items, and resolve them with a corrected claim (2300 CLM05-3 = 7) or a void (= 8)
// carrying the payer's claim number in 2300 REF*F8. Each change commits with its audit entry.
import { permanent } from '../domain/errors.js';
import type { AuditInput } from '../domain/audit.js';
import { DENIAL_CATEGORIES, DENIAL_CATEGORY_LABELS, type DenialCategory } from '../domain/carc.js';
import type { Claim } from '../domain/types.js';
import { replacementFor, voidFor } from '../pipeline/claims.js';
import { appendAudit } from '../audit/log.js';
import { nextCounter } from './pipeline-store.js';
import type { Store } from './open.js';

export const WORK_STATUSES = ['open', 'in_progress', 'done'] as const;
export type WorkStatus = (typeof WORK_STATUSES)[number];

export const isWorkStatus = (s: string): s is WorkStatus => (WORK_STATUSES as readonly string[]).includes(s);
export const isDenialCategory = (s: string): s is DenialCategory =>
  (DENIAL_CATEGORIES as readonly string[]).includes(s);

/** One reason as remit posting records it: `code` is "<group>-<CARC>", e.g. "CO-96". */
interface DenialReason {
  code: string;
  message?: string;
  line?: number;
  amountCents?: number;
  rarcs?: { code: string; description?: string }[];
}

/** A person's note, kept beside the reasons (work_items has no notes column; the reasons JSON carries them). */
interface Note {
  code: 'NOTE';
  message: string;
  by: string;
  at: number;
}

export interface DenialItem {
  id: number;
  claimId: number;
  pcn: string | null;
  payerId: string | null;
  claimStatus: string | null;
  payerClaimNumber: string | null;
  category: string | null;
  categoryLabel: string | null;
  group: string | null;
  carc: string | null;
  rarcs: string[];
  description: string | null;
  suggestedAction: string | null;
  amountCents: number;
  lines: number[];
  assignee: string | null;
  status: string;
  notes: { message: string; by: string; at: number }[];
  createdAt: number;
  updatedAt: number;
}

interface Row {
  id: number;
  entity_id: number;
  category: string | null;
  reasons: string;
  suggested_action: string | null;
  assignee: string | null;
  status: string;
  created_at: number;
  updated_at: number;
  pcn: string | null;
  payer_id: string | null;
  claim_status: string | null;
  payer_claim_number: string | null;
}

const SELECT = `SELECT w.id, w.entity_id, w.category, w.reasons, w.suggested_action, w.assignee, w.status,
       w.created_at, w.updated_at, c.pcn, c.payer_id, c.status AS claim_status, c.payer_claim_number
  FROM work_items w LEFT JOIN claims c ON c.id = w.entity_id
 WHERE w.kind = 'denial' AND w.entity_type = 'claim'`;

function view(r: Row): DenialItem {
  const all = JSON.parse(r.reasons) as (DenialReason | Note)[];
  const reasons = all.filter((x): x is DenialReason => x.code !== 'NOTE');
  const notes = all.filter((x): x is Note => x.code === 'NOTE');
  const first = reasons[0];
  const dash = first?.code.indexOf('-') ?? -1;
  return {
    id: r.id,
    claimId: r.entity_id,
    pcn: r.pcn,
    payerId: r.payer_id,
    claimStatus: r.claim_status,
    payerClaimNumber: r.payer_claim_number,
    category: r.category,
    categoryLabel: r.category && isDenialCategory(r.category) ? DENIAL_CATEGORY_LABELS[r.category] : null,
    group: first && dash > 0 ? first.code.slice(0, dash) : null,
    carc: first ? (dash > 0 ? first.code.slice(dash + 1) : first.code) : null,
    rarcs: [...new Set(reasons.flatMap((x) => (x.rarcs ?? []).map((y) => y.code)))],
    description: first?.message ?? null,
    suggestedAction: r.suggested_action,
    amountCents: reasons.reduce((s, x) => s + (x.amountCents ?? 0), 0),
    lines: [...new Set(reasons.flatMap((x) => (x.line === undefined ? [] : [x.line])))],
    assignee: r.assignee,
    status: r.status,
    notes: notes.map((n) => ({ message: n.message, by: n.by, at: n.at })),
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

export function listDenials(
  store: Store,
  f: { category?: string; status?: string; assignee?: string; limit?: number; offset?: number } = {},
): DenialItem[] {
  const where: string[] = [];
  const args: (string | number)[] = [];
  if (f.category) {
    where.push('w.category = ?');
    args.push(f.category);
  }
  if (f.status) {
    where.push('w.status = ?');
    args.push(f.status);
  }
  if (f.assignee) {
    where.push('w.assignee = ?');
    args.push(f.assignee);
  }
  const sql = `${SELECT}${where.map((w) => ` AND ${w}`).join('')} ORDER BY w.id LIMIT ? OFFSET ?`;
  return (store.stmt(sql).all(...args, f.limit ?? 200, f.offset ?? 0) as Row[]).map(view);
}

export function getDenial(store: Store, id: number): DenialItem | undefined {
  const r = store.stmt(`${SELECT} AND w.id = ?`).get(id) as Row | undefined;
  return r ? view(r) : undefined;
}

/** Counts and amounts per CARC category and status, every category present (zeros included). */
export function denialSummary(store: Store) {
  const rows = store
    .stmt(
      `SELECT coalesce(category, 'other') AS category, status, count(*) AS n FROM work_items
        WHERE kind = 'denial' GROUP BY 1, 2`,
    )
    .all() as { category: string; status: string; n: number }[];
  const open = listDenials(store, { limit: 1_000_000 }).filter((d) => d.status !== 'done');
  const categories = DENIAL_CATEGORIES.map((category) => {
    const mine = rows.filter((r) => r.category === category);
    const n = (s: string) => mine.find((r) => r.status === s)?.n ?? 0;
    return {
      category,
      label: DENIAL_CATEGORY_LABELS[category],
      open: n('open'),
      in_progress: n('in_progress'),
      done: n('done'),
      openAmountCents: open.filter((d) => d.category === category).reduce((s, d) => s + d.amountCents, 0),
    };
  });
  return {
    categories,
    totals: {
      open: categories.reduce((s, c) => s + c.open, 0),
      in_progress: categories.reduce((s, c) => s + c.in_progress, 0),
      done: categories.reduce((s, c) => s + c.done, 0),
    },
  };
}

export interface DenialUpdate {
  /** null unassigns. */
  assignee?: string | null;
  status?: WorkStatus;
  note?: string;
}

/** Assign, progress or annotate a denial. Audit holds what changed, never the note's text (it may hold PHI). */
export function updateDenial(
  store: Store,
  id: number,
  u: DenialUpdate,
  actor: string,
  now: number,
): DenialItem {
  store.tx(() => {
    const w = store
      .stmt("SELECT assignee, status, reasons FROM work_items WHERE id = ? AND kind = 'denial'")
      .get(id) as { assignee: string | null; status: string; reasons: string } | undefined;
    if (!w) throw permanent('DENIAL_NOT_FOUND', 'no such denial work item');
    const assignee = u.assignee === undefined ? w.assignee : u.assignee;
    const status = u.status ?? w.status;
    const reasons = JSON.parse(w.reasons) as unknown[];
    if (u.note !== undefined)
      reasons.push({ code: 'NOTE', message: u.note, by: actor, at: now } satisfies Note);
    store
      .stmt('UPDATE work_items SET assignee = ?, status = ?, reasons = ?, updated_at = ? WHERE id = ?')
      .run(assignee, status, JSON.stringify(reasons), now, id);
    const changed: Record<string, unknown> = {};
    if (assignee !== w.assignee) changed.assignee = { from: w.assignee, to: assignee };
    if (status !== w.status) changed.status = { from: w.status, to: status };
    if (u.note !== undefined) changed.noteAdded = true;
    appendAudit(
      store,
      [{ event: 'RECORD_CHANGED', actor, entityType: 'work_item', entityId: String(id), detail: changed }],
      now,
    );
  });
  return getDenial(store, id)!;
}

/** A person's edits to the claim before it goes again as a replacement. */
export interface ClaimCorrection {
  diagnoses?: string[];
  lines?: {
    lineNumber: number;
    code?: string;
    modifiers?: string[];
    units?: number;
    chargeCents?: number;
    diagnosisPointers?: number[];
  }[];
}

/** Claim statuses in which the payer holds an adjudicated or accepted claim that can be replaced or voided. */
const AT_PAYER = ['accepted', 'paid', 'partially_paid', 'denied'];

function applyCorrection(original: Claim, fix: ClaimCorrection | undefined): Claim {
  if (!fix) return original;
  const changed: Claim = { ...original, lines: original.lines.map((l) => ({ ...l })) };
  if (fix.diagnoses) changed.diagnoses = fix.diagnoses.map((d) => d.replace(/\./g, '').trim().toUpperCase());
  for (const f of fix.lines ?? []) {
    const line = changed.lines.find((l) => l.lineNumber === f.lineNumber);
    if (!line) throw permanent('DENIAL_INVALID', `the claim has no line ${f.lineNumber}`);
    if (f.code !== undefined) line.code = f.code.trim().toUpperCase();
    if (f.modifiers !== undefined) line.modifiers = f.modifiers.map((m) => m.trim().toUpperCase());
    if (f.units !== undefined) line.units = f.units;
    if (f.chargeCents !== undefined) line.chargeCents = f.chargeCents;
    if (f.diagnosisPointers !== undefined) line.diagnosisPointers = f.diagnosisPointers;
  }
  for (const l of changed.lines)
    for (const p of l.diagnosisPointers)
      if (p < 1 || p > changed.diagnoses.length)
        throw permanent(
          'DENIAL_INVALID',
          `line ${l.lineNumber} points at diagnosis ${p}, which the claim lacks`,
        );
  changed.totalChargeCents = changed.lines.reduce((s, l) => s + l.chargeCents, 0);
  return changed;
}

export interface FollowUpClaim {
  workItemId: number;
  originalClaimId: number;
  claimId: number;
  pcn: string;
  frequency: '7' | '8';
  status: 'ready';
}

/**
 * Resolve a denial with a follow-up claim: frequency 7 (replacement: the original claim document
 * with a person's corrections) or 8 (void: the original as sent). Either carries REF*F8 = the
 * payer's claim number, goes straight to 'ready' (the submit stage sends it) and closes the
 * original ('replaced' or 'void') and the work item, all in one transaction.
 */
export function followUpClaim(
  store: Store,
  workItemId: number,
  kind: 'replacement' | 'void',
  fix: ClaimCorrection | undefined,
  actor: string,
  now: number,
): FollowUpClaim {
  return store.tx(() => {
    const w = store
      .stmt(
        "SELECT entity_id, status FROM work_items WHERE id = ? AND kind = 'denial' AND entity_type = 'claim'",
      )
      .get(workItemId) as { entity_id: number; status: string } | undefined;
    if (!w) throw permanent('DENIAL_NOT_FOUND', 'no such denial work item');
    const c = store
      .stmt(
        'SELECT id, encounter_id, patient_id, kind, status, payer_id, payer_claim_number, document FROM claims WHERE id = ?',
      )
      .get(w.entity_id) as
      | {
          id: number;
          encounter_id: number;
          patient_id: number;
          kind: string;
          status: string;
          payer_id: string;
          payer_claim_number: string | null;
          document: string;
        }
      | undefined;
    if (!c) throw permanent('DENIAL_NOT_FOUND', 'the denied claim no longer exists');
    if (!AT_PAYER.includes(c.status))
      throw permanent(
        'DENIAL_CONFLICT',
        `the claim is ${c.status}; only an accepted, paid or denied claim can be ${kind === 'void' ? 'voided' : 'replaced'}`,
      );
    if (!c.payer_claim_number)
      throw permanent('DENIAL_CONFLICT', 'the payer has not given a claim number yet (REF*F8 needs it)');
    const original = JSON.parse(c.document) as Claim;
    const made =
      kind === 'void'
        ? voidFor(original, c.payer_claim_number)
        : replacementFor(original, applyCorrection(original, fix), c.payer_claim_number);
    const pcn = `CB${String(nextCounter(store, 'pcn')).padStart(9, '0')}`;
    const claim: Claim = { ...made, patientControlNumber: pcn };
    const claimId = Number(
      store
        .stmt(
          `INSERT INTO claims (pcn, encounter_id, patient_id, kind, status, frequency, original_claim_id, payer_id,
             total_charge_cents, document, draft_at, ready_at, updated_at)
           VALUES (?,?,?,?,'ready',?,?,?,?,?,?,?,?)`,
        )
        .run(
          pcn,
          c.encounter_id,
          c.patient_id,
          c.kind,
          claim.frequency,
          c.id,
          c.payer_id,
          claim.totalChargeCents,
          JSON.stringify(claim),
          now,
          now,
          now,
        ).lastInsertRowid,
    );
    const insertLine = store.stmt(
      'INSERT INTO claim_lines (claim_id, line_number, code, modifiers, units, charge_cents, date_of_service) VALUES (?,?,?,?,?,?,?)',
    );
    for (const l of claim.lines)
      insertLine.run(
        claimId,
        l.lineNumber,
        l.code,
        l.modifiers.join(':'),
        l.units,
        l.chargeCents,
        l.dateOfService,
      );
    const closedAs = kind === 'void' ? 'void' : 'replaced';
    store
      .stmt('UPDATE claims SET status = ?, closed_at = ?, updated_at = ? WHERE id = ?')
      .run(closedAs, now, now, c.id);
    // Every open denial on the claim is answered by the follow-up claim, not just the one acted on.
    store
      .stmt(
        "UPDATE work_items SET status = 'done', updated_at = ? WHERE kind = 'denial' AND entity_type = 'claim' AND entity_id = ? AND status != 'done'",
      )
      .run(now, c.id);
    const audit: AuditInput[] = [
      {
        event: 'CLAIM_CREATED',
        actor,
        entityType: 'claim',
        entityId: String(claimId),
        detail: { frequency: claim.frequency, originalClaimId: c.id, workItemId, lines: claim.lines.length },
      },
      {
        event: 'RECORD_CHANGED',
        actor,
        entityType: 'claim',
        entityId: String(c.id),
        detail: { field: 'status', from: c.status, to: closedAs, by: claimId },
      },
      {
        event: 'RECORD_CHANGED',
        actor,
        entityType: 'work_item',
        entityId: String(workItemId),
        detail: { status: { from: w.status, to: 'done' }, resolvedWith: claim.frequency },
      },
    ];
    appendAudit(store, audit, now);
    return {
      workItemId,
      originalClaimId: c.id,
      claimId,
      pcn,
      frequency: made.frequency as '7' | '8',
      status: 'ready',
    };
  });
}
