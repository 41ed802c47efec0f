// SFTP pickup from the EHR's export folder (thin shell). Per poll: (re)connect if needed, pinning
// the host key by its SHA-256 fingerprint; list; for each file download, hand every message to the
// sink, and only after the sink resolved (durable) delete or move the remote file. A dropped
// connection fails that poll; the next poll reconnects and takes the files that are still there
// (a file stored but not yet removed is stored again as a duplicate: the sink dedupes).

import { createPollLoop } from './poll-loop.js';
import { createHash } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join, posix } from 'node:path';
import SftpClient from 'ssh2-sftp-client';
import type { IntakeSink } from '../../appliance/ports.js';
import { readHl7File } from './file-drop.js';
import type { Hl7Logger } from './mllp.js';
import type { Hl7Profile } from './profiles.js';

export interface SftpPickupOptions {
  host: string;
  port: number;
  username: string;
  password?: string;
  privateKey?: string | Buffer;
  /** 'SHA256:<base64>' as `ssh-keygen -lf` prints it (intake.sftp.host_key_sha256). */
  hostKeySha256: string;
  remoteDir: string;
  /** After a durable store: delete the remote file, or move it into archiveDir. */
  after: 'delete' | 'move';
  archiveDir: string;
  /** Local folder for messages that cannot be used (with a `.reason` file); nothing is dropped silently. */
  quarantineDir: string;
  connectTimeoutMs?: number;
  sink: IntakeSink;
  profile: Hl7Profile;
  logger: Hl7Logger;
}

export interface SftpPollResult {
  files: number;
  messages: number;
  quarantined: number;
  /** Set when the poll stopped early (connection dropped, store failed). */
  error?: string;
}

export interface SftpPickup {
  pollOnce(): Promise<SftpPollResult>;
  start(pollMs: number): void;
  stop(): Promise<void>;
}

/** OpenSSH-style fingerprint of a raw host key: 'SHA256:' + unpadded base64 of its SHA-256. */
export function sha256Fingerprint(key: Buffer): string {
  return `SHA256:${createHash('sha256').update(key).digest('base64').replace(/=+$/, '')}`;
}

export function createSftpPickup(o: SftpPickupOptions): SftpPickup {
  let client: SftpClient | undefined;
  const pinned = o.hostKeySha256.trim().replace(/=+$/, '');

  async function connect(): Promise<SftpClient> {
    if (client) return client;
    const c = new SftpClient('claimbox-intake');
    let presented = '';
    await c
      .connect({
        host: o.host,
        port: o.port,
        username: o.username,
        ...(o.password !== undefined ? { password: o.password } : {}),
        ...(o.privateKey !== undefined ? { privateKey: o.privateKey } : {}),
        readyTimeout: o.connectTimeoutMs ?? 20_000,
        hostVerifier: (key: Buffer) => {
          presented = sha256Fingerprint(key);
          return presented === pinned;
        },
      })
      .catch((err: unknown) => {
        const msg = err instanceof Error ? err.message : String(err);
        throw new Error(
          presented && presented !== pinned
            ? `host key ${presented} does not match the pinned ${pinned}`
            : `sftp connect failed: ${msg}`,
        );
      });
    // A dropped connection: forget the client so the next poll reconnects.
    const drop = () => {
      if (client === c) client = undefined;
    };
    c.on('end', drop);
    c.on('close', drop);
    c.on('error', drop);
    if (o.after === 'move') await c.mkdir(o.archiveDir, true);
    client = c;
    return c;
  }

  async function disconnect() {
    const c = client;
    client = undefined;
    if (c) await c.end().catch(() => undefined);
  }

  async function quarantine(
    name: string,
    bad: { index: number; text: string; reason: string }[],
    whole?: Buffer,
  ) {
    await mkdir(o.quarantineDir, { recursive: true });
    if (whole) {
      await writeFile(join(o.quarantineDir, name), whole);
      await writeFile(join(o.quarantineDir, `${name}.reason`), bad.map((b) => b.reason).join('\n') + '\n');
      return;
    }
    for (const b of bad) {
      const file = join(o.quarantineDir, `${name}.msg${b.index + 1}.hl7`);
      await writeFile(file, b.text);
      await writeFile(`${file}.reason`, b.reason + '\n');
    }
  }

  async function pollOnce(): Promise<SftpPollResult> {
    const result: SftpPollResult = { files: 0, messages: 0, quarantined: 0 };
    try {
      const c = await connect();
      const entries = (await c.list(o.remoteDir))
        .filter((f) => f.type === '-' && !f.name.startsWith('.'))
        .sort((a, b) => a.modifyTime - b.modifyTime || a.name.localeCompare(b.name));
      for (const f of entries) {
        const remote = posix.join(o.remoteDir, f.name);
        const raw = (await c.get(remote)) as Buffer;
        const { results, bad } = readHl7File(raw, 'sftp', o.profile);
        // Durable first: every message of the file is committed before the remote file goes away.
        await Promise.all(results.flatMap((r) => (r.envelope ? [o.sink.accept(r.envelope)] : [])));
        if (results.length === 0)
          await quarantine(
            f.name,
            [{ index: 0, text: '', reason: 'HL7_NO_MSH: the file holds no HL7 message' }],
            raw,
          );
        else if (bad.length)
          await quarantine(
            f.name,
            bad.filter((b) => results[b.index]?.reject),
          );
        result.quarantined += results.length === 0 ? 1 : bad.length;
        if (o.after === 'delete') await c.delete(remote);
        else {
          const target = posix.join(o.archiveDir, f.name);
          await c.rename(remote, target).catch(() => c.rename(remote, `${target}.${Date.now()}`));
        }
        result.files++;
        result.messages += results.filter((r) => r.envelope).length;
      }
    } catch (err) {
      result.error = err instanceof Error ? err.message : String(err);
      o.logger.warn({ host: o.host, err: result.error }, 'sftp pickup: poll failed; will reconnect');
      await disconnect();
    }
    return result;
  }

  const polling = createPollLoop(pollOnce);

  return {
    pollOnce,
    start: (pollMs: number) => polling.start(pollMs),
    async stop() {
      await polling.stop();
      await disconnect();
    },
  };
}
