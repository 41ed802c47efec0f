// Data access for the official code sets (icd10_codes, hcpcs_codes, ncci_ptp, mue_values,
// addon_codes, code_set_imports). Releases: an ICD-10-CM, HCPCS or MUE import is one release with
// an effective date; a release is in force until the next release of the same kind starts.
import { appendAudit } from '../audit/log.js';
import type { Store } from './open.js';
import type { AddonRecord, CodeSetKind, Icd10Record, MueRecord, PtpRecord } from '../codesets/parsers.js';

export interface HcpcsRecord {
  code: string;
  shortDesc: string;
  longDesc: string;
  addDate: string | null;
  termDate: string | null;
}

export interface ImportRecord {
  id: number;
  kind: string;
  fileName: string;
  effectiveFrom: string;
  effectiveTo: string | null;
  rows: number;
  importedAt: number;
}

const CHUNK = 5000;

/** Run inserts in the caller's transaction, reporting progress every CHUNK rows. */
function each<T>(rows: readonly T[], fn: (r: T) => void, onProgress?: (done: number) => void): void {
  for (let i = 0; i < rows.length; i++) {
    fn(rows[i]!);
    if (onProgress && (i + 1) % CHUNK === 0) onProgress(i + 1);
  }
  onProgress?.(rows.length);
}

function recordImport(store: Store, kind: CodeSetKind, o: WriteOptions, rows: number): void {
  const { fileName, effectiveFrom, now } = o;
  store.sqlite
    .prepare('DELETE FROM code_set_imports WHERE kind = ? AND effective_from = ?')
    .run(kind, effectiveFrom);
  store.sqlite
    .prepare(
      'INSERT INTO code_set_imports (kind, file_name, effective_from, effective_to, rows, imported_at) VALUES (?,?,?,?,?,?)',
    )
    .run(kind, fileName, effectiveFrom, null, rows, now);
  // Each release ends where the next one of its kind begins.
  store.sqlite
    .prepare(
      `UPDATE code_set_imports SET effective_to = (SELECT min(b.effective_from) FROM code_set_imports b
         WHERE b.kind = code_set_imports.kind AND b.effective_from > code_set_imports.effective_from) WHERE kind = ?`,
    )
    .run(kind);
  appendAudit(
    store,
    [
      {
        event: 'CODE_TABLE_CHANGED',
        actor: o.actor ?? 'service:codes-import',
        entityType: 'code_set',
        entityId: kind,
        detail: { kind, fileName, effectiveFrom, rows },
      },
    ],
    now,
  );
}

function closeReleases(store: Store, table: 'icd10_codes' | 'mue_values', kind: CodeSetKind): void {
  store.sqlite
    .prepare(
      `UPDATE ${table} SET effective_to = (SELECT min(i.effective_from) FROM code_set_imports i
         WHERE i.kind = ? AND i.effective_from > ${table}.effective_from)`,
    )
    .run(kind);
}

export interface WriteOptions {
  fileName: string;
  effectiveFrom: string;
  now: number;
  actor?: string;
  onProgress?: (done: number) => void;
}

/** Replace the ICD-10-CM release starting at effectiveFrom (one transaction). */
export function writeIcd10Release(store: Store, rows: readonly Icd10Record[], o: WriteOptions): void {
  store.tx(() => {
    store.sqlite.prepare('DELETE FROM icd10_codes WHERE effective_from = ?').run(o.effectiveFrom);
    const ins = store.sqlite.prepare(
      'INSERT OR REPLACE INTO icd10_codes (code, billable, short_desc, long_desc, effective_from, effective_to) VALUES (?,?,?,?,?,NULL)',
    );
    each(
      rows,
      (r) => ins.run(r.code, r.billable ? 1 : 0, r.shortDesc, r.longDesc, o.effectiveFrom),
      o.onProgress,
    );
    recordImport(store, 'icd10', o, rows.length);
    closeReleases(store, 'icd10_codes', 'icd10');
  });
}

export function writeHcpcsRelease(store: Store, rows: readonly HcpcsRecord[], o: WriteOptions): void {
  store.tx(() => {
    store.sqlite.prepare('DELETE FROM hcpcs_codes WHERE effective_from = ?').run(o.effectiveFrom);
    const ins = store.sqlite.prepare(
      'INSERT OR REPLACE INTO hcpcs_codes (code, short_desc, long_desc, add_date, term_date, effective_from) VALUES (?,?,?,?,?,?)',
    );
    each(
      rows,
      (r) => ins.run(r.code, r.shortDesc, r.longDesc, r.addDate, r.termDate, o.effectiveFrom),
      o.onProgress,
    );
    recordImport(store, 'hcpcs', o, rows.length);
  });
}

export function writeMueRelease(store: Store, rows: readonly MueRecord[], o: WriteOptions): void {
  store.tx(() => {
    store.sqlite.prepare('DELETE FROM mue_values WHERE effective_from = ?').run(o.effectiveFrom);
    const ins = store.sqlite.prepare(
      'INSERT OR REPLACE INTO mue_values (code, value, adjudication_indicator, effective_from, effective_to) VALUES (?,?,?,?,NULL)',
    );
    each(rows, (r) => ins.run(r.code, r.value, r.adjudicationIndicator, o.effectiveFrom), o.onProgress);
    recordImport(store, 'mue', o, rows.length);
    closeReleases(store, 'mue_values', 'mue');
  });
}

/** PTP files are cumulative and split by column-1 range: upsert, never delete other files' edits. */
export function writePtpEdits(store: Store, rows: readonly PtpRecord[], o: WriteOptions): void {
  store.tx(() => {
    const ins = store.sqlite.prepare(
      'INSERT OR REPLACE INTO ncci_ptp (column1, column2, effective_date, deletion_date, modifier_indicator) VALUES (?,?,?,?,?)',
    );
    each(
      rows,
      (r) => ins.run(r.column1, r.column2, r.effectiveDate, r.deletionDate, r.modifierIndicator),
      o.onProgress,
    );
    recordImport(store, 'ptp', o, rows.length);
  });
}

/** The AOC file lists every current add-on/primary pair: replace the table. */
export function writeAddons(store: Store, rows: readonly AddonRecord[], o: WriteOptions): void {
  store.tx(() => {
    store.sqlite.prepare('DELETE FROM addon_codes').run();
    const ins = store.sqlite.prepare(
      'INSERT OR REPLACE INTO addon_codes (addon, primary_code, aoc_type) VALUES (?,?,?)',
    );
    each(
      rows.filter((r) => !r.deleted),
      (r) => ins.run(r.addon, r.primary, r.aocType),
      o.onProgress,
    );
    recordImport(store, 'addon', o, rows.length);
  });
}

export function listImports(store: Store): ImportRecord[] {
  return store.sqlite
    .prepare(
      `SELECT id, kind, file_name AS fileName, effective_from AS effectiveFrom, effective_to AS effectiveTo, rows,
              imported_at AS importedAt FROM code_set_imports ORDER BY kind, effective_from`,
    )
    .all() as ImportRecord[];
}

// ------------------------------------------------------------------ readers (loaded once into memory)
export interface Icd10Row {
  code: string;
  billable: number;
  longDesc: string;
  effectiveFrom: string;
  effectiveTo: string | null;
}
export function* iterateIcd10(store: Store): Generator<Icd10Row> {
  yield* store.sqlite
    .prepare(
      'SELECT code, billable, long_desc AS longDesc, effective_from AS effectiveFrom, effective_to AS effectiveTo FROM icd10_codes',
    )
    .iterate() as IterableIterator<Icd10Row>;
}

export interface HcpcsRow {
  code: string;
  shortDesc: string;
  addDate: string | null;
  termDate: string | null;
  effectiveFrom: string;
}
export function* iterateHcpcs(store: Store): Generator<HcpcsRow> {
  yield* store.sqlite
    .prepare(
      'SELECT code, short_desc AS shortDesc, add_date AS addDate, term_date AS termDate, effective_from AS effectiveFrom FROM hcpcs_codes',
    )
    .iterate() as IterableIterator<HcpcsRow>;
}

export interface PtpRow {
  column1: string;
  column2: string;
  effectiveDate: string;
  deletionDate: string | null;
  modifierIndicator: string;
}
export function* iteratePtp(store: Store): Generator<PtpRow> {
  yield* store.sqlite
    .prepare(
      'SELECT column1, column2, effective_date AS effectiveDate, deletion_date AS deletionDate, modifier_indicator AS modifierIndicator FROM ncci_ptp',
    )
    .iterate() as IterableIterator<PtpRow>;
}

export interface MueRow {
  code: string;
  value: number;
  adjudicationIndicator: string;
  effectiveFrom: string;
  effectiveTo: string | null;
}
export function* iterateMue(store: Store): Generator<MueRow> {
  yield* store.sqlite
    .prepare(
      'SELECT code, value, adjudication_indicator AS adjudicationIndicator, effective_from AS effectiveFrom, effective_to AS effectiveTo FROM mue_values',
    )
    .iterate() as IterableIterator<MueRow>;
}

export function* iterateAddons(store: Store): Generator<{ addon: string; primary: string; aocType: string }> {
  yield* store.sqlite
    .prepare('SELECT addon, primary_code AS "primary", aoc_type AS aocType FROM addon_codes')
    .iterate() as IterableIterator<{ addon: string; primary: string; aocType: string }>;
}
