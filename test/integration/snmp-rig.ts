// The ops side of the appliance wired as main.ts would wire it, with recording effects: SNMP
// monitor → power policy, alerter, metrics, health runner. Used by the snmp and power tests.
import { configSchema, type Config } from '../../appliance/config.js';
import { silentLogger } from '../../appliance/log.js';
import { createSnmpMonitor, type SnmpMonitor } from '../../integrations/snmp/monitor.js';
import { createAlerter, type AlertNotice, type Alerter } from '../../ops/alerts.js';
import { createHealthRegistry, type HealthRegistry } from '../../appliance/web/health.js';
import { createSnmpHealthSource } from '../../ops/health-snmp.js';
import { createMetricsRegistry, type OpsMetrics } from '../../ops/metrics.js';
import { createMemoryHoldSwitch, createPowerPolicy, type PowerPolicy } from '../../ops/power.js';
import type { HoldSwitch } from '../../appliance/ports.js';
import type { TrapEvent } from '../../integrations/snmp/traps.js';
import { V3 } from './snmpd.js';

export interface Rig {
  config: Config;
  monitor: SnmpMonitor;
  power: PowerPolicy;
  hold: HoldSwitch;
  alerter: Alerter;
  notices: AlertNotice[];
  traps: TrapEvent[];
  metrics: OpsMetrics;
  health: HealthRegistry;
  /** Effects the power policy ran, in order. */
  calls: string[];
  stop(): Promise<void>;
}

export interface RigOptions {
  port: number;
  pollMs: number;
  trapPort?: number;
  /** Which targets to configure. */
  targets?: ('ups-rfc' | 'ups-apc-v3' | 'switch' | 'dead-ups')[];
  deadPort?: number;
  shutdownCommand?: string;
}

export function rigConfig(o: RigOptions): Config {
  // Generous timeouts: CI machines are busy; silence detection is by elapsed time, not by count.
  const common = { host: '127.0.0.1', port: o.port, timeout_ms: 1000, retries: 1 };
  const all = {
    'ups-rfc': { ...common, name: 'ups-rfc', kind: 'ups', mib: 'rfc1628' },
    'ups-apc-v3': {
      ...common,
      name: 'ups-apc',
      kind: 'ups',
      mib: 'apc',
      version: '3',
      user: V3.user,
      auth_protocol: 'sha',
      auth_key: V3.auth,
      priv_protocol: 'aes',
      priv_key: V3.priv,
    },
    switch: { ...common, name: 'core', kind: 'switch', watch_ports: ['Gi0/1', '2'] },
    'dead-ups': { ...common, name: 'dead', kind: 'ups', port: o.deadPort ?? 9 },
  } as const;
  return configSchema.parse({
    snmp: {
      poll_seconds: o.pollMs / 1000,
      traps_enabled: o.trapPort !== undefined,
      trap_port: o.trapPort ?? 1162,
      trap_host: '127.0.0.1',
      targets: (o.targets ?? ['ups-rfc', 'switch']).map((t) => all[t]),
    },
    power: { shutdown_runtime_minutes: 5, shutdown_command: o.shutdownCommand ?? '' },
    alerts: { hold_seconds: 0, syslog: false },
  });
}

export function startRig(o: RigOptions): Rig {
  const config = rigConfig(o);
  const logger = silentLogger();
  const calls: string[] = [];
  const notices: AlertNotice[] = [];
  const traps: TrapEvent[] = [];
  const hold = createMemoryHoldSwitch();
  const metrics = createMetricsRegistry({ defaultMetrics: false });
  const alerter = createAlerter({
    holdSeconds: config.alerts.hold_seconds,
    logger,
    sinks: [
      {
        name: 'memory',
        send: (n) => {
          notices.push(n);
          return Promise.resolve();
        },
      },
    ],
  });
  const power = createPowerPolicy({
    hold,
    stopIntake: () => void calls.push('stopIntake'),
    resumeIntake: () => void calls.push('resumeIntake'),
    checkpoint: () => void calls.push('checkpoint'),
    shutdown: (reason) => void calls.push(`shutdown: ${reason}`),
    alerts: alerter,
    logger,
    config,
    runCommand: (c) => {
      calls.push(`command: ${c}`);
      return Promise.resolve();
    },
    exit: (code) => void calls.push(`exit ${code}`),
  });
  const ref: { health?: HealthRegistry } = {};
  const monitor = createSnmpMonitor({
    snmp: config.snmp,
    logger,
    pollMs: o.pollMs,
    onUps: (u) => {
      metrics.observeUps(u);
      power.onUps(u);
      const p = power.state();
      metrics.observePower(p.state, p.held);
      // A UPS change reaches /health at once, not at the next refresh.
      void ref.health?.refresh();
    },
    onSwitch: (s) => metrics.observeSwitch(s),
    onCondition: (c) => alerter.set(c),
    onEvent: (e) => alerter.event(e),
    onState: (s) => metrics.observeTarget(s),
    onTrap: (t) => void traps.push(t),
  });
  const health = (ref.health = createHealthRegistry('test', Date.now, {
    onReport: (r) => metrics.observeChecks(r.checks),
  }));
  health.add(createSnmpHealthSource({ monitor, config, power }));
  monitor.start();
  return {
    config,
    monitor,
    power,
    hold,
    alerter,
    notices,
    traps,
    metrics,
    health,
    calls,
    async stop() {
      health.stop();
      await monitor.stop();
      alerter.stop();
      await power.settled();
    },
  };
}
