// UPS readers: RFC 1628 UPS-MIB and APC PowerNet-MIB mapped onto one typed UpsReading.
// The parsers are pure (values in, reading out); readUps() is the thin shell that asks the agent.
import type { SnmpClient, SnmpValue } from './client.js';

export type UpsBatteryStatus = 'unknown' | 'normal' | 'low' | 'depleted' | 'fault';
export type UpsOutput = 'online' | 'battery' | 'bypass' | 'boost' | 'trim' | 'off' | 'unknown';

export interface UpsReading {
  /** Config target name. */
  target: string;
  mib: 'rfc1628' | 'apc';
  /** Epoch ms when read. */
  at: number;
  batteryStatus: UpsBatteryStatus;
  chargePct: number | null;
  runtimeMinutes: number | null;
  /** 0 when on utility power. */
  secondsOnBattery: number | null;
  output: UpsOutput;
  loadPct: number | null;
  inputVoltage: number | null;
  batteryTemperatureC: number | null;
  replaceBattery: boolean;
  lastTransferReason: string | null;
  /** RFC 1628 upsAlarmsPresent (null for APC). */
  alarmsPresent: number | null;
}

/** The UPS stopped answering; the power policy treats this like NUT's DEADTIME. */
export interface UpsSilence {
  target: string;
  at: number;
  silent: true;
}

export type UpsObservation = UpsReading | UpsSilence;

export function isSilence(o: UpsObservation): o is UpsSilence {
  return 'silent' in o;
}

// ------------------------------------------------------------------ RFC 1628 UPS-MIB (1.3.6.1.2.1.33)
const UPS = '1.3.6.1.2.1.33.1';
export const RFC1628 = {
  batteryStatus: `${UPS}.2.1.0`, // 1 unknown, 2 normal, 3 low, 4 depleted
  secondsOnBattery: `${UPS}.2.2.0`,
  minutesRemaining: `${UPS}.2.3.0`,
  chargeRemaining: `${UPS}.2.4.0`,
  batteryTemperature: `${UPS}.2.7.0`, // degrees C
  inputVoltage: `${UPS}.3.3.1.3.1`, // upsInputTable line 1, RMS volts
  outputSource: `${UPS}.4.1.0`, // 1 other 2 none 3 normal 4 bypass 5 battery 6 booster 7 reducer
  outputLoad: `${UPS}.4.4.1.5.1`, // upsOutputPercentLoad, line 1
  alarmsPresent: `${UPS}.6.1.0`,
  /** upsAlarmDescr column of upsAlarmTable: each value is a well-known alarm OID. */
  alarmDescr: `${UPS}.6.2.1.2`,
  /** Well-known alarms (upsWellKnownAlarms 6.3.x). */
  alarm: {
    batteryBad: `${UPS}.6.3.1`,
    onBattery: `${UPS}.6.3.2`,
    lowBattery: `${UPS}.6.3.3`,
    depletedBattery: `${UPS}.6.3.4`,
  },
} as const;

// ------------------------------------------------------------------ APC PowerNet-MIB (1.3.6.1.4.1.318.1.1.1)
const APC_UPS = '1.3.6.1.4.1.318.1.1.1';
export const APC = {
  basicBatteryStatus: `${APC_UPS}.2.1.1.0`, // 1 unknown, 2 normal, 3 low, 4 fault
  timeOnBattery: `${APC_UPS}.2.1.2.0`, // TimeTicks
  capacity: `${APC_UPS}.2.2.1.0`, // %
  temperature: `${APC_UPS}.2.2.2.0`, // degrees C
  runtimeRemaining: `${APC_UPS}.2.2.3.0`, // TimeTicks (1/100 s); LibreNMS divides by 6000 for minutes
  replaceIndicator: `${APC_UPS}.2.2.4.0`, // 1 no, 2 battery needs replacing
  inputVoltage: `${APC_UPS}.3.2.1.0`,
  lastTransferCause: `${APC_UPS}.3.2.5.0`,
  outputStatus: `${APC_UPS}.4.1.1.0`,
  outputLoad: `${APC_UPS}.4.2.3.0`,
} as const;

const RFC1628_SCALARS = [
  RFC1628.batteryStatus,
  RFC1628.secondsOnBattery,
  RFC1628.minutesRemaining,
  RFC1628.chargeRemaining,
  RFC1628.batteryTemperature,
  RFC1628.inputVoltage,
  RFC1628.outputSource,
  RFC1628.outputLoad,
  RFC1628.alarmsPresent,
];

/** upsAdvInputLineFailCause. */
const APC_TRANSFER_REASONS: Record<number, string> = {
  1: 'noTransfer',
  2: 'highLineVoltage',
  3: 'brownout',
  4: 'blackout',
  5: 'smallMomentarySag',
  6: 'deepMomentarySag',
  7: 'smallMomentarySpike',
  8: 'largeMomentarySpike',
  9: 'selfTest',
  10: 'rateOfVoltageChange',
};

function num(v: SnmpValue | undefined): number | null {
  if (v === null || v === undefined) return null;
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(v);
  const n = Number(v);
  return Number.isFinite(n) ? n : null;
}

function rfc1628Battery(v: number | null): UpsBatteryStatus {
  switch (v ?? 0) {
    case 2:
      return 'normal';
    case 3:
      return 'low';
    case 4:
      return 'depleted';
    default:
      return 'unknown';
  }
}

function rfc1628Output(v: number | null): UpsOutput {
  switch (v ?? 0) {
    case 3:
      return 'online';
    case 4:
      return 'bypass';
    case 5:
      return 'battery';
    case 6:
      return 'boost';
    case 7:
      return 'trim';
    case 2:
      return 'off';
    default:
      return 'unknown';
  }
}

/**
 * RFC 1628 values → reading. `alarms` are the upsAlarmDescr values (well-known alarm OIDs) from
 * the alarm table: the MIB has no replace-battery object, so upsAlarmBatteryBad stands in for it.
 */
export function parseRfc1628(
  target: string,
  at: number,
  values: ReadonlyMap<string, SnmpValue>,
  alarms: readonly string[] = [],
): UpsReading {
  const alarmSet = new Set(alarms.map((a) => (a.startsWith('.') ? a.slice(1) : a)));
  let batteryStatus = rfc1628Battery(num(values.get(RFC1628.batteryStatus)));
  if (batteryStatus === 'normal' && alarmSet.has(RFC1628.alarm.lowBattery)) batteryStatus = 'low';
  let output = rfc1628Output(num(values.get(RFC1628.outputSource)));
  if (output === 'unknown' && alarmSet.has(RFC1628.alarm.onBattery)) output = 'battery';
  return {
    target,
    mib: 'rfc1628',
    at,
    batteryStatus,
    chargePct: num(values.get(RFC1628.chargeRemaining)),
    runtimeMinutes: num(values.get(RFC1628.minutesRemaining)),
    secondsOnBattery: num(values.get(RFC1628.secondsOnBattery)),
    output,
    loadPct: num(values.get(RFC1628.outputLoad)),
    inputVoltage: num(values.get(RFC1628.inputVoltage)),
    batteryTemperatureC: num(values.get(RFC1628.batteryTemperature)),
    replaceBattery: alarmSet.has(RFC1628.alarm.batteryBad),
    lastTransferReason: null,
    alarmsPresent: num(values.get(RFC1628.alarmsPresent)),
  };
}

function apcBattery(v: number | null): UpsBatteryStatus {
  switch (v ?? 0) {
    case 2:
      return 'normal';
    case 3:
      return 'low';
    case 4:
      return 'fault';
    default:
      return 'unknown';
  }
}

/** upsBasicOutputStatus. */
function apcOutput(v: number | null): UpsOutput {
  switch (v ?? 0) {
    case 2:
      return 'online';
    case 3:
      return 'battery';
    case 4:
      return 'boost';
    case 12:
      return 'trim';
    case 6: // softwareBypass
    case 9: // switchedBypass
    case 10: // hardwareFailureBypass
      return 'bypass';
    case 7: // off
    case 5: // timedSleeping
    case 11: // sleepingUntilPowerReturn
      return 'off';
    default:
      return 'unknown';
  }
}

/** APC PowerNet values → reading. TimeTicks are 1/100 s. */
export function parseApc(target: string, at: number, values: ReadonlyMap<string, SnmpValue>): UpsReading {
  const runtimeTicks = num(values.get(APC.runtimeRemaining));
  const onBatteryTicks = num(values.get(APC.timeOnBattery));
  const reason = num(values.get(APC.lastTransferCause));
  const replace = num(values.get(APC.replaceIndicator));
  return {
    target,
    mib: 'apc',
    at,
    batteryStatus: apcBattery(num(values.get(APC.basicBatteryStatus))),
    chargePct: num(values.get(APC.capacity)),
    runtimeMinutes: runtimeTicks === null ? null : Math.floor(runtimeTicks / 6000),
    secondsOnBattery: onBatteryTicks === null ? null : Math.floor(onBatteryTicks / 100),
    output: apcOutput(num(values.get(APC.outputStatus))),
    loadPct: num(values.get(APC.outputLoad)),
    inputVoltage: num(values.get(APC.inputVoltage)),
    batteryTemperatureC: num(values.get(APC.temperature)),
    replaceBattery: replace === 2,
    lastTransferReason: reason === null ? null : (APC_TRANSFER_REASONS[reason] ?? `code ${reason}`),
    alarmsPresent: null,
  };
}

/** Ask the agent for one reading in the target's MIB. Throws (transient) when it does not answer. */
export async function readUps(
  client: SnmpClient,
  mib: 'rfc1628' | 'apc',
  at: () => number,
): Promise<UpsReading> {
  if (mib === 'apc') {
    const values = await client.get(Object.values(APC));
    return parseApc(client.target.name, at(), values);
  }
  const values = await client.get(RFC1628_SCALARS);
  const present = values.get(RFC1628.alarmsPresent);
  // Walk the alarm table only when the agent says alarms are present (saves a round trip).
  const alarms =
    typeof present === 'number' && present > 0
      ? (await client.walk(RFC1628.alarmDescr)).map((v) => String(v.value))
      : [];
  return parseRfc1628(client.target.name, at(), values, alarms);
}
