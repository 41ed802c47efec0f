// Backups and restores of the one database, for the MSP (`claimbox backup`, `claimbox restore`).
//
// A backup set is files sharing a stem, complete only once its manifest exists (written last):
//   claimbox-YYYYMMDD-HHMMSS.db                      online snapshot (SQLite backup API)
//   claimbox-YYYYMMDD-HHMMSS.audit-key.pem           audit signing key, if present
//   claimbox-YYYYMMDD-HHMMSS.audit-checkpoints.jsonl audit checkpoint sink, if present
//   claimbox-YYYYMMDD-HHMMSS.sha256                  `sha256sum -c` compatible manifest
// Backups hold PHI: the folder is 0700 and every file 0600, owned like the data dir.
import { createHash } from 'node:crypto';
import {
  chmodSync,
  chownSync,
  closeSync,
  copyFileSync,
  existsSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { createReadStream } from 'node:fs';
import { connect } from 'node:net';
import { basename, dirname, join } from 'node:path';
import Database from 'better-sqlite3';
import { appendAudit } from '../appliance/audit/log.js';
import { openStore } from '../appliance/store/open.js';

export const DB_FILENAME = 'claimbox.db';
export const PID_FILENAME = 'claimbox.pid';
const STEM = /^claimbox-\d{8}-\d{6}(-\d+)?$/;

export type ExtraRole = 'audit-key' | 'audit-sink';
const EXTRA_SUFFIX: Record<ExtraRole, string> = {
  'audit-key': '.audit-key.pem',
  'audit-sink': '.audit-checkpoints.jsonl',
};

/** The database file inside a data dir. */
export function databasePath(dataDir: string): string {
  return join(dataDir, DB_FILENAME);
}

export interface ManifestEntry {
  name: string;
  sha256: string;
}

export interface BackupOptions {
  dbPath: string;
  outDir: string;
  /** Keep this many newest backup sets in outDir (config data.backup_keep). */
  keep: number;
  /** Copied beside the snapshot; a missing file is skipped (e.g. before the first checkpoint). */
  extras?: Partial<Record<ExtraRole, string>>;
  now?: Date;
  /** Audit actor of the EXPORT entry: 'cli:<user>' or 'service:backup'. */
  actor?: string;
}

export interface BackupResult {
  stem: string;
  dbFile: string;
  manifestFile: string;
  files: (ManifestEntry & { bytes: number })[];
  /** Highest audit sequence number inside the snapshot. */
  auditHeadSeq: number;
  pruned: string[];
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0');
/** UTC, so names sort by time and do not jump at daylight saving. */
export function backupStem(d: Date): string {
  return (
    `claimbox-${d.getUTCFullYear()}${pad(d.getUTCMonth() + 1)}${pad(d.getUTCDate())}` +
    `-${pad(d.getUTCHours())}${pad(d.getUTCMinutes())}${pad(d.getUTCSeconds())}`
  );
}

export function sha256File(path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const h = createHash('sha256');
    createReadStream(path)
      .on('data', (chunk) => h.update(chunk))
      .on('error', reject)
      .on('end', () => resolve(h.digest('hex')));
  });
}

function fsyncPath(path: string): void {
  const fd = openSync(path, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

function writeFileDurable(path: string, data: string): void {
  const tmp = `${path}.tmp`;
  const fd = openSync(tmp, 'w', 0o600);
  try {
    writeSync(fd, data);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, path);
}

/** When run as root, give files the owner of the data dir so the service (User=claimbox) can use them. */
export function matchOwner(paths: readonly string[], ownerOf: string): void {
  if (typeof process.getuid !== 'function' || process.getuid() !== 0 || !existsSync(ownerOf)) return;
  const { uid, gid } = statSync(ownerOf);
  if (uid === 0) return;
  for (const p of paths) if (existsSync(p)) chownSync(p, uid, gid);
}

export function parseManifest(text: string): ManifestEntry[] {
  const out: ManifestEntry[] = [];
  for (const line of text.split('\n')) {
    const m = /^([0-9a-f]{64}) [ *](.+)$/.exec(line.trim());
    if (m) out.push({ sha256: m[1]!, name: m[2]! });
  }
  return out;
}

/**
 * Snapshot the database while the service runs. The SQLite online backup API copies every page in
 * one step, inside one read transaction: in WAL mode writers carry on, and the copy is the database
 * exactly as of one commit. (Stepping a few pages at a time would restart on every foreign write.)
 */
export async function createBackup(o: BackupOptions): Promise<BackupResult> {
  if (!existsSync(o.dbPath)) throw new Error(`no database at ${o.dbPath}`);
  mkdirSync(o.outDir, { recursive: true, mode: 0o700 });
  chmodSync(o.outDir, 0o700);
  const now = o.now ?? new Date();
  let stem = backupStem(now);
  for (
    let i = 2;
    existsSync(join(o.outDir, `${stem}.sha256`)) || existsSync(join(o.outDir, `${stem}.db`));
    i++
  )
    stem = `${backupStem(now)}-${i}`;
  const dbFile = join(o.outDir, `${stem}.db`);
  const tmpDb = join(o.outDir, `.tmp-${stem}.db`);
  const written: string[] = [];
  const source = openStore(o.dbPath, { migrate: false });
  try {
    // Created 0600 before SQLite writes a byte, so the PHI is never world-readable, even briefly.
    closeSync(openSync(tmpDb, 'w', 0o600));
    written.push(tmpDb);
    await source.sqlite.backup(tmpDb, { progress: () => 0x7fffffff });
    let auditHeadSeq = 0;
    const snap = new Database(tmpDb);
    try {
      // A self-contained file: no -wal/-shm needed to open or restore it.
      snap.pragma('journal_mode = DELETE');
      const head = snap.prepare('SELECT max(seq) AS seq FROM audit_log').get() as { seq: number | null };
      auditHeadSeq = head.seq ?? 0;
    } finally {
      snap.close();
    }
    fsyncPath(tmpDb);
    renameSync(tmpDb, dbFile);
    written.push(dbFile);

    const files: BackupResult['files'] = [];
    const add = async (path: string) =>
      files.push({ name: basename(path), sha256: await sha256File(path), bytes: statSync(path).size });
    await add(dbFile);
    for (const role of ['audit-key', 'audit-sink'] as const) {
      const src = o.extras?.[role];
      if (!src || !existsSync(src)) continue;
      const dest = join(o.outDir, stem + EXTRA_SUFFIX[role]);
      copyFileSync(src, dest);
      chmodSync(dest, 0o600);
      fsyncPath(dest);
      written.push(dest);
      await add(dest);
    }
    const manifestFile = join(o.outDir, `${stem}.sha256`);
    writeFileDurable(manifestFile, files.map((f) => `${f.sha256}  ${f.name}\n`).join(''));
    written.push(manifestFile);
    fsyncPath(o.outDir);
    matchOwner([o.outDir, ...written], dirname(o.dbPath));

    written.length = 0; // complete: from here on a failure keeps the backup
    await withBusyRetry(() =>
      source.tx(() =>
        appendAudit(
          source,
          [
            {
              event: 'EXPORT',
              actor: o.actor ?? 'service:backup',
              entityType: 'database',
              detail: { kind: 'backup', file: `${stem}.db`, auditHeadSeq, sha256: files[0]!.sha256 },
            },
          ],
          now.getTime(),
        ),
      ),
    ).catch((err: unknown) => {
      throw new Error(
        `backup ${dbFile} is complete, but its audit entry could not be written: ${err instanceof Error ? err.message : String(err)}`,
      );
    });
    const pruned = pruneBackups(o.outDir, o.keep);
    return { stem, dbFile, manifestFile, files, auditHeadSeq, pruned };
  } catch (err) {
    for (const f of written) rmSync(f, { force: true });
    throw err;
  } finally {
    source.close();
  }
}

/**
 * The service commits in bursts; SQLite's busy handler polls and can lose the race for the write
 * lock to a busy writer for longer than busy_timeout. Between attempts we yield to the event loop.
 */
async function withBusyRetry<T>(fn: () => T, attempts = 8): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return fn();
    } catch (err) {
      const busy = (err as { code?: string }).code?.startsWith('SQLITE_BUSY') ?? false;
      if (!busy || i >= attempts) throw err;
      await new Promise((r) => setTimeout(r, 100 * 2 ** i));
    }
  }
}

/** Keep the `keep` newest complete sets (by manifest name, which sorts by time); delete the rest. */
export function pruneBackups(outDir: string, keep: number): string[] {
  const stems = readdirSync(outDir)
    .filter((n) => n.endsWith('.sha256'))
    .map((n) => n.slice(0, -'.sha256'.length))
    .filter((s) => STEM.test(s))
    .sort()
    .reverse();
  const removed: string[] = [];
  for (const stem of stems.slice(Math.max(keep, 1))) {
    // Manifest last: a half-pruned set still has its manifest and is retried next time.
    const names = readdirSync(outDir).filter((n) => n.startsWith(stem + '.') && n !== `${stem}.sha256`);
    for (const n of [...names, `${stem}.sha256`]) {
      rmSync(join(outDir, n), { force: true });
      removed.push(n);
    }
  }
  return removed;
}

// ------------------------------------------------------------------ verify and restore

export interface VerifyResult {
  ok: boolean;
  problems: string[];
  manifest: ManifestEntry[];
}

function stemOf(dbFile: string): string {
  if (!dbFile.endsWith('.db')) throw new Error(`${dbFile}: a backup file name ends in .db`);
  return join(dirname(dbFile), basename(dbFile, '.db'));
}

/** Check every file of a set against its manifest. */
export async function verifyChecksums(dbFile: string): Promise<VerifyResult> {
  const stem = stemOf(dbFile);
  const manifestFile = `${stem}.sha256`;
  const problems: string[] = [];
  if (!existsSync(dbFile)) return { ok: false, problems: [`${dbFile} does not exist`], manifest: [] };
  if (!existsSync(manifestFile))
    return { ok: false, problems: [`no manifest ${basename(manifestFile)} beside the backup`], manifest: [] };
  const manifest = parseManifest(readFileSync(manifestFile, 'utf8'));
  if (!manifest.some((e) => e.name === basename(dbFile)))
    problems.push(`manifest does not list ${basename(dbFile)}`);
  for (const e of manifest) {
    const p = join(dirname(dbFile), e.name);
    if (!existsSync(p)) problems.push(`${e.name}: missing`);
    else if ((await sha256File(p)) !== e.sha256) problems.push(`${e.name}: checksum mismatch`);
  }
  return { ok: problems.length === 0, problems, manifest };
}

/** PRAGMA integrity_check on a database file; also insists it is a claimbox database. */
export function integrityProblems(dbFile: string): string[] {
  let db: Database.Database | undefined;
  try {
    db = new Database(dbFile, { fileMustExist: true });
    const rows = db.pragma('integrity_check') as { integrity_check: string }[];
    const bad = rows.map((r) => r.integrity_check).filter((m) => m !== 'ok');
    if (bad.length > 0) return bad.slice(0, 10).map((m) => `integrity_check: ${m}`);
    const t = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'audit_log'").get();
    return t ? [] : ['not a claimbox database (no audit_log table)'];
  } catch (err) {
    return [`cannot open as SQLite: ${err instanceof Error ? err.message : String(err)}`];
  } finally {
    db?.close();
  }
}

/** Why the service looks alive (restore refuses), or undefined. */
export async function serviceRunning(o: {
  dataDir: string;
  host: string;
  port: number;
}): Promise<string | undefined> {
  const pidFile = join(o.dataDir, PID_FILENAME);
  if (existsSync(pidFile)) {
    const pid = Number(readFileSync(pidFile, 'utf8').trim());
    if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && processAlive(pid))
      return `the service is running (pid ${pid} in ${pidFile})`;
  }
  const host = o.host === '0.0.0.0' || o.host === '::' || o.host === '' ? '127.0.0.1' : o.host;
  if (o.port > 0 && (await portAnswers(host, o.port))) return `something answers on ${host}:${o.port}`;
  return undefined;
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function portAnswers(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect({ host, port });
    const done = (v: boolean) => {
      s.destroy();
      resolve(v);
    };
    s.setTimeout(1000, () => done(false));
    s.once('connect', () => done(true));
    s.once('error', () => done(false));
  });
}

/**
 * For `serve`: claim the data dir by pid file (restore and a second serve see it). Returns a release
 * function for clean shutdown. A pid file left by a crash (process gone) is taken over.
 */
export function acquirePidFile(dataDir: string): () => void {
  mkdirSync(dataDir, { recursive: true });
  const file = join(dataDir, PID_FILENAME);
  if (existsSync(file)) {
    const pid = Number(readFileSync(file, 'utf8').trim());
    if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && processAlive(pid))
      throw new Error(`another claimbox (pid ${pid}) is using ${dataDir}`);
  }
  writeFileSync(file, `${process.pid}\n`, { mode: 0o644 });
  return () => {
    if (existsSync(file) && readFileSync(file, 'utf8').trim() === String(process.pid)) rmSync(file);
  };
}

export interface RestoreOptions {
  file: string;
  dbPath: string;
  /** Configured audit.key_file / audit.sink_file: restored only where missing. */
  extras?: Partial<Record<ExtraRole, string>>;
  /** Resolves to a reason when the service is running (then nothing is touched). */
  running: () => Promise<string | undefined>;
  now?: Date;
  actor?: string;
}

export interface RestoreResult {
  ok: boolean;
  problems: string[];
  /** The database that was replaced, kept as <db>.before-restore. */
  previous?: string;
  auditHeadSeq?: number;
  restoredExtras: string[];
  keptExtras: string[];
}

export async function restoreBackup(o: RestoreOptions): Promise<RestoreResult> {
  const fail = (problems: string[]): RestoreResult => ({
    ok: false,
    problems,
    restoredExtras: [],
    keptExtras: [],
  });
  const why = await o.running();
  if (why) return fail([`${why}; stop it first (systemctl stop claimbox)`]);
  const sums = await verifyChecksums(o.file);
  if (!sums.ok) return fail(sums.problems);
  const expected = sums.manifest.find((e) => e.name === basename(o.file))!.sha256;

  mkdirSync(dirname(o.dbPath), { recursive: true });
  const tmp = `${o.dbPath}.restore-tmp`;
  rmSync(tmp, { force: true });
  closeSync(openSync(tmp, 'w', 0o600));
  copyFileSync(o.file, tmp);
  try {
    // Check the bytes that will be installed, not just the file they came from.
    if ((await sha256File(tmp)) !== expected)
      return fail(['copy into the data dir does not match the manifest']);
    const bad = integrityProblems(tmp);
    if (bad.length > 0) return fail(bad);
    fsyncPath(tmp);

    let previous: string | undefined;
    if (existsSync(o.dbPath)) {
      // Fold the WAL into the old file first: a stale -wal left beside the restored file would be
      // replayed into it on the next open.
      const old = new Database(o.dbPath);
      try {
        old.pragma('wal_checkpoint(TRUNCATE)');
      } finally {
        old.close();
      }
      previous = `${o.dbPath}.before-restore`;
      renameSync(o.dbPath, previous);
      for (const s of ['-wal', '-shm', '-journal'])
        if (existsSync(o.dbPath + s)) renameSync(o.dbPath + s, previous + s);
    }
    renameSync(tmp, o.dbPath);
    fsyncPath(dirname(o.dbPath));

    const restoredExtras: string[] = [];
    const keptExtras: string[] = [];
    for (const role of ['audit-key', 'audit-sink'] as const) {
      const target = o.extras?.[role];
      const src = stemOf(o.file) + EXTRA_SUFFIX[role];
      if (!target || !existsSync(src)) continue;
      // The key and the sink live outside the database on purpose (tamper evidence): an existing one
      // is never overwritten by an older copy. A new box gets them back from the backup.
      if (existsSync(target)) keptExtras.push(target);
      else {
        mkdirSync(dirname(target), { recursive: true });
        copyFileSync(src, target);
        chmodSync(target, 0o600);
        restoredExtras.push(target);
      }
    }

    const store = openStore(o.dbPath);
    let auditHeadSeq = 0;
    try {
      const head = store.sqlite.prepare('SELECT max(seq) AS seq FROM audit_log').get() as {
        seq: number | null;
      };
      auditHeadSeq = head.seq ?? 0;
      store.tx(() =>
        appendAudit(
          store,
          [
            {
              event: 'RECORD_CHANGED',
              actor: o.actor ?? 'cli:restore',
              entityType: 'database',
              detail: { action: 'restored', from: basename(o.file), sha256: expected, auditHeadSeq },
            },
          ],
          (o.now ?? new Date()).getTime(),
        ),
      );
    } finally {
      store.close();
    }
    const dataDir = dirname(o.dbPath);
    matchOwner(
      [o.dbPath, `${o.dbPath}-wal`, `${o.dbPath}-shm`, ...(previous ? [previous] : []), ...restoredExtras],
      dataDir,
    );
    return {
      ok: true,
      problems: [],
      ...(previous ? { previous } : {}),
      auditHeadSeq,
      restoredExtras,
      keptExtras,
    };
  } finally {
    rmSync(tmp, { force: true });
  }
}

/**
 * When run as root against an installed data dir owned by the service user, switch this process to
 * that user before opening the database, so no root-owned -wal/-shm file locks the service out.
 */
export function becomeDataDirOwner(dataDir: string): void {
  if (typeof process.getuid !== 'function' || process.getuid() !== 0 || !existsSync(dataDir)) return;
  const { uid, gid } = statSync(dataDir);
  if (uid === 0) return;
  process.setgid?.(gid);
  process.setuid?.(uid);
}
