// The SFTP batch transport against a real OpenSSH sshd on loopback (REFERENCE.md "Real peers").
import { execFileSync, spawn } from 'node:child_process';
import {
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeFileSync,
  existsSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSftpTransport, type SftpTransportOptions } from '../../integrations/clearinghouse/sftp.js';
import { ClaimboxError } from '../../appliance/domain/errors.js';
import { respondToUpload } from '../../integrations/clearinghouse/sandbox/respond.js';
import { syntheticClaims, syntheticEnvelope } from '../../integrations/x12/synthetic.js';
import { write837 } from '../../integrations/x12/write-837.js';
import { read277CA, read835, read999 } from '../../integrations/x12/read-acks.js';
import {
  proposePostings,
  reconcile835,
  statusFrom277CA,
  statusFrom999,
} from '../../appliance/pipeline/remit.js';
import { freePort } from '../helpers/ports.js';

const fixtures = join(import.meta.dirname, '../fixtures/clearinghouse');
const SSHD = '/usr/sbin/sshd';

interface Sshd {
  dir: string;
  port: number;
  fingerprint: string;
  userKey: string;
  inbound: string;
  outbound: string;
  archive: string;
  pidFile: string;
  stop(): void;
}

async function startSshd(): Promise<Sshd> {
  const dir = mkdtempSync(join(tmpdir(), 'claimbox-sshd-'));
  const port = await freePort();
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(dir, 'host_key')]);
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(dir, 'user_key')]);
  writeFileSync(join(dir, 'authorized_keys'), readFileSync(join(dir, 'user_key.pub')));
  const fingerprint = execFileSync('ssh-keygen', ['-l', '-E', 'sha256', '-f', join(dir, 'host_key.pub')])
    .toString()
    .split(' ')[1]!;
  const pidFile = join(dir, 'sshd.pid');
  writeFileSync(
    join(dir, 'sshd_config'),
    [
      `Port ${port}`,
      'ListenAddress 127.0.0.1',
      `HostKey ${join(dir, 'host_key')}`,
      `PidFile ${pidFile}`,
      `AuthorizedKeysFile ${join(dir, 'authorized_keys')}`,
      'PasswordAuthentication no',
      'KbdInteractiveAuthentication no',
      'PermitRootLogin prohibit-password',
      'StrictModes no',
      'UsePAM no',
      'Subsystem sftp internal-sftp',
      '',
    ].join('\n'),
  );
  const inbound = join(dir, 'SendFiles');
  const outbound = join(dir, 'ReceiveFiles');
  const archive = join(dir, 'Archive');
  for (const d of [inbound, outbound, archive]) mkdirSync(d);
  mkdirSync('/run/sshd', { recursive: true });
  const launch = () => {
    // sshd daemonizes; the parent returns once it is listening.
    const child = spawn(SSHD, ['-f', join(dir, 'sshd_config'), '-E', join(dir, 'sshd.log')], {
      stdio: 'ignore',
    });
    return new Promise<void>((resolve, reject) => {
      child.once('exit', (code) =>
        code === 0 ? resolve() : reject(new Error(`sshd exited ${code}: ${readLog(dir)}`)),
      );
    });
  };
  await launch();
  return {
    dir,
    port,
    fingerprint,
    userKey: readFileSync(join(dir, 'user_key'), 'utf8'),
    inbound,
    outbound,
    archive,
    pidFile,
    stop() {
      if (existsSync(pidFile)) {
        const pid = Number(readFileSync(pidFile, 'utf8').trim());
        for (const child of sessionPids(pid)) tryKill(child);
        tryKill(pid);
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function readLog(dir: string): string {
  try {
    return readFileSync(join(dir, 'sshd.log'), 'utf8').slice(-500);
  } catch {
    return '';
  }
}

function tryKill(pid: number): void {
  try {
    process.kill(pid, 'SIGTERM');
  } catch {
    // already gone
  }
}

/** The per-connection sshd processes our listener forked (found by parent pid, killed by id). */
function sessionPids(parent: number): number[] {
  const out: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === parent) out.push(Number(name), ...sessionPids(Number(name)));
    } catch {
      // process ended while we looked
    }
  }
  return out;
}

const hasSshd = existsSync(SSHD);

describe.skipIf(!hasSshd)('SFTP batch transport against a real sshd', () => {
  let sshd: Sshd;
  let base: SftpTransportOptions;

  beforeAll(async () => {
    sshd = await startSshd();
    base = {
      host: '127.0.0.1',
      port: sshd.port,
      username: 'root',
      privateKey: sshd.userKey,
      hostKeySha256: sshd.fingerprint,
      inboundDir: sshd.inbound,
      outboundDir: sshd.outbound,
      connectTimeoutMs: 10_000,
    };
  });
  afterAll(() => sshd?.stop());

  it('upload, writes the final name only after the whole file is there, no temp file left', async () => {
    const t = createSftpTransport(base);
    try {
      await t.ping();
      const content = 'ISA*00*...~ synthetic 837 body~';
      const r = await t.upload({ fileName: 'claimbox-000000101.837', content });
      expect(r.remoteId).toBe('claimbox-000000101.837');
      expect(readdirSync(sshd.inbound)).toEqual(['claimbox-000000101.837']);
      expect(readFileSync(join(sshd.inbound, 'claimbox-000000101.837'), 'utf8')).toBe(content);
      expect(await t.wasUploaded!('claimbox-000000101.837')).toBe(true);
      expect(await t.wasUploaded!('never-sent.837')).toBeUndefined();
    } finally {
      await t.close();
    }
  });

  it('upload, refuses to overwrite, when the final name already exists inbound', async () => {
    const t = createSftpTransport(base);
    try {
      await t.upload({ fileName: 'dup.837', content: 'one' });
      const err = await t.upload({ fileName: 'dup.837', content: 'two' }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ClaimboxError);
      expect((err as ClaimboxError).errorClass).toBe('permanent');
      expect(readFileSync(join(sshd.inbound, 'dup.837'), 'utf8')).toBe('one');
    } finally {
      await t.close();
    }
  });

  it('fetch, labels 999/277CA/835 by ST01 and archives on confirm', async () => {
    mkdirSync(join(sshd.outbound, '741111111'), { recursive: true });
    writeFileSync(join(sshd.outbound, 'a.999'), readFileSync(join(fixtures, 'sample.999')));
    writeFileSync(join(sshd.outbound, 'b.277'), readFileSync(join(fixtures, 'sample.277ca')));
    writeFileSync(join(sshd.outbound, '741111111', 'c.835'), readFileSync(join(fixtures, 'sample.835')));
    writeFileSync(join(sshd.outbound, '.d.835.part'), 'still being written');
    const t = createSftpTransport({ ...base, archiveDir: sshd.archive, recurseOutbound: true });
    try {
      const docs = await t.fetch();
      expect(docs.map((d) => [d.remoteId, d.kind]).sort()).toEqual([
        ['741111111/c.835', '835'],
        ['a.999', '999'],
        ['b.277', '277CA'],
      ]);
      for (const d of docs) await t.confirm(d);
      await t.confirm(docs[0]!); // a repeated confirm is harmless
      expect(await t.fetch()).toEqual([]);
      expect(readdirSync(sshd.archive).sort()).toEqual(['741111111_c.835', 'a.999', 'b.277']);
    } finally {
      await t.close();
      rmSync(join(sshd.outbound, '.d.835.part'));
    }
  });

  it('confirm, deletes remotely, when no archive dir is configured', async () => {
    writeFileSync(join(sshd.outbound, 'e.999'), readFileSync(join(fixtures, 'sample.999')));
    const t = createSftpTransport(base);
    try {
      const [doc] = await t.fetch();
      expect(doc?.kind).toBe('999');
      await t.confirm(doc!);
      expect(existsSync(join(sshd.outbound, 'e.999'))).toBe(false);
    } finally {
      await t.close();
    }
  });

  it('runs the whole loop over SFTP: 837 in, 999/277CA/835 out, read and reconciled', async () => {
    const t = createSftpTransport({ ...base, archiveDir: sshd.archive });
    try {
      const claims = syntheticClaims('medical', 12, 4);
      await t.upload({ fileName: 'claimbox-000000201.837', content: write837(claims, syntheticEnvelope()) });
      // The clearinghouse side: pick the file up from inbound and answer into outbound.
      const picked = readFileSync(join(sshd.inbound, 'claimbox-000000201.837'), 'utf8');
      rmSync(join(sshd.inbound, 'claimbox-000000201.837'));
      let control = 500;
      const out = respondToUpload(picked, {
        seed: 42,
        fileId: '2001',
        now: new Date(Date.UTC(2026, 10, 22, 12)),
        nextControl: () => ++control,
      });
      if ('error' in out) throw new Error(out.error);
      for (const d of out.documents) writeFileSync(join(sshd.outbound, d.fileName), d.content);

      const docs = await t.fetch();
      expect(docs.map((d) => d.kind).sort()).toEqual(out.documents.map((d) => d.kind).sort());
      const ack = statusFrom999(read999(docs.find((d) => d.kind === '999')!.content).value![0]!);
      expect(ack.groupAccepted).toBe(true);
      const ca = statusFrom277CA(read277CA(docs.find((d) => d.kind === '277CA')!.content).value![0]!);
      expect(ca).toHaveLength(12);
      for (const d of docs.filter((x) => x.kind === '835')) {
        const remit = read835(d.content).value![0]!;
        expect(reconcile835(remit)).toEqual([]);
        expect(proposePostings(remit, () => undefined).postable).toBe(true);
      }
      for (const d of docs) await t.confirm(d);
      expect(await t.fetch()).toEqual([]);
    } finally {
      await t.close();
    }
  });

  it('transport, reconnects and carries on, after the server drops the session', async () => {
    const t = createSftpTransport(base);
    try {
      await t.ping();
      const master = Number(readFileSync(sshd.pidFile, 'utf8').trim());
      const sessions = sessionPids(master);
      expect(sessions.length).toBeGreaterThan(0);
      for (const pid of sessions) tryKill(pid);
      // Wait for the drop to be noticed rather than sleeping a fixed time: poll the server side.
      for (let i = 0; i < 200 && sessionPids(master).length > 0; i++)
        await new Promise((r) => setTimeout(r, 10));
      writeFileSync(join(sshd.outbound, 'f.835'), readFileSync(join(fixtures, 'sample.835')));
      const docs = await t.fetch();
      expect(docs.map((d) => d.kind)).toEqual(['835']);
      await t.confirm(docs[0]!);
    } finally {
      await t.close();
    }
  });

  it('connect, fails permanently, when the host key does not match the pin', async () => {
    const t = createSftpTransport({
      ...base,
      hostKeySha256: 'SHA256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA',
    });
    const err = await t.ping().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ClaimboxError);
    expect((err as ClaimboxError).code).toBe('CH_SFTP_HOST_KEY');
    expect((err as ClaimboxError).errorClass).toBe('permanent');
    await t.close();
  });

  it('connect, is transient, when nothing listens on the port', async () => {
    const t = createSftpTransport({ ...base, port: await freePort() });
    const err = await t.ping().catch((e: unknown) => e);
    expect((err as ClaimboxError).errorClass).toBe('transient');
    await t.close();
  });
});
