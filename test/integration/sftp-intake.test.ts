// SFTP pickup against a real OpenSSH server on loopback (REFERENCE.md "Real peers in tests"):
// throwaway host and user keys, a private sshd_config, a high free port, stopped by its PidFile.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createSftpPickup,
  sha256Fingerprint,
  type SftpPickupOptions,
} from '../../integrations/hl7/sftp-pickup.js';
import { generic25 } from '../../integrations/hl7/profiles.js';
import { sampleBatch, sampleDft } from '../../integrations/hl7/sample.js';
import { memorySink } from '../helpers/sqlite-intake-sink.js';
import { freePort } from '../helpers/ports.js';

const SSHD = '/usr/sbin/sshd';
const logger = { info() {}, warn() {}, error() {} };
let dir: string;
let port: number;
let fingerprint: string;

/**
 * A throwaway system account for password login (sshd checks passwords against /etc/shadow), made
 * only when the test runs as root with useradd (CI does); else the password test is skipped.
 */
const PW_USER = 'claimbox-sftp-test';
const PW_PASSWORD = `pw-${process.pid}-${Date.now().toString(36)}`;
const canMakeUser =
  typeof process.getuid === 'function' && process.getuid() === 0 && existsSync('/usr/sbin/useradd');
let pwUserMade = false;

function makePasswordUser(): void {
  spawnSync('userdel', [PW_USER]); // a leftover of a killed run
  execFileSync('useradd', ['-M', '-d', '/nonexistent', '-s', '/usr/sbin/nologin', PW_USER]);
  execFileSync('chpasswd', { input: `${PW_USER}:${PW_PASSWORD}\n` });
  pwUserMade = true;
}

async function waitForPort(p: number): Promise<void> {
  for (let i = 0; i < 200; i++) {
    const ok = await new Promise<boolean>((resolve) => {
      const c = net.connect(p, '127.0.0.1', () => {
        c.destroy();
        resolve(true);
      });
      c.on('error', () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('sshd did not start');
}

function startSshd() {
  execFileSync(SSHD, ['-f', join(dir, 'sshd_config'), '-E', join(dir, 'sshd.log')]);
  return waitForPort(port);
}

/** Stop sshd and the per-connection children it forked (drops live sessions). */
function stopSshd() {
  const pidFile = join(dir, 'sshd.pid');
  if (!existsSync(pidFile)) return;
  const pid = Number(readFileSync(pidFile, 'utf8').trim());
  const children = spawnSync('ps', ['-o', 'pid=', '--ppid', String(pid)], { encoding: 'utf8' })
    .stdout.split('\n')
    .map((s) => Number(s.trim()))
    .filter((n) => n > 0);
  for (const c of children) {
    try {
      process.kill(c, 'SIGKILL');
    } catch {
      /* already gone */
    }
  }
  try {
    process.kill(pid, 'SIGTERM');
  } catch {
    /* already gone */
  }
  rmSync(pidFile, { force: true });
}

const describeSshd = existsSync(SSHD) ? describe : describe.skip;

describeSshd('SFTP pickup against a real OpenSSH server', () => {
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'claimbox-sftp-'));
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(dir, 'host_key')]);
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(dir, 'user_key')]);
    writeFileSync(join(dir, 'authorized_keys'), readFileSync(join(dir, 'user_key.pub')));
    mkdirSync('/run/sshd', { recursive: true });
    port = await freePort();
    writeFileSync(
      join(dir, 'sshd_config'),
      [
        `Port ${port}`,
        'ListenAddress 127.0.0.1',
        `HostKey ${join(dir, 'host_key')}`,
        `PidFile ${join(dir, 'sshd.pid')}`,
        `AuthorizedKeysFile ${join(dir, 'authorized_keys')}`,
        'PasswordAuthentication no',
        'StrictModes no',
        'UsePAM no',
        'Subsystem sftp internal-sftp',
        // Password login only for the throwaway account, and only for SFTP.
        `Match User ${PW_USER}`,
        '  PasswordAuthentication yes',
        '  ForceCommand internal-sftp',
      ].join('\n') + '\n',
    );
    if (canMakeUser) makePasswordUser();
    // The fingerprint as `ssh-keygen -lf` prints it, the way an MSP copies it into config.
    fingerprint = execFileSync('ssh-keygen', ['-lf', join(dir, 'host_key.pub')], { encoding: 'utf8' }).split(
      ' ',
    )[1]!;
    await startSshd();
  });

  afterAll(() => {
    stopSshd();
    if (pwUserMade) spawnSync('userdel', [PW_USER]);
    rmSync(dir, { recursive: true, force: true });
  });

  const setup = (name: string, over: Partial<SftpPickupOptions> = {}) => {
    const remote = join(dir, name, 'export');
    mkdirSync(remote, { recursive: true });
    const sink = memorySink();
    const opts: SftpPickupOptions = {
      host: '127.0.0.1',
      port,
      username: 'root',
      privateKey: readFileSync(join(dir, 'user_key')),
      hostKeySha256: fingerprint,
      remoteDir: remote,
      after: 'delete',
      archiveDir: join(dir, name, 'processed'),
      quarantineDir: join(dir, name, 'quarantine'),
      connectTimeoutMs: 10_000,
      sink,
      profile: generic25,
      logger,
      ...over,
    };
    return { remote, sink, opts };
  };

  it('computes the same fingerprint as ssh-keygen', () => {
    const b64 = readFileSync(join(dir, 'host_key.pub'), 'utf8').split(' ')[1]!;
    expect(sha256Fingerprint(Buffer.from(b64, 'base64'))).toBe(fingerprint);
  });

  it('downloads, stores, then deletes the remote files (single messages and batches)', async () => {
    const { remote, sink, opts } = setup('delete');
    writeFileSync(join(remote, 'a.hl7'), sampleDft({ index: 1 }));
    writeFileSync(
      join(remote, 'b.hl7'),
      sampleBatch([sampleDft({ index: 2 }), sampleDft({ index: 3 })], '\n'),
    );
    writeFileSync(join(remote, 'junk.hl7'), 'not hl7 at all');
    const pickup = createSftpPickup(opts);
    const r = await pickup.pollOnce();
    await pickup.stop();
    expect(r).toMatchObject({ files: 3, messages: 3, quarantined: 1 });
    expect(r.error).toBeUndefined();
    expect(sink.envelopes.map((e) => e.controlId).sort()).toEqual([
      'MSG00000001',
      'MSG00000002',
      'MSG00000003',
    ]);
    expect(sink.envelopes[0]!.channel).toBe('sftp');
    expect(readdirSync(remote)).toEqual([]);
    expect(readFileSync(join(opts.quarantineDir, 'junk.hl7.reason'), 'utf8')).toMatch(/no HL7 message/);
  });

  it('moves remote files to the archive folder, when configured to', async () => {
    const { remote, opts } = setup('move', { after: 'move' });
    writeFileSync(join(remote, 'a.hl7'), sampleDft({ index: 4 }));
    const pickup = createSftpPickup(opts);
    expect((await pickup.pollOnce()).files).toBe(1);
    await pickup.stop();
    expect(readdirSync(remote)).toEqual([]);
    expect(readdirSync(opts.archiveDir)).toEqual(['a.hl7']);
  });

  it.runIf(canMakeUser)('logs in with a password (no key), downloads and deletes', async () => {
    const { remote, sink, opts } = setup('password', {
      username: PW_USER,
      password: PW_PASSWORD,
      privateKey: undefined,
    });
    // The account must reach its export folder (mkdtemp made the parent 0700) and delete from it.
    chmodSync(dir, 0o711);
    execFileSync('chown', [PW_USER, remote]);
    writeFileSync(join(remote, 'a.hl7'), sampleDft({ index: 9 }));
    const pickup = createSftpPickup(opts);
    const r = await pickup.pollOnce();
    await pickup.stop();
    expect(r.error).toBeUndefined();
    expect(r).toMatchObject({ files: 1, messages: 1 });
    expect(sink.envelopes.map((e) => e.controlId)).toEqual(['MSG00000009']);
    expect(readdirSync(remote)).toEqual([]);
  });

  it.runIf(canMakeUser)('reports a wrong password as an error and leaves the remote file', async () => {
    const { remote, sink, opts } = setup('badpassword', {
      username: PW_USER,
      password: 'not-the-password',
      privateKey: undefined,
    });
    writeFileSync(join(remote, 'a.hl7'), sampleDft({ index: 10 }));
    const pickup = createSftpPickup(opts);
    const r = await pickup.pollOnce();
    await pickup.stop();
    expect(r.error).toMatch(/auth/i);
    expect(r.error).not.toContain('not-the-password');
    expect(sink.envelopes).toHaveLength(0);
    expect(readdirSync(remote)).toEqual(['a.hl7']);
  });

  it('refuses a server whose host key does not match the pin', async () => {
    const { remote, sink, opts } = setup('pin', {
      hostKeySha256: 'SHA256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA',
    });
    writeFileSync(join(remote, 'a.hl7'), sampleDft({ index: 5 }));
    const pickup = createSftpPickup(opts);
    const r = await pickup.pollOnce();
    await pickup.stop();
    expect(r.error).toMatch(/does not match the pinned/);
    expect(sink.envelopes).toHaveLength(0);
    expect(readdirSync(remote)).toEqual(['a.hl7']);
  });

  it('keeps the remote file when the store fails', async () => {
    const { remote, sink, opts } = setup('storefail');
    writeFileSync(join(remote, 'a.hl7'), sampleDft({ index: 6 }));
    sink.fail = new Error('disk full');
    const pickup = createSftpPickup(opts);
    expect((await pickup.pollOnce()).error).toMatch(/disk full/);
    expect(readdirSync(remote)).toEqual(['a.hl7']);
    sink.fail = undefined;
    expect((await pickup.pollOnce()).files).toBe(1);
    await pickup.stop();
    expect(readdirSync(remote)).toEqual([]);
  });

  it('reconnects and resumes after the connection drops', async () => {
    const { remote, sink, opts } = setup('resume');
    writeFileSync(join(remote, 'a.hl7'), sampleDft({ index: 7 }));
    const pickup = createSftpPickup(opts);
    expect((await pickup.pollOnce()).files).toBe(1);
    stopSshd();
    writeFileSync(join(remote, 'b.hl7'), sampleDft({ index: 8 }));
    expect((await pickup.pollOnce()).error).toBeDefined();
    await startSshd();
    const r = await pickup.pollOnce();
    await pickup.stop();
    expect(r).toMatchObject({ files: 1, messages: 1 });
    expect(sink.envelopes.map((e) => e.controlId)).toEqual(['MSG00000007', 'MSG00000008']);
  });
});
