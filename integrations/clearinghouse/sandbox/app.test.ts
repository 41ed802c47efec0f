// The sandbox app without a socket (hono app.request), for the protocol edges.
import { describe, expect, it } from 'vitest';
import { createSandbox } from './app.js';

const KEY = 'k';

function post(app: ReturnType<typeof createSandbox>['app'], path: string, fields: Record<string, string>) {
  const body = new FormData();
  for (const [k, v] of Object.entries(fields)) body.set(k, v);
  return app.request(path, { method: 'POST', body, headers: { Accept: 'application/json' } });
}

describe('sandbox app', () => {
  it('refuses a wrong AccountKey with 401 and a Claim.MD-style error body', async () => {
    const { app } = createSandbox({ seed: 1, eraDelayMs: 0, accountKey: KEY });
    const res = await post(app, '/response', { AccountKey: 'nope', ResponseID: '0' });
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({ error: { error_code: '401', error_mesg: 'Invalid AccountKey' } });
  });

  it('answers an empty response poll without last_responseid', async () => {
    const { app } = createSandbox({ seed: 1, eraDelayMs: 0, accountKey: KEY });
    const res = await post(app, '/response', { AccountKey: KEY, ResponseID: '0' });
    expect(await res.json()).toEqual({ claim: [] });
  });

  it('says 404 for an ERA it does not have, and 429 with Retry-After when told to', async () => {
    const sbx = createSandbox({ seed: 1, eraDelayMs: 0, accountKey: KEY });
    expect((await post(sbx.app, '/era835', { AccountKey: KEY, eraid: '9' })).status).toBe(404);
    sbx.faults.rateLimit = { count: 1, retryAfterSeconds: 5 };
    const limited = await post(sbx.app, '/eralist', { AccountKey: KEY });
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('5');
    expect((await post(sbx.app, '/eralist', { AccountKey: KEY })).status).toBe(200);
  });

  it('refuses an upload that is not X12, in the body, without storing it', async () => {
    const sbx = createSandbox({ seed: 1, eraDelayMs: 0, accountKey: KEY });
    const body = new FormData();
    body.set('AccountKey', KEY);
    body.set('File', new Blob(['hello']), 'x.837');
    const res = await sbx.app.request('/upload', { method: 'POST', body });
    expect(await res.json()).toMatchObject({ error: { error_code: 'X12' } });
    expect(sbx.uploads()).toEqual([]);
  });
});
