import { Hono } from 'hono';
import type { AuthEnv } from '../auth.js';
import { rmSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { buildBillerDb, copyStore, type BillerDb } from '../../../test/helpers/biller-loop.js';
import { createEngineCoder } from '../../coding/coder.js';
import { defaultConfig } from '../../config.js';
import { silentLogger } from '../../log.js';
import { createHoldSwitch } from '../../pipeline/hold.js';
import type { Store } from '../../store/open.js';
import { createWebApp } from '../app.js';
import { createHealthRegistry } from '../health.js';
import { createBillerMounts } from './biller.js';

let fixture: BillerDb;
let store: Store;
let dataDir: string;

beforeAll(async () => {
  fixture = await buildBillerDb({ encounters: 8 });
}, 30_000);
afterAll(() => fixture.dispose());
beforeEach(() => ({ store, dataDir } = copyStore(fixture)));
afterEach(() => {
  store.close();
  rmSync(dataDir, { recursive: true, force: true });
});

/** The real web app with the biller mounts, behind a guard that signs in "carol". */
function web() {
  const p = defaultConfig().practice;
  const clock = { now: () => Date.now() };
  return createWebApp({
    store,
    health: createHealthRegistry('test'),
    sink: { accept: () => Promise.reject(new Error('not in this test')) },
    hold: createHoldSwitch(),
    clock,
    logger: silentLogger(),
    apiTokens: [],
    validateEncounter: () => ({ errors: [] }),
    requestSubmitNow: () => undefined,
    // A stand-in for staff sign-in: every request is carol's.
    auth: {
      routes: new Hono<AuthEnv>(),
      requireUser: () => async (c, next) => {
        c.set('user', { id: 1, username: 'carol', role: 'admin' });
        await next();
      },
      requireToken: () => async (_c, next) => {
        await next();
      },
      setupToken: () => undefined,
      sessionCount: () => 1,
    },
    mounts: createBillerMounts({
      store,
      clock,
      billing: {
        name: p.name,
        npi: p.npi,
        taxId: p.tax_id,
        taxonomy: p.taxonomy,
        address: p.address,
        contactName: p.contact_name,
        contactPhone: p.contact_phone,
      },
      codeSets: createEngineCoder(store).codeSets,
    }),
  });
}

describe('biller mounts in the web app', () => {
  it('serve every sub-app under /api beside the core routes, as the signed-in user', async () => {
    const app = web();
    for (const path of [
      '/api/remittances',
      '/api/remittances/1',
      '/api/denials',
      '/api/denials/summary',
      '/api/patient-ar/aging',
      '/api/patient-ar/inventory?limit=2',
      '/api/review',
      '/api/encounters/1/ready',
      '/api/claims',
    ])
      expect((await app.request(path)).status, path).toBe(200);
    expect((await app.request('/api/exports/charges.csv?from=2000-01-01&to=2100-01-01')).status).toBe(200);
    expect((await app.request('/api/remittances/1/approve', { method: 'POST' })).status).toBe(200);
    const actors = store.sqlite
      .prepare('SELECT DISTINCT actor FROM audit_log WHERE actor LIKE ?')
      .pluck()
      .all('user:%');
    expect(actors).toContain('user:carol');
    const notFound = await app.request('/api/denials/999');
    expect(notFound.status).toBe(404);
    expect(await notFound.json()).toEqual({ error: 'no such denial work item' });
  });
});
