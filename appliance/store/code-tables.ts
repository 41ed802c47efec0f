// Data access for code_tables: versioned, effective-dated rows per table. A put writes the whole
// table as a new version (old versions stay for history and what-if replay) and its audit entry in
// the same transaction (CODE_TABLE_CHANGED).
import { and, asc, desc, eq, gte, isNull, lte, sql } from 'drizzle-orm';
import { appendAudit } from '../audit/log.js';
import {
  buildCodingTables,
  normalizeRow,
  TABLE_NAMES,
  type CodingTables,
  type TableName,
  type TableRow,
} from '../coding/tables.js';
import { findOverlaps } from '../coding/tables-io.js';
import { readTableSetDir, tableSetDir } from '../coding/table-files.js';
import type { Diagnostic, EncounterInput, CodedEncounter } from '../domain/types.js';
import { permanent } from '../domain/errors.js';
import { systemClock, type Clock } from '../ports.js';
import type { Store } from './open.js';
import { codeTables, encounters } from './schema.js';

export interface TableSummary {
  table: TableName;
  version: number;
  rows: number;
  updatedAt: number | null;
  updatedBy: string | null;
}

export interface PutResult {
  table: TableName;
  version: number;
  previousVersion: number;
  added: number;
  removed: number;
  changed: number;
}

export interface ChangeOptions {
  /** 'user:<name>' or 'service:<stage>' (audit actor). */
  actor: string;
  now?: number;
  /** Where the change came from: 'api', 'import:<file>', 'seed:<set>'. */
  source?: string;
}

function latestVersion(store: Store, table: TableName): number {
  const r = store.db
    .select({ v: sql<number | null>`max(${codeTables.version})` })
    .from(codeTables)
    .where(eq(codeTables.tableName, table))
    .get();
  return r?.v ?? 0;
}

/** Rows of one table at a version (default: the current one). */
export function getTableRows(store: Store, table: TableName, version?: number): TableRow[] {
  const v = version ?? latestVersion(store, table);
  if (v === 0) return [];
  return store.db
    .select()
    .from(codeTables)
    .where(and(eq(codeTables.tableName, table), eq(codeTables.version, v)))
    .orderBy(asc(codeTables.key), asc(codeTables.effectiveFrom))
    .all()
    .map((r) => ({
      table,
      key: r.key,
      effectiveFrom: r.effectiveFrom,
      effectiveTo: r.effectiveTo,
      value: r.value as TableRow['value'],
    }));
}

/** The current version of every table. */
export function currentRows(store: Store): TableRow[] {
  return TABLE_NAMES.flatMap((t) => getTableRows(store, t));
}

export function listTables(store: Store): TableSummary[] {
  return TABLE_NAMES.map((table) => {
    const version = latestVersion(store, table);
    const head = store.db
      .select({
        n: sql<number>`count(*)`,
        at: sql<number | null>`max(${codeTables.createdAt})`,
        by: sql<string | null>`max(${codeTables.createdBy})`,
      })
      .from(codeTables)
      .where(and(eq(codeTables.tableName, table), eq(codeTables.version, version)))
      .get();
    return { table, version, rows: head?.n ?? 0, updatedAt: head?.at ?? null, updatedBy: head?.by ?? null };
  });
}

/** Version history of one table: version, row count, when, who. */
export function tableHistory(
  store: Store,
  table: TableName,
): { version: number; rows: number; createdAt: number; createdBy: string }[] {
  return store.db
    .select({
      version: codeTables.version,
      rows: sql<number>`count(*)`,
      createdAt: sql<number>`max(${codeTables.createdAt})`,
      createdBy: sql<string>`max(${codeTables.createdBy})`,
    })
    .from(codeTables)
    .where(eq(codeTables.tableName, table))
    .groupBy(codeTables.version)
    .orderBy(desc(codeTables.version))
    .all();
}

/** Validate rows for a table: each row against its spec, then overlapping effective periods. */
export function validateRows(
  table: TableName,
  rows: readonly TableRow[],
): { rows: TableRow[]; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const out: TableRow[] = [];
  rows.forEach((r, i) => {
    const { row, problems } = normalizeRow({ ...r, table });
    for (const p of problems)
      diagnostics.push({
        code: 'TABLE_BAD_ROW',
        message: `${table}[${i}] (${row.key || 'no key'}): ${p}`,
        severity: 'error',
        field: `${table}[${i}]`,
      });
    out.push(row);
  });
  diagnostics.push(...findOverlaps(out));
  return { rows: out, diagnostics };
}

const rowId = (r: TableRow) => `${r.key}\u0000${r.effectiveFrom}`;

function putInTx(
  store: Store,
  table: TableName,
  rows: TableRow[],
  opts: ChangeOptions,
  now: number,
): PutResult {
  const previousVersion = latestVersion(store, table);
  const before = new Map(getTableRows(store, table, previousVersion).map((r) => [rowId(r), r]));
  const version = previousVersion + 1;
  let added = 0;
  let changed = 0;
  for (const r of rows) {
    const old = before.get(rowId(r));
    if (!old) added++;
    else if (JSON.stringify([old.effectiveTo, old.value]) !== JSON.stringify([r.effectiveTo, r.value]))
      changed++;
    before.delete(rowId(r));
  }
  const removed = before.size;
  for (const r of rows)
    store.db
      .insert(codeTables)
      .values({
        tableName: table,
        key: r.key,
        value: r.value,
        effectiveFrom: r.effectiveFrom,
        effectiveTo: r.effectiveTo,
        version,
        createdAt: now,
        createdBy: opts.actor,
      })
      .run();
  const result: PutResult = { table, version, previousVersion, added, removed, changed };
  appendAudit(
    store,
    [
      {
        event: 'CODE_TABLE_CHANGED',
        actor: opts.actor,
        entityType: 'code_table',
        entityId: table,
        detail: { ...result, rows: rows.length, source: opts.source ?? 'api' },
      },
    ],
    now,
  );
  return result;
}

/**
 * Replace a table with `rows` as a new version, audited. Throws a permanent TABLE_INVALID error
 * (detail.diagnostics lists every problem) and writes nothing when any row is invalid.
 */
export function putTable(
  store: Store,
  table: TableName,
  rows: readonly TableRow[],
  opts: ChangeOptions,
): PutResult {
  const v = validateRows(table, rows);
  if (v.diagnostics.length > 0)
    throw permanent(
      'TABLE_INVALID',
      `${table}: ${v.diagnostics.length} problem(s): ${v.diagnostics[0]!.message}`,
      {
        diagnostics: v.diagnostics,
      },
    );
  const now = opts.now ?? systemClock.now();
  return store.tx(() => putInTx(store, table, v.rows, opts, now));
}

/** Import many tables at once (a set or a file): each table named in `rows` gets a new version; one transaction. */
export function importTables(store: Store, rows: readonly TableRow[], opts: ChangeOptions): PutResult[] {
  const byTable = new Map<TableName, TableRow[]>();
  for (const r of rows) {
    const l = byTable.get(r.table);
    if (l) l.push(r);
    else byTable.set(r.table, [r]);
  }
  const validated: [TableName, TableRow[]][] = [];
  const problems: Diagnostic[] = [];
  for (const [t, list] of byTable) {
    const v = validateRows(t, list);
    problems.push(...v.diagnostics);
    validated.push([t, v.rows]);
  }
  if (problems.length > 0)
    throw permanent('TABLE_INVALID', `${problems.length} problem(s): ${problems[0]!.message}`, {
      diagnostics: problems,
    });
  const now = opts.now ?? systemClock.now();
  return store.tx(() => validated.map(([t, list]) => putInTx(store, t, list, opts, now)));
}

/** Build the engine's in-memory tables from the current versions. */
export function loadCodingTables(store: Store): CodingTables {
  const rows = currentRows(store);
  const label = listTables(store)
    .filter((s) => s.version > 0)
    .map((s) => `${s.table}@${s.version}`)
    .join(',');
  return buildCodingTables(rows, label || 'empty');
}

/** Cheap change detector: any put adds rows with a higher id. */
export function tablesFingerprint(store: Store): string {
  const r = store.sqlite.prepare('SELECT max(id) AS m, count(*) AS n FROM code_tables').get() as {
    m: number | null;
    n: number;
  };
  return `${r.m ?? 0}:${r.n}`;
}

export interface TablesCache {
  /** The current tables; re-read from the database only when they changed. */
  get(): CodingTables;
  invalidate(): void;
}

/**
 * Tables loaded once and refreshed on change (issue 8 "Speed"): `get()` looks at the fingerprint at
 * most every `checkEveryMs`, so a CLI or API change made by another process shows up promptly
 * without a query per encounter.
 */
export function createTablesCache(
  store: Store,
  opts: { clock?: Clock; checkEveryMs?: number } = {},
): TablesCache {
  const clock = opts.clock ?? systemClock;
  const every = opts.checkEveryMs ?? 1000;
  let tables: CodingTables | undefined;
  let fp = '';
  let checkedAt = -Infinity;
  return {
    get() {
      const now = clock.now();
      if (!tables || now - checkedAt >= every) {
        checkedAt = now;
        const f = tablesFingerprint(store);
        if (!tables || f !== fp) {
          tables = loadCodingTables(store);
          fp = f;
        }
      }
      return tables;
    },
    invalidate() {
      tables = undefined;
    },
  };
}

/**
 * Load a sample set (ops/tables/<setName>, or a folder path) into a database with no code tables.
 * Does nothing when any table already has rows (a practice's edits are never overwritten).
 */
export function seedTables(
  store: Store,
  setName: string,
  opts: Partial<ChangeOptions> = {},
): { seeded: boolean; rows: number } {
  if (setName === 'none') return { seeded: false, rows: 0 };
  const existing = store.sqlite.prepare('SELECT count(*) AS n FROM code_tables').get() as { n: number };
  if (existing.n > 0) return { seeded: false, rows: 0 };
  const parsed = readTableSetDir(tableSetDir(setName));
  const errors = parsed.diagnostics.filter((d) => d.severity === 'error');
  if (!parsed.value || errors.length > 0)
    throw permanent('TABLE_SET_INVALID', `table set ${setName}: ${errors[0]?.message ?? 'unreadable'}`, {
      diagnostics: errors,
    });
  importTables(store, parsed.value, {
    actor: opts.actor ?? 'service:seed',
    now: opts.now,
    source: `seed:${setName}`,
  });
  return { seeded: true, rows: parsed.value.length };
}

export interface StoredEncounter {
  id: number;
  dateOfService: string;
  status: string;
  input: EncounterInput;
  coded: CodedEncounter | null;
}

/** Current (not superseded) encounters with a date of service in [from, to] (inclusive), for replay/compare. */
export function listEncountersForCoding(
  store: Store,
  range: { from: string; to: string },
): StoredEncounter[] {
  return store.db
    .select({
      id: encounters.id,
      dateOfService: encounters.dateOfService,
      status: encounters.status,
      input: encounters.input,
      coded: encounters.coded,
    })
    .from(encounters)
    .where(
      and(
        gte(encounters.dateOfService, range.from),
        lte(encounters.dateOfService, range.to),
        isNull(encounters.supersededBy),
      ),
    )
    .orderBy(asc(encounters.dateOfService), asc(encounters.id))
    .all()
    .map((r) => ({
      ...r,
      input: r.input as EncounterInput,
      coded: (r.coded as CodedEncounter | null) ?? null,
    }));
}
