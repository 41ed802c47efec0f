// Claim building: pure grouping of charges into claim lines and claims, and the frequency-code
// variants (2300 CLM05-3: 1 original, 7 replacement, 8 void). The caller assigns patient control
// numbers (CLM01) and stores the result.
import type {
  BillingProvider,
  Claim,
  ClaimFrequency,
  ClaimLine,
  CodedEncounter,
  Coverage,
  EncounterInput,
} from '../domain/types.js';
import { permanent } from '../domain/errors.js';

/** 837P/837D 2400 loop repeat: 50 service lines per claim. */
export const MAX_CLAIM_LINES = 50;
/** 2300 HI capacity: 12 diagnoses on the 837P, 4 on the 837D (HI01-HI04). */
export const MAX_DIAGNOSES = { medical: 12, dental: 4 } as const;
/** 837P SV107 / 837D SV311: 4 diagnosis pointers per line. */
export const MAX_POINTERS = 4;

// ------------------------------------------------------------------ grouping charge items

/** What grouping needs from a charge item (a charge_items row maps onto it directly). */
export interface ChargeItemLike {
  patientId: number | string;
  dateOfService: string;
  endDate?: string | null;
  code: string;
  modifiers: readonly string[];
  units: number;
  chargeCents: number;
  authorization?: string | null;
  placeOfService: string;
  renderingNpi: string;
  /** Service facility (its NPI or another stable key); empty when at the billing provider. */
  facility?: string | null;
  /** Dental: an 837D line is one tooth (TOO), so these are part of a line's identity. */
  tooth?: string | null;
  surfaces?: string | null;
  area?: string | null;
}

/** One claim line made of one or more charge items (units and charges summed). */
export interface ClaimGroupLine<T> {
  items: T[];
  dateOfService: string;
  endDate?: string;
  code: string;
  modifiers: string[];
  units: number;
  chargeCents: number;
  tooth?: string;
  surfaces?: string;
  area?: string;
}

/** The charge items of one claim: same patient, authorization, rendering provider, POS, facility. */
export interface ClaimGroup<T> {
  patientId: number | string;
  authorization?: string;
  renderingNpi: string;
  placeOfService: string;
  facility?: string;
  /** At most 50; a larger set is split into several groups with the same key. */
  lines: ClaimGroupLine<T>[];
}

const opt = (v: string | null | undefined): string => (v ?? '').trim();

function claimKey(i: ChargeItemLike): string {
  return JSON.stringify([
    String(i.patientId),
    opt(i.authorization),
    i.renderingNpi,
    i.placeOfService,
    opt(i.facility),
  ]);
}

/** Same start and end date, procedure and modifiers (in order: the first is the pricing one), and tooth. */
function lineKey(i: ChargeItemLike): string {
  return JSON.stringify([
    i.dateOfService,
    opt(i.endDate),
    i.code.trim().toUpperCase(),
    i.modifiers.map((m) => m.trim().toUpperCase()),
    opt(i.tooth),
    opt(i.surfaces),
    opt(i.area),
  ]);
}

/**
 * Issue 4 grouping: items with the same patient, start and end date, procedure (+modifiers),
 * authorization, POS and rendering provider become one claim line; lines with the same patient,
 * authorization, rendering provider, POS and facility become one claim of at most `maxLines` lines.
 * Groups and lines keep the order their first item arrived in.
 */
export function groupChargeItems<T extends ChargeItemLike>(
  items: T[],
  maxLines: number = MAX_CLAIM_LINES,
): ClaimGroup<T>[] {
  const claims = new Map<string, { first: T; lines: Map<string, ClaimGroupLine<T>> }>();
  for (const item of items) {
    const ck = claimKey(item);
    let c = claims.get(ck);
    if (!c) claims.set(ck, (c = { first: item, lines: new Map() }));
    const lk = lineKey(item);
    const line = c.lines.get(lk);
    if (line) {
      line.items.push(item);
      line.units += item.units;
      line.chargeCents += item.chargeCents;
      continue;
    }
    const fresh: ClaimGroupLine<T> = {
      items: [item],
      dateOfService: item.dateOfService,
      code: item.code.trim().toUpperCase(),
      modifiers: item.modifiers.map((m) => m.trim().toUpperCase()),
      units: item.units,
      chargeCents: item.chargeCents,
    };
    if (opt(item.endDate)) fresh.endDate = opt(item.endDate);
    if (opt(item.tooth)) fresh.tooth = opt(item.tooth);
    if (opt(item.surfaces)) fresh.surfaces = opt(item.surfaces);
    if (opt(item.area)) fresh.area = opt(item.area);
    c.lines.set(lk, fresh);
  }
  const out: ClaimGroup<T>[] = [];
  for (const { first, lines } of claims.values()) {
    const all = [...lines.values()];
    for (let i = 0; i < all.length; i += maxLines) {
      const g: ClaimGroup<T> = {
        patientId: first.patientId,
        renderingNpi: first.renderingNpi,
        placeOfService: first.placeOfService,
        lines: all.slice(i, i + maxLines),
      };
      if (opt(first.authorization)) g.authorization = opt(first.authorization);
      if (opt(first.facility)) g.facility = opt(first.facility);
      out.push(g);
    }
  }
  return out;
}

// ------------------------------------------------------------------ claims for one encounter

/** The coverage billed first: order 1, else the lowest order present. */
export function primaryCoverage(coverages: readonly Coverage[]): Coverage | undefined {
  return [...coverages].sort((a, b) => a.order - b.order)[0];
}

/** A stand-in so a visit without insurance still yields a claim that scrub can explain. */
const NO_COVERAGE: Coverage = { order: 1, payerId: '', payerName: '', memberId: '', relationship: 'self' };

const normIcd = (code: string): string => code.replace(/\./g, '').trim().toUpperCase();

interface WorkLine {
  line: Omit<ClaimLine, 'lineNumber' | 'diagnosisPointers'>;
  /** Indexes into the encounter's de-duplicated diagnosis list. */
  dx: number[];
}

/**
 * The claim(s) for one coded encounter, billed to the primary coverage. Identical lines merge
 * (same date, code, modifiers, tooth/surfaces/area: units and charges summed, pointers united
 * while they fit in 4). Lines are then packed in order into claims of at most `maxLines` lines and
 * 12 diagnoses (4 on dental); each claim lists the diagnoses it uses in the encounter's order and
 * its pointers are renumbered to that list. Diagnoses no line uses ride on the first claim if they
 * fit. Pointers beyond a line's first 4, and pointers at no diagnosis, are dropped (coding
 * should not produce them; scrub then reports a line with no pointer). patientControlNumber is ''.
 */
export function buildClaims(
  encounter: EncounterInput,
  coded: CodedEncounter,
  billing: BillingProvider,
  opts: { frequency?: ClaimFrequency; originalClaimNumber?: string; maxLines?: number } = {},
): Claim[] {
  const maxLines = Math.max(1, opts.maxLines ?? MAX_CLAIM_LINES);
  const maxDx = MAX_DIAGNOSES[encounter.kind];

  // De-duplicate diagnoses, remembering where each original pointer lands.
  const dxCodes: string[] = [];
  const dxIndexOfPointer = new Map<number, number>();
  for (const [i, d] of coded.diagnoses.entries()) {
    const code = normIcd(d.code);
    let at = dxCodes.indexOf(code);
    if (at < 0) at = dxCodes.push(code) - 1;
    dxIndexOfPointer.set(i + 1, at);
  }

  const work: WorkLine[] = [];
  const byKey = new Map<string, WorkLine[]>();
  for (const l of coded.lines) {
    const dx: number[] = [];
    for (const p of l.diagnosisPointers) {
      const at = dxIndexOfPointer.get(p);
      if (at !== undefined && !dx.includes(at) && dx.length < MAX_POINTERS) dx.push(at);
    }
    const line: WorkLine['line'] = {
      code: l.code.trim().toUpperCase(),
      modifiers: l.modifiers.map((m) => m.trim().toUpperCase()),
      units: l.units,
      chargeCents: l.chargeCents,
      dateOfService: l.dateOfService,
    };
    if (l.tooth) line.tooth = l.tooth;
    if (l.surfaces) line.surfaces = l.surfaces;
    if (l.area) line.area = l.area;
    const key = JSON.stringify([line.dateOfService, line.code, line.modifiers, l.tooth, l.surfaces, l.area]);
    const merged = (byKey.get(key) ?? []).find((w) => new Set([...w.dx, ...dx]).size <= MAX_POINTERS);
    if (merged) {
      merged.line.units += line.units;
      merged.line.chargeCents += line.chargeCents;
      for (const d of dx) if (!merged.dx.includes(d)) merged.dx.push(d);
      continue;
    }
    const w = { line, dx };
    work.push(w);
    byKey.set(key, [...(byKey.get(key) ?? []), w]);
  }

  // Pack lines into claims within the line and diagnosis limits.
  const chunks: { lines: WorkLine[]; dx: Set<number> }[] = [];
  let cur: { lines: WorkLine[]; dx: Set<number> } | undefined;
  for (const w of work) {
    const union = cur ? new Set([...cur.dx, ...w.dx]) : new Set(w.dx);
    if (!cur || cur.lines.length >= maxLines || union.size > maxDx) {
      cur = { lines: [], dx: new Set() };
      chunks.push(cur);
    }
    cur.lines.push(w);
    for (const d of w.dx) cur.dx.add(d);
  }
  if (chunks.length === 0) chunks.push({ lines: [], dx: new Set() });
  const used = new Set(work.flatMap((w) => w.dx));
  const firstChunk = chunks[0]!;
  for (let d = 0; d < dxCodes.length; d++)
    if (!used.has(d) && firstChunk.dx.size < maxDx) firstChunk.dx.add(d);

  const coverage = primaryCoverage(encounter.coverages) ?? NO_COVERAGE;
  return chunks.map((chunk) => {
    const order = [...chunk.dx].sort((a, b) => a - b);
    const pointerOf = new Map(order.map((d, i) => [d, i + 1]));
    const lines: ClaimLine[] = chunk.lines.map((w, i) => ({
      lineNumber: i + 1,
      ...w.line,
      diagnosisPointers: w.dx.map((d) => pointerOf.get(d)!),
    }));
    const claim: Claim = {
      kind: encounter.kind,
      patientControlNumber: '',
      frequency: opts.frequency ?? '1',
      billing,
      rendering: encounter.rendering,
      patient: encounter.patient,
      coverage,
      placeOfService: encounter.placeOfService,
      diagnoses: order.map((d) => dxCodes[d]!),
      lines,
      totalChargeCents: lines.reduce((s, l) => s + l.chargeCents, 0),
    };
    if (opts.originalClaimNumber) claim.originalClaimNumber = opts.originalClaimNumber;
    if (encounter.referring) claim.referring = encounter.referring;
    if (encounter.facility) claim.facility = encounter.facility;
    if (encounter.authorizationNumber) claim.priorAuthorization = encounter.authorizationNumber;
    return claim;
  });
}

// ------------------------------------------------------------------ frequency 7 and 8

/**
 * A replacement claim (CLM05-3 = 7) for a claim the payer already has: the changed claim's
 * content in full (a replacement restates the whole claim, not the difference), with the payer's
 * claim number of the original in REF*F8. The patient and payer must stay the same; a claim to the
 * wrong payer is voided and billed again as an original instead.
 */
export function replacementFor(original: Claim, changed: Claim, payerClaimNumber: string): Claim {
  if (!payerClaimNumber.trim())
    throw permanent('CLAIM_NO_ORIGINAL_NUMBER', 'A replacement needs the payer claim number (REF*F8)');
  if (original.coverage.payerId !== changed.coverage.payerId || original.patient.mrn !== changed.patient.mrn)
    throw permanent(
      'CLAIM_REPLACEMENT_MISMATCH',
      'A replacement must go to the same payer for the same patient: void the claim and bill a new one',
    );
  return {
    ...changed,
    patientControlNumber: '',
    frequency: '7',
    originalClaimNumber: payerClaimNumber.trim(),
  };
}

/**
 * A void (CLM05-3 = 8): the original claim as sent, with REF*F8, so the payer can match and
 * reverse it (payers expect the void to restate the original's lines and charges).
 */
export function voidFor(original: Claim, payerClaimNumber: string): Claim {
  if (!payerClaimNumber.trim())
    throw permanent('CLAIM_NO_ORIGINAL_NUMBER', 'A void needs the payer claim number (REF*F8)');
  return {
    ...original,
    lines: original.lines.map((l) => ({ ...l })),
    patientControlNumber: '',
    frequency: '8',
    originalClaimNumber: payerClaimNumber.trim(),
  };
}
