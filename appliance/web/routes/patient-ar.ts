// /api/patient-ar: what patients owe after their insurance paid (835 patient responsibility).
// GET /aging buckets open balances by days since the 835 was posted. GET /inventory is a delta
// sync for the practice's patient-invoicing tool, in the style of Candid Health's patient-AR API:
// `since` (inclusive date-time), `limit` (default 100, at most 1000), an opaque resumable
// `page_token`, 422 for bad filters. GET /invoice-itemization/:claimId explains one claim's bill.
import { Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { Clock } from '../../ports.js';
import type { Store } from '../../store/open.js';
import { invoiceItemization, patientAging, patientInventory, type InventoryKey } from '../../store/ar.js';
import { actorOf, idParam, jsonErrors } from './common.js';

export interface PatientArRoutesDeps {
  store: Store;
  clock: Clock;
}

export const INVENTORY_DEFAULT_LIMIT = 100;
export const INVENTORY_MAX_LIMIT = 1000;

/** ISO 8601 date-time with a zone (Z or ±hh:mm); a bare date means its UTC midnight. */
const DATE_TIME = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2}))?$/;

/** Date.parse rolls 2026-02-30 over to March: a date must survive the round trip. */
const realDate = (d: string): boolean => {
  const t = Date.parse(`${d}T00:00:00Z`);
  return Number.isFinite(t) && new Date(t).toISOString().startsWith(d);
};

/**
 * The page token is the base64url of the last key served ([updated_at ms, claim id]): stable
 * because (updated_at, id) is a total order, resumable because the next page starts strictly after
 * it. Opaque to clients; a token they altered is refused rather than guessed at.
 */
export function encodePageToken(k: InventoryKey): string {
  return Buffer.from(JSON.stringify([k.updatedAt, k.claimId])).toString('base64url');
}

export function decodePageToken(token: string): InventoryKey | undefined {
  if (!/^[A-Za-z0-9_-]{1,200}$/.test(token)) return undefined;
  try {
    const v = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as unknown;
    if (
      Array.isArray(v) &&
      v.length === 2 &&
      Number.isSafeInteger(v[0]) &&
      Number.isSafeInteger(v[1]) &&
      (v[0] as number) >= 0 &&
      (v[1] as number) > 0
    )
      return { updatedAt: v[0] as number, claimId: v[1] as number };
  } catch {
    return undefined;
  }
  return undefined;
}

const invalidFilters = (message: string): never => {
  throw new HTTPException(422, { message });
};

export function createPatientArRoutes(deps: PatientArRoutesDeps): Hono {
  const app = new Hono();
  app.onError(jsonErrors);
  const { store, clock } = deps;

  app.get('/aging', (c) => c.json(patientAging(store, clock.now())));

  app.get('/inventory', (c) => {
    const sinceRaw = c.req.query('since');
    const limitRaw = c.req.query('limit');
    const tokenRaw = c.req.query('page_token');
    let since = 0;
    if (sinceRaw !== undefined) {
      since = DATE_TIME.test(sinceRaw) && realDate(sinceRaw.slice(0, 10)) ? Date.parse(sinceRaw) : NaN;
      if (!Number.isFinite(since))
        invalidFilters('since must be an ISO 8601 date-time, e.g. 2026-11-01T00:00:00Z');
    }
    let limit = INVENTORY_DEFAULT_LIMIT;
    if (limitRaw !== undefined) {
      limit = /^\d+$/.test(limitRaw) ? Number(limitRaw) : NaN;
      if (!(limit >= 1 && limit <= INVENTORY_MAX_LIMIT))
        invalidFilters(`limit must be 1..${INVENTORY_MAX_LIMIT}`);
    }
    let after: InventoryKey | undefined;
    if (tokenRaw !== undefined && tokenRaw !== '') {
      after = decodePageToken(tokenRaw);
      if (!after) invalidFilters('page_token is not one this server issued');
    }
    const page = patientInventory(
      store,
      { since, limit, ...(after ? { after } : {}) },
      actorOf(c),
      clock.now(),
    );
    return c.json({
      items: page.items,
      ...(page.more && page.last ? { next_page_token: encodePageToken(page.last) } : {}),
    });
  });

  app.get('/invoice-itemization/:claimId', (c) => {
    const r = invoiceItemization(store, idParam(c, 'claimId'), actorOf(c), clock.now());
    if (!r) throw new HTTPException(404, { message: 'no such claim' });
    return c.json(r);
  });

  return app;
}
