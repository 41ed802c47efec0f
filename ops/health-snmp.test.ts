import { describe, expect, it } from 'vitest';
import { defaultConfig } from '../appliance/config.js';
import type { TargetState } from '../integrations/snmp/monitor.js';
import type { UpsReading } from '../integrations/snmp/ups.js';
import { createHealthRegistry } from '../appliance/web/health.js';
import { createSnmpHealthSource, switchChecks, upsChecks } from './health-snmp.js';
import { createMetricsRegistry, registerPipelineMetrics } from './metrics.js';

const ups = (over: Partial<UpsReading> = {}): UpsReading => ({
  target: 'u1',
  mib: 'rfc1628',
  at: 0,
  batteryStatus: 'normal',
  chargePct: 100,
  runtimeMinutes: 40,
  secondsOnBattery: 0,
  output: 'online',
  loadPct: 20,
  inputVoltage: 120,
  batteryTemperatureC: 25,
  replaceBattery: false,
  lastTransferReason: null,
  alarmsPresent: 0,
  ...over,
});
const state = (over: Partial<TargetState> = {}): TargetState => ({
  name: 'u1',
  kind: 'ups',
  reachable: true,
  silent: false,
  lastOkAt: 1,
  lastError: null,
  lastPollMs: 2,
  ups: ups(),
  conditions: [],
  ...over,
});

describe('upsChecks', () => {
  it('upsChecks, is ok, on utility power with a full battery', () => {
    expect(upsChecks(state(), 5).map((c) => [c.name, c.status])).toEqual([
      ['ups.u1.power', 'ok'],
      ['ups.u1.runtime', 'ok'],
      ['ups.u1.battery', 'ok'],
    ]);
  });

  it('upsChecks, is critical, on battery below the shutdown runtime', () => {
    const checks = upsChecks(state({ ups: ups({ output: 'battery', runtimeMinutes: 3 }) }), 5);
    expect(checks.find((c) => c.name === 'ups.u1.power')?.status).toBe('critical');
    expect(checks.find((c) => c.name === 'ups.u1.runtime')).toMatchObject({
      status: 'critical',
      value: 3,
      unit: 'min',
    });
  });

  it('upsChecks, degrades the battery check, when the UPS asks for a replacement', () => {
    const b = upsChecks(state({ ups: ups({ replaceBattery: true }) }), 5).find(
      (c) => c.name === 'ups.u1.battery',
    );
    expect(b).toMatchObject({ status: 'degraded' });
    expect(b?.message).toContain('REPLACE BATTERY');
  });

  it('upsChecks, is critical, when the UPS stopped answering', () => {
    expect(upsChecks(state({ reachable: false, silent: true, lastError: 'timeout' }), 5)).toEqual([
      expect.objectContaining({ name: 'ups.u1.power', status: 'critical' }),
    ]);
  });
});

describe('switchChecks', () => {
  it('switchChecks, marks a missing watched port critical', () => {
    const s = state({
      kind: 'switch',
      name: 'sw',
      ups: undefined,
      switch: { target: 'sw', at: 0, sysUpTime: 1, ports: [] },
    });
    expect(switchChecks(s, ['Gi0/1']).map((c) => [c.name, c.status])).toEqual([
      ['switch.sw', 'ok'],
      ['switch.sw.port.Gi0/1', 'critical'],
    ]);
  });
});

describe('SNMP health source in the health registry', () => {
  it('adds its UPS checks beside the other sources, a throwing one reported on its own', async () => {
    const h = createHealthRegistry('test');
    h.add({ name: 'broken', check: () => Promise.reject(new Error('boom')) });
    h.add(createSnmpHealthSource({ monitor: { snapshot: () => [state()] }, config: defaultConfig() }));
    const r = await h.refresh();
    expect(r.checks.map((c) => c.name)).toEqual([
      'broken',
      'ups.u1.power',
      'ups.u1.runtime',
      'ups.u1.battery',
    ]);
    expect(h.current()).toBe(r);
  });
});

describe('metrics', () => {
  it('metrics, exposes UPS gauges and pipeline families, in Prometheus text', async () => {
    const m = createMetricsRegistry({ defaultMetrics: false });
    m.observeUps(ups({ output: 'battery', runtimeMinutes: 12 }));
    m.observeChecks([{ name: 'disk', status: 'degraded', value: 12.5, unit: '%', message: 'low' }]);
    const p = registerPipelineMetrics(m.registry, () => ({
      claims: { submitted: 4, paid: 2 },
      queueDepth: { review: 3 },
    }));
    p.observeHttp('GET', '/health', 200, 0.0004);
    const text = await m.metrics();
    expect(text).toContain('# TYPE claimbox_ups_on_battery gauge');
    expect(text).toContain('claimbox_ups_on_battery{target="u1"} 1');
    expect(text).toContain('claimbox_ups_output_source{target="u1",source="battery"} 1');
    expect(text).toContain('claimbox_ups_runtime_minutes{target="u1"} 12');
    expect(text).toContain('claimbox_health_check_status{check="disk"} 1');
    expect(text).toContain('claimbox_health_check_value{check="disk",unit="%"} 12.5');
    expect(text).toContain('claimbox_claims{status="submitted"} 4');
    expect(text).toContain('claimbox_queue_depth{queue="review"} 3');
    expect(text).toContain('claimbox_http_requests_total{method="GET",route="/health",status="200"} 1');
    expect(m.contentType).toBe('text/plain; version=0.0.4; charset=utf-8');
  });

  it('metrics, drops a UPS value gauge, when the agent stops reporting it', async () => {
    const m = createMetricsRegistry({ defaultMetrics: false });
    m.observeUps(ups({ inputVoltage: 120 }));
    m.observeUps(ups({ inputVoltage: null }));
    expect(await m.metrics()).not.toContain('claimbox_ups_input_voltage_volts{');
  });
});
