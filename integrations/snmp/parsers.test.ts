import { describe, expect, it } from 'vitest';
import { varbindValue, type SnmpValue, type SnmpVar } from './client.js';
import { APC, RFC1628, parseApc, parseRfc1628 } from './ups.js';
import { evaluateSwitch, parseInterfaces, rebooted, type SwitchReading } from './switch.js';
import { classifyTrap, trapOidOf } from './traps.js';

const map = (o: Record<string, SnmpValue>) => new Map(Object.entries(o));

describe('varbindValue', () => {
  it('varbindValue, decodes Counter64 as bigint, from a short big-endian buffer', () => {
    expect(varbindValue({ oid: '1', type: 70, value: Buffer.from([0x01, 0x00, 0x00]) })).toBe(65536n);
  });
  it('varbindValue, returns null, for noSuchInstance', () => {
    expect(varbindValue({ oid: '1', type: 129, value: null })).toBeNull();
  });
  it('varbindValue, decodes OctetString as text', () => {
    expect(varbindValue({ oid: '1', type: 4, value: Buffer.from('Gi0/1') })).toBe('Gi0/1');
  });
});

describe('parseRfc1628', () => {
  it('parseRfc1628, reads output source battery and low battery, from UPS-MIB values', () => {
    const r = parseRfc1628(
      'u',
      5,
      map({
        [RFC1628.batteryStatus]: 3,
        [RFC1628.outputSource]: 5,
        [RFC1628.minutesRemaining]: 4,
        [RFC1628.secondsOnBattery]: 310,
      }),
    );
    expect(r).toMatchObject({
      batteryStatus: 'low',
      output: 'battery',
      runtimeMinutes: 4,
      secondsOnBattery: 310,
    });
    expect(r.chargePct).toBeNull();
  });

  it('parseRfc1628, maps every upsOutputSource value', () => {
    const out = [1, 2, 3, 4, 5, 6, 7].map(
      (v) => parseRfc1628('u', 0, map({ [RFC1628.outputSource]: v })).output,
    );
    expect(out).toEqual(['unknown', 'off', 'online', 'bypass', 'battery', 'boost', 'trim']);
  });

  it('parseRfc1628, takes replace and low battery from the alarm table, when alarms are present', () => {
    const r = parseRfc1628('u', 0, map({ [RFC1628.batteryStatus]: 2, [RFC1628.outputSource]: 3 }), [
      '.1.3.6.1.2.1.33.1.6.3.1',
      '1.3.6.1.2.1.33.1.6.3.3',
    ]);
    expect(r).toMatchObject({ replaceBattery: true, batteryStatus: 'low' });
  });
});

describe('parseApc', () => {
  it('parseApc, converts TimeTicks to minutes and seconds, and names the transfer reason', () => {
    const r = parseApc(
      'a',
      0,
      map({
        [APC.basicBatteryStatus]: 2,
        [APC.outputStatus]: 12,
        [APC.runtimeRemaining]: 125_999,
        [APC.timeOnBattery]: 1234,
        [APC.replaceIndicator]: 2,
        [APC.lastTransferCause]: 9,
      }),
    );
    expect(r).toMatchObject({
      output: 'trim',
      runtimeMinutes: 20,
      secondsOnBattery: 12,
      replaceBattery: true,
      lastTransferReason: 'selfTest',
    });
  });

  it('parseApc, maps bypass, boost and off states', () => {
    const out = [2, 3, 4, 7, 9, 10, 99].map((v) => parseApc('a', 0, map({ [APC.outputStatus]: v })).output);
    expect(out).toEqual(['online', 'battery', 'boost', 'off', 'bypass', 'bypass', 'unknown']);
  });
});

describe('switch', () => {
  const ifv = (col: number, idx: number, value: SnmpValue): SnmpVar => ({
    oid: `1.3.6.1.2.1.2.2.1.${col}.${idx}`,
    value,
  });
  const ifx = (col: number, idx: number, value: SnmpValue): SnmpVar => ({
    oid: `1.3.6.1.2.1.31.1.1.1.${col}.${idx}`,
    value,
  });
  const reading = (oper: number, inErrors: number, sysUpTime: number): SwitchReading => ({
    target: 'sw',
    at: 0,
    sysUpTime,
    ports: parseInterfaces(
      [
        ifv(2, 1, 'eth0'),
        ifv(7, 1, 1),
        ifv(8, 1, oper),
        ifv(14, 1, inErrors),
        ifv(2, 2, 'eth1'),
        ifv(8, 2, 1),
      ],
      [ifx(1, 1, 'Gi0/1'), ifx(15, 1, 1000), ifx(6, 1, 5n)],
    ),
  });

  it('parseInterfaces, prefers ifName over ifDescr, per ifIndex', () => {
    const ports = reading(1, 0, 100).ports;
    expect(ports.map((p) => [p.ifIndex, p.name, p.descr, p.speedMbps, p.inOctets])).toEqual([
      [1, 'Gi0/1', 'eth0', 1000, 5n],
      [2, 'eth1', 'eth1', null, null],
    ]);
  });

  it('evaluateSwitch, raises down for a watched port, matched by name, descr or ifIndex', () => {
    const cur = reading(2, 0, 100);
    for (const w of ['Gi0/1', 'eth0', '1'])
      expect(evaluateSwitch(undefined, cur, [w]).find((c) => c.key.endsWith('.down'))?.active).toBe(true);
    expect(evaluateSwitch(undefined, cur, ['eth1'])[0]).toMatchObject({
      key: 'switch.sw.port.eth1.down',
      active: false,
    });
  });

  it('evaluateSwitch, reports a missing watched port as down', () => {
    expect(evaluateSwitch(undefined, reading(1, 0, 100), ['Gi0/9'])[0]).toMatchObject({
      active: true,
      message: 'switch sw: watched port Gi0/9 not found',
    });
  });

  it('evaluateSwitch, flags errors climbing, only when counters grew between polls', () => {
    const first = reading(1, 10, 100);
    const grew = evaluateSwitch(first, reading(1, 15, 200), ['Gi0/1']).find((c) => c.key.endsWith('.errors'));
    expect(grew).toMatchObject({ active: true, severity: 'warning' });
    const steady = evaluateSwitch(first, reading(1, 10, 200), ['Gi0/1']).find((c) =>
      c.key.endsWith('.errors'),
    );
    expect(steady?.active).toBe(false);
  });

  it('rebooted, is true, when sysUpTime goes backwards', () => {
    expect(rebooted(reading(1, 0, 5000), reading(1, 0, 20))).toBe(true);
    expect(rebooted(reading(1, 0, 20), reading(1, 0, 5000))).toBe(false);
    expect(rebooted(undefined, reading(1, 0, 20))).toBe(false);
  });
});

describe('classifyTrap', () => {
  const v2 = (trapOid: string, extra: { oid: string; type: number; value: unknown }[] = []) => ({
    type: 167,
    varbinds: [
      { oid: '1.3.6.1.2.1.1.3.0', type: 67, value: 100 },
      { oid: '1.3.6.1.6.3.1.1.4.1.0', type: 6, value: trapOid },
      ...extra,
    ],
  });

  it('classifyTrap, recognises UPS-MIB, APC and generic traps, by snmpTrapOID', () => {
    const kinds = [
      '1.3.6.1.2.1.33.2.1',
      '1.3.6.1.4.1.318.0.5',
      '1.3.6.1.4.1.318.0.7',
      '1.3.6.1.4.1.318.0.9',
      '1.3.6.1.4.1.318.0.11',
      '1.3.6.1.6.3.1.1.5.1',
    ].map((o) => classifyTrap(v2(o), '10.0.0.5')?.kind);
    expect(kinds).toEqual([
      'ups.on_battery',
      'ups.on_battery',
      'ups.low_battery',
      'ups.power_restored',
      'ups.battery_ok',
      'cold_start',
    ]);
  });

  it('classifyTrap, reads the alarm from upsTrapAlarmEntryAdded/Removed', () => {
    const alarm = (trap: string, which: string) =>
      classifyTrap(v2(trap, [{ oid: '1.3.6.1.2.1.33.1.6.2.1.2.7', type: 6, value: which }]), 'x')?.kind;
    expect(alarm('1.3.6.1.2.1.33.2.3', '1.3.6.1.2.1.33.1.6.3.3')).toBe('ups.low_battery');
    expect(alarm('1.3.6.1.2.1.33.2.4', '1.3.6.1.2.1.33.1.6.3.2')).toBe('ups.power_restored');
  });

  it('classifyTrap, takes the ifIndex, from linkDown', () => {
    expect(
      classifyTrap(v2('1.3.6.1.6.3.1.1.5.3', [{ oid: '1.3.6.1.2.1.2.2.1.1.4', type: 2, value: 4 }]), 'sw'),
    ).toEqual({ kind: 'link.down', source: 'sw', trapOid: '1.3.6.1.6.3.1.1.5.3', ifIndex: 4 });
  });

  it('trapOidOf, translates SNMPv1 traps per RFC 3584, for generic and enterprise traps', () => {
    expect(trapOidOf({ type: 164, varbinds: [], generic: 2, specific: 0, enterprise: '1.3.6.1.4.1.9' })).toBe(
      '1.3.6.1.6.3.1.1.5.3',
    );
    expect(
      trapOidOf({ type: 164, varbinds: [], generic: 6, specific: 5, enterprise: '1.3.6.1.4.1.318' }),
    ).toBe('1.3.6.1.4.1.318.0.5');
  });

  it('classifyTrap, ignores traps it does not know', () => {
    expect(classifyTrap(v2('1.3.6.1.4.1.9.9.41.2.0.1'), 'x')).toBeUndefined();
  });
});
