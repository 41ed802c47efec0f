// Prometheus metrics (prom-client): one Registry per appliance (no global default registry), UPS and
// switch-port gauges fed by the SNMP monitor, health-check gauges, and a hook for the pipeline's
// counts, lags, queue depths and HTTP figures. Exposition format 0.0.4 (text/plain; version=0.0.4).
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { CheckResult } from '../appliance/ports.js';
import type { TargetState } from '../integrations/snmp/monitor.js';
import type { SwitchReading } from '../integrations/snmp/switch.js';
import type { UpsObservation, UpsOutput, UpsBatteryStatus } from '../integrations/snmp/ups.js';
import type { PowerState } from './power.js';

/** Prometheus text exposition format 0.0.4. */
export const METRICS_CONTENT_TYPE = Registry.PROMETHEUS_CONTENT_TYPE;

const OUTPUTS: UpsOutput[] = ['online', 'battery', 'bypass', 'boost', 'trim', 'off', 'unknown'];
const BATTERY: UpsBatteryStatus[] = ['unknown', 'normal', 'low', 'depleted', 'fault'];
const POWER: PowerState[] = ['online', 'on_battery', 'low'];
const STATUS_VALUE = { ok: 0, degraded: 1, critical: 2 } as const;

export interface OpsMetrics {
  readonly registry: Registry;
  readonly contentType: string;
  observeUps(observation: UpsObservation): void;
  observeSwitch(reading: SwitchReading): void;
  observeTarget(state: TargetState): void;
  observePower(state: PowerState, held: boolean): void;
  observeChecks(checks: readonly CheckResult[]): void;
  /** The exposition text for GET /metrics. */
  metrics(): Promise<string>;
}

export interface MetricsOptions {
  /** Node process metrics (heap, event loop lag, fds) with the claimbox_ prefix. Default true. */
  defaultMetrics?: boolean;
}

function setOrRemove(g: Gauge<string>, labels: Record<string, string>, v: number | null | bigint) {
  if (v === null) g.remove(labels);
  else g.set(labels, typeof v === 'bigint' ? Number(v) : v);
}

export function createMetricsRegistry(options: MetricsOptions = {}): OpsMetrics {
  const registry = new Registry();
  if (options.defaultMetrics !== false) collectDefaultMetrics({ register: registry, prefix: 'claimbox_' });
  const g = (name: string, help: string, labelNames: string[]) =>
    new Gauge({ name, help, labelNames, registers: [registry] });

  const ups = {
    up: g('claimbox_ups_up', 'UPS answers SNMP (1) or is silent (0)', ['target']),
    onBattery: g('claimbox_ups_on_battery', 'UPS output is on battery', ['target']),
    output: g('claimbox_ups_output_source', 'UPS output source (1 for the current one)', [
      'target',
      'source',
    ]),
    battery: g('claimbox_ups_battery_status', 'UPS battery status (1 for the current one)', [
      'target',
      'status',
    ]),
    charge: g('claimbox_ups_battery_charge_percent', 'Battery charge remaining, %', ['target']),
    runtime: g('claimbox_ups_runtime_minutes', 'Estimated runtime remaining, minutes', ['target']),
    secondsOnBattery: g('claimbox_ups_seconds_on_battery', 'Seconds since switching to battery', ['target']),
    load: g('claimbox_ups_load_percent', 'Output load, %', ['target']),
    inputVoltage: g('claimbox_ups_input_voltage_volts', 'Input line voltage', ['target']),
    temperature: g('claimbox_ups_battery_temperature_celsius', 'Battery temperature', ['target']),
    replace: g('claimbox_ups_replace_battery', 'UPS asks for a battery replacement', ['target']),
  };
  const port = {
    operUp: g('claimbox_switch_port_oper_up', 'Port operational status is up', ['target', 'port', 'ifindex']),
    adminUp: g('claimbox_switch_port_admin_up', 'Port administrative status is up', [
      'target',
      'port',
      'ifindex',
    ]),
    speed: g('claimbox_switch_port_speed_mbps', 'ifHighSpeed, Mb/s', ['target', 'port', 'ifindex']),
    errors: g('claimbox_switch_port_errors', 'ifInErrors/ifOutErrors as read from the switch', [
      'target',
      'port',
      'ifindex',
      'direction',
    ]),
    discards: g('claimbox_switch_port_discards', 'ifInDiscards/ifOutDiscards as read from the switch', [
      'target',
      'port',
      'ifindex',
      'direction',
    ]),
    octets: g('claimbox_switch_port_octets', 'ifHCInOctets/ifHCOutOctets as read from the switch', [
      'target',
      'port',
      'ifindex',
      'direction',
    ]),
    uptime: g('claimbox_switch_uptime_seconds', 'sysUpTime of the switch', ['target']),
  };
  const target = {
    up: g('claimbox_snmp_target_up', 'SNMP target answered its last poll', ['target', 'kind']),
    poll: g('claimbox_snmp_poll_seconds', 'Round trip of the last answered poll', ['target', 'kind']),
  };
  const power = {
    state: g('claimbox_power_state', 'Power policy state (1 for the current one)', ['state']),
    held: g('claimbox_submissions_held', 'New submissions are held', []),
  };
  const check = g('claimbox_health_check_status', 'Health check status: 0 ok, 1 degraded, 2 critical', [
    'check',
  ]);
  const checkValue = g('claimbox_health_check_value', 'Numeric value of a health check, in its unit', [
    'check',
    'unit',
  ]);

  return {
    registry,
    contentType: METRICS_CONTENT_TYPE,
    observeUps(o) {
      const t = { target: o.target };
      if ('silent' in o) {
        ups.up.set(t, 0);
        return;
      }
      ups.up.set(t, 1);
      ups.onBattery.set(t, o.output === 'battery' ? 1 : 0);
      for (const s of OUTPUTS) ups.output.set({ ...t, source: s }, o.output === s ? 1 : 0);
      for (const s of BATTERY) ups.battery.set({ ...t, status: s }, o.batteryStatus === s ? 1 : 0);
      setOrRemove(ups.charge, t, o.chargePct);
      setOrRemove(ups.runtime, t, o.runtimeMinutes);
      setOrRemove(ups.secondsOnBattery, t, o.secondsOnBattery);
      setOrRemove(ups.load, t, o.loadPct);
      setOrRemove(ups.inputVoltage, t, o.inputVoltage);
      setOrRemove(ups.temperature, t, o.batteryTemperatureC);
      ups.replace.set(t, o.replaceBattery ? 1 : 0);
    },
    observeSwitch(r) {
      if (r.sysUpTime !== null) port.uptime.set({ target: r.target }, r.sysUpTime / 100);
      for (const p of r.ports) {
        const l = { target: r.target, port: p.name, ifindex: String(p.ifIndex) };
        port.operUp.set(l, p.oper === 'up' ? 1 : 0);
        port.adminUp.set(l, p.admin === 'up' ? 1 : 0);
        setOrRemove(port.speed, l, p.speedMbps);
        port.errors.set({ ...l, direction: 'in' }, p.inErrors);
        port.errors.set({ ...l, direction: 'out' }, p.outErrors);
        port.discards.set({ ...l, direction: 'in' }, p.inDiscards);
        port.discards.set({ ...l, direction: 'out' }, p.outDiscards);
        setOrRemove(port.octets, { ...l, direction: 'in' }, p.inOctets);
        setOrRemove(port.octets, { ...l, direction: 'out' }, p.outOctets);
      }
    },
    observeTarget(s) {
      const l = { target: s.name, kind: s.kind };
      target.up.set(l, s.reachable ? 1 : 0);
      if (s.lastPollMs !== null) target.poll.set(l, s.lastPollMs / 1000);
      if (s.kind === 'ups' && s.silent) ups.up.set({ target: s.name }, 0);
    },
    observePower(state, held) {
      for (const s of POWER) power.state.set({ state: s }, s === state ? 1 : 0);
      power.held.set(held ? 1 : 0);
    },
    observeChecks(checks) {
      for (const c of checks) {
        check.set({ check: c.name }, STATUS_VALUE[c.status]);
        if (typeof c.value === 'number' && Number.isFinite(c.value))
          checkValue.set({ check: c.name, unit: c.unit ?? '' }, c.value);
      }
    },
    metrics: () => registry.metrics(),
  };
}

// ------------------------------------------------------------------ pipeline (the lead feeds these)

/** What the pipeline reports at scrape time; every field optional so stages can be added later. */
export interface PipelineSnapshot {
  /** Encounters per status, e.g. { received: 3, coded: 120 }. */
  encounters?: Record<string, number>;
  /** Claims per status. */
  claims?: Record<string, number>;
  /** Batches per status. */
  batches?: Record<string, number>;
  /** Seconds between stage timestamps (median or latest), e.g. { received_to_coded: 0.4 }. */
  lagSeconds?: Record<string, number>;
  /** Items waiting per queue (review, denial, retry, parked, outbound). */
  queueDepth?: Record<string, number>;
  /** Age of the oldest waiting item per queue, seconds. */
  oldestSeconds?: Record<string, number>;
}

export interface PipelineMetrics {
  /** Count one HTTP request: call from a hono middleware with the matched route (not the raw path). */
  observeHttp(method: string, route: string, status: number, seconds: number): void;
  readonly httpRequests: Counter<'method' | 'route' | 'status'>;
  readonly httpDuration: Histogram<'method' | 'route'>;
}

/**
 * Register the pipeline gauges on `registry`. `collect` runs at each scrape (keep it to a few
 * indexed COUNT queries); a failing collect leaves the previous values and is not thrown.
 */
export function registerPipelineMetrics(
  registry: Registry,
  collect: () => PipelineSnapshot | Promise<PipelineSnapshot>,
): PipelineMetrics {
  let last: Promise<PipelineSnapshot> | undefined;
  // One collect per scrape, shared by the gauges below.
  const snapshot = () => {
    if (!last) {
      last = Promise.resolve()
        .then(collect)
        .catch((): PipelineSnapshot => ({}))
        .finally(() => setTimeout(() => (last = undefined), 0).unref());
    }
    return last;
  };
  const family = (
    name: string,
    help: string,
    label: string,
    pick: (s: PipelineSnapshot) => Record<string, number> | undefined,
  ) =>
    new Gauge({
      name,
      help,
      labelNames: [label],
      registers: [registry],
      async collect() {
        const values = pick(await snapshot());
        if (!values) return;
        this.reset();
        for (const [k, v] of Object.entries(values)) this.set({ [label]: k }, v);
      },
    });
  family('claimbox_encounters', 'Encounters per status', 'status', (s) => s.encounters);
  family('claimbox_claims', 'Claims per status', 'status', (s) => s.claims);
  family('claimbox_batches', 'Submission batches per status', 'status', (s) => s.batches);
  family(
    'claimbox_stage_lag_seconds',
    'Time between pipeline stage timestamps',
    'stage',
    (s) => s.lagSeconds,
  );
  family('claimbox_queue_depth', 'Items waiting per queue', 'queue', (s) => s.queueDepth);
  family(
    'claimbox_queue_oldest_seconds',
    'Age of the oldest waiting item per queue',
    'queue',
    (s) => s.oldestSeconds,
  );

  const httpRequests = new Counter({
    name: 'claimbox_http_requests_total',
    help: 'HTTP requests served',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [registry],
  });
  const httpDuration = new Histogram({
    name: 'claimbox_http_request_duration_seconds',
    help: 'HTTP request duration',
    labelNames: ['method', 'route'] as const,
    buckets: [0.0005, 0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5],
    registers: [registry],
  });
  return {
    httpRequests,
    httpDuration,
    observeHttp(method, route, status, seconds) {
      httpRequests.inc({ method, route, status: String(status) });
      httpDuration.observe({ method, route }, seconds);
    },
  };
}
