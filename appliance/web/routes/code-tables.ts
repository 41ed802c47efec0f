// /api/code-tables: list, read, replace (new version), import and export the coding tables, and a
// what-if replay of a candidate set. JSON API; the admin page builds on it. Every change is audited
// by the repository (CODE_TABLE_CHANGED) in the same transaction as the change.
import { Hono, type Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { replayTables } from '../../coding/replay.js';
import {
  TABLE_SPECS,
  buildCodingTables,
  isTableName,
  type TableName,
  type TableRow,
} from '../../coding/tables.js';
import {
  formatTableCsv,
  formatTableSetJson,
  parseTableCsv,
  parseTableSetJson,
} from '../../coding/tables-io.js';
import { ClaimboxError } from '../../domain/errors.js';
import type { Diagnostic } from '../../domain/types.js';
import type { Clock } from '../../ports.js';
import {
  currentRows,
  getTableRows,
  importTables,
  listTables,
  putTable,
  tableHistory,
  type PutResult,
} from '../../store/code-tables.js';
import type { Store } from '../../store/open.js';

export interface CodeTablesDeps {
  store: Store;
  clock?: Clock;
  /** Audit actor for a request, e.g. 'user:alice' (from the auth guard). */
  actorOf?: (c: Context) => string;
  /** Called after a change commits (e.g. to refresh the engine's cached tables at once). */
  onChange?: (results: PutResult[]) => void;
}

function tableParam(c: Context): TableName {
  const t = c.req.param('table') ?? '';
  if (!isTableName(t)) throw new HTTPException(404, { message: `no table named ${t}` });
  return t;
}

const invalid = (c: Context, message: string, diagnostics: Diagnostic[]) =>
  c.json({ error: message, diagnostics }, 400);

export function createCodeTablesApp(deps: CodeTablesDeps): Hono {
  const app = new Hono();
  const { store } = deps;
  const actor = (c: Context) => deps.actorOf?.(c) ?? 'user:api';
  const now = () => (deps.clock ?? { now: () => Date.now() }).now();

  const change = (c: Context, fn: () => PutResult[]) => {
    try {
      const results = fn();
      deps.onChange?.(results);
      return c.json({ results });
    } catch (err) {
      if (err instanceof ClaimboxError && err.code === 'TABLE_INVALID')
        return invalid(c, err.message, (err.detail?.diagnostics ?? []) as Diagnostic[]);
      throw err;
    }
  };

  app.get('/', (c) =>
    c.json({
      tables: listTables(store),
      specs: Object.fromEntries(
        Object.entries(TABLE_SPECS).map(([k, s]) => [k, { describe: s.describe, fields: s.fields }]),
      ),
    }),
  );

  app.get('/export', (c) => {
    const format = c.req.query('format') ?? 'json';
    const table = c.req.query('table');
    if (format === 'csv') {
      if (!table || !isTableName(table))
        throw new HTTPException(400, { message: 'CSV export needs ?table=NAME' });
      return c.body(formatTableCsv(table, getTableRows(store, table)), 200, {
        'content-type': 'text/csv; charset=utf-8',
        'content-disposition': `attachment; filename="${table}.csv"`,
      });
    }
    if (format !== 'json') throw new HTTPException(400, { message: 'format is json or csv' });
    const rows = table && isTableName(table) ? getTableRows(store, table) : currentRows(store);
    return c.body(formatTableSetJson(rows), 200, { 'content-type': 'application/json' });
  });

  // Body: a JSON table set ({"tables": {...}}), or CSV for one table with ?table=NAME.
  app.post('/import', async (c) => {
    const text = await c.req.text();
    const table = c.req.query('table');
    const isCsv = (c.req.header('content-type') ?? '').includes('csv') || c.req.query('format') === 'csv';
    let parsed: { value: TableRow[] | undefined; diagnostics: Diagnostic[] };
    if (isCsv) {
      if (!table || !isTableName(table))
        throw new HTTPException(400, { message: 'CSV import needs ?table=NAME' });
      parsed = parseTableCsv(table, text);
    } else parsed = parseTableSetJson(text);
    const errors = parsed.diagnostics.filter((d) => d.severity === 'error');
    if (!parsed.value || errors.length > 0)
      return invalid(c, 'the file has problems; nothing was imported', errors);
    const rows = parsed.value;
    return change(c, () =>
      importTables(store, rows, {
        actor: actor(c),
        now: now(),
        source: `import:${isCsv ? `${table}.csv` : 'json'}`,
      }),
    );
  });

  // Body: { "from": "YYYY-MM-DD", "to": "YYYY-MM-DD", "tables": { ...candidate rows by table } }.
  // Tables not in the body keep their live rows. Reads only.
  app.post('/replay', async (c) => {
    const body = (await c.req.json().catch(() => null)) as {
      from?: unknown;
      to?: unknown;
      tables?: unknown;
    } | null;
    const from = typeof body?.from === 'string' ? body.from : '';
    const to = typeof body?.to === 'string' ? body.to : '';
    if (!/^\d{4}-\d{2}-\d{2}$/.test(from) || !/^\d{4}-\d{2}-\d{2}$/.test(to))
      throw new HTTPException(400, { message: 'from and to are YYYY-MM-DD' });
    const parsed = parseTableSetJson(JSON.stringify({ tables: body?.tables ?? {} }));
    if (!parsed.value || parsed.diagnostics.length > 0)
      return invalid(c, 'candidate tables have problems', parsed.diagnostics);
    const replaced = new Set(parsed.value.map((r) => r.table));
    const candidate = buildCodingTables(
      [...currentRows(store).filter((r) => !replaced.has(r.table)), ...parsed.value],
      'candidate',
    );
    const r = replayTables(store, candidate, { from, to });
    return c.json({
      examined: r.examined,
      changed: r.changed.map((x) => ({
        encounterId: x.encounterId,
        dateOfService: x.dateOfService,
        differences: x.differences,
        before: x.before,
        after: x.after,
      })),
    });
  });

  app.get('/:table', (c) => {
    const table = tableParam(c);
    const v = c.req.query('version');
    const version = v === undefined ? undefined : Number(v);
    if (version !== undefined && (!Number.isInteger(version) || version < 1))
      throw new HTTPException(400, { message: 'version must be a positive integer' });
    const rows = getTableRows(store, table, version);
    const current = listTables(store).find((s) => s.table === table)!;
    return c.json({ table, version: version ?? current.version, currentVersion: current.version, rows });
  });

  app.get('/:table/history', (c) =>
    c.json({ table: tableParam(c), versions: tableHistory(store, tableParam(c)) }),
  );

  // Body: { "rows": [ { key?, effectiveFrom?, effectiveTo?, value } ] } — the whole table, as a new version.
  app.put('/:table', async (c) => {
    const table = tableParam(c);
    const body = (await c.req.json().catch(() => null)) as { rows?: unknown } | null;
    if (!body || !Array.isArray(body.rows))
      throw new HTTPException(400, { message: 'body must be { "rows": [...] }' });
    const rows = (
      body.rows as { key?: unknown; effectiveFrom?: unknown; effectiveTo?: unknown; value?: unknown }[]
    ).map((r): TableRow => ({
      table,
      key: typeof r.key === 'string' ? r.key : '',
      effectiveFrom: typeof r.effectiveFrom === 'string' ? r.effectiveFrom : '0000-01-01',
      effectiveTo: typeof r.effectiveTo === 'string' && r.effectiveTo !== '' ? r.effectiveTo : null,
      value: typeof r.value === 'object' && r.value !== null ? (r.value as TableRow['value']) : {},
    }));
    return change(c, () => [putTable(store, table, rows, { actor: actor(c), now: now(), source: 'api' })]);
  });

  return app;
}
