// The box itself as health checks: CPU load, memory, disk free on the data volume, software RAID
// (/proc/mdstat), clock sync (claims and the audit log carry timestamps) and uptime. Readers use
// systeminformation and the host's own tools; the parsers are pure and unit-tested. A check that
// cannot be measured says so ('unknown', degraded) rather than guessing.
import { execFile } from 'node:child_process';
import { readFile, realpath, statfs } from 'node:fs/promises';
import { cpus, loadavg, uptime } from 'node:os';
import { resolve, sep } from 'node:path';
import si from 'systeminformation';
import type { Config } from '../appliance/config.js';
import type { CheckResult, HealthSource, HealthStatus } from '../appliance/ports.js';

// ------------------------------------------------------------------ pure parsers

export interface MdArray {
  name: string;
  state: string;
  level: string | null;
  /** Member count wanted/working, from "[2/1]". */
  wanted: number | null;
  working: number | null;
  /** "[U_]": an underscore is a missing member. */
  degraded: boolean;
  /** resync/recovery/reshape/check in progress. */
  syncing: string | null;
}

/** Parse /proc/mdstat (Linux md driver). */
export function parseMdstat(text: string): MdArray[] {
  const out: MdArray[] = [];
  let cur: MdArray | undefined;
  for (const line of text.split('\n')) {
    const head = /^(md\S*)\s*:\s*(\S+)\s*(?:\((\S+)\)\s*)?(raid\d+|linear|multipath|raid10)?/.exec(line);
    if (head) {
      cur = {
        name: head[1]!,
        state: head[2]!,
        level: head[4] ?? null,
        wanted: null,
        working: null,
        degraded: false,
        syncing: null,
      };
      if (head[3] === 'auto-read-only' || head[3] === 'read-only') cur.state = head[3];
      out.push(cur);
      continue;
    }
    if (!cur) continue;
    const members = /\[(\d+)\/(\d+)\]\s*\[([U_]+)\]/.exec(line);
    if (members) {
      cur.wanted = Number(members[1]);
      cur.working = Number(members[2]);
      cur.degraded = members[3]!.includes('_') || cur.working < cur.wanted;
    }
    const sync = /\b(resync|recovery|reshape|check)\s*=\s*([\d.]+%)/.exec(line);
    if (sync) cur.syncing = `${sync[1]} ${sync[2]}`;
    if (line.trim() === '') cur = undefined;
  }
  return out;
}

export interface ClockSync {
  source: 'chrony' | 'ntpq' | 'timedatectl' | 'none';
  synchronized: boolean | null;
  /** |offset| to the reference, ms; null when the tool does not tell. */
  offsetMs: number | null;
}

/** `chronyc tracking`: "System time : 0.000012345 seconds fast of NTP time", "Leap status : Normal". */
export function parseChronyTracking(text: string): ClockSync | undefined {
  const m = /System time\s*:\s*([\d.]+)\s+seconds\s+(fast|slow)/.exec(text);
  if (!m) return undefined;
  const leap = /Leap status\s*:\s*(.+)/.exec(text)?.[1]?.trim();
  return {
    source: 'chrony',
    synchronized: leap === undefined ? null : leap !== 'Not synchronised',
    offsetMs: Number(m[1]) * 1000,
  };
}

/** `ntpq -c rv`: "... offset=-0.123, ... sync_ntp" (offset in ms); leap=11 means unsynchronized. */
export function parseNtpqRv(text: string): ClockSync | undefined {
  const m = /\boffset=(-?[\d.]+)/.exec(text);
  if (!m) return undefined;
  const leap = /\bleap=(\d+)/.exec(text)?.[1];
  return {
    source: 'ntpq',
    synchronized: leap === undefined ? !text.includes('sync_unspec') : leap !== '11',
    offsetMs: Math.abs(Number(m[1])),
  };
}

/** `timedatectl show`: "NTPSynchronized=yes". No offset. */
export function parseTimedatectl(text: string): ClockSync | undefined {
  const m = /^NTPSynchronized=(yes|no)$/m.exec(text);
  if (!m) return undefined;
  return { source: 'timedatectl', synchronized: m[1] === 'yes', offsetMs: null };
}

/** The clock check from whatever sync evidence there is (pure). */
export function clockCheck(sync: ClockSync, warnMs: number): CheckResult {
  const threshold = `offset > ${warnMs} ms or not synchronized: degraded`;
  if (sync.source === 'none')
    return {
      name: 'clock',
      status: 'degraded',
      value: 'unknown',
      threshold,
      message: 'clock sync unknown: no chrony, ntpq or timedatectl answer',
    };
  if (sync.synchronized === false)
    return {
      name: 'clock',
      status: 'degraded',
      value: sync.offsetMs,
      unit: 'ms',
      threshold,
      message: `clock not synchronized (${sync.source})`,
    };
  if (sync.offsetMs !== null && sync.offsetMs > warnMs)
    return {
      name: 'clock',
      status: 'degraded',
      value: round(sync.offsetMs),
      unit: 'ms',
      threshold,
      message: `clock offset ${round(sync.offsetMs)} ms (${sync.source})`,
    };
  return {
    name: 'clock',
    status: 'ok',
    value: sync.offsetMs === null ? 'synchronized' : round(sync.offsetMs),
    unit: sync.offsetMs === null ? undefined : 'ms',
    threshold,
    message:
      sync.offsetMs === null
        ? `clock synchronized (${sync.source})`
        : `clock offset ${round(sync.offsetMs)} ms`,
  };
}

export function diskCheck(
  freeBytes: number,
  totalBytes: number,
  mount: string,
  h: Pick<Config['health'], 'disk_warn_free_pct' | 'disk_critical_free_pct'>,
): CheckResult {
  const pct = totalBytes > 0 ? (freeBytes / totalBytes) * 100 : 0;
  const status: HealthStatus =
    pct < h.disk_critical_free_pct ? 'critical' : pct < h.disk_warn_free_pct ? 'degraded' : 'ok';
  return {
    name: 'disk',
    status,
    value: round(pct),
    unit: '%',
    threshold: `< ${h.disk_warn_free_pct}% free degraded, < ${h.disk_critical_free_pct}% critical`,
    message: `${round(pct)}% free (${gib(freeBytes)} of ${gib(totalBytes)}) on ${mount}`,
  };
}

export function raidChecks(arrays: readonly MdArray[]): CheckResult[] {
  return arrays.map((a) => {
    const bad = a.degraded || a.state === 'inactive';
    const status: HealthStatus = bad ? 'critical' : a.syncing ? 'degraded' : 'ok';
    const members = a.wanted === null ? '' : ` [${a.working}/${a.wanted}]`;
    return {
      name: `raid.${a.name}`,
      status,
      value: bad ? 'degraded' : a.syncing ? 'syncing' : 'clean',
      threshold: 'missing member critical, resync degraded',
      message: `${a.name} ${a.level ?? ''} ${a.state}${members}${a.syncing ? `, ${a.syncing}` : ''}`.replace(
        /\s+/g,
        ' ',
      ),
    };
  });
}

const round = (n: number) => Math.round(n * 100) / 100;
const gib = (n: number) => `${(n / 2 ** 30).toFixed(1)} GiB`;

// ------------------------------------------------------------------ readers (the thin shell)

export type Exec = (cmd: string, args: string[]) => Promise<string | undefined>;

/** Run a tool with a short timeout; undefined when it is missing or fails. */
export const execQuiet: Exec = (cmd, args) =>
  new Promise((resolvePromise) => {
    execFile(cmd, args, { timeout: 2000, encoding: 'utf8' }, (err, stdout) =>
      resolvePromise(err ? undefined : stdout),
    );
  });

/** chrony first (Debian's default), then ntpd, then systemd-timesyncd. */
export async function readClockSync(exec: Exec = execQuiet): Promise<ClockSync> {
  const chrony = await exec('chronyc', ['tracking']);
  const c = chrony && parseChronyTracking(chrony);
  if (c) return c;
  const ntpq = await exec('ntpq', ['-c', 'rv']);
  const n = ntpq && parseNtpqRv(ntpq);
  if (n) return n;
  const tdc = await exec('timedatectl', ['show']);
  const t = tdc && parseTimedatectl(tdc);
  if (t) return t;
  return { source: 'none', synchronized: null, offsetMs: null };
}

/** Free and total bytes of the filesystem holding `dir`, and its mount point. */
export async function readDisk(dir: string): Promise<{ free: number; total: number; mount: string }> {
  const path = await realpath(dir).catch(() => resolve(dir));
  // systeminformation names the mount; the longest mount that prefixes the data dir holds it.
  const mounts = await si.fsSize().catch(() => []);
  const fs = mounts
    .filter((m) => path === m.mount || path.startsWith(m.mount.endsWith(sep) ? m.mount : m.mount + sep))
    .sort((a, b) => b.mount.length - a.mount.length)[0];
  if (fs && fs.size > 0) return { free: fs.available, total: fs.size, mount: fs.mount };
  const st = await statfs(path);
  return { free: st.bavail * st.bsize, total: st.blocks * st.bsize, mount: path };
}

export interface HostHealthOptions {
  dataDir: string;
  health: Config['health'];
  exec?: Exec;
  mdstatPath?: string;
}

/** Idle and total CPU time summed over all cores, from os.cpus() (ms since boot). */
function cpuTimes(): { idle: number; total: number } {
  let idle = 0;
  let total = 0;
  for (const c of cpus()) {
    idle += c.times.idle;
    total += c.times.user + c.times.nice + c.times.sys + c.times.idle + c.times.irq;
  }
  return { idle, total };
}

/**
 * Percent busy since the previous call (since boot on the first). Computed from the kernel's
 * counters rather than si.currentLoad(), whose first call samples for half a second and held up
 * the first /health report, and so the service's start.
 */
function cpuBusyMeter(): () => number {
  let prev = { idle: 0, total: 0 };
  return () => {
    const now = cpuTimes();
    const total = now.total - prev.total;
    const idle = now.idle - prev.idle;
    prev = now;
    return total > 0 ? Math.min(100, Math.max(0, ((total - idle) / total) * 100)) : 0;
  };
}

/** CPU, memory, disk, RAID, clock and uptime as one HealthSource named 'host'. */
export function createHostHealthSource(options: HostHealthOptions): HealthSource {
  const cpuBusy = cpuBusyMeter();
  const exec = options.exec ?? execQuiet;
  const mdstat = options.mdstatPath ?? '/proc/mdstat';
  const h = options.health;
  const guard = async (name: string, fn: () => Promise<CheckResult[]>): Promise<CheckResult[]> => {
    try {
      return await fn();
    } catch (err) {
      const msg = err instanceof Error ? err.message : String(err);
      return [{ name, status: 'degraded', value: 'unknown', message: `${name} check failed: ${msg}` }];
    }
  };
  return {
    name: 'host',
    async check() {
      const parts = await Promise.all([
        guard('cpu', () => {
          const cores = Math.max(1, cpus().length);
          const load1 = loadavg()[0] ?? 0;
          const perCore = load1 / cores;
          const busy = cpuBusy();
          return Promise.resolve([
            {
              name: 'cpu',
              status: perCore > 2 ? 'degraded' : 'ok',
              value: round(busy),
              unit: '%',
              threshold: 'load average > 2 per core degraded',
              message: `CPU ${round(busy)}% busy, load ${round(load1)} on ${cores} cores`,
            },
          ]);
        }),
        guard('memory', async () => {
          const m = await si.mem();
          const pct = m.total > 0 ? (m.available / m.total) * 100 : 0;
          return [
            {
              name: 'memory',
              status: pct < 5 ? 'critical' : pct < 10 ? 'degraded' : 'ok',
              value: round(pct),
              unit: '%',
              threshold: '< 10% available degraded, < 5% critical',
              message: `${round(pct)}% memory available (${gib(m.available)} of ${gib(m.total)})`,
            },
          ];
        }),
        guard('disk', async () => {
          const d = await readDisk(options.dataDir);
          return [diskCheck(d.free, d.total, d.mount, h)];
        }),
        guard('raid', async () => {
          const text = await readFile(mdstat, 'utf8').catch(() => undefined);
          return text === undefined ? [] : raidChecks(parseMdstat(text));
        }),
        guard('clock', async () => [clockCheck(await readClockSync(exec), h.clock_offset_warn_ms)]),
        guard('uptime', () => {
          const s = Math.round(uptime());
          return Promise.resolve([
            {
              name: 'uptime',
              status: 'ok',
              value: s,
              unit: 's',
              message: `host up ${(s / 86400).toFixed(1)} days`,
            },
          ]);
        }),
      ]);
      return parts.flat();
    },
  };
}
