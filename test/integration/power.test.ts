// Power actions driven by a real snmpd: on battery → hold; low runtime → clean stop sequence;
// power back → resume; a UPS silent while on battery → clean stop (NUT DEADTIME); APC traps over
// a PowerNet UPS read with SNMPv3.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
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

const baseline = () => ({ ...rfc1628Values(), ...apcValues(), ...switchValues([{ name: 'Gi0/1' }]) });

describe.skipIf(!hasSnmpd)('power policy against a real snmpd', () => {
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

  it('power, holds and checkpoints then resumes, when the UPS goes on battery and power returns', async () => {
    rig = startRig({ port: snmpd.port, pollMs: 250, targets: ['ups-rfc'] });
    const r = rig;
    await waitFor(() => r.monitor.snapshot()[0]?.ups, 'first reading');
    expect(r.hold.isHeld()).toBe(false);

    snmpd.patch(rfc1628Values({ source: 5, onBattery: 12, minutes: 25 }));
    await waitFor(() => r.hold.isHeld(), 'hold');
    await r.power.settled();
    expect(r.hold.reasons()).toEqual(['power']);
    expect(r.calls).toEqual(['checkpoint']);
    await waitFor(
      () => r.notices.find((n) => n.key === 'power.on_battery' && n.state === 'started'),
      'alert',
    );

    snmpd.patch(rfc1628Values());
    await waitFor(() => !r.hold.isHeld(), 'hold released');
    await r.power.settled();
    expect(r.calls).toEqual(['checkpoint', 'resumeIntake']);
    expect(r.power.state().state).toBe('online');
    await waitFor(
      () => r.notices.find((n) => n.key === 'power.on_battery' && n.state === 'cleared'),
      'clear',
    );
  });

  it('power, stops intake, drains, runs the command and exits in order, when runtime drops below the threshold', async () => {
    rig = startRig({
      port: snmpd.port,
      pollMs: 250,
      targets: ['ups-rfc'],
      shutdownCommand: 'systemctl poweroff',
    });
    const r = rig;
    await waitFor(() => r.monitor.snapshot()[0]?.ups, 'first reading');
    snmpd.patch(rfc1628Values({ source: 5, onBattery: 300, minutes: 9 }));
    await waitFor(() => r.power.state().state === 'on_battery', 'on battery');
    snmpd.patch(rfc1628Values({ source: 5, onBattery: 600, minutes: 4 }));
    await waitFor(() => r.calls.includes('exit 0'), 'exit');
    expect(r.calls).toEqual([
      'checkpoint',
      'stopIntake',
      'shutdown: UPS ups-rfc runtime 4 min < 5 min',
      'command: systemctl poweroff',
      'exit 0',
    ]);
    const report = await r.health.refresh();
    expect(report.checks.find((c) => c.name === 'power')).toMatchObject({ status: 'critical', value: 'low' });

    // Power returning during the stop does not undo it (a half-stopped box is worse than a restart).
    snmpd.patch(rfc1628Values());
    const seen = r.monitor.snapshot()[0]!.lastOkAt!;
    await waitFor(() => r.monitor.snapshot()[0]!.lastOkAt! > seen, 'another poll');
    await r.power.settled();
    expect(r.calls.filter((c) => c === 'resumeIntake')).toEqual([]);
  });

  it('power, stops cleanly, when the UPS goes silent while on battery', async () => {
    const own = await startSnmpd(baseline());
    try {
      rig = startRig({ port: own.port, pollMs: 200, targets: ['ups-rfc'] });
      const r = rig;
      own.patch(rfc1628Values({ source: 5, onBattery: 5, minutes: 40 }));
      await waitFor(() => r.power.state().state === 'on_battery', 'on battery');
      await own.stop();
      await waitFor(() => r.calls.includes('exit 0'), 'exit after silence');
      expect(r.power.state().reason).toBe('UPS ups-rfc silent while on battery');
      expect(r.calls).toEqual([
        'checkpoint',
        'stopIntake',
        'shutdown: UPS ups-rfc silent while on battery',
        'exit 0',
      ]);
    } finally {
      await own.stop();
    }
  });

  it('power, follows APC traps within the poll gap, for a PowerNet UPS read over SNMPv3', async () => {
    const trapPort = await freeUdpPort();
    rig = startRig({ port: snmpd.port, pollMs: 60_000, targets: ['ups-apc-v3'], trapPort });
    const r = rig;
    await waitFor(() => r.monitor.snapshot()[0]?.ups, 'first reading');
    expect(r.monitor.snapshot()[0]!.ups!.mib).toBe('apc');

    // APC upsOnBattery (enterprise apc, specific trap 5), SMIv2 form 1.3.6.1.4.1.318.0.5.
    snmpd.patch(apcValues({ status: 3, runtimeMin: 30 }));
    await sendTrap(trapPort, '1.3.6.1.4.1.318.0.5', [
      ['1.3.6.1.4.1.318.2.3.1.0', 's', 'UPS: On battery power'],
    ]);
    await waitFor(() => r.hold.isHeld(), 'hold after APC onBattery trap', 5000);

    // APC powerRestored (specific trap 9).
    snmpd.patch(apcValues());
    await sendTrap(trapPort, '1.3.6.1.4.1.318.0.9');
    await waitFor(() => !r.hold.isHeld(), 'resume after APC powerRestored trap', 5000);
    await r.power.settled();
    expect(r.calls).toEqual(['checkpoint', 'resumeIntake']);
  });
});
