// Read and write a table set folder (ops/tables/<set>/): one <table>.csv or <table>.json per table,
// or a single tables.json holding the whole set.
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Diagnostic, Parsed } from '../domain/types.js';
import { TABLE_NAMES, isTableName, type TableRow } from './tables.js';
import { findOverlaps, formatTableCsv, parseTableCsv, parseTableSetJson } from './tables-io.js';

/** Where the shipped sample sets live. */
export const SAMPLE_TABLES_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../../ops/tables');

/** A set name (family-medicine) resolves under ops/tables; anything with a slash is a folder path. */
export function tableSetDir(setOrDir: string): string {
  return /[\\/]/.test(setOrDir) || setOrDir.startsWith('.')
    ? resolve(setOrDir)
    : join(SAMPLE_TABLES_DIR, setOrDir);
}

/** Parse one table file (CSV needs its table from the file name; JSON may be a whole set). */
export function parseTableFile(fileName: string, text: string): Parsed<TableRow[]> {
  const base = fileName.replace(/^.*[\\/]/, '');
  const m = /^(.+)\.(csv|json)$/i.exec(base);
  if (!m)
    return {
      value: undefined,
      diagnostics: [
        { code: 'TABLE_FILE_NAME', message: `${base}: expected <table>.csv or .json`, severity: 'error' },
      ],
    };
  const [, name, ext] = m;
  if (ext!.toLowerCase() === 'json') {
    const doc = text.trimStart().startsWith('[') ? `{"tables":{"${name}":${text}}}` : text;
    return parseTableSetJson(doc);
  }
  if (!isTableName(name!))
    return {
      value: undefined,
      diagnostics: [{ code: 'TABLE_UNKNOWN', message: `${base}: no table named ${name}`, severity: 'error' }],
    };
  return parseTableCsv(name, text);
}

export function readTableSetDir(dir: string): Parsed<TableRow[]> {
  if (!existsSync(dir))
    return {
      value: undefined,
      diagnostics: [{ code: 'TABLE_SET_MISSING', message: `no table set at ${dir}`, severity: 'error' }],
    };
  const rows: TableRow[] = [];
  const diagnostics: Diagnostic[] = [];
  for (const f of readdirSync(dir).sort()) {
    if (!/\.(csv|json)$/i.test(f)) continue;
    const r = parseTableFile(f, readFileSync(join(dir, f), 'utf8'));
    diagnostics.push(...r.diagnostics.map((d) => ({ ...d, message: `${f}: ${d.message}` })));
    if (r.value) rows.push(...r.value);
  }
  diagnostics.push(...findOverlaps(rows));
  return { value: rows, diagnostics };
}

export function writeTableSetDir(dir: string, rows: readonly TableRow[]): string[] {
  mkdirSync(dir, { recursive: true });
  const written: string[] = [];
  for (const t of TABLE_NAMES) {
    if (!rows.some((r) => r.table === t)) continue;
    const file = join(dir, `${t}.csv`);
    writeFileSync(file, formatTableCsv(t, rows));
    written.push(file);
  }
  return written;
}
