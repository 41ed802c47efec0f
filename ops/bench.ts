// `claimbox bench` rows for ops: UPS poll round trip (v2c and v3 authPriv) and trap-to-state
// latency, measured against a private Debian snmpd on loopback serving static UPS values
// (snmpd.conf `override`), plus every UPS target in the config when one is given. Medians.
// Without snmpd the rows are reported as skipped with a note. (/health requests/s needs the web
// app and is measured by the lead's bench.)
import { spawn, type ChildProcess } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import snmp from 'net-snmp';
import { configSchema, type Config } from '../appliance/config.js';
import { silentLogger } from '../appliance/log.js';
import { createSnmpClient, type SnmpTargetConfig } from '../integrations/snmp/client.js';
import { createSnmpMonitor } from '../integrations/snmp/monitor.js';
import { RFC1628, APC, readUps } from '../integrations/snmp/ups.js';

export interface BenchRow {
  name: string;
  value: number;
  unit: string;
  note?: string;
}

const SNMPD = '/usr/sbin/snmpd';
const USER = { name: 'benchv3', auth: 'bench-auth-pass', priv: 'bench-priv-pass' };

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

function freeUdpPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createSocket('udp4');
    s.once('error', reject);
    s.bind(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

const ms = (t0: bigint) => Number(process.hrtime.bigint() - t0) / 1e6;

async function timeReads(target: SnmpTargetConfig, n: number): Promise<number[]> {
  const client = createSnmpClient(target);
  const out: number[] = [];
  try {
    await readUps(client, target.mib, Date.now); // warm-up (v3 engine discovery)
    for (let i = 0; i < n; i++) {
      const t0 = process.hrtime.bigint();
      await readUps(client, target.mib, Date.now);
      out.push(ms(t0));
    }
  } finally {
    client.close();
  }
  return out;
}

/** A private snmpd with static UPS values; undefined when it cannot start. */
async function startStaticSnmpd(): Promise<{ port: number; stop(): void } | undefined> {
  const dir = mkdtempSync(join(tmpdir(), 'claimbox-bench-snmpd-'));
  const conf = join(dir, 'snmpd.conf');
  const o = (oid: string, type: string, v: number) => `override .${oid} ${type} ${v}`;
  writeFileSync(
    conf,
    [
      'rocommunity public 127.0.0.1',
      `createUser ${USER.name} SHA ${USER.auth} AES ${USER.priv}`,
      `rouser ${USER.name} priv`,
      o(RFC1628.batteryStatus, 'integer', 2),
      o(RFC1628.secondsOnBattery, 'integer', 0),
      o(RFC1628.minutesRemaining, 'integer', 42),
      o(RFC1628.chargeRemaining, 'integer', 100),
      o(RFC1628.batteryTemperature, 'integer', 25),
      o(RFC1628.inputVoltage, 'integer', 120),
      o(RFC1628.outputSource, 'integer', 3),
      o(RFC1628.outputLoad, 'integer', 20),
      o(RFC1628.alarmsPresent, 'uinteger', 0),
      o(APC.basicBatteryStatus, 'integer', 2),
      o(APC.timeOnBattery, 'uinteger', 0),
      o(APC.capacity, 'uinteger', 100),
      o(APC.temperature, 'uinteger', 25),
      o(APC.runtimeRemaining, 'uinteger', 270000),
      o(APC.replaceIndicator, 'integer', 1),
      o(APC.inputVoltage, 'uinteger', 120),
      o(APC.lastTransferCause, 'integer', 1),
      o(APC.outputStatus, 'integer', 2),
      o(APC.outputLoad, 'uinteger', 20),
      '',
    ].join('\n'),
  );
  const port = await freeUdpPort();
  const child: ChildProcess = spawn(
    SNMPD,
    ['-f', '-Lf', join(dir, 'log'), '-C', '-c', conf, `udp:127.0.0.1:${port}`],
    {
      stdio: 'ignore',
      env: { ...process.env, SNMP_PERSISTENT_DIR: join(dir, 'persist'), MIBS: '' },
    },
  );
  const stop = () => {
    child.kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  };
  const probe = configSchema.parse({
    snmp: { targets: [{ name: 'probe', kind: 'ups', host: '127.0.0.1', port, timeout_ms: 200, retries: 0 }] },
  }).snmp.targets[0]!;
  for (let i = 0; i < 40; i++) {
    const client = createSnmpClient(probe);
    const ok = await client.get([RFC1628.batteryStatus]).then(
      (v) => v.get(RFC1628.batteryStatus) === 2,
      () => false,
    );
    client.close();
    if (ok) return { port, stop };
  }
  stop();
  return undefined;
}

/** Trap → monitor re-poll → onUps, median over n traps (net-snmp sends the v2c trap). */
async function trapLatency(port: number, n: number): Promise<number[]> {
  const trapPort = await freeUdpPort();
  const cfg = configSchema.parse({
    snmp: {
      poll_seconds: 3600,
      traps_enabled: true,
      trap_host: '127.0.0.1',
      trap_port: trapPort,
      targets: [{ name: 'ups', kind: 'ups', host: '127.0.0.1', port, timeout_ms: 500, retries: 0 }],
    },
  }).snmp;
  let waiter: (() => void) | undefined;
  const monitor = createSnmpMonitor({ snmp: cfg, logger: silentLogger(), onUps: () => waiter?.() });
  const sender = snmp.createSession('127.0.0.1', 'public', { version: snmp.Version2c, trapPort });
  sender.on('error', () => undefined);
  const out: number[] = [];
  try {
    monitor.start();
    await monitor.pollNow();
    for (let i = 0; i < n; i++) {
      const t0 = process.hrtime.bigint();
      const seen = new Promise<void>((resolve) => (waiter = resolve));
      await new Promise<void>((resolve, reject) =>
        // upsTrapOnBattery (RFC 1628 upsTraps 1).
        sender.trap('1.3.6.1.2.1.33.2.1', [], {}, (err) => (err ? reject(err) : resolve())),
      );
      await Promise.race([seen, new Promise((r) => setTimeout(r, 2000))]);
      out.push(ms(t0));
    }
  } finally {
    waiter = undefined;
    sender.close();
    await monitor.stop();
  }
  return out;
}

export async function benchOps(options: { config?: Config; samples?: number } = {}): Promise<BenchRow[]> {
  const n = options.samples ?? 30;
  const rows: BenchRow[] = [];
  for (const t of options.config?.snmp.targets.filter((x) => x.kind === 'ups') ?? []) {
    try {
      rows.push({
        name: `ups poll round trip (${t.name})`,
        value: median(await timeReads(t, 10)),
        unit: 'ms',
      });
    } catch (err) {
      rows.push({
        name: `ups poll round trip (${t.name})`,
        value: NaN,
        unit: 'ms',
        note: `target did not answer: ${err instanceof Error ? err.message : String(err)}`,
      });
    }
  }
  if (!existsSync(SNMPD)) {
    rows.push({
      name: 'ups poll round trip (local snmpd)',
      value: NaN,
      unit: 'ms',
      note: 'skipped: snmpd not installed',
    });
    return rows;
  }
  const agent = await startStaticSnmpd();
  if (!agent) {
    rows.push({
      name: 'ups poll round trip (local snmpd)',
      value: NaN,
      unit: 'ms',
      note: 'skipped: snmpd did not start',
    });
    return rows;
  }
  try {
    const base = { host: '127.0.0.1', port: agent.port, timeout_ms: 1000, retries: 0 };
    const [v2, v3] = configSchema.parse({
      snmp: {
        targets: [
          { ...base, name: 'v2c', kind: 'ups', mib: 'rfc1628' },
          {
            ...base,
            name: 'v3',
            kind: 'ups',
            mib: 'apc',
            version: '3',
            user: USER.name,
            auth_key: USER.auth,
            priv_key: USER.priv,
          },
        ],
      },
    }).snmp.targets;
    rows.push({
      name: 'ups poll round trip (UPS-MIB, v2c, local snmpd)',
      value: median(await timeReads(v2!, n)),
      unit: 'ms',
    });
    rows.push({
      name: 'ups poll round trip (PowerNet, v3 authPriv, local snmpd)',
      value: median(await timeReads(v3!, n)),
      unit: 'ms',
    });
    rows.push({
      name: 'trap to UPS state',
      value: median(await trapLatency(agent.port, 10)),
      unit: 'ms',
      note: 'target < 1000 ms',
    });
  } finally {
    agent.stop();
  }
  return rows;
}
