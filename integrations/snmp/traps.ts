// SNMP trap receiver: UPS-MIB upsTraps, APC PowerNet traps, linkDown/linkUp and coldStart/warmStart,
// so a power or link event reaches the monitor before the next poll. classifyTrap() is pure.
import snmp from 'net-snmp';
import type { Logger } from 'pino';

export type TrapKind =
  | 'ups.on_battery'
  | 'ups.low_battery'
  | 'ups.power_restored'
  | 'ups.battery_ok'
  | 'link.down'
  | 'link.up'
  | 'cold_start'
  | 'warm_start';

export interface TrapEvent {
  kind: TrapKind;
  /** The sender's IP address (rinfo), used to find the target it concerns. */
  source: string;
  /** SNMPv2 snmpTrapOID (v1 traps are translated per RFC 3584 §3.1). */
  trapOid: string;
  /** linkDown/linkUp: the ifIndex varbind. */
  ifIndex?: number;
}

/** RFC 3418 snmpTrapOID.0 and the generic traps under snmpTraps (1.3.6.1.6.3.1.1.5). */
const SNMP_TRAP_OID = '1.3.6.1.6.3.1.1.4.1.0';
const GENERIC = '1.3.6.1.6.3.1.1.5';
/** RFC 1628 upsTraps (1.3.6.1.2.1.33.2). */
const UPS_TRAPS = '1.3.6.1.2.1.33.2';
const UPS_ALARM = '1.3.6.1.2.1.33.1.6.3';
/** APC PowerNet-MIB: enterprise apc, specific-trap numbers (SMIv2 form apc.0.N). */
const APC_TRAPS = '1.3.6.1.4.1.318.0';
const IF_INDEX = '1.3.6.1.2.1.2.2.1.1.';

const strip = (o: string) => (o.startsWith('.') ? o.slice(1) : o);

const BY_OID: Record<string, TrapKind> = {
  [`${GENERIC}.1`]: 'cold_start',
  [`${GENERIC}.2`]: 'warm_start',
  [`${GENERIC}.3`]: 'link.down',
  [`${GENERIC}.4`]: 'link.up',
  [`${UPS_TRAPS}.1`]: 'ups.on_battery', // upsTrapOnBattery
  [`${APC_TRAPS}.5`]: 'ups.on_battery', // upsOnBattery
  [`${APC_TRAPS}.7`]: 'ups.low_battery', // lowBattery
  [`${APC_TRAPS}.9`]: 'ups.power_restored', // powerRestored
  [`${APC_TRAPS}.11`]: 'ups.battery_ok', // returnFromLowBattery
};

type Pdu = snmp.Notification['pdu'];

/** The notification's trap OID: snmpTrapOID.0 (v2c/v3) or the RFC 3584 translation of a v1 trap. */
export function trapOidOf(pdu: Pdu): string | undefined {
  const vb = pdu.varbinds.find((v) => strip(v.oid) === SNMP_TRAP_OID);
  if (vb && typeof vb.value === 'string') return strip(vb.value);
  if (pdu.generic !== undefined) {
    if (pdu.generic === 6 && pdu.enterprise) return `${strip(pdu.enterprise)}.0.${pdu.specific ?? 0}`;
    return `${GENERIC}.${pdu.generic + 1}`;
  }
  return undefined;
}

/** Map a received notification to what it means for claimbox; undefined when it is not ours. */
export function classifyTrap(pdu: Pdu, source: string): TrapEvent | undefined {
  const trapOid = trapOidOf(pdu);
  if (!trapOid) return undefined;
  let kind: TrapKind | undefined = BY_OID[trapOid];
  if (trapOid === `${UPS_TRAPS}.3` || trapOid === `${UPS_TRAPS}.4`) {
    // upsTrapAlarmEntryAdded / Removed carry upsAlarmDescr: which well-known alarm it is.
    const added = trapOid.endsWith('.3');
    const alarm = pdu.varbinds
      .map((v) => (typeof v.value === 'string' ? strip(v.value) : ''))
      .find((v) => v.startsWith(UPS_ALARM + '.'));
    if (alarm === `${UPS_ALARM}.2`) kind = added ? 'ups.on_battery' : 'ups.power_restored';
    else if (alarm === `${UPS_ALARM}.3`) kind = added ? 'ups.low_battery' : 'ups.battery_ok';
  }
  if (!kind) return undefined;
  const event: TrapEvent = { kind, source, trapOid };
  if (kind === 'link.down' || kind === 'link.up') {
    const idx = pdu.varbinds.find((v) => strip(v.oid).startsWith(IF_INDEX));
    if (idx && typeof idx.value === 'number') event.ifIndex = idx.value;
  }
  return event;
}

export interface TrapReceiverOptions {
  host: string;
  port: number;
  community: string;
  logger: Logger;
  onTrap: (event: TrapEvent) => void;
}

export interface TrapReceiver {
  close(): Promise<void>;
}

/** Listen for traps (UDP). Unknown communities are refused by net-snmp's authorizer and logged. */
export function createTrapReceiver(options: TrapReceiverOptions): TrapReceiver {
  const { logger } = options;
  const receiver = snmp.createReceiver(
    { port: options.port, address: options.host, transport: options.host.includes(':') ? 'udp6' : 'udp4' },
    (error, notification) => {
      if (error || !notification) {
        // Bad community, undecodable packet, or the socket itself (EADDRINUSE on trap_port).
        logger.warn({ err: error?.message }, 'snmp trap receiver error');
        return;
      }
      try {
        const event = classifyTrap(notification.pdu, notification.rinfo.address);
        if (!event) {
          logger.debug({ trapOid: trapOidOf(notification.pdu) }, 'snmp trap ignored');
          return;
        }
        logger.info({ kind: event.kind, source: event.source, ifIndex: event.ifIndex }, 'snmp trap');
        options.onTrap(event);
      } catch (err) {
        logger.error({ err }, 'snmp trap handler failed');
      }
    },
  );
  receiver.getAuthorizer().addCommunity(options.community);
  return {
    close: () => new Promise((resolve) => receiver.close(() => resolve())),
  };
}
