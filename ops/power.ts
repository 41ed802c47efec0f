// Power policy: what the appliance does when the UPS says the power is out.
//
//   online ──on battery──▶ on_battery ──runtime < power.shutdown_runtime_minutes, battery low,
//     ▲                        │          or UPS silent while on battery (NUT: DEADTIME on OB = LB)──▶ low
//     └──────power back────────┘                                                                    │
//                                                       stop intake → drain + flush → command → exit ┘
//
// On battery: hold new submissions (HoldSwitch reason 'power'), checkpoint the database, alert.
// Low: stop intake (MLLP NAKs), let the transaction in flight finish, flush, run the optional host
// shutdown command, exit. Like NUT's forced shutdown, 'low' is final: once the stop has begun it is
// carried through even if the power returns (a half-stopped box is worse than a restart).
// decidePower() is the pure core; createPowerPolicy() runs the effects it names, one at a time.
import { spawn } from 'node:child_process';
import type { Logger } from 'pino';
import type { Config } from '../appliance/config.js';
import type { HoldSwitch } from '../appliance/ports.js';
import type { UpsObservation, UpsReading } from '../integrations/snmp/ups.js';
import type { AlertCondition } from './alerts.js';

export type PowerState = 'online' | 'on_battery' | 'low';

export type PowerAction =
  | 'hold'
  | 'checkpoint'
  | 'release_hold'
  | 'resume_intake'
  | 'stop_intake'
  | 'shutdown'
  | 'run_shutdown_command'
  | 'exit';

/** What the policy knows: the last observation per UPS target. */
export interface PowerMemory {
  state: PowerState;
  /** Last observation per target. */
  ups: Record<string, UpsObservation>;
  /** Why the state is what it is (no PHI; shown in /health). */
  reason: string;
}

export interface PowerDecision {
  memory: PowerMemory;
  actions: PowerAction[];
}

export const initialPowerMemory = (): PowerMemory => ({
  state: 'online',
  ups: {},
  reason: 'on utility power',
});

const onBattery = (r: UpsReading) => r.output === 'battery';

/** Why this observation means "stop now", or undefined. */
function lowReason(o: UpsObservation, state: PowerState, thresholdMin: number): string | undefined {
  // NUT upsmon: a UPS that stops answering while on battery is treated as low battery.
  if ('silent' in o) return state === 'on_battery' ? `UPS ${o.target} silent while on battery` : undefined;
  if (!onBattery(o)) return undefined;
  if (o.batteryStatus === 'low' || o.batteryStatus === 'depleted')
    return `UPS ${o.target} battery ${o.batteryStatus}`;
  if (o.runtimeMinutes !== null && o.runtimeMinutes < thresholdMin)
    return `UPS ${o.target} runtime ${o.runtimeMinutes} min < ${thresholdMin} min`;
  return undefined;
}

/** Pure: the next memory and the effects to run, in order. */
export function decidePower(
  memory: PowerMemory,
  o: UpsObservation,
  cfg: Pick<Config['power'], 'shutdown_runtime_minutes' | 'shutdown_command'>,
): PowerDecision {
  const prev = memory.ups[o.target];
  // A silent UPS keeps its last real reading as evidence: silence after on-battery stays on battery.
  const remembered: UpsObservation = 'silent' in o && prev ? prev : o;
  const ups = { ...memory.ups, [o.target]: remembered };
  if (memory.state === 'low') return { memory: { ...memory, ups }, actions: [] };

  const low = lowReason(o, memory.state, cfg.shutdown_runtime_minutes);
  if (low) {
    const actions: PowerAction[] = memory.state === 'online' ? ['hold'] : [];
    actions.push('stop_intake', 'shutdown');
    if (cfg.shutdown_command.trim() !== '') actions.push('run_shutdown_command');
    actions.push('exit');
    return { memory: { state: 'low', ups, reason: low }, actions };
  }

  const readings = Object.values(ups).filter((u): u is UpsReading => !('silent' in u));
  const anyOnBattery = readings.find(onBattery);
  if (anyOnBattery && memory.state === 'online') {
    const reason =
      `UPS ${anyOnBattery.target} on battery` +
      (anyOnBattery.runtimeMinutes !== null ? `, ${anyOnBattery.runtimeMinutes} min runtime` : '');
    return { memory: { state: 'on_battery', ups, reason }, actions: ['hold', 'checkpoint'] };
  }
  if (!anyOnBattery && memory.state === 'on_battery' && !('silent' in o)) {
    return {
      memory: { state: 'online', ups, reason: `UPS ${o.target} back on utility power` },
      actions: ['release_hold', 'resume_intake'],
    };
  }
  return { memory: { ...memory, ups }, actions: [] };
}

// ------------------------------------------------------------------ the shell

export interface PowerPolicyDeps {
  hold: HoldSwitch;
  /** New MLLP messages get a NAK, pollers pause. */
  stopIntake: () => void | Promise<void>;
  resumeIntake: () => void | Promise<void>;
  /** WAL checkpoint (PRAGMA wal_checkpoint(TRUNCATE)) so a hard power loss replays less. */
  checkpoint: () => void | Promise<void>;
  /** Let the transaction in flight finish, stop the pipeline, flush and close the store; resolve. */
  shutdown: (reason: string) => void | Promise<void>;
  /** The alerter (or anything with set()). */
  alerts: { set(condition: AlertCondition): void };
  logger: Logger;
  config: Pick<Config, 'power'>;
  /** Run power.shutdown_command; default `sh -c COMMAND`, detached. */
  runCommand?: (command: string) => Promise<void>;
  /** End the process after a clean stop; default process.exit. */
  exit?: (code: number) => void;
}

export interface PowerPolicy {
  onUps(observation: UpsObservation): void;
  state(): { state: PowerState; reason: string; held: boolean };
  /** Resolves once every effect requested so far has run (tests, shutdown). */
  settled(): Promise<void>;
}

/** Run a host command detached (it may power the machine off under us). */
export function spawnShutdownCommand(command: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('/bin/sh', ['-c', command], { detached: true, stdio: 'ignore' });
    child.once('error', reject);
    child.once('spawn', () => {
      child.unref();
      resolve();
    });
  });
}

export function createPowerPolicy(deps: PowerPolicyDeps): PowerPolicy {
  const { logger } = deps;
  const cfg = deps.config.power;
  const runCommand = deps.runCommand ?? spawnShutdownCommand;
  const exit = deps.exit ?? ((code: number) => process.exit(code));
  let memory = initialPowerMemory();
  let chain: Promise<void> = Promise.resolve();

  const conditions = (m: PowerMemory) => {
    deps.alerts.set({
      key: 'power.on_battery',
      active: m.state !== 'online',
      severity: 'critical',
      message: m.state === 'online' ? 'power restored: on utility power' : `on battery: ${m.reason}`,
    });
    deps.alerts.set({
      key: 'power.low',
      active: m.state === 'low',
      severity: 'critical',
      message: m.state === 'low' ? `stopping cleanly: ${m.reason}` : 'battery above shutdown threshold',
    });
  };

  const run = async (action: PowerAction, reason: string): Promise<void> => {
    switch (action) {
      case 'hold':
        deps.hold.set('power', true);
        return;
      case 'release_hold':
        deps.hold.set('power', false);
        return;
      case 'checkpoint':
        return deps.checkpoint();
      case 'stop_intake':
        return deps.stopIntake();
      case 'resume_intake':
        return deps.resumeIntake();
      case 'shutdown':
        return deps.shutdown(reason);
      case 'run_shutdown_command':
        logger.warn({ command: cfg.shutdown_command }, 'power: running host shutdown command');
        return runCommand(cfg.shutdown_command);
      case 'exit':
        logger.warn('power: clean stop complete, exiting');
        exit(0);
        return;
    }
  };

  return {
    onUps(observation) {
      let decision: PowerDecision;
      try {
        decision = decidePower(memory, observation, cfg);
      } catch (err) {
        logger.error({ err }, 'power: decision failed');
        return;
      }
      const changed = decision.memory.state !== memory.state;
      memory = decision.memory;
      if (changed) {
        logger.warn({ state: memory.state, reason: memory.reason }, 'power state changed');
        conditions(memory);
      }
      const reason = memory.reason;
      for (const action of decision.actions) {
        chain = chain.then(async () => {
          try {
            await run(action, reason);
          } catch (err) {
            // A failed effect must not stop the rest of a shutdown sequence: the next step still runs.
            logger.error({ err, action }, 'power: action failed');
          }
        });
      }
    },
    state() {
      return { state: memory.state, reason: memory.reason, held: deps.hold.isHeld() };
    },
    settled() {
      return chain;
    },
  };
}

/** A HoldSwitch in memory (the lead may persist its own; the policy only needs this port). */
export function createMemoryHoldSwitch(initial: string[] = []): HoldSwitch {
  const reasons = new Set(initial);
  return {
    isHeld: () => reasons.size > 0,
    set(reason, held) {
      if (held) reasons.add(reason);
      else reasons.delete(reason);
    },
    reasons: () => [...reasons],
  };
}
