// The review queue: GET /review lists encounters waiting for a person and why; GET
// /encounters/:id/ready says what still holds a claim (coding reasons and every scrub finding);
// PUT /encounters/:id/codes lets a person set the codes; POST /encounters/:id/release sends the
// existing codes on once a person has confirmed them. Both hand the encounter back to the scrub
// stage as 'coded'. Mount at '/' under /api (its paths sit beside /api/encounters/:id).
import { Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { BillingProvider } from '../../domain/types.js';
import type { Clock, CodeSets } from '../../ports.js';
import { checkReady, type ScrubContext } from '../../pipeline/scrub.js';
import type { Store } from '../../store/open.js';
import {
  encounterForReady,
  hasOtherCharge,
  listReview,
  releaseEncounter,
  saveManualCodes,
  type CodesInput,
} from '../../store/review.js';
import { actorOf, idParam, jsonErrors, jsonObject, paging, storeCall } from './common.js';

export interface ReviewRoutesDeps {
  store: Store;
  clock: Clock;
  /** The practice as billing provider (config [practice]), as the scrub stage uses it. */
  billing: BillingProvider;
  codeSets: CodeSets;
  /** Payer facts for timely filing, as the scrub stage has them; omitted: not checked. */
  payer?: (payerId: string) => { payerId: string; timelyFilingDays: number } | undefined;
}

interface FieldError {
  path: string;
  message: string;
}

const ICD = /^[A-TV-Z][0-9][0-9A-Z](\.?[0-9A-Z]{1,4})?$/i;
const PROC = /^[A-Z0-9]{5}$/i;
const MOD = /^[A-Z0-9]{2}$/i;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const POS = /^\d{2}$/;
const isInt = (v: unknown, min: number, max: number): v is number =>
  typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max;

/** Shape check of { diagnoses, lines, placeOfService? }: every problem at once, with its path. */
export function validateCodes(body: Record<string, unknown>): { value?: CodesInput; errors: FieldError[] } {
  const errors: FieldError[] = [];
  const err = (path: string, message: string) => errors.push({ path, message });
  const dx: { code: string }[] = [];
  if (!Array.isArray(body.diagnoses) || body.diagnoses.length === 0 || body.diagnoses.length > 50)
    err('diagnoses', 'a list of 1 to 50 ICD-10-CM codes (strings or {"code": ...})');
  else
    (body.diagnoses as unknown[]).forEach((d, i) => {
      const code = typeof d === 'string' ? d : (d as { code?: unknown } | null)?.code;
      if (typeof code !== 'string' || !ICD.test(code.trim())) err(`diagnoses[${i}]`, 'not an ICD-10-CM code');
      else dx.push({ code: code.trim() });
    });
  const lines: CodesInput['lines'] = [];
  if (!Array.isArray(body.lines) || body.lines.length === 0 || body.lines.length > 200)
    err('lines', 'a list of 1 to 200 service lines');
  else
    (body.lines as unknown[]).forEach((raw, i) => {
      const p = `lines[${i}]`;
      if (typeof raw !== 'object' || raw === null) return err(p, 'must be an object');
      const l = raw as Record<string, unknown>;
      const before = errors.length;
      if (typeof l.code !== 'string' || !PROC.test(l.code.trim()))
        err(`${p}.code`, 'a 5-character CPT/HCPCS/CDT code');
      const mods = l.modifiers ?? [];
      if (!Array.isArray(mods) || mods.length > 4 || !mods.every((m) => typeof m === 'string' && MOD.test(m)))
        err(`${p}.modifiers`, 'up to 4 two-character modifiers');
      if (!isInt(l.units, 1, 9999)) err(`${p}.units`, 'whole units, 1 to 9999');
      if (!isInt(l.chargeCents, 0, 100_000_000)) err(`${p}.chargeCents`, 'the charge in whole cents');
      const ptrs = l.diagnosisPointers;
      if (
        !Array.isArray(ptrs) ||
        ptrs.length === 0 ||
        ptrs.length > 4 ||
        !ptrs.every((x) => isInt(x, 1, Array.isArray(body.diagnoses) ? body.diagnoses.length : 0))
      )
        err(`${p}.diagnosisPointers`, '1 to 4 pointers, each at one of the diagnoses (1-based)');
      if (
        l.dateOfService !== undefined &&
        (typeof l.dateOfService !== 'string' || !DATE.test(l.dateOfService))
      )
        err(`${p}.dateOfService`, 'YYYY-MM-DD');
      for (const k of ['tooth', 'surfaces', 'area'] as const)
        if (l[k] !== undefined && (typeof l[k] !== 'string' || l[k].length > 10))
          err(`${p}.${k}`, 'short text');
      if (errors.length > before) return;
      lines.push({
        code: (l.code as string).trim().toUpperCase(),
        modifiers: (mods as string[]).map((m) => m.toUpperCase()),
        units: l.units as number,
        chargeCents: l.chargeCents as number,
        diagnosisPointers: ptrs as number[],
        ...(l.dateOfService !== undefined ? { dateOfService: l.dateOfService as string } : {}),
        ...(l.tooth !== undefined ? { tooth: l.tooth as string } : {}),
        ...(l.surfaces !== undefined ? { surfaces: l.surfaces as string } : {}),
        ...(l.area !== undefined ? { area: l.area as string } : {}),
      });
    });
  if (
    body.placeOfService !== undefined &&
    (typeof body.placeOfService !== 'string' || !POS.test(body.placeOfService))
  )
    err('placeOfService', 'a two-digit CMS place-of-service code');
  if (errors.length > 0) return { errors };
  return {
    value: {
      diagnoses: dx,
      lines,
      ...(typeof body.placeOfService === 'string' ? { placeOfService: body.placeOfService } : {}),
    },
    errors,
  };
}

export function createReviewRoutes(deps: ReviewRoutesDeps): Hono {
  const app = new Hono();
  app.onError(jsonErrors);
  const { store, clock } = deps;

  app.get('/review', (c) => c.json({ encounters: listReview(store, paging(c)) }));

  app.get('/encounters/:id/ready', (c) => {
    const id = idParam(c);
    const now = clock.now();
    const enc = encounterForReady(store, id, actorOf(c), now);
    if (!enc) throw new HTTPException(404, { message: 'no such encounter' });
    if (!enc.coded)
      return c.json({
        encounterId: id,
        status: enc.status,
        ready: false,
        coding: [
          {
            ruleId: 'coding:not_coded',
            severity: 'error',
            message: 'The encounter has not been coded yet.',
            fix: 'Wait for the coding stage, or set the codes in the review queue.',
          },
        ],
        claims: [],
      });
    const ctx: ScrubContext = {
      codeSets: deps.codeSets,
      today: new Date(now).toISOString().slice(0, 10),
      ...(deps.payer ? { payer: deps.payer(enc.input.coverages[0]?.payerId ?? '') } : {}),
      isDuplicate: (key) =>
        hasOtherCharge(store, {
          encounterId: id,
          patientId: enc.patientId,
          dateOfService: key.dateOfService,
          code: key.procedureCode,
          pos: key.placeOfService,
          npi: key.renderingNpi,
        }),
    };
    return c.json({
      encounterId: id,
      status: enc.status,
      ...checkReady(enc.input, enc.coded, deps.billing, ctx),
    });
  });

  app.put('/encounters/:id/codes', async (c) => {
    const id = idParam(c);
    const v = validateCodes(await jsonObject(c));
    if (!v.value) return c.json({ error: 'invalid codes', errors: v.errors }, 422);
    const codes = v.value;
    return c.json(storeCall(() => saveManualCodes(store, id, codes, actorOf(c), clock.now())));
  });

  app.post('/encounters/:id/release', (c) => {
    const id = idParam(c);
    return c.json(storeCall(() => releaseEncounter(store, id, actorOf(c), clock.now())));
  });

  return app;
}
