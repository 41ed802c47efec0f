// Small helpers the biller-facing sub-apps share: who is acting, path ids, JSON bodies, and the
// one mapping of store refusals (ClaimboxError codes) to HTTP statuses.
import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { ClaimboxError } from '../../domain/errors.js';

/** The audit actor: the signed-in user once the auth guard sets it, else the loopback operator. */
export function actorOf(c: Context): string {
  const user = c.get('user' as never) as { username: string } | undefined;
  return `user:${user?.username ?? 'local'}`;
}

export function idParam(c: Context, name = 'id'): number {
  const v = c.req.param(name) ?? '';
  const n = Number(v);
  if (!/^\d+$/.test(v) || !Number.isSafeInteger(n) || n <= 0)
    throw new HTTPException(400, { message: `${name} must be a positive integer` });
  return n;
}

/** ?limit=&offset= for a list: limit 1..max (default `def`), offset ≥ 0; 422 otherwise. */
export function paging(c: Context, def = 200, max = 1000): { limit: number; offset: number } {
  const l = c.req.query('limit');
  const o = c.req.query('offset');
  const limit = l === undefined ? def : /^\d+$/.test(l) ? Number(l) : NaN;
  const offset = o === undefined ? 0 : /^\d+$/.test(o) ? Number(o) : NaN;
  if (!(limit >= 1 && limit <= max)) throw new HTTPException(422, { message: `limit must be 1..${max}` });
  if (!(offset >= 0 && Number.isSafeInteger(offset)))
    throw new HTTPException(422, { message: 'offset must be 0 or more' });
  return { limit, offset };
}

/** The body as a JSON object; 400 when it is not one. An empty body is {}. */
export async function jsonObject(c: Context): Promise<Record<string, unknown>> {
  const text = await c.req.text();
  if (text.trim() === '') return {};
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    throw new HTTPException(400, { message: 'body is not valid JSON' });
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v))
    throw new HTTPException(400, { message: 'body must be a JSON object' });
  return v as Record<string, unknown>;
}

/** Store refusals by code suffix: *_NOT_FOUND 404, *_CONFLICT 409, *_INVALID 422; anything else rethrown. */
export function mapStoreError(err: unknown): never {
  if (err instanceof ClaimboxError) {
    if (err.code.endsWith('_NOT_FOUND')) throw new HTTPException(404, { message: err.message });
    if (err.code.endsWith('_CONFLICT') || err.code.startsWith('CLAIM_'))
      throw new HTTPException(409, { message: err.message });
    if (err.code.endsWith('_INVALID')) throw new HTTPException(422, { message: err.message });
  }
  throw err;
}

/** Run a store change, mapping its refusals to HTTP. */
export function storeCall<T>(fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    return mapStoreError(err);
  }
}

/** Sub-apps answer HTTPException as JSON themselves, so they behave the same mounted or alone. */
export function jsonErrors(err: Error, c: Context): Response {
  if (err instanceof HTTPException) return c.json({ error: err.message }, err.status);
  throw err;
}
