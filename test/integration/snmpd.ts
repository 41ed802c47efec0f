// A real Debian snmpd for integration tests: loopback, a free high port, a private config, UPS-MIB,
// PowerNet-MIB, IF-MIB and sysUpTime served by pass_persist from a JSON file the test rewrites,
// and an SNMPv3 authPriv (SHA/AES) user. Traps go out through the real `snmptrap`.
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { existsSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import snmp from 'net-snmp';

export type PassType = 'integer' | 'gauge' | 'counter' | 'counter64' | 'timeticks' | 'string' | 'objectid';
export type Values = Record<string, [PassType, string | number]>;

export const SNMPD = '/usr/sbin/snmpd';
export const hasSnmpd = existsSync(SNMPD) && existsSync('/usr/bin/snmptrap');

export const V3 = { user: 'claimv3', auth: 'authpass-1234', priv: 'privpass-1234' };

const PASS_SCRIPT = resolve(dirname(fileURLToPath(import.meta.url)), '../fixtures/snmp/pass-persist.mjs');
/** Subtrees served from the values file (priority 10 beats snmpd's own ifTable and sysUpTime). */
const BASES = [
  '.1.3.6.1.2.1.33',
  '.1.3.6.1.4.1.318',
  '.1.3.6.1.2.1.2.2',
  '.1.3.6.1.2.1.31.1.1',
  '.1.3.6.1.2.1.1.3',
];

/** A UDP port nobody is bound to right now (port 0 is not possible for snmpd's listen address). */
export function freeUdpPort(): Promise<number> {
  return new Promise((res, rej) => {
    const s = createSocket('udp4');
    s.once('error', rej);
    s.bind(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => res(port));
    });
  });
}

export interface Snmpd {
  port: number;
  dir: string;
  set(values: Values): void;
  /** Merge changes into the served values. */
  patch(values: Values): void;
  stop(): Promise<void>;
}

export async function startSnmpd(initial: Values): Promise<Snmpd> {
  const dir = mkdtempSync(join(tmpdir(), 'claimbox-snmpd-'));
  const valuesFile = join(dir, 'values.json');
  let current: Values = {};
  const write = (v: Values) => {
    current = v;
    const tmp = valuesFile + '.tmp';
    writeFileSync(tmp, JSON.stringify(v));
    renameSync(tmp, valuesFile); // atomic: the helper never reads half a file
  };
  write(initial);
  const conf = join(dir, 'snmpd.conf');
  writeFileSync(
    conf,
    [
      'rocommunity public 127.0.0.1',
      `createUser ${V3.user} SHA ${V3.auth} AES ${V3.priv}`,
      `rouser ${V3.user} priv`,
      ...BASES.map((b) => `pass_persist -p 10 ${b} ${process.execPath} ${PASS_SCRIPT} ${valuesFile} ${b}`),
      '',
    ].join('\n'),
  );
  let child: ChildProcess | undefined;
  let port = 0;
  for (let attempt = 0; attempt < 3; attempt++) {
    port = await freeUdpPort();
    child = spawn(SNMPD, ['-f', '-Lf', join(dir, 'snmpd.log'), '-C', '-c', conf, `udp:127.0.0.1:${port}`], {
      stdio: 'ignore',
      env: { ...process.env, SNMP_PERSISTENT_DIR: join(dir, 'persist'), MIBS: '' },
    });
    if (await answers(port)) break;
    child.kill('SIGKILL');
    child = undefined;
  }
  if (!child) throw new Error(`snmpd did not start; see ${join(dir, 'snmpd.log')}`);
  const proc = child;
  return {
    port,
    dir,
    set: write,
    patch: (v) => write({ ...current, ...v }),
    stop: () =>
      new Promise<void>((res) => {
        if (proc.exitCode !== null) return res();
        proc.once('exit', () => {
          rmSync(dir, { recursive: true, force: true });
          res();
        });
        proc.kill('SIGTERM');
      }),
  };
}

/**
 * snmpd answers sysDescr (its own object) within a few seconds; then one GETNEXT per served subtree
 * makes snmpd start each pass_persist helper now, not during a test's first (short-timeout) poll.
 */
async function answers(port: number): Promise<boolean> {
  if (!(await sysDescr(port))) return false;
  const s = snmp.createSession('127.0.0.1', 'public', {
    port,
    timeout: 3000,
    retries: 1,
    version: snmp.Version2c,
  });
  s.on('error', () => undefined);
  try {
    for (const base of BASES) await new Promise<void>((res) => s.getNext([base.slice(1)], () => res()));
  } finally {
    s.close();
  }
  return true;
}

async function sysDescr(port: number): Promise<boolean> {
  for (let i = 0; i < 40; i++) {
    const ok = await new Promise<boolean>((res) => {
      const s = snmp.createSession('127.0.0.1', 'public', {
        port,
        timeout: 200,
        retries: 0,
        version: snmp.Version2c,
      });
      s.on('error', () => undefined);
      s.get(['1.3.6.1.2.1.1.1.0'], (err) => {
        s.close();
        res(!err);
      });
    });
    if (ok) return true;
  }
  return false;
}

/** Send a v2c trap with Debian's snmptrap: snmptrap -v 2c -c COMMUNITY host:port '' OID [oid type value]... */
export function sendTrap(
  port: number,
  trapOid: string,
  varbinds: [string, string, string][] = [],
): Promise<void> {
  const args = ['-m', '', '-v', '2c', '-c', 'public', `127.0.0.1:${port}`, '', trapOid, ...varbinds.flat()];
  return new Promise((res, rej) =>
    execFile('/usr/bin/snmptrap', args, { timeout: 5000 }, (err) =>
      err ? rej(new Error(`snmptrap failed: ${err.message}`)) : res(),
    ),
  );
}

/** Poll `fn` until it returns a truthy value (no sleeps with timing asserts). */
export async function waitFor<T>(
  fn: () => T | Promise<T>,
  what: string,
  timeoutMs = 10_000,
): Promise<NonNullable<T>> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

// ------------------------------------------------------------------ the served device

const UPS = '.1.3.6.1.2.1.33.1';
const APC = '.1.3.6.1.4.1.318.1.1.1';
const IF = '.1.3.6.1.2.1.2.2.1';
const IFX = '.1.3.6.1.2.1.31.1.1.1';

/** RFC 1628 values for a UPS on mains (synthetic). */
export function rfc1628Values(
  o: { source?: number; minutes?: number; battery?: number; onBattery?: number } = {},
): Values {
  return {
    [`${UPS}.2.1.0`]: ['integer', o.battery ?? 2],
    [`${UPS}.2.2.0`]: ['integer', o.onBattery ?? 0],
    [`${UPS}.2.3.0`]: ['integer', o.minutes ?? 42],
    [`${UPS}.2.4.0`]: ['integer', 100],
    [`${UPS}.2.7.0`]: ['integer', 27],
    [`${UPS}.3.3.1.3.1`]: ['integer', 121],
    [`${UPS}.4.1.0`]: ['integer', o.source ?? 3],
    [`${UPS}.4.4.1.5.1`]: ['integer', 23],
    [`${UPS}.6.1.0`]: ['gauge', 0],
  };
}

/** APC PowerNet values (runtime in TimeTicks). */
export function apcValues(
  o: { status?: number; runtimeMin?: number; battery?: number; replace?: number } = {},
): Values {
  return {
    [`${APC}.2.1.1.0`]: ['integer', o.battery ?? 2],
    [`${APC}.2.1.2.0`]: ['timeticks', o.status === 3 ? 4500 : 0],
    [`${APC}.2.2.1.0`]: ['gauge', 96],
    [`${APC}.2.2.2.0`]: ['gauge', 31],
    [`${APC}.2.2.3.0`]: ['timeticks', (o.runtimeMin ?? 45) * 6000],
    [`${APC}.2.2.4.0`]: ['integer', o.replace ?? 1],
    [`${APC}.3.2.1.0`]: ['gauge', 118],
    [`${APC}.3.2.5.0`]: ['integer', 4],
    [`${APC}.4.1.1.0`]: ['integer', o.status ?? 2],
    [`${APC}.4.2.3.0`]: ['gauge', 35],
  };
}

export interface PortSpec {
  name: string;
  oper?: number;
  inErrors?: number;
}

/** IF-MIB ifTable/ifXTable rows for synthetic switch ports, plus sysUpTime. */
export function switchValues(ports: PortSpec[], sysUpTime = 8_640_000): Values {
  const v: Values = { '.1.3.6.1.2.1.1.3.0': ['timeticks', sysUpTime] };
  ports.forEach((p, i) => {
    const idx = i + 1;
    v[`${IF}.1.${idx}`] = ['integer', idx];
    v[`${IF}.2.${idx}`] = ['string', `GigabitEthernet0/${idx}`];
    v[`${IF}.7.${idx}`] = ['integer', 1];
    v[`${IF}.8.${idx}`] = ['integer', p.oper ?? 1];
    v[`${IF}.13.${idx}`] = ['counter', 0];
    v[`${IF}.14.${idx}`] = ['counter', p.inErrors ?? 0];
    v[`${IF}.19.${idx}`] = ['counter', 0];
    v[`${IF}.20.${idx}`] = ['counter', 0];
    v[`${IFX}.1.${idx}`] = ['string', p.name];
    v[`${IFX}.6.${idx}`] = ['counter64', '9007199254740993'];
    v[`${IFX}.10.${idx}`] = ['counter64', 1234567];
    v[`${IFX}.15.${idx}`] = ['gauge', 1000];
    v[`${IFX}.18.${idx}`] = ['string', `desk ${idx}`];
  });
  return v;
}
