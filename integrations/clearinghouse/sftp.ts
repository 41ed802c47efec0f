// SFTP batch transport (Office Ally / Availity / Claim.MD style, REFERENCE.md): 837s go to an
// inbound folder, acknowledgments and ERAs appear in an outbound folder. An upload is written
// under a dot-prefixed temp name and renamed, so the clearinghouse never picks up half a file.
import { createHash, randomUUID } from 'node:crypto';
import { posix } from 'node:path';
import SftpClient from 'ssh2-sftp-client';
import type { ClearinghouseTransport, RemoteDocument, UploadResult } from '../../appliance/ports.js';
import { ClaimboxError, ambiguous, permanent, transient } from '../../appliance/domain/errors.js';
import { sniffKind } from './kind.js';

export interface SftpTransportOptions {
  host: string;
  port?: number;
  username: string;
  password?: string;
  /** PEM/OpenSSH private key text (read from config clearinghouse.sftp.private_key_file). */
  privateKey?: string | Buffer;
  /** Pinned host key as `ssh-keygen -lf` prints it: 'SHA256:<base64 without padding>'. */
  hostKeySha256: string;
  /** Where 837s go (Claim.MD /SendFiles, Office Ally /inbound). */
  inboundDir: string;
  /** Where 999/277CA/835 appear (Claim.MD /ReceiveFiles, Office Ally /outbound). */
  outboundDir: string;
  /** When set, confirmed documents are moved here instead of deleted. */
  archiveDir?: string;
  connectTimeoutMs?: number;
  /** Also list one level of subfolders of the outbound dir (Claim.MD Tax ID subfolders). */
  recurseOutbound?: boolean;
}

/** 'SHA256:' + unpadded base64 of the SHA-256 of the raw host key blob (OpenSSH's fingerprint form). */
export function sshFingerprint(hostKey: Buffer): string {
  return 'SHA256:' + createHash('sha256').update(hostKey).digest('base64').replace(/=+$/, '');
}

type Client = InstanceType<typeof SftpClient>;

/** Errors of the connection itself (drop, reset): the next call reconnects. */
function isConnectionError(err: unknown): boolean {
  const msg = err instanceof Error ? err.message : String(err);
  const code = (err as { code?: unknown } | null)?.code;
  return (
    /no sftp connection|not connected|connection lost|ECONNRESET|EPIPE|socket|channel|ended|closed/i.test(
      msg,
    ) ||
    code === 'ERR_NOT_CONNECTED' ||
    code === 'ECONNRESET' ||
    code === 'EPIPE' ||
    code === 'ERR_GENERIC_CLIENT'
  );
}

export function createSftpTransport(opts: SftpTransportOptions): ClearinghouseTransport {
  let client: Client | undefined;
  let connecting: Promise<Client> | undefined;
  let hostKeyMismatch: string | undefined;

  function drop(c: Client | undefined): void {
    if (c && client === c) client = undefined;
  }

  async function connect(): Promise<Client> {
    if (client) return client;
    if (connecting) return connecting;
    const c: Client = new SftpClient('claimbox-clearinghouse', {
      // The library calls these when the link goes away; the next operation reconnects.
      end: () => drop(c),
      close: () => drop(c),
      error: () => drop(c),
    });
    hostKeyMismatch = undefined;
    connecting = (async () => {
      try {
        await c.connect({
          host: opts.host,
          port: opts.port ?? 22,
          username: opts.username,
          ...(opts.password !== undefined ? { password: opts.password } : {}),
          ...(opts.privateKey !== undefined ? { privateKey: opts.privateKey } : {}),
          readyTimeout: opts.connectTimeoutMs ?? 20_000,
          retries: 0,
          hostVerifier: (key: Buffer) => {
            const seen = sshFingerprint(key);
            if (seen === opts.hostKeySha256) return true;
            hostKeyMismatch = seen;
            return false;
          },
        });
        client = c;
        return c;
      } catch (err) {
        await c.end().catch(() => undefined);
        if (hostKeyMismatch)
          throw permanent('CH_SFTP_HOST_KEY', 'SFTP host key does not match the pinned fingerprint', {
            expected: opts.hostKeySha256,
            seen: hostKeyMismatch,
          });
        const msg = err instanceof Error ? err.message : String(err);
        if (/authentication/i.test(msg))
          throw permanent('CH_SFTP_AUTH', `SFTP login refused for ${opts.username}@${opts.host}`);
        throw transient(
          'CH_SFTP_CONNECT',
          `SFTP connect to ${opts.host}:${opts.port ?? 22} failed: ${msg}`,
          err,
        );
      } finally {
        connecting = undefined;
      }
    })();
    return connecting;
  }

  /** Run an idempotent operation; after a dropped link reconnect once and run it again. */
  async function withClient<T>(what: string, op: (c: Client) => Promise<T>): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      const c = await connect();
      try {
        return await op(c);
      } catch (err) {
        if (err instanceof ClaimboxError) throw err;
        if (isConnectionError(err)) {
          drop(c);
          await c.end().catch(() => undefined);
          if (attempt === 0) continue;
          throw transient('CH_SFTP_DROPPED', `SFTP ${what}: connection lost`, err);
        }
        throw transient(
          'CH_SFTP_IO',
          `SFTP ${what}: ${err instanceof Error ? err.message : String(err)}`,
          err,
        );
      }
    }
  }

  async function listFiles(
    c: Client,
    dir: string,
    depth: number,
  ): Promise<{ path: string; mtime: number }[]> {
    const out: { path: string; mtime: number }[] = [];
    for (const entry of await c.list(dir)) {
      if (entry.name.startsWith('.')) continue; // temp names and hidden files are never documents
      const path = posix.join(dir, entry.name);
      if (entry.type === '-') out.push({ path, mtime: entry.modifyTime });
      else if (entry.type === 'd' && depth > 0) out.push(...(await listFiles(c, path, depth - 1)));
    }
    return out;
  }

  return {
    name: 'sftp',

    async upload(file): Promise<UploadResult> {
      if (file.fileName.includes('/') || file.fileName.startsWith('.'))
        throw permanent('CH_SFTP_BAD_NAME', 'upload file name must be a plain, non-hidden name');
      const finalPath = posix.join(opts.inboundDir, file.fileName);
      const tempPath = posix.join(opts.inboundDir, `.${file.fileName}.${randomUUID()}.part`);
      // Writing the temp file is repeatable: nothing is visible to the clearinghouse yet.
      await withClient('upload', async (c) => {
        if ((await c.exists(finalPath)) !== false)
          throw permanent('CH_SFTP_EXISTS', `inbound already holds ${file.fileName}; not overwriting`);
        try {
          await c.put(Buffer.from(file.content, 'utf8'), tempPath);
        } catch (err) {
          // A partial temp file is invisible to the clearinghouse (dot name) but should not pile up.
          await c.delete(tempPath, true).catch(() => undefined);
          throw err;
        }
      });
      // The rename is the moment of delivery: a link lost during it may or may not have delivered.
      const c = await connect();
      try {
        await c.rename(tempPath, finalPath);
      } catch (err) {
        drop(c);
        throw ambiguous('CH_SFTP_RENAME', `SFTP rename of ${file.fileName} did not confirm`, err);
      }
      return { remoteId: file.fileName };
    },

    async wasUploaded(fileName: string): Promise<boolean | undefined> {
      // Present in inbound: it arrived. Absent: it never arrived or was already picked up; unknown.
      const found = await withClient('exists', (c) => c.exists(posix.join(opts.inboundDir, fileName)));
      return found === false ? undefined : true;
    },

    async fetch(): Promise<RemoteDocument[]> {
      return withClient('fetch', async (c) => {
        const files = await listFiles(c, opts.outboundDir, opts.recurseOutbound ? 1 : 0);
        files.sort((a, b) => a.mtime - b.mtime || (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
        const docs: RemoteDocument[] = [];
        for (const f of files) {
          const data = await c.get(f.path);
          const content = Buffer.isBuffer(data)
            ? data.toString('utf8')
            : typeof data === 'string'
              ? data
              : '';
          docs.push({
            remoteId: posix.relative(opts.outboundDir, f.path),
            kind: sniffKind(content),
            fileName: posix.basename(f.path),
            content,
          });
        }
        return docs;
      });
    },

    async confirm(doc: RemoteDocument): Promise<void> {
      const path = posix.join(opts.outboundDir, doc.remoteId);
      await withClient('confirm', async (c) => {
        if ((await c.exists(path)) === false) return; // already archived or removed (a repeat confirm)
        if (opts.archiveDir) {
          const target = posix.join(opts.archiveDir, doc.remoteId.replaceAll('/', '_'));
          const free = (await c.exists(target)) === false ? target : `${target}.${randomUUID()}`;
          await c.rename(path, free);
        } else {
          await c.delete(path);
        }
      });
    },

    async ping(): Promise<void> {
      await withClient('ping', async (c) => {
        if ((await c.exists(opts.inboundDir)) !== 'd')
          throw permanent('CH_SFTP_NO_DIR', `inbound dir ${opts.inboundDir} is missing`);
      });
    },

    async close(): Promise<void> {
      const c = client;
      client = undefined;
      if (c) await c.end().catch(() => undefined);
    },
  };
}
