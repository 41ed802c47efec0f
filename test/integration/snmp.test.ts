// Against a real snmpd: readings over v2c and v3 authPriv, switch ports, traps, silent targets, and
// the health/metrics/check output following each change.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { formatCheck } from '../../appliance/cli/check.js';
import { createSnmpClient } from '../../integrations/snmp/client.js';
import { readUps } from '../../integrations/snmp/ups.js';
import { readSwitch } from '../../integrations/snmp/switch.js';
import { configSchema } from '../../appliance/config.js';
import { silentLogger } from '../../appliance/log.js';
import { createSnmpMonitor } from '../../integrations/snmp/monitor.js';
import {
  V3,
  apcValues,
  freeUdpPort,
  hasSnmpd,
  rfc1628Values,
  sendTrap,
  startSnmpd,
  switchValues,
  waitFor,
  type Snmpd,
} from './snmpd.js';
import { startRig, type Rig } from './snmp-rig.js';

const PORTS = [{ name: 'Gi0/1' }, { name: 'Gi0/2' }, { name: 'Gi0/3' }];
const baseline = () => ({ ...rfc1628Values(), ...apcValues(), ...switchValues(PORTS) });

describe.skipIf(!hasSnmpd)('snmp against a real snmpd', () => {
  let snmpd: Snmpd;
  let rig: Rig | undefined;

  beforeAll(async () => {
    snmpd = await startSnmpd(baseline());
  });
  afterAll(async () => {
    await snmpd?.stop();
  });
  beforeEach(() => snmpd.set(baseline()));
  afterEach(async () => {
    await rig?.stop();
    rig = undefined;
  });

  const target = (over: Record<string, unknown>) =>
    configSchema.parse({
      snmp: {
        targets: [{ name: 't', kind: 'ups', host: '127.0.0.1', port: snmpd.port, timeout_ms: 500, ...over }],
      },
    }).snmp.targets[0]!;

  it('readUps, maps RFC 1628 values, over SNMP v2c', async () => {
    const client = createSnmpClient(target({ mib: 'rfc1628' }));
    try {
      const r = await readUps(client, 'rfc1628', () => 1);
      expect(r).toEqual({
        target: 't',
        mib: 'rfc1628',
        at: 1,
        batteryStatus: 'normal',
        chargePct: 100,
        runtimeMinutes: 42,
        secondsOnBattery: 0,
        output: 'online',
        loadPct: 23,
        inputVoltage: 121,
        batteryTemperatureC: 27,
        replaceBattery: false,
        lastTransferReason: null,
        alarmsPresent: 0,
      });
    } finally {
      client.close();
    }
  });

  it('readUps, flags replace battery and low battery, from the UPS-MIB alarm table', async () => {
    snmpd.patch({
      '.1.3.6.1.2.1.33.1.6.1.0': ['gauge', 2],
      // upsAlarmDescr.N = a well-known alarm: upsAlarmBatteryBad (6.3.1), upsAlarmLowBattery (6.3.3).
      '.1.3.6.1.2.1.33.1.6.2.1.2.1': ['objectid', '.1.3.6.1.2.1.33.1.6.3.1'],
      '.1.3.6.1.2.1.33.1.6.2.1.2.2': ['objectid', '.1.3.6.1.2.1.33.1.6.3.3'],
    });
    const client = createSnmpClient(target({ mib: 'rfc1628' }));
    try {
      expect(await readUps(client, 'rfc1628', () => 1)).toMatchObject({
        alarmsPresent: 2,
        replaceBattery: true,
        batteryStatus: 'low',
      });
    } finally {
      client.close();
    }
  });

  it('monitor, keeps polling, when a callback throws every time', async () => {
    let calls = 0;
    const monitor = createSnmpMonitor({
      snmp: configSchema.parse({
        snmp: {
          targets: [{ name: 'u', kind: 'ups', host: '127.0.0.1', port: snmpd.port, timeout_ms: 1000 }],
        },
      }).snmp,
      logger: silentLogger(),
      pollMs: 100,
      onUps: () => {
        calls++;
        throw new Error('consumer bug');
      },
    });
    monitor.start();
    try {
      await waitFor(() => calls >= 3, 'three polls despite throwing callbacks');
    } finally {
      await monitor.stop();
    }
  });

  it('readUps, maps PowerNet values, over SNMP v3 authPriv SHA/AES', async () => {
    snmpd.patch(apcValues({ status: 3, runtimeMin: 12, replace: 2 }));
    const client = createSnmpClient(
      target({
        mib: 'apc',
        version: '3',
        user: V3.user,
        auth_protocol: 'sha',
        auth_key: V3.auth,
        priv_protocol: 'aes',
        priv_key: V3.priv,
      }),
    );
    try {
      const r = await readUps(client, 'apc', () => 1);
      expect(r).toMatchObject({
        mib: 'apc',
        output: 'battery',
        batteryStatus: 'normal',
        chargePct: 96,
        runtimeMinutes: 12,
        secondsOnBattery: 45,
        loadPct: 35,
        inputVoltage: 118,
        batteryTemperatureC: 31,
        replaceBattery: true,
        lastTransferReason: 'blackout',
      });
    } finally {
      client.close();
    }
  });

  it('readUps, fails as transient, when the v3 keys are wrong', async () => {
    const client = createSnmpClient(
      target({ mib: 'apc', version: '3', user: V3.user, auth_key: 'wrong-auth-key', priv_key: V3.priv }),
    );
    try {
      await expect(readUps(client, 'apc', () => 1)).rejects.toMatchObject({ errorClass: 'transient' });
    } finally {
      client.close();
    }
  });

  it('readSwitch, reads every port with 64-bit octets, from IF-MIB', async () => {
    const client = createSnmpClient(target({ kind: 'switch' }));
    try {
      const r = await readSwitch(client, () => 1);
      expect(r.sysUpTime).toBe(8_640_000);
      expect(r.ports.map((p) => [p.ifIndex, p.name, p.oper, p.speedMbps])).toEqual([
        [1, 'Gi0/1', 'up', 1000],
        [2, 'Gi0/2', 'up', 1000],
        [3, 'Gi0/3', 'up', 1000],
      ]);
      expect(r.ports[0]!.inOctets).toBe(9007199254740993n);
      expect(r.ports[0]!.alias).toBe('desk 1');
    } finally {
      client.close();
    }
  });

  it('monitor, degrades health and sets metrics, when the UPS goes on battery', async () => {
    rig = startRig({ port: snmpd.port, pollMs: 250 });
    const r = rig;
    await waitFor(() => r.monitor.snapshot().every((s) => s.reachable), 'first polls');
    expect((await r.health.refresh()).status).toBe('ok');
    expect(formatCheck(r.health.current(), 'nagios').code).toBe(0);

    snmpd.patch(rfc1628Values({ source: 5, onBattery: 30, minutes: 20 }));
    await waitFor(() => r.power.state().state === 'on_battery', 'on battery');
    const report = await r.health.refresh();
    expect(report.status).toBe('degraded');
    expect(report.checks.find((c) => c.name === 'ups.ups-rfc.power')).toMatchObject({
      status: 'degraded',
      value: 'battery',
    });
    const check = formatCheck(report, 'nagios');
    expect(check.code).toBe(1);
    expect(check.text).toMatch(/^CLAIMBOX WARNING - .*ups\.ups-rfc\.power: UPS ups-rfc on battery for 30 s/);
    expect(check.text).toContain("'ups.ups-rfc.runtime'=1200s");
    const text = await r.metrics.metrics();
    expect(text).toContain('claimbox_ups_on_battery{target="ups-rfc"} 1');
    expect(text).toContain('claimbox_ups_runtime_minutes{target="ups-rfc"} 20');
    expect(text).toContain('claimbox_power_state{state="on_battery"} 1');
    expect(r.metrics.contentType).toBe('text/plain; version=0.0.4; charset=utf-8');
  });

  it('monitor, alerts once and goes critical, when a watched port goes down', async () => {
    rig = startRig({ port: snmpd.port, pollMs: 250 });
    const r = rig;
    await waitFor(() => r.monitor.snapshot().every((s) => s.reachable), 'first polls');
    snmpd.patch(switchValues([{ name: 'Gi0/1', oper: 2 }, { name: 'Gi0/2' }, { name: 'Gi0/3' }]));
    await waitFor(
      () => r.notices.find((n) => n.key === 'switch.core.port.Gi0/1.down' && n.state === 'started'),
      'port down alert',
    );
    // Several more polls while it stays down: still exactly one alert.
    const polls = r.monitor.snapshot().find((s) => s.name === 'core')!.lastOkAt!;
    await waitFor(
      () => r.monitor.snapshot().find((s) => s.name === 'core')!.lastOkAt! > polls + 500,
      'more polls',
    );
    await r.alerter.flush();
    expect(r.notices.filter((n) => n.key === 'switch.core.port.Gi0/1.down')).toHaveLength(1);
    const report = await r.health.refresh();
    expect(report.status).toBe('critical');
    expect(report.checks.find((c) => c.name === 'switch.core.port.Gi0/1')).toMatchObject({
      status: 'critical',
      value: 'down',
    });
    expect(await r.metrics.metrics()).toContain(
      'claimbox_switch_port_oper_up{target="core",port="Gi0/1",ifindex="1"} 0',
    );

    snmpd.patch(switchValues(PORTS));
    await waitFor(
      () => r.notices.find((n) => n.key === 'switch.core.port.Gi0/1.down' && n.state === 'cleared'),
      'port up clear',
    );
  });

  it('monitor, raises an errors condition, when a watched port error counter climbs', async () => {
    rig = startRig({ port: snmpd.port, pollMs: 250 });
    const r = rig;
    await waitFor(() => r.monitor.snapshot().every((s) => s.reachable), 'first polls');
    snmpd.patch(switchValues([{ name: 'Gi0/1' }, { name: 'Gi0/2', inErrors: 17 }, { name: 'Gi0/3' }]));
    const n = await waitFor(
      () => r.notices.find((x) => x.key === 'switch.core.port.2.errors' && x.state === 'started'),
      'errors alert',
    );
    expect(n.message).toContain('rose by 17');
  });

  it('monitor, reports a reboot event, when sysUpTime goes backwards', async () => {
    rig = startRig({ port: snmpd.port, pollMs: 250 });
    const r = rig;
    await waitFor(() => r.monitor.snapshot().every((s) => s.reachable), 'first polls');
    snmpd.patch(switchValues(PORTS, 500));
    await waitFor(
      () => r.notices.find((x) => x.key === 'switch.core.rebooted' && x.state === 'event'),
      'reboot',
    );
  });

  it('monitor, alerts after about 3 poll intervals, when a target stops answering', async () => {
    const deadPort = await freeUdpPort();
    const pollMs = 200;
    const startedAt = Date.now();
    rig = startRig({ port: snmpd.port, pollMs, targets: ['ups-rfc', 'dead-ups'], deadPort });
    const r = rig;
    const n = await waitFor(
      () => r.notices.find((x) => x.key === 'snmp.dead.unreachable' && x.state === 'started'),
      'unreachable alert',
    );
    expect(n.severity).toBe('critical');
    expect(n.at - startedAt).toBeGreaterThanOrEqual(3 * pollMs);
    const report = await r.health.refresh();
    expect(report.checks.find((c) => c.name === 'ups.dead.power')).toMatchObject({ status: 'critical' });
    expect(await r.metrics.metrics()).toContain('claimbox_snmp_target_up{target="dead",kind="ups"} 0');
  });

  it('traps, update state before the next poll, for UPS-MIB on-battery and linkDown', async () => {
    const trapPort = await freeUdpPort();
    // A poll interval far longer than the test: only the trap can bring the change in.
    rig = startRig({ port: snmpd.port, pollMs: 60_000, trapPort });
    const r = rig;
    await waitFor(() => r.monitor.snapshot().every((s) => s.reachable), 'first polls');

    snmpd.patch(rfc1628Values({ source: 5, onBattery: 3, minutes: 30 }));
    await sendTrap(trapPort, '1.3.6.1.2.1.33.2.1', [['1.3.6.1.2.1.33.1.2.3.0', 'i', '30']]);
    await waitFor(() => r.power.state().state === 'on_battery', 'on battery after trap', 5000);
    expect(r.hold.isHeld()).toBe(true);
    expect(r.health.current().checks.find((c) => c.name === 'ups.ups-rfc.power')?.status).toBe('degraded');

    snmpd.patch(switchValues([{ name: 'Gi0/1' }, { name: 'Gi0/2', oper: 2 }, { name: 'Gi0/3' }]));
    await sendTrap(trapPort, '1.3.6.1.6.3.1.1.5.3', [['1.3.6.1.2.1.2.2.1.1.2', 'i', '2']]);
    await waitFor(
      () => r.notices.find((x) => x.key === 'switch.core.port.2.down' && x.state === 'started'),
      'port down after linkDown trap',
      5000,
    );
    expect(r.traps.map((t) => [t.kind, t.ifIndex])).toEqual([
      ['ups.on_battery', undefined],
      ['link.down', 2],
    ]);
  });
});
