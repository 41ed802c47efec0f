import { describe, expect, it, afterEach } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultConfig, setDataDir } from '../config.js';
import { silentLogger } from '../log.js';
import { startAppliance, type Appliance } from '../main.js';
import { syntheticEncounter } from '../../test/helpers/encounters.js';

let app: Appliance | undefined;
afterEach(async () => {
  await app?.stop('test');
  app = undefined;
});

async function start(tokens: string[] = [], auth = false): Promise<Appliance> {
  const config = defaultConfig();
  setDataDir(config, mkdtempSync(join(tmpdir(), 'cb-web-')));
  config.intake.api.tokens = tokens;
  app = await startAppliance({ config, logger: silentLogger(), listen: false, runLoop: false }, { auth });
  return app;
}

describe('GET /health', () => {
  it('answers 200 ok with every check and no PHI, on a fresh appliance', async () => {
    const a = await start();
    const res = await a.app.request('/health');
    expect(res.status).toBe(200);
    const body = (await res.json()) as { status: string; checks: { name: string; status: string }[] };
    // No clearinghouse is wired in this test, and this machine may not report clock sync: degraded at worst.
    expect(['ok', 'degraded']).toContain(body.status);
    for (const name of ['database', 'pipeline.backlog', 'pipeline.last_error', 'audit.head'])
      expect(body.checks.find((c) => c.name === name)?.status).toBe('ok');
    expect(body.checks.map((c) => c.name)).toEqual(
      expect.arrayContaining([
        'database',
        'disk',
        'pipeline.backlog',
        'pipeline.oldest',
        'pipeline.last_error',
        'audit.head',
      ]),
    );
  });

  it('answers 503 when a check is critical, and 200 when only degraded', async () => {
    const a = await start();
    a.health.add({
      name: 'fake',
      check: () => Promise.resolve([{ name: 'fake', status: 'degraded', message: 'meh' }]),
    });
    await a.health.refresh();
    expect((await a.app.request('/health')).status).toBe(200);
    a.health.add({ name: 'boom', check: () => Promise.reject(new Error('probe exploded')) });
    await a.health.refresh();
    const res = await a.app.request('/health');
    expect(res.status).toBe(503);
    expect(((await res.json()) as { status: string }).status).toBe('critical');
  });

  it('exports every check as a /metrics gauge after each refresh', async () => {
    const a = await start();
    a.health.add({
      name: 'fake',
      check: () => Promise.resolve([{ name: 'fake', status: 'degraded', message: 'meh' }]),
    });
    await a.health.refresh();
    const text = await (await a.app.request('/metrics')).text();
    expect(text).toMatch(/claimbox_health_check_status\{check="fake"\} 1/);
    expect(text).toMatch(/claimbox_health_check_status\{check="database"\} 0/);
  });

  it('shows backlog and its oldest item, when encounters wait', async () => {
    const a = await start();
    const enc = syntheticEncounter(1);
    await a.sink.accept({
      channel: 'api',
      sender: 'api:T',
      controlId: '1',
      raw: Buffer.from('x'),
      encounter: enc,
    });
    await a.health.refresh();
    const body = (await (await a.app.request('/health')).json()) as {
      checks: { name: string; value: unknown }[];
    };
    expect(body.checks.find((c) => c.name === 'pipeline.backlog')?.value).toBe(1);
    expect(JSON.stringify(body)).not.toContain(enc.patient.mrn);
    expect(JSON.stringify(body)).not.toContain(enc.patient.lastName);
  });
});

describe('POST /api/encounters', () => {
  it('refuses a caller without the token, when tokens are configured', async () => {
    const a = await start(['t'.repeat(20)]);
    const res = await a.app.request('/api/encounters', {
      method: 'POST',
      body: JSON.stringify(syntheticEncounter(1)),
    });
    expect(res.status).toBe(401);
  });

  it('takes an encounter once, then answers duplicate for the same idempotency key', async () => {
    const token = 't'.repeat(20);
    const a = await start([token]);
    const init = {
      method: 'POST',
      headers: {
        authorization: `Bearer ${token}`,
        'idempotency-key': 'abc',
        'content-type': 'application/json',
      },
      body: JSON.stringify(syntheticEncounter(1)),
    };
    const first = await a.app.request('/api/encounters', init);
    expect(first.status).toBe(201);
    const second = await a.app.request('/api/encounters', init);
    expect(((await second.json()) as { status: string }).status).toBe('duplicate');
  });

  it('answers 400 for a body that is not JSON', async () => {
    const a = await start();
    const res = await a.app.request('/api/encounters', { method: 'POST', body: '{nope' });
    expect(res.status).toBe(400);
  });
});

describe('admin page', () => {
  it('asks for sign-in, and /api refuses an anonymous caller, when auth is on', async () => {
    const a = await start([], true);
    const page = await (await a.app.request('/')).text();
    expect(page).toContain('First run: create the first admin');
    expect((await a.app.request('/api/encounters')).status).toBe(401);
    expect((await a.app.request('/health')).status).toBe(200);
  });

  it('lists encounters and claims with their status', async () => {
    const a = await start();
    await a.sink.accept({
      channel: 'api',
      sender: 'api:T',
      controlId: '1',
      raw: Buffer.from('x'),
      encounter: syntheticEncounter(7),
    });
    await a.runner.runUntilIdle();
    const html = await (await a.app.request('/')).text();
    expect(html).toContain('V000007');
    expect(html).toContain('claimed');
    expect(html).toMatch(/CB0+1/);
    expect(html).not.toContain('Testpatient');
  });
});
