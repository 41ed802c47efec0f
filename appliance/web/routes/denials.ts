// /api/denials: the denial work queue. Each item is one 835 denial on one of our claims, with its
// CARC, category and suggested action; people assign and progress items and resolve them with a
// corrected claim (2300 CLM05-3 = 7) or a void (= 8), both carrying REF*F8 = the payer claim number.
import { Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { DENIAL_CATEGORIES } from '../../domain/carc.js';
import type { Clock } from '../../ports.js';
import type { Store } from '../../store/open.js';
import {
  WORK_STATUSES,
  denialSummary,
  followUpClaim,
  getDenial,
  isDenialCategory,
  isWorkStatus,
  listDenials,
  updateDenial,
  type ClaimCorrection,
  type DenialUpdate,
} from '../../store/work.js';
import { actorOf, idParam, jsonErrors, jsonObject, paging, storeCall } from './common.js';

export interface DenialRoutesDeps {
  store: Store;
  clock: Clock;
}

const fail = (message: string): never => {
  throw new HTTPException(422, { message });
};

const isCode = (v: unknown): v is string => typeof v === 'string' && /^[A-Za-z0-9.]{1,10}$/.test(v);
const isModifier = (v: unknown): v is string => typeof v === 'string' && /^[A-Za-z0-9]{2}$/.test(v);
const isPosInt = (v: unknown, max = Number.MAX_SAFE_INTEGER): v is number =>
  typeof v === 'number' && Number.isInteger(v) && v > 0 && v <= max;

/** A corrected claim's body: { diagnoses?: ["J06.9"], lines?: [{ lineNumber, code?, modifiers?, units?, chargeCents?, diagnosisPointers? }] }. */
function parseCorrection(body: Record<string, unknown>): ClaimCorrection | undefined {
  const fix: ClaimCorrection = {};
  if (body.diagnoses !== undefined) {
    if (!Array.isArray(body.diagnoses) || body.diagnoses.length === 0 || body.diagnoses.length > 12)
      fail('diagnoses must be a list of 1 to 12 ICD-10-CM codes');
    (body.diagnoses as unknown[]).forEach((d, i) => isCode(d) || fail(`diagnoses[${i}] is not a code`));
    fix.diagnoses = body.diagnoses as string[];
  }
  if (body.lines !== undefined) {
    if (!Array.isArray(body.lines)) fail('lines must be a list');
    fix.lines = (body.lines as unknown[]).map((raw, i) => {
      if (typeof raw !== 'object' || raw === null) return fail(`lines[${i}] must be an object`);
      const l = raw as Record<string, unknown>;
      if (!isPosInt(l.lineNumber, 50)) fail(`lines[${i}].lineNumber must be 1..50`);
      if (l.code !== undefined && !isCode(l.code)) fail(`lines[${i}].code is not a procedure code`);
      if (
        l.modifiers !== undefined &&
        (!Array.isArray(l.modifiers) || l.modifiers.length > 4 || !l.modifiers.every(isModifier))
      )
        fail(`lines[${i}].modifiers must be up to 4 two-character modifiers`);
      if (l.units !== undefined && !isPosInt(l.units, 9999)) fail(`lines[${i}].units must be 1..9999`);
      if (
        l.chargeCents !== undefined &&
        !(typeof l.chargeCents === 'number' && Number.isInteger(l.chargeCents) && l.chargeCents >= 0)
      )
        fail(`lines[${i}].chargeCents must be whole cents, 0 or more`);
      if (
        l.diagnosisPointers !== undefined &&
        (!Array.isArray(l.diagnosisPointers) ||
          l.diagnosisPointers.length === 0 ||
          l.diagnosisPointers.length > 4 ||
          !l.diagnosisPointers.every((p) => isPosInt(p, 12)))
      )
        fail(`lines[${i}].diagnosisPointers must be 1 to 4 pointers (1..12)`);
      return l as NonNullable<ClaimCorrection['lines']>[number];
    });
  }
  return fix.diagnoses || fix.lines ? fix : undefined;
}

export function createDenialRoutes(deps: DenialRoutesDeps): Hono {
  const app = new Hono();
  app.onError(jsonErrors);
  const { store, clock } = deps;

  app.get('/', (c) => {
    const category = c.req.query('category');
    const status = c.req.query('status');
    const assignee = c.req.query('assignee');
    if (category !== undefined && !isDenialCategory(category))
      fail(`category must be one of ${DENIAL_CATEGORIES.join(', ')}`);
    if (status !== undefined && !isWorkStatus(status))
      fail(`status must be one of ${WORK_STATUSES.join(', ')}`);
    return c.json({ denials: listDenials(store, { category, status, assignee, ...paging(c) }) });
  });

  app.get('/summary', (c) => c.json(denialSummary(store)));

  app.get('/:id', (c) => {
    const d = getDenial(store, idParam(c));
    if (!d) throw new HTTPException(404, { message: 'no such denial work item' });
    return c.json(d);
  });

  // Body: { assignee?: string | null, status?: open|in_progress|done, note?: string }.
  app.post('/:id', async (c) => {
    const id = idParam(c);
    const body = await jsonObject(c);
    const u: DenialUpdate = {};
    if (body.assignee !== undefined) {
      if (
        body.assignee !== null &&
        (typeof body.assignee !== 'string' || !/^[\w.@-]{1,64}$/.test(body.assignee))
      )
        fail('assignee must be a username (letters, digits, . _ @ -) or null');
      u.assignee = body.assignee as string | null;
    }
    if (body.status !== undefined) {
      if (typeof body.status !== 'string' || !isWorkStatus(body.status))
        fail(`status must be one of ${WORK_STATUSES.join(', ')}`);
      u.status = body.status as DenialUpdate['status'];
    }
    if (body.note !== undefined) {
      if (typeof body.note !== 'string' || body.note.trim() === '' || body.note.length > 2000)
        fail('note must be text of 1 to 2000 characters');
      u.note = (body.note as string).trim();
    }
    if (u.assignee === undefined && u.status === undefined && u.note === undefined)
      fail('nothing to change: give assignee, status or note');
    return c.json(storeCall(() => updateDenial(store, id, u, actorOf(c), clock.now())));
  });

  // Body (optional): the corrections, see parseCorrection. Without one the claim goes again as it was.
  app.post('/:id/corrected-claim', async (c) => {
    const id = idParam(c);
    const fix = parseCorrection(await jsonObject(c));
    return c.json(
      storeCall(() => followUpClaim(store, id, 'replacement', fix, actorOf(c), clock.now())),
      201,
    );
  });

  app.post('/:id/void', (c) => {
    const id = idParam(c);
    return c.json(
      storeCall(() => followUpClaim(store, id, 'void', undefined, actorOf(c), clock.now())),
      201,
    );
  });

  return app;
}
