// /api/exports: files for practices that bill from another system. GET /charges.csv?from=&to=
// (dates of service, inclusive, YYYY-MM-DD) is the billing export of charge items; each download
// is an EXPORT audit entry (who, which range, how many rows).
import { Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { chargeItemsCsv } from '../../pipeline/billing-export.js';
import type { Clock } from '../../ports.js';
import type { Store } from '../../store/open.js';
import { chargeExportRows } from '../../store/ar.js';
import { actorOf, jsonErrors } from './common.js';

export interface ExportRoutesDeps {
  store: Store;
  clock: Clock;
}

/** A real calendar date: Date rolls 2026-02-30 over to March and rejects day 32, so compare round trips. */
function validDate(s: string | undefined): s is string {
  if (s === undefined || !/^\d{4}-\d{2}-\d{2}$/.test(s)) return false;
  const t = Date.parse(`${s}T00:00:00Z`);
  return Number.isFinite(t) && new Date(t).toISOString().startsWith(s);
}

export function createExportRoutes(deps: ExportRoutesDeps): Hono {
  const app = new Hono();
  app.onError(jsonErrors);
  const { store, clock } = deps;

  app.get('/charges.csv', (c) => {
    const from = c.req.query('from');
    const to = c.req.query('to');
    if (!validDate(from) || !validDate(to))
      throw new HTTPException(422, { message: 'from and to are dates of service, YYYY-MM-DD' });
    if (from > to) throw new HTTPException(422, { message: 'from is after to' });
    const csv = chargeItemsCsv(chargeExportRows(store, { from, to }, actorOf(c), clock.now()));
    return c.body(csv, 200, {
      'content-type': 'text/csv; charset=utf-8',
      'content-disposition': `attachment; filename="charges-${from}-to-${to}.csv"`,
      'cache-control': 'no-store',
    });
  });

  return app;
}
