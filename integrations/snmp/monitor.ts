// The SNMP watch: one poll loop per configured target plus the trap receiver. Loops never die
// (catch, log, reschedule). A target silent for about 3 poll intervals is itself a condition (NUT
// upsmon DEADTIME ≈ 3 × POLLFREQ), and a silent UPS is reported to the power policy as such.
// Effects leave through callbacks so main.ts wires the power policy, alerts and metrics.
import type { Logger } from 'pino';
import type { Config } from '../../appliance/config.js';
import type { Clock } from '../../appliance/ports.js';
import { createSnmpClient, type SnmpClient, type SnmpTargetConfig } from './client.js';
import { readUps, type UpsObservation, type UpsReading } from './ups.js';
import { evaluateSwitch, readSwitch, rebooted, type PortCondition, type SwitchReading } from './switch.js';
import { createTrapReceiver, type TrapEvent, type TrapReceiver } from './traps.js';

export type Severity = 'warning' | 'critical';

/** A condition that is true or false at each poll; the alerter turns edges into alerts. */
export interface Condition {
  key: string;
  active: boolean;
  severity: Severity;
  message: string;
}

/** Something that happened once (a switch reboot): alerted immediately, no clear. */
export interface SnmpEvent {
  key: string;
  severity: Severity;
  message: string;
}

export interface TargetState {
  name: string;
  kind: 'ups' | 'switch';
  /** The last poll was answered. */
  reachable: boolean;
  /** No answer for SILENT_AFTER_POLLS poll intervals: the target itself is an alert. */
  silent: boolean;
  /** Epoch ms of the last answered poll. */
  lastOkAt: number | null;
  lastError: string | null;
  /** Poll round trip of the last answered poll, ms. */
  lastPollMs: number | null;
  ups?: UpsReading;
  switch?: SwitchReading;
  /** The current conditions for this target (unreachable, watched ports). */
  conditions: Condition[];
}

export interface SnmpMonitorOptions {
  snmp: Config['snmp'];
  logger: Logger;
  clock?: Clock;
  /** Poll interval override in ms (tests); default snmp.poll_seconds. */
  pollMs?: number;
  onUps?: (observation: UpsObservation) => void;
  onSwitch?: (reading: SwitchReading) => void;
  onCondition?: (condition: Condition) => void;
  onEvent?: (event: SnmpEvent) => void;
  /** Every trap claimbox understood (logging, counters); the monitor has already re-polled. */
  onTrap?: (event: TrapEvent) => void;
  /** Called whenever a target's state changed (metrics, health cache). */
  onState?: (state: TargetState) => void;
}

export interface SnmpMonitor {
  start(): void;
  stop(): Promise<void>;
  /** Poll one target (or all) now; resolves when done. Never rejects. */
  pollNow(name?: string): Promise<void>;
  /** Apply a trap as if received (the receiver calls this). */
  handleTrap(event: TrapEvent): void;
  snapshot(): TargetState[];
}

/** Missed polls before a target counts as silent (NUT DEADTIME = 3 × POLLFREQ). */
export const SILENT_AFTER_POLLS = 3;

interface Runner {
  cfg: SnmpTargetConfig;
  client: SnmpClient;
  state: TargetState;
  timer: NodeJS.Timeout | undefined;
  inFlight: Promise<void> | undefined;
  again: boolean;
  startedAt: number;
  unreachableActive: boolean;
}

function trapHint(reading: UpsReading, kind: TrapEvent['kind'], at: number): UpsReading | undefined {
  switch (kind) {
    case 'ups.on_battery':
      return { ...reading, at, output: 'battery' };
    case 'ups.low_battery':
      return { ...reading, at, output: 'battery', batteryStatus: 'low' };
    case 'ups.power_restored':
      return { ...reading, at, output: 'online' };
    case 'ups.battery_ok':
      return { ...reading, at, batteryStatus: 'normal' };
    case 'link.down':
    case 'link.up':
    case 'cold_start':
    case 'warm_start':
      return undefined;
  }
}

export function createSnmpMonitor(options: SnmpMonitorOptions): SnmpMonitor {
  const { logger } = options;
  const clock = options.clock ?? { now: () => Date.now() };
  const now = () => clock.now();
  const pollMs = options.pollMs ?? options.snmp.poll_seconds * 1000;
  const runners = new Map<string, Runner>();
  let receiver: TrapReceiver | undefined;
  let running = false;

  const safe = <A extends unknown[]>(what: string, fn: ((...a: A) => void) | undefined, ...args: A) => {
    if (!fn) return;
    try {
      fn(...args);
    } catch (err) {
      logger.error({ err, what }, 'snmp monitor callback failed');
    }
  };

  const setConditions = (r: Runner, conditions: Condition[]) => {
    // Replace this target's conditions of the same family; unchanged ones are re-sent (idempotent).
    const keys = new Set(conditions.map((c) => c.key));
    r.state.conditions = [...r.state.conditions.filter((c) => !keys.has(c.key)), ...conditions];
    for (const c of conditions) safe('onCondition', options.onCondition, c);
  };

  const pollOnce = async (r: Runner): Promise<void> => {
    const started = clock.now();
    try {
      if (r.cfg.kind === 'ups') {
        const reading = await readUps(r.client, r.cfg.mib, now);
        r.state.ups = reading;
        markOk(r, started);
        safe('onUps', options.onUps, reading);
      } else {
        const prev = r.state.switch;
        const reading = await readSwitch(r.client, now);
        r.state.switch = reading;
        markOk(r, started);
        if (rebooted(prev, reading))
          safe('onEvent', options.onEvent, {
            key: `switch.${r.cfg.name}.rebooted`,
            severity: 'warning',
            message: `switch ${r.cfg.name} restarted (sysUpTime went backwards)`,
          });
        const conds: PortCondition[] = evaluateSwitch(prev, reading, r.cfg.watch_ports);
        setConditions(r, conds);
        safe('onSwitch', options.onSwitch, reading);
      }
    } catch (err) {
      markFailed(r, err);
    }
    safe('onState', options.onState, r.state);
  };

  const markOk = (r: Runner, started: number) => {
    const now = clock.now();
    r.state.reachable = true;
    r.state.silent = false;
    r.state.lastOkAt = now;
    r.state.lastError = null;
    r.state.lastPollMs = now - started;
    if (r.unreachableActive) {
      r.unreachableActive = false;
      logger.info({ target: r.cfg.name }, 'snmp target answering again');
    }
    setConditions(r, [unreachable(r, false)]);
  };

  const unreachable = (r: Runner, active: boolean): Condition => ({
    key: `snmp.${r.cfg.name}.unreachable`,
    active,
    severity: r.cfg.kind === 'ups' ? 'critical' : 'warning',
    message: active
      ? `${r.cfg.kind} ${r.cfg.name} not answering SNMP for ${Math.round((clock.now() - (r.state.lastOkAt ?? r.startedAt)) / 1000)} s`
      : `${r.cfg.kind} ${r.cfg.name} answering SNMP`,
  });

  const markFailed = (r: Runner, err: unknown) => {
    const message = err instanceof Error ? err.message : String(err);
    r.state.lastError = message;
    r.state.reachable = false;
    const now = clock.now();
    const silentFor = now - (r.state.lastOkAt ?? r.startedAt);
    if (silentFor < SILENT_AFTER_POLLS * pollMs) {
      logger.warn({ target: r.cfg.name, err: message }, 'snmp poll failed');
      return;
    }
    if (!r.unreachableActive) logger.error({ target: r.cfg.name, err: message }, 'snmp target silent');
    r.unreachableActive = true;
    r.state.silent = true;
    setConditions(r, [unreachable(r, true)]);
    if (r.cfg.kind === 'ups') safe('onUps', options.onUps, { target: r.cfg.name, at: now, silent: true });
  };

  const poll = (r: Runner): Promise<void> => {
    if (r.inFlight) {
      // A trap arrived mid-poll: poll again right after, so the trap's change is not missed.
      r.again = true;
      return r.inFlight;
    }
    r.inFlight = (async () => {
      do {
        r.again = false;
        await pollOnce(r);
      } while (r.again);
    })().finally(() => {
      r.inFlight = undefined;
    });
    return r.inFlight;
  };

  const schedule = (r: Runner) => {
    if (!running) return;
    r.timer = setTimeout(() => {
      poll(r)
        .catch((err: unknown) => logger.error({ err, target: r.cfg.name }, 'snmp poll loop error'))
        .finally(() => schedule(r));
    }, pollMs);
    r.timer.unref?.();
  };

  for (const cfg of options.snmp.targets) {
    const now = clock.now();
    runners.set(cfg.name, {
      cfg,
      client: createSnmpClient(cfg),
      state: {
        name: cfg.name,
        kind: cfg.kind,
        reachable: false,
        silent: false,
        lastOkAt: null,
        lastError: null,
        lastPollMs: null,
        conditions: [],
      },
      timer: undefined,
      inFlight: undefined,
      again: false,
      startedAt: now,
      unreachableActive: false,
    });
  }

  const handleTrap = (event: TrapEvent) => {
    const wantKind = event.kind.startsWith('ups.')
      ? 'ups'
      : event.kind.startsWith('link.')
        ? 'switch'
        : undefined;
    const candidates = [...runners.values()].filter((r) => !wantKind || r.cfg.kind === wantKind);
    const byHost = candidates.filter((r) => r.cfg.host === event.source);
    const targets = byHost.length > 0 ? byHost : candidates;
    // A trap only hastens the poll: conditions (and their hold time) still decide what alerts,
    // so a two-second power blip does not page anyone.
    safe('onTrap', options.onTrap, event);
    for (const r of targets) {
      void poll(r)
        .then(() => {
          // The agent did not answer the follow-up poll: act on the trap itself.
          if (r.cfg.kind !== 'ups' || r.state.lastError === null || !r.state.ups) return;
          const hinted = trapHint(r.state.ups, event.kind, clock.now());
          if (hinted) {
            r.state.ups = hinted;
            safe('onUps', options.onUps, hinted);
            safe('onState', options.onState, r.state);
          }
        })
        .catch((err: unknown) => logger.error({ err, target: r.cfg.name }, 'snmp trap follow-up failed'));
    }
  };

  return {
    start() {
      if (running) return;
      running = true;
      for (const r of runners.values()) {
        r.startedAt = clock.now();
        void poll(r).finally(() => schedule(r));
      }
      if (options.snmp.traps_enabled) {
        receiver = createTrapReceiver({
          host: options.snmp.trap_host,
          port: options.snmp.trap_port,
          community: options.snmp.trap_community,
          logger,
          onTrap: handleTrap,
        });
      }
    },
    async stop() {
      running = false;
      for (const r of runners.values()) {
        if (r.timer) clearTimeout(r.timer);
        await r.inFlight?.catch(() => undefined);
        r.client.close();
      }
      await receiver?.close();
      receiver = undefined;
    },
    async pollNow(name) {
      const list = name
        ? [runners.get(name)].filter((r): r is Runner => r !== undefined)
        : [...runners.values()];
      await Promise.all(list.map((r) => poll(r)));
    },
    handleTrap,
    snapshot() {
      return [...runners.values()].map((r) => ({ ...r.state, conditions: [...r.state.conditions] }));
    },
  };
}
