// Table files: CSV (one table per file, a biller can edit it in a spreadsheet) and JSON (one table
// or a whole set). Pure text in, rows out; bad input is data ({ value, diagnostics } with the line).
import type { Diagnostic, Parsed } from '../domain/types.js';
import {
  TABLE_SPECS,
  isTableName,
  normalizeRow,
  type RowValue,
  type TableName,
  type TableRow,
} from './tables.js';

/** RFC 4180 CSV: quoted fields, doubled quotes, CR/LF/CRLF, BOM. Returns rows with their line numbers. */
export function parseCsv(text: string): { line: number; cells: string[] }[] {
  const out: { line: number; cells: string[] }[] = [];
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  let line = 1;
  let rowLine = 1;
  let cells: string[] = [];
  let cell = '';
  let quoted = false;
  const endRow = () => {
    cells.push(cell);
    if (!(cells.length === 1 && cells[0] === '')) out.push({ line: rowLine, cells });
    cells = [];
    cell = '';
  };
  for (; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          cell += '"';
          i++;
        } else quoted = false;
      } else {
        if (ch === '\n') line++;
        cell += ch;
      }
      continue;
    }
    if (ch === '"') quoted = true;
    else if (ch === ',') {
      cells.push(cell);
      cell = '';
    } else if (ch === '\r' || ch === '\n') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      endRow();
      line++;
      rowLine = line;
    } else cell += ch;
  }
  if (cell !== '' || cells.length > 0) endRow();
  return out;
}

function csvCell(v: string): string {
  return /[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

const BASE_COLUMNS = ['key', 'effective_from', 'effective_to'] as const;

/** Parse one table's CSV. Header names the columns: key, effective_from, effective_to, then fields. */
export function parseTableCsv(table: TableName, text: string): Parsed<TableRow[]> {
  const diagnostics: Diagnostic[] = [];
  const rows = parseCsv(text);
  const header = rows.shift();
  if (!header) return { value: [], diagnostics };
  const cols = header.cells.map((c) => c.trim());
  const spec = TABLE_SPECS[table];
  for (const c of cols)
    if (!(BASE_COLUMNS as readonly string[]).includes(c) && !spec.fields.some((f) => f.name === c))
      diagnostics.push({
        code: 'TABLE_UNKNOWN_COLUMN',
        message: `unknown column ${c}`,
        severity: 'error',
        position: header.line,
      });
  const out: TableRow[] = [];
  for (const r of rows) {
    const get = (name: string) => {
      const idx = cols.indexOf(name);
      return idx >= 0 ? (r.cells[idx] ?? '').trim() : '';
    };
    const value: RowValue = {};
    for (const f of spec.fields) {
      const raw = get(f.name);
      if (raw !== '') value[f.name] = raw;
    }
    const { row, problems } = normalizeRow({
      table,
      key: get('key'),
      effectiveFrom: get('effective_from') || '0000-01-01',
      effectiveTo: get('effective_to') || null,
      value,
    });
    for (const p of problems)
      diagnostics.push({
        code: 'TABLE_BAD_ROW',
        message: `${table} line ${r.line}: ${p}`,
        severity: 'error',
        position: r.line,
      });
    if (problems.length === 0) out.push(row);
  }
  return { value: out, diagnostics };
}

export function formatTableCsv(table: TableName, rows: readonly TableRow[]): string {
  const spec = TABLE_SPECS[table];
  const header = [...BASE_COLUMNS, ...spec.fields.map((f) => f.name)];
  const lines = [header.join(',')];
  for (const r of rows) {
    if (r.table !== table) continue;
    const cells = [r.key, r.effectiveFrom, r.effectiveTo ?? ''];
    for (const f of spec.fields) {
      const v = r.value[f.name];
      cells.push(v === undefined ? '' : Array.isArray(v) ? v.join(':') : String(v));
    }
    lines.push(cells.map(csvCell).join(','));
  }
  return lines.join('\n') + '\n';
}

/** JSON shape of a table set: { "tables": { "proc_map": [ { key, effectiveFrom, effectiveTo, value } ] } }. */
export interface TableSetJson {
  tables: Partial<
    Record<
      TableName,
      { key?: string; effectiveFrom?: string; effectiveTo?: string | null; value: RowValue }[]
    >
  >;
}

export function parseTableSetJson(text: string): Parsed<TableRow[]> {
  const diagnostics: Diagnostic[] = [];
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    return {
      value: undefined,
      diagnostics: [
        {
          code: 'TABLE_BAD_JSON',
          message: err instanceof Error ? err.message : String(err),
          severity: 'error',
        },
      ],
    };
  }
  const tables = (doc as { tables?: unknown } | null)?.tables;
  if (typeof tables !== 'object' || tables === null || Array.isArray(tables))
    return {
      value: undefined,
      diagnostics: [{ code: 'TABLE_BAD_JSON', message: 'expected { "tables": { ... } }', severity: 'error' }],
    };
  const out: TableRow[] = [];
  for (const [name, list] of Object.entries(tables as Record<string, unknown>)) {
    if (!isTableName(name)) {
      diagnostics.push({
        code: 'TABLE_UNKNOWN',
        message: `unknown table ${name}`,
        severity: 'error',
        field: `tables.${name}`,
      });
      continue;
    }
    if (!Array.isArray(list)) {
      diagnostics.push({
        code: 'TABLE_BAD_JSON',
        message: `tables.${name} must be an array`,
        severity: 'error',
        field: `tables.${name}`,
      });
      continue;
    }
    list.forEach((item: unknown, i) => {
      const it = (item ?? {}) as {
        key?: unknown;
        effectiveFrom?: unknown;
        effectiveTo?: unknown;
        value?: unknown;
      };
      const value = typeof it.value === 'object' && it.value !== null ? (it.value as RowValue) : {};
      const { row, problems } = normalizeRow({
        table: name,
        key: typeof it.key === 'string' ? it.key : '',
        effectiveFrom: typeof it.effectiveFrom === 'string' ? it.effectiveFrom : '0000-01-01',
        effectiveTo: typeof it.effectiveTo === 'string' && it.effectiveTo !== '' ? it.effectiveTo : null,
        value,
      });
      for (const p of problems)
        diagnostics.push({
          code: 'TABLE_BAD_ROW',
          message: `${name}[${i}]: ${p}`,
          severity: 'error',
          field: `tables.${name}[${i}]`,
        });
      if (problems.length === 0) out.push(row);
    });
  }
  return { value: out, diagnostics };
}

export function formatTableSetJson(rows: readonly TableRow[]): string {
  const tables: TableSetJson['tables'] = {};
  for (const r of rows) {
    (tables[r.table] ??= []).push({
      key: r.key,
      effectiveFrom: r.effectiveFrom,
      effectiveTo: r.effectiveTo,
      value: r.value,
    });
  }
  return JSON.stringify({ tables }, null, 2) + '\n';
}

/** Two rows in one table with the same key and overlapping effective periods contradict each other. */
export function findOverlaps(rows: readonly TableRow[]): Diagnostic[] {
  const byKey = new Map<string, TableRow[]>();
  for (const r of rows) {
    const k = `${r.table}\u0000${r.key}`;
    const l = byKey.get(k);
    if (l) l.push(r);
    else byKey.set(k, [r]);
  }
  const out: Diagnostic[] = [];
  for (const list of byKey.values()) {
    const sorted = [...list].sort((a, b) => a.effectiveFrom.localeCompare(b.effectiveFrom));
    for (let i = 1; i < sorted.length; i++) {
      const prev = sorted[i - 1]!;
      const cur = sorted[i]!;
      if (prev.effectiveTo === null || prev.effectiveTo > cur.effectiveFrom)
        out.push({
          code: 'TABLE_OVERLAP',
          message: `${cur.table} key ${cur.key}: rows from ${prev.effectiveFrom} and ${cur.effectiveFrom} overlap`,
          severity: 'error',
          field: `${cur.table}.${cur.key}`,
        });
    }
  }
  return out;
}
