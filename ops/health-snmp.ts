// UPS, switch-port and power-policy checks for /health, built from the SNMP monitor's last state
// (never a fresh poll per request). Thresholds follow the Zabbix UPS template: battery status not
// normal → critical, charge < 20% → degraded; on battery → degraded, below the shutdown runtime or
// silent on battery → critical.
import type { Config } from '../appliance/config.js';
import type { CheckResult, HealthSource, HealthStatus } from '../appliance/ports.js';
import type { TargetState } from '../integrations/snmp/monitor.js';
import type { UpsReading } from '../integrations/snmp/ups.js';
import { matchesWatch } from '../integrations/snmp/switch.js';
import type { PowerPolicy } from './power.js';

export const CHARGE_WARN_PCT = 20;

/** The checks for one UPS target (pure). */
export function upsChecks(s: TargetState, shutdownRuntimeMinutes: number): CheckResult[] {
  const base = `ups.${s.name}`;
  const r: UpsReading | undefined = s.ups;
  if (s.silent || !r) {
    return [
      {
        name: `${base}.power`,
        status: s.silent ? 'critical' : 'degraded',
        value: r?.output ?? 'unknown',
        threshold: 'silent for 3 polls critical',
        message: s.silent
          ? `UPS ${s.name} not answering SNMP${r ? ` (last seen ${r.output})` : ''}`
          : `UPS ${s.name}: waiting for a first answer${s.lastError ? ` (${s.lastError})` : ''}`,
      },
    ];
  }
  const onBattery = r.output === 'battery';
  const lowRuntime = r.runtimeMinutes !== null && r.runtimeMinutes < shutdownRuntimeMinutes;
  const powerStatus: HealthStatus =
    onBattery && (lowRuntime || r.batteryStatus === 'low' || r.batteryStatus === 'depleted')
      ? 'critical'
      : onBattery || r.output === 'bypass' || r.output === 'off' || r.output === 'unknown'
        ? 'degraded'
        : 'ok';
  const checks: CheckResult[] = [
    {
      name: `${base}.power`,
      status: powerStatus,
      value: r.output,
      threshold: 'on battery degraded; on battery with low battery or runtime critical',
      message: onBattery
        ? `UPS ${s.name} on battery for ${r.secondsOnBattery ?? '?'} s`
        : `UPS ${s.name} output ${r.output}${r.lastTransferReason ? `, last transfer: ${r.lastTransferReason}` : ''}`,
    },
  ];
  if (r.runtimeMinutes !== null)
    checks.push({
      name: `${base}.runtime`,
      status: lowRuntime ? (onBattery ? 'critical' : 'degraded') : 'ok',
      value: r.runtimeMinutes,
      unit: 'min',
      threshold: `< ${shutdownRuntimeMinutes} min: clean stop when on battery`,
      message: `${r.runtimeMinutes} min runtime remaining`,
    });
  const batteryBad = r.batteryStatus !== 'normal';
  const lowCharge = r.chargePct !== null && r.chargePct < CHARGE_WARN_PCT;
  checks.push({
    name: `${base}.battery`,
    status:
      batteryBad && r.batteryStatus !== 'unknown'
        ? 'critical'
        : r.replaceBattery || lowCharge || r.batteryStatus === 'unknown'
          ? 'degraded'
          : 'ok',
    value: r.chargePct,
    unit: '%',
    threshold: `status not normal critical; charge < ${CHARGE_WARN_PCT}% or replace flag degraded`,
    message:
      `battery ${r.batteryStatus}, ${r.chargePct ?? '?'}% charged` +
      (r.replaceBattery ? ', REPLACE BATTERY' : '') +
      (r.batteryTemperatureC !== null ? `, ${r.batteryTemperatureC} °C` : '') +
      (r.loadPct !== null ? `, load ${r.loadPct}%` : ''),
  });
  return checks;
}

/** The checks for one switch target: reachability and each watched port (pure). */
export function switchChecks(s: TargetState, watch: readonly string[]): CheckResult[] {
  const base = `switch.${s.name}`;
  if (s.silent || !s.switch) {
    return [
      {
        name: base,
        status: 'degraded',
        value: false,
        threshold: 'silent for 3 polls degraded',
        message: s.silent
          ? `switch ${s.name} not answering SNMP`
          : `switch ${s.name}: waiting for a first answer`,
      },
    ];
  }
  const out: CheckResult[] = [
    {
      name: base,
      status: 'ok',
      value: true,
      message: `switch ${s.name} answering, ${s.switch.ports.length} ports`,
    },
  ];
  for (const w of watch) {
    const port = s.switch.ports.find((p) => matchesWatch(p, w));
    const errors = s.conditions.find((c) => c.key === `${base}.port.${w}.errors`);
    const status: HealthStatus =
      !port || port.oper !== 'up' ? 'critical' : errors?.active ? 'degraded' : 'ok';
    out.push({
      name: `${base}.port.${w}`,
      status,
      value: port?.oper ?? 'missing',
      threshold: 'down critical; errors climbing degraded',
      message: !port
        ? `watched port ${w} not found`
        : `port ${w} ${port.oper}${port.speedMbps ? ` at ${port.speedMbps} Mb/s` : ''}` +
          (errors?.active ? ', errors climbing' : ''),
    });
  }
  return out;
}

export interface SnmpHealthOptions {
  monitor: { snapshot(): TargetState[] };
  config: Pick<Config, 'snmp' | 'power'>;
  /** Adds a 'power' check with the policy's state. */
  power?: Pick<PowerPolicy, 'state'>;
}

/** UPS, switch and power checks as one HealthSource named 'snmp'. */
export function createSnmpHealthSource(options: SnmpHealthOptions): HealthSource {
  const watchOf = new Map(options.config.snmp.targets.map((t) => [t.name, t.watch_ports]));
  return {
    name: 'snmp',
    check() {
      const checks: CheckResult[] = [];
      for (const s of options.monitor.snapshot()) {
        if (s.kind === 'ups') checks.push(...upsChecks(s, options.config.power.shutdown_runtime_minutes));
        else checks.push(...switchChecks(s, watchOf.get(s.name) ?? []));
      }
      if (options.power) {
        const p = options.power.state();
        checks.push({
          name: 'power',
          status: p.state === 'online' ? 'ok' : p.state === 'on_battery' ? 'degraded' : 'critical',
          value: p.state,
          threshold: 'on battery degraded (submissions held); low critical (stopping)',
          message: p.reason + (p.held ? '; submissions held' : ''),
        });
      }
      return Promise.resolve(checks);
    },
  };
}
