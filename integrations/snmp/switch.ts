// Managed switch over IF-MIB (RFC 2863): per-port status, speed, error/discard and 64-bit octet
// counters, plus sysUpTime for reboot detection. Parsing and evaluation are pure; readSwitch() asks.
import type { SnmpClient, SnmpValue, SnmpVar } from './client.js';

export const IF_MIB = {
  ifTable: '1.3.6.1.2.1.2.2.1',
  ifXTable: '1.3.6.1.2.1.31.1.1.1',
  sysUpTime: '1.3.6.1.2.1.1.3.0',
} as const;

/** ifTable columns (1.3.6.1.2.1.2.2.1.N). */
const IF_COL = { descr: 2, admin: 7, oper: 8, inDiscards: 13, inErrors: 14, outDiscards: 19, outErrors: 20 };
/** ifXTable columns (1.3.6.1.2.1.31.1.1.1.N). */
const IFX_COL = { name: 1, hcInOctets: 6, hcOutOctets: 10, highSpeed: 15, alias: 18 };

export type IfStatus = 'up' | 'down' | 'testing' | 'unknown' | 'dormant' | 'notPresent' | 'lowerLayerDown';
const IF_STATUS: Record<number, IfStatus> = {
  1: 'up',
  2: 'down',
  3: 'testing',
  4: 'unknown',
  5: 'dormant',
  6: 'notPresent',
  7: 'lowerLayerDown',
};

export interface SwitchPort {
  ifIndex: number;
  /** ifName, else ifDescr. */
  name: string;
  descr: string | null;
  alias: string | null;
  admin: IfStatus;
  oper: IfStatus;
  /** ifHighSpeed, Mb/s. */
  speedMbps: number | null;
  inErrors: number;
  outErrors: number;
  inDiscards: number;
  outDiscards: number;
  inOctets: bigint | null;
  outOctets: bigint | null;
}

export interface SwitchReading {
  target: string;
  at: number;
  /** sysUpTime in hundredths of a second. */
  sysUpTime: number | null;
  ports: SwitchPort[];
}

function n(v: SnmpValue | undefined): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(v);
  return 0;
}

function big(v: SnmpValue | undefined): bigint | null {
  if (typeof v === 'bigint') return v;
  if (typeof v === 'number') return BigInt(v);
  return null;
}

function str(v: SnmpValue | undefined): string | null {
  return typeof v === 'string' && v !== '' ? v : null;
}

/** Group walked varbinds by ifIndex: Map<ifIndex, Map<column, value>>. */
function rows(vars: readonly SnmpVar[], base: string): Map<number, Map<number, SnmpValue>> {
  const out = new Map<number, Map<number, SnmpValue>>();
  const prefix = base + '.';
  for (const v of vars) {
    if (!v.oid.startsWith(prefix)) continue;
    const [col, idx] = v.oid.slice(prefix.length).split('.').map(Number);
    if (col === undefined || idx === undefined || !Number.isInteger(col) || !Number.isInteger(idx)) continue;
    let row = out.get(idx);
    if (!row) out.set(idx, (row = new Map<number, SnmpValue>()));
    row.set(col, v.value);
  }
  return out;
}

/** Walked ifTable + ifXTable varbinds → ports sorted by ifIndex. */
export function parseInterfaces(ifTable: readonly SnmpVar[], ifXTable: readonly SnmpVar[]): SwitchPort[] {
  const base = rows(ifTable, IF_MIB.ifTable);
  const ext = rows(ifXTable, IF_MIB.ifXTable);
  const indexes = [...new Set([...base.keys(), ...ext.keys()])].sort((a, b) => a - b);
  return indexes.map((ifIndex) => {
    const r = base.get(ifIndex) ?? new Map<number, SnmpValue>();
    const x = ext.get(ifIndex) ?? new Map<number, SnmpValue>();
    const descr = str(r.get(IF_COL.descr));
    return {
      ifIndex,
      name: str(x.get(IFX_COL.name)) ?? descr ?? `if${ifIndex}`,
      descr,
      alias: str(x.get(IFX_COL.alias)),
      admin: IF_STATUS[n(r.get(IF_COL.admin))] ?? 'unknown',
      oper: IF_STATUS[n(r.get(IF_COL.oper))] ?? 'unknown',
      speedMbps: x.has(IFX_COL.highSpeed) ? n(x.get(IFX_COL.highSpeed)) : null,
      inErrors: n(r.get(IF_COL.inErrors)),
      outErrors: n(r.get(IF_COL.outErrors)),
      inDiscards: n(r.get(IF_COL.inDiscards)),
      outDiscards: n(r.get(IF_COL.outDiscards)),
      inOctets: big(x.get(IFX_COL.hcInOctets)),
      outOctets: big(x.get(IFX_COL.hcOutOctets)),
    };
  });
}

/** A watched port matches by ifName, ifDescr, ifAlias or ifIndex (config watch_ports). */
export function matchesWatch(port: SwitchPort, watch: string): boolean {
  return (
    watch === String(port.ifIndex) || watch === port.name || watch === port.descr || watch === port.alias
  );
}

export interface PortCondition {
  /** Stable alert key, e.g. 'switch.core.port.Gi0/1.down'. */
  key: string;
  active: boolean;
  severity: 'warning' | 'critical';
  message: string;
}

/**
 * The conditions a switch reading raises. A watched port is 'down' when it is administratively up
 * but not operationally up (or missing); 'errors' when its error/discard counters grew since the
 * previous reading. A reboot is an event, not a condition: see rebooted().
 */
export function evaluateSwitch(
  prev: SwitchReading | undefined,
  cur: SwitchReading,
  watch: readonly string[],
): PortCondition[] {
  const out: PortCondition[] = [];
  const base = `switch.${cur.target}`;
  for (const w of watch) {
    const port = cur.ports.find((p) => matchesWatch(p, w));
    const down = !port || port.oper !== 'up';
    out.push({
      key: `${base}.port.${w}.down`,
      active: down,
      severity: 'critical',
      message: !port
        ? `switch ${cur.target}: watched port ${w} not found`
        : down
          ? `switch ${cur.target}: watched port ${w} is ${port.oper} (admin ${port.admin})`
          : `switch ${cur.target}: watched port ${w} is up`,
    });
    const before = port && prev?.ports.find((p) => p.ifIndex === port.ifIndex);
    if (port && before) {
      const grew =
        port.inErrors -
        before.inErrors +
        (port.outErrors - before.outErrors) +
        (port.inDiscards - before.inDiscards) +
        (port.outDiscards - before.outDiscards);
      // Counters that went backwards were reset (reboot, counter clear): not growth.
      const climbing = grew > 0 && !rebooted(prev, cur);
      out.push({
        key: `${base}.port.${w}.errors`,
        active: climbing,
        severity: 'warning',
        message: climbing
          ? `switch ${cur.target}: port ${w} errors/discards rose by ${grew} since last poll`
          : `switch ${cur.target}: port ${w} error counters steady`,
      });
    }
  }
  return out;
}

/** sysUpTime (RFC 3418) went backwards: the switch restarted between two readings. */
export function rebooted(prev: SwitchReading | undefined, cur: SwitchReading): boolean {
  return (
    prev !== undefined && prev.sysUpTime !== null && cur.sysUpTime !== null && cur.sysUpTime < prev.sysUpTime
  );
}

export async function readSwitch(client: SnmpClient, at: () => number): Promise<SwitchReading> {
  const up = await client.get([IF_MIB.sysUpTime]);
  const [ifTable, ifXTable] = [await client.walk(IF_MIB.ifTable), await client.walk(IF_MIB.ifXTable)];
  const sysUpTime = up.get(IF_MIB.sysUpTime);
  return {
    target: client.target.name,
    at: at(),
    sysUpTime: typeof sysUpTime === 'number' ? sysUpTime : null,
    ports: parseInterfaces(ifTable, ifXTable),
  };
}
