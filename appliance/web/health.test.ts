import { describe, expect, it } from 'vitest';
import type { HealthReport } from './health.js';
import { createHealthRegistry } from './health.js';

describe('health registry', () => {
  it('refresh, reports a throwing source as one critical check and keeps the others', async () => {
    const h = createHealthRegistry('1.2.3', () => 0);
    h.add({ name: 'broken', check: () => Promise.reject(new Error('boom')) });
    h.add({ name: 'fine', check: () => Promise.resolve([{ name: 'fine', status: 'ok', message: 'ok' }]) });
    const r = await h.refresh();
    expect(r.status).toBe('critical');
    expect(r.checks.map((c) => [c.name, c.status])).toEqual([
      ['broken', 'critical'],
      ['fine', 'ok'],
    ]);
    expect(r.checks[0]?.message).toMatch(/boom/);
    expect(JSON.parse(h.body())).toEqual({ ...r, checkedAt: '1970-01-01T00:00:00.000Z', version: '1.2.3' });
  });

  it('refresh, answers even when a source never does (that source critical after the timeout)', async () => {
    const h = createHealthRegistry('t', Date.now, { timeoutMs: 50 });
    h.add({ name: 'hung', check: () => new Promise(() => undefined) });
    h.add({ name: 'fine', check: () => Promise.resolve([{ name: 'fine', status: 'ok', message: 'ok' }]) });
    const r = await h.refresh();
    expect(r.checks.find((c) => c.name === 'hung')).toMatchObject({ status: 'critical' });
    expect(r.checks.find((c) => c.name === 'hung')?.message).toMatch(/no answer within 50 ms/);
    expect(r.checks.find((c) => c.name === 'fine')?.status).toBe('ok');
  });

  it('refresh, hands each report to onReport, and a failing onReport shows as a degraded check', async () => {
    const seen: HealthReport[] = [];
    const h = createHealthRegistry('t', Date.now, { onReport: (r) => void seen.push(r) });
    h.add({ name: 'a', check: () => Promise.resolve([{ name: 'a', status: 'ok', message: 'ok' }]) });
    await h.refresh();
    expect(seen).toHaveLength(1);
    const bad = createHealthRegistry('t', Date.now, {
      onReport: () => {
        throw new Error('gauge broke');
      },
    });
    bad.add({ name: 'a', check: () => Promise.resolve([{ name: 'a', status: 'ok', message: 'ok' }]) });
    const r = await bad.refresh();
    expect(r.status).toBe('degraded');
    expect(r.checks.find((c) => c.name === 'metrics')?.message).toMatch(/gauge broke/);
  });

  it('refresh, concurrent calls share one run', async () => {
    let runs = 0;
    const h = createHealthRegistry('t');
    h.add({
      name: 'a',
      check: () => {
        runs++;
        return Promise.resolve([{ name: 'a', status: 'ok', message: 'ok' }]);
      },
    });
    await Promise.all([h.refresh(), h.refresh(), h.refresh()]);
    expect(runs).toBe(1);
  });
});
