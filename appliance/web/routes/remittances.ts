// /api/remittances: 835s as the biller sees them — totals and reconciliation problems, each claim
// with its adjustments — and the decision on each: approve (post it) or reject (never post it).
import { Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { Clock } from '../../ports.js';
import type { Store } from '../../store/open.js';
import { createRemitStore } from '../../store/remit.js';
import { rejectRemittance, remittanceDetail, remittanceSummaries } from '../../store/ar.js';
import { actorOf, idParam, jsonErrors, jsonObject, storeCall } from './common.js';

export interface RemittanceRoutesDeps {
  store: Store;
  clock: Clock;
}

/** held: does not reconcile; proposed: awaiting approval; posted; rejected by a person. */
const STATUSES = ['held', 'proposed', 'posted', 'rejected'];

export function createRemittanceRoutes(deps: RemittanceRoutesDeps): Hono {
  const app = new Hono();
  app.onError(jsonErrors);
  const { store, clock } = deps;
  const remit = createRemitStore(store);

  app.get('/', (c) => {
    const status = c.req.query('status');
    if (status !== undefined && !STATUSES.includes(status))
      throw new HTTPException(422, { message: `status must be one of ${STATUSES.join(', ')}` });
    return c.json({ remittances: remittanceSummaries(store, status) });
  });

  app.get('/:id', (c) => {
    const r = remittanceDetail(store, idParam(c));
    if (!r) throw new HTTPException(404, { message: 'no such remittance' });
    return c.json(r);
  });

  // Posting is the remit store's: claim statuses, paid and patient amounts, PAYMENT_POSTED audit.
  app.post('/:id/approve', (c) => {
    const id = idParam(c);
    const r = remit.approve(id, actorOf(c), clock.now());
    if (!r.posted) {
      if (r.reason === 'no such remittance') throw new HTTPException(404, { message: r.reason });
      throw new HTTPException(409, { message: r.reason ?? 'not awaiting approval' });
    }
    return c.json(remittanceDetail(store, id));
  });

  // Body: { "reason": "..." } (required: the next person needs to know why).
  app.post('/:id/reject', async (c) => {
    const id = idParam(c);
    const body = await jsonObject(c);
    const reason = typeof body.reason === 'string' ? body.reason.trim() : '';
    if (!reason) throw new HTTPException(422, { message: 'a reason is required: {"reason": "..."}' });
    if (reason.length > 1000) throw new HTTPException(422, { message: 'reason is at most 1000 characters' });
    storeCall(() => rejectRemittance(store, id, reason, actorOf(c), clock.now()));
    return c.json(remittanceDetail(store, id));
  });

  return app;
}
