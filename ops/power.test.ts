import { describe, expect, it } from 'vitest';
import { silentLogger } from '../appliance/log.js';
import type { UpsReading } from '../integrations/snmp/ups.js';
import type { AlertCondition } from './alerts.js';
import { createMemoryHoldSwitch, createPowerPolicy, decidePower, initialPowerMemory } from './power.js';

const cfg = { shutdown_runtime_minutes: 5, shutdown_command: '' };

function reading(over: Partial<UpsReading> = {}): UpsReading {
  return {
    target: 'ups1',
    mib: 'rfc1628',
    at: 1000,
    batteryStatus: 'normal',
    chargePct: 100,
    runtimeMinutes: 42,
    secondsOnBattery: 0,
    output: 'online',
    loadPct: 20,
    inputVoltage: 120,
    batteryTemperatureC: 25,
    replaceBattery: false,
    lastTransferReason: null,
    alarmsPresent: 0,
    ...over,
  };
}
const battery = (over: Partial<UpsReading> = {}) =>
  reading({ output: 'battery', secondsOnBattery: 30, ...over });

describe('decidePower', () => {
  it('decidePower, stays online with no actions, when the UPS is on utility power', () => {
    const d = decidePower(initialPowerMemory(), reading(), cfg);
    expect(d.memory.state).toBe('online');
    expect(d.actions).toEqual([]);
  });

  it('decidePower, holds submissions and checkpoints, when the UPS goes on battery', () => {
    const d = decidePower(initialPowerMemory(), battery(), cfg);
    expect(d.memory.state).toBe('on_battery');
    expect(d.actions).toEqual(['hold', 'checkpoint']);
    expect(decidePower(d.memory, battery({ runtimeMinutes: 30 }), cfg).actions).toEqual([]);
  });

  it('decidePower, stops cleanly, when runtime falls below the threshold on battery', () => {
    const ob = decidePower(initialPowerMemory(), battery(), cfg).memory;
    const d = decidePower(ob, battery({ runtimeMinutes: 4 }), cfg);
    expect(d.memory.state).toBe('low');
    expect(d.actions).toEqual(['stop_intake', 'shutdown', 'exit']);
    expect(d.memory.reason).toContain('runtime 4 min < 5 min');
  });

  it('decidePower, does not stop, when runtime equals the threshold', () => {
    const ob = decidePower(initialPowerMemory(), battery(), cfg).memory;
    expect(decidePower(ob, battery({ runtimeMinutes: 5 }), cfg).memory.state).toBe('on_battery');
  });

  it('decidePower, holds and stops in one step, when the first reading is already low battery', () => {
    const d = decidePower(initialPowerMemory(), battery({ batteryStatus: 'low', runtimeMinutes: 20 }), cfg);
    expect(d.memory.state).toBe('low');
    expect(d.actions).toEqual(['hold', 'stop_intake', 'shutdown', 'exit']);
  });

  it('decidePower, runs the shutdown command before exiting, when one is configured', () => {
    const d = decidePower(initialPowerMemory(), battery({ runtimeMinutes: 1 }), {
      ...cfg,
      shutdown_command: 'systemctl poweroff',
    });
    expect(d.actions).toEqual(['hold', 'stop_intake', 'shutdown', 'run_shutdown_command', 'exit']);
  });

  it('decidePower, ignores a low battery, when the UPS is charging on utility power', () => {
    const d = decidePower(initialPowerMemory(), reading({ batteryStatus: 'low', runtimeMinutes: 1 }), cfg);
    expect(d.memory.state).toBe('online');
    expect(d.actions).toEqual([]);
  });

  it('decidePower, treats silence as low battery, when the UPS was on battery (NUT DEADTIME)', () => {
    const ob = decidePower(initialPowerMemory(), battery(), cfg).memory;
    const d = decidePower(ob, { target: 'ups1', at: 2000, silent: true }, cfg);
    expect(d.memory.state).toBe('low');
    expect(d.actions).toEqual(['stop_intake', 'shutdown', 'exit']);
  });

  it('decidePower, does nothing, when the UPS goes silent on utility power', () => {
    const on = decidePower(initialPowerMemory(), reading(), cfg).memory;
    const d = decidePower(on, { target: 'ups1', at: 2000, silent: true }, cfg);
    expect(d.memory.state).toBe('online');
    expect(d.actions).toEqual([]);
  });

  it('decidePower, releases the hold and resumes, when power comes back', () => {
    const ob = decidePower(initialPowerMemory(), battery(), cfg).memory;
    const d = decidePower(ob, reading(), cfg);
    expect(d.memory.state).toBe('online');
    expect(d.actions).toEqual(['release_hold', 'resume_intake']);
  });

  it('decidePower, carries the stop through, when power comes back after low', () => {
    const low = decidePower(initialPowerMemory(), battery({ runtimeMinutes: 1 }), cfg).memory;
    const d = decidePower(low, reading(), cfg);
    expect(d.memory.state).toBe('low');
    expect(d.actions).toEqual([]);
  });

  it('decidePower, stays on battery, when a second UPS is still on battery and the first returns', () => {
    let m = decidePower(initialPowerMemory(), battery(), cfg).memory;
    m = decidePower(m, battery({ target: 'ups2' }), cfg).memory;
    const d = decidePower(m, reading(), cfg);
    expect(d.memory.state).toBe('on_battery');
    expect(d.actions).toEqual([]);
  });
});

describe('createPowerPolicy', () => {
  function rig(shutdownCommand = '') {
    const calls: string[] = [];
    const conditions: AlertCondition[] = [];
    const hold = createMemoryHoldSwitch();
    const policy = createPowerPolicy({
      hold,
      stopIntake: () => void calls.push('stopIntake'),
      resumeIntake: () => void calls.push('resumeIntake'),
      checkpoint: () => void calls.push('checkpoint'),
      shutdown: async (reason) => {
        await new Promise((r) => setTimeout(r, 5));
        calls.push(`shutdown:${reason}`);
      },
      alerts: { set: (c) => void conditions.push(c) },
      logger: silentLogger(),
      config: { power: { shutdown_runtime_minutes: 5, shutdown_command: shutdownCommand } },
      runCommand: (c) => {
        calls.push(`command:${c}`);
        return Promise.resolve();
      },
      exit: (code) => void calls.push(`exit:${code}`),
    });
    return { calls, conditions, hold, policy };
  }

  it('createPowerPolicy, holds, checkpoints and alerts, when on battery', async () => {
    const { calls, conditions, hold, policy } = rig();
    policy.onUps(battery());
    await policy.settled();
    expect(hold.reasons()).toEqual(['power']);
    expect(calls).toEqual(['checkpoint']);
    expect(conditions.find((c) => c.key === 'power.on_battery')?.active).toBe(true);
    expect(policy.state()).toMatchObject({ state: 'on_battery', held: true });
  });

  it('createPowerPolicy, runs the stop sequence in order, when runtime is low', async () => {
    const { calls, policy } = rig('systemctl poweroff');
    policy.onUps(battery());
    policy.onUps(battery({ runtimeMinutes: 2 }));
    await policy.settled();
    expect(calls).toEqual([
      'checkpoint',
      'stopIntake',
      'shutdown:UPS ups1 runtime 2 min < 5 min',
      'command:systemctl poweroff',
      'exit:0',
    ]);
  });

  it('createPowerPolicy, still exits, when an effect of the stop sequence fails', async () => {
    const calls: string[] = [];
    const policy = createPowerPolicy({
      hold: createMemoryHoldSwitch(),
      stopIntake: () => {
        throw new Error('mllp already closed');
      },
      resumeIntake: () => undefined,
      checkpoint: () => undefined,
      shutdown: () => void calls.push('shutdown'),
      alerts: { set: () => undefined },
      logger: silentLogger(),
      config: { power: { shutdown_runtime_minutes: 5, shutdown_command: '' } },
      exit: () => void calls.push('exit'),
    });
    policy.onUps(battery({ batteryStatus: 'low' }));
    await policy.settled();
    expect(calls).toEqual(['shutdown', 'exit']);
  });

  it('createPowerPolicy, releases the hold and clears the alert, when power comes back', async () => {
    const { calls, conditions, hold, policy } = rig();
    policy.onUps(battery());
    policy.onUps(reading());
    await policy.settled();
    expect(hold.isHeld()).toBe(false);
    expect(calls).toEqual(['checkpoint', 'resumeIntake']);
    expect(conditions.filter((c) => c.key === 'power.on_battery').map((c) => c.active)).toEqual([
      true,
      false,
    ]);
  });
});
