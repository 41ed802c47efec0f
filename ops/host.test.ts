import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultConfig } from '../appliance/config.js';
import {
  clockCheck,
  createHostHealthSource,
  diskCheck,
  parseChronyTracking,
  parseMdstat,
  parseNtpqRv,
  parseTimedatectl,
  raidChecks,
  readClockSync,
} from './host.js';

const MDSTAT_DEGRADED = `Personalities : [raid1] [linear] [multipath] [raid0] [raid6] [raid5] [raid4] [raid10]
md1 : active raid1 sdb2[1] sda2[0]
      976629760 blocks super 1.2 [2/2] [UU]
      [==>..................]  resync = 12.6% (123456789/976629760) finish=80.1min speed=177000K/sec
      bitmap: 8/8 pages [32KB], 65536KB chunk

md0 : active raid1 sda1[0]
      523712 blocks super 1.2 [2/1] [U_]

unused devices: <none>
`;

describe('host parsers', () => {
  it('parseMdstat, reads members and resync, from a two-array mdstat', () => {
    const arrays = parseMdstat(MDSTAT_DEGRADED);
    expect(arrays).toEqual([
      expect.objectContaining({
        name: 'md1',
        level: 'raid1',
        wanted: 2,
        working: 2,
        degraded: false,
        syncing: 'resync 12.6%',
      }),
      expect.objectContaining({
        name: 'md0',
        level: 'raid1',
        wanted: 2,
        working: 1,
        degraded: true,
        syncing: null,
      }),
    ]);
    expect(raidChecks(arrays).map((c) => [c.name, c.status])).toEqual([
      ['raid.md1', 'degraded'],
      ['raid.md0', 'critical'],
    ]);
  });

  it('parseMdstat, returns no arrays, when md has none', () => {
    expect(parseMdstat('Personalities : \nunused devices: <none>\n')).toEqual([]);
  });

  it('parseChronyTracking, reads the offset in ms, from chronyc tracking', () => {
    const t = `Reference ID    : C0A80101 (gw.example.test)
Stratum         : 3
System time     : 0.000250000 seconds slow of NTP time
Last offset     : -0.000012 seconds
Leap status     : Normal
`;
    expect(parseChronyTracking(t)).toEqual({ source: 'chrony', synchronized: true, offsetMs: 0.25 });
    expect(parseChronyTracking(t.replace('Normal', 'Not synchronised'))?.synchronized).toBe(false);
  });

  it('parseNtpqRv, reads offset and leap, from ntpq -c rv', () => {
    const t = `associd=0 status=0615 leap_none, sync_ntp, 1 event, clock_sync,
version="ntpd 4.2.8p15", leap=00, stratum=3, precision=-23, rootdelay=1.2,
offset=-1500.25, frequency=-5.1, sys_jitter=0.1`;
    expect(parseNtpqRv(t)).toEqual({ source: 'ntpq', synchronized: true, offsetMs: 1500.25 });
  });

  it('parseTimedatectl, reads the sync flag, from timedatectl show', () => {
    expect(parseTimedatectl('Timezone=UTC\nNTP=yes\nNTPSynchronized=no\n')).toEqual({
      source: 'timedatectl',
      synchronized: false,
      offsetMs: null,
    });
  });

  it('clockCheck, is degraded not critical, when nothing can tell the sync state', async () => {
    const sync = await readClockSync(() => Promise.resolve(undefined));
    expect(clockCheck(sync, 1000)).toMatchObject({ name: 'clock', status: 'degraded', value: 'unknown' });
  });

  it('clockCheck, degrades, when the offset passes the warning', () => {
    expect(clockCheck({ source: 'ntpq', synchronized: true, offsetMs: 1500 }, 1000).status).toBe('degraded');
    expect(clockCheck({ source: 'chrony', synchronized: true, offsetMs: 3 }, 1000).status).toBe('ok');
  });

  it('diskCheck, grades free space, against the warn and critical percentages', () => {
    const h = { disk_warn_free_pct: 15, disk_critical_free_pct: 5 };
    expect(diskCheck(50, 100, '/', h).status).toBe('ok');
    expect(diskCheck(10, 100, '/', h).status).toBe('degraded');
    expect(diskCheck(4, 100, '/', h).status).toBe('critical');
  });
});

describe('createHostHealthSource', () => {
  it('host source, reports every check without PHI, on this machine', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'claimbox-host-'));
    const md = join(dir, 'mdstat');
    writeFileSync(md, MDSTAT_DEGRADED);
    try {
      const source = createHostHealthSource({
        dataDir: dir,
        health: defaultConfig().health,
        mdstatPath: md,
        exec: (cmd) => Promise.resolve(cmd === 'timedatectl' ? 'NTPSynchronized=yes\n' : undefined),
      });
      const checks = await source.check();
      expect(checks.map((c) => c.name)).toEqual([
        'cpu',
        'memory',
        'disk',
        'raid.md1',
        'raid.md0',
        'clock',
        'uptime',
      ]);
      for (const c of checks) expect(['ok', 'degraded', 'critical']).toContain(c.status);
      expect(checks.find((c) => c.name === 'clock')).toMatchObject({ status: 'ok', value: 'synchronized' });
      expect(typeof checks.find((c) => c.name === 'disk')?.value).toBe('number');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
