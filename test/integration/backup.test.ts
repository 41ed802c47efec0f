// Backups and restores against real SQLite files opened by the production openStore(), a real second
// process writing during the backup, and the real CLI.
import { execFile, fork, spawn } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { appendAudit, GENESIS_HASH, hashEntry } from '../../appliance/audit/log.js';
import { openStore } from '../../appliance/store/open.js';
import { countUsers, createUser } from '../../appliance/store/users.js';
import {
  acquirePidFile,
  createBackup,
  integrityProblems,
  PID_FILENAME,
  restoreBackup,
  serviceRunning,
  sha256File,
  verifyChecksums,
} from '../../ops/backup.js';
import { freePort } from '../helpers/ports.js';

const repo = resolve(import.meta.dirname, '../..');
const FAST = { N: 1 << 10, r: 8, p: 1 };
const notRunning = () => Promise.resolve(undefined);

let dir: string;
let dataDir: string;
let dbPath: string;
let outDir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'claimbox-backup-'));
  dataDir = join(dir, 'data');
  dbPath = join(dataDir, 'claimbox.db');
  outDir = join(dir, 'backups');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function seed(entries: number): void {
  const store = openStore(dbPath);
  store.tx(() =>
    appendAudit(
      store,
      Array.from({ length: entries }, (_, i) => ({
        event: 'ENCOUNTER_RECEIVED' as const,
        actor: 'service:intake',
        entityType: 'encounter',
        entityId: String(i),
        detail: { channel: 'mllp', padding: 'x'.repeat(200) },
      })),
      1_700_000_000_000,
    ),
  );
  store.close();
}

/** Walk the whole audit chain of a database file: seq contiguous, links intact, hashes recompute. */
function chainOf(file: string): { entries: number; problems: string[] } {
  const db = new Database(file, { readonly: true });
  const rows = db
    .prepare(
      'SELECT seq, ts, actor, event, entity_type AS entityType, entity_id AS entityId, detail, source, outcome, prev_hash AS prevHash, hash FROM audit_log ORDER BY seq',
    )
    .all() as Parameters<typeof hashEntry>[0][] as (Parameters<typeof hashEntry>[0] & { hash: string })[];
  db.close();
  const problems: string[] = [];
  let prev = GENESIS_HASH;
  rows.forEach((r, i) => {
    if (r.seq !== i + 1) problems.push(`seq ${r.seq} at position ${i + 1}`);
    if (r.prevHash !== prev) problems.push(`seq ${r.seq} does not link`);
    if (hashEntry(r) !== r.hash) problems.push(`seq ${r.seq} hash`);
    prev = r.hash;
  });
  return { entries: rows.length, problems };
}

describe('claimbox backup', () => {
  it('snapshot is consistent while another process keeps committing', async () => {
    seed(30_000); // ~10 MB, so each backup overlaps many of the writer's commits
    const writer = fork(join(repo, 'test/integration/backup-writer.ts'), [dbPath], {
      execArgv: ['--import', 'tsx'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    const finished = new Promise<{ txs: number }>((res) =>
      writer.on('message', (m) => {
        if (typeof m === 'object' && m !== null) res(m as { txs: number });
      }),
    );
    await new Promise<void>((res) => writer.once('message', () => res()));
    const heads: number[] = [];
    try {
      for (let i = 0; i < 3; i++) {
        const r = await createBackup({
          dbPath,
          outDir,
          keep: 10,
          now: new Date(Date.UTC(2026, 10, 22, 1, 0, i)),
        });
        expect(integrityProblems(r.dbFile)).toEqual([]);
        const chain = chainOf(r.dbFile);
        expect(chain.problems).toEqual([]);
        // 30,000 seeded + whole writer transactions of 5 + our own EXPORT entries of earlier backups
        expect((chain.entries - 30_000 - i) % 5).toBe(0);
        expect(chain.entries).toBe(r.auditHeadSeq);
        heads.push(r.auditHeadSeq);
      }
    } finally {
      writer.send('stop');
    }
    const { txs } = await finished;
    expect(txs).toBeGreaterThan(20);
    // the writer really was committing between backups
    expect(new Set(heads).size).toBe(3);
    expect(chainOf(dbPath).problems).toEqual([]);
  });

  it('writes 0600 files in a 0700 folder, a sha256sum manifest, and the audit key and sink', async () => {
    seed(10);
    mkdirSync(dataDir, { recursive: true });
    writeFileSync(join(dataDir, 'audit-key.pem'), 'FAKE KEY\n', { mode: 0o600 });
    writeFileSync(join(dataDir, 'audit-checkpoints.jsonl'), '{"seq":10}\n');
    const r = await createBackup({
      dbPath,
      outDir,
      keep: 3,
      now: new Date(Date.UTC(2026, 0, 2, 3, 4, 5)),
      extras: {
        'audit-key': join(dataDir, 'audit-key.pem'),
        'audit-sink': join(dataDir, 'audit-checkpoints.jsonl'),
      },
    });
    expect(r.stem).toBe('claimbox-20260102-030405');
    expect(readdirSync(outDir).sort()).toEqual([
      'claimbox-20260102-030405.audit-checkpoints.jsonl',
      'claimbox-20260102-030405.audit-key.pem',
      'claimbox-20260102-030405.db',
      'claimbox-20260102-030405.sha256',
    ]);
    expect(statSync(outDir).mode & 0o777).toBe(0o700);
    for (const f of readdirSync(outDir)) expect(statSync(join(outDir, f)).mode & 0o777).toBe(0o600);
    const { stdout } = await promisify(execFile)('sha256sum', ['-c', 'claimbox-20260102-030405.sha256'], {
      cwd: outDir,
    });
    expect(stdout.match(/: OK/g)).toHaveLength(3);
    // the backup itself is an audit entry in the live database, not in the snapshot
    const store = openStore(dbPath);
    const last = store.sqlite
      .prepare('SELECT event, detail FROM audit_log ORDER BY seq DESC LIMIT 1')
      .get() as {
      event: string;
      detail: string;
    };
    store.close();
    expect(last.event).toBe('EXPORT');
    expect(JSON.parse(last.detail)).toMatchObject({ kind: 'backup', file: 'claimbox-20260102-030405.db' });
    expect(r.auditHeadSeq).toBe(10);
  });

  it('keeps the newest N sets and prunes the rest', async () => {
    seed(1);
    const made: string[] = [];
    for (let h = 0; h < 4; h++)
      made.push(
        (await createBackup({ dbPath, outDir, keep: 2, now: new Date(Date.UTC(2026, 0, 1, h)) })).stem,
      );
    const left = readdirSync(outDir).sort();
    expect(left).toEqual([`${made[2]}.db`, `${made[2]}.sha256`, `${made[3]}.db`, `${made[3]}.sha256`]);
  });

  it('two backups in the same second get distinct names', async () => {
    seed(1);
    const now = new Date(Date.UTC(2026, 0, 1));
    const a = await createBackup({ dbPath, outDir, keep: 5, now });
    const b = await createBackup({ dbPath, outDir, keep: 5, now });
    expect(a.stem).not.toBe(b.stem);
    expect(b.stem).toBe(`${a.stem}-2`);
  });
});

describe('claimbox restore', () => {
  it('round trip: later changes are rolled back, the old database is kept, the restore is audited', async () => {
    const store = openStore(dbPath);
    await createUser(
      store,
      { username: 'before', password: 'first-secret-phrase', role: 'admin' },
      { actor: 'cli:test', now: 1 },
      { scrypt: FAST },
    );
    store.close();
    writeFileSync(join(dataDir, 'audit-key.pem'), 'FAKE KEY\n', { mode: 0o600 });
    const extras = { 'audit-key': join(dataDir, 'audit-key.pem') };
    const b = await createBackup({ dbPath, outDir, keep: 5, extras });

    const later = openStore(dbPath);
    await createUser(
      later,
      { username: 'after', password: 'second-secret-phrase', role: 'biller' },
      { actor: 'cli:test', now: 2 },
      { scrypt: FAST },
    );
    expect(countUsers(later)).toBe(2);
    later.close(); // the service is stopped for a restore
    rmSync(join(dataDir, 'audit-key.pem')); // a new box: the key comes back from the backup

    const r = await restoreBackup({ file: b.dbFile, dbPath, extras, running: notRunning });
    expect(r).toMatchObject({ ok: true, problems: [], previous: `${dbPath}.before-restore` });
    expect(r.restoredExtras).toEqual([join(dataDir, 'audit-key.pem')]);
    expect(readFileSync(join(dataDir, 'audit-key.pem'), 'utf8')).toBe('FAKE KEY\n');
    expect(statSync(join(dataDir, 'audit-key.pem')).mode & 0o777).toBe(0o600);

    const restored = openStore(dbPath);
    expect(
      (restored.sqlite.prepare('SELECT username FROM users ORDER BY id').all() as { username: string }[]).map(
        (u) => u.username,
      ),
    ).toEqual(['before']);
    const last = restored.sqlite
      .prepare('SELECT event, detail FROM audit_log ORDER BY seq DESC LIMIT 1')
      .get() as {
      event: string;
      detail: string;
    };
    restored.close();
    expect(last.event).toBe('RECORD_CHANGED');
    expect(JSON.parse(last.detail)).toMatchObject({ action: 'restored', from: `${b.stem}.db` });
    expect(chainOf(dbPath).problems).toEqual([]);
    // the replaced database is intact and still has the later user
    const prev = new Database(`${dbPath}.before-restore`, { readonly: true });
    expect(prev.prepare('SELECT count(*) AS n FROM users').get()).toEqual({ n: 2 });
    prev.close();
    expect(existsSync(`${dbPath}.restore-tmp`)).toBe(false);
  });

  it('an existing audit key or sink is never overwritten by the backup copy', async () => {
    seed(1);
    writeFileSync(join(dataDir, 'sink.jsonl'), '{"seq":1}\n');
    const extras = { 'audit-sink': join(dataDir, 'sink.jsonl') };
    const b = await createBackup({ dbPath, outDir, keep: 5, extras });
    writeFileSync(join(dataDir, 'sink.jsonl'), '{"seq":1}\n{"seq":2}\n');
    const r = await restoreBackup({ file: b.dbFile, dbPath, extras, running: notRunning });
    expect(r.ok).toBe(true);
    expect(r.keptExtras).toEqual([join(dataDir, 'sink.jsonl')]);
    expect(readFileSync(join(dataDir, 'sink.jsonl'), 'utf8')).toBe('{"seq":1}\n{"seq":2}\n');
  });

  it('refuses a file whose checksum does not match and touches nothing', async () => {
    seed(100);
    const b = await createBackup({ dbPath, outDir, keep: 5 });
    const before = await sha256File(dbPath);
    const bytes = readFileSync(b.dbFile);
    bytes[bytes.length - 100] = bytes[bytes.length - 100]! ^ 0xff;
    writeFileSync(b.dbFile, bytes);
    const r = await restoreBackup({ file: b.dbFile, dbPath, running: notRunning });
    expect(r.ok).toBe(false);
    expect(r.problems).toEqual([`${b.stem}.db: checksum mismatch`]);
    expect(await sha256File(dbPath)).toBe(before);
    expect(existsSync(`${dbPath}.before-restore`)).toBe(false);
  });

  it('refuses a corrupted file even when its manifest was rewritten to match', async () => {
    seed(2000);
    const b = await createBackup({ dbPath, outDir, keep: 5 });
    const bytes = readFileSync(b.dbFile);
    // scribble over the header of an audit_log b-tree page in the middle of the file
    const page = Math.floor(bytes.length / 2 / 4096) * 4096;
    bytes.fill(0x5a, page, page + 64);
    writeFileSync(b.dbFile, bytes);
    writeFileSync(b.manifestFile, `${await sha256File(b.dbFile)}  ${b.stem}.db\n`);
    expect((await verifyChecksums(b.dbFile)).ok).toBe(true);
    const r = await restoreBackup({ file: b.dbFile, dbPath, running: notRunning });
    expect(r.ok).toBe(false);
    expect(r.problems.join('\n')).toMatch(/integrity_check|malformed|cannot open/);
    expect(existsSync(`${dbPath}.before-restore`)).toBe(false);
  });

  it('refuses a file that is not a database, and one without a manifest', async () => {
    mkdirSync(outDir, { recursive: true });
    const junk = join(outDir, 'claimbox-20260101-000000.db');
    writeFileSync(junk, 'this is not sqlite');
    expect((await restoreBackup({ file: junk, dbPath, running: notRunning })).problems).toEqual([
      'no manifest claimbox-20260101-000000.sha256 beside the backup',
    ]);
    writeFileSync(
      join(outDir, 'claimbox-20260101-000000.sha256'),
      `${await sha256File(junk)}  ${'claimbox-20260101-000000.db'}\n`,
    );
    const r = await restoreBackup({ file: junk, dbPath, running: notRunning });
    expect(r.ok).toBe(false);
    expect(r.problems[0]).toMatch(/cannot open as SQLite|not a database/);
  });

  it('detects a running service by its pid file or by its port answering', async () => {
    mkdirSync(dataDir, { recursive: true });
    const free = await freePort();
    expect(await serviceRunning({ dataDir, host: '127.0.0.1', port: free })).toBeUndefined();

    const sleeper = spawn('sleep', ['30']);
    try {
      writeFileSync(join(dataDir, PID_FILENAME), `${sleeper.pid}\n`);
      expect(await serviceRunning({ dataDir, host: '127.0.0.1', port: free })).toMatch(/pid/);
    } finally {
      sleeper.kill();
    }
    await new Promise((r) => sleeper.once('exit', r));
    // a stale pid file (process gone) does not block
    expect(await serviceRunning({ dataDir, host: '127.0.0.1', port: free })).toBeUndefined();

    const server = await listen();
    try {
      const port = (server.address() as { port: number }).port;
      expect(await serviceRunning({ dataDir, host: '0.0.0.0', port })).toMatch(/answers on 127.0.0.1/);
    } finally {
      server.close();
    }
  });

  it('acquirePidFile claims the data dir and releases it', () => {
    const release = acquirePidFile(dataDir);
    expect(readFileSync(join(dataDir, PID_FILENAME), 'utf8').trim()).toBe(String(process.pid));
    release();
    expect(existsSync(join(dataDir, PID_FILENAME))).toBe(false);
  });
});

describe('claimbox backup and restore verbs', () => {
  it('CLI: backup, refuse restore while the port answers (75), restore when stopped (0), refuse corrupt (65)', async () => {
    seed(5);
    const server = await listen();
    const port = (server.address() as { port: number }).port;
    const config = join(dir, 'claimbox.toml');
    writeFileSync(
      config,
      [
        `[server]`,
        `port = ${port}`,
        `[data]`,
        `dir = "${dataDir}"`,
        `backup_dir = "${outDir}"`,
        `backup_keep = 3`,
        `[audit]`,
        `key_file = "${join(dataDir, 'audit-key.pem')}"`,
        `sink_file = "${join(dataDir, 'audit-checkpoints.jsonl')}"`,
      ].join('\n'),
    );
    const { CLAIMBOX_DATA_DIR: _ignored, ...inherited } = process.env;
    const env = { ...inherited, CLAIMBOX_CONFIG: config };
    const run = (args: string[]) =>
      new Promise<{ code: number; out: string; err: string }>((res) =>
        execFile(join(repo, 'scripts/claimbox'), args, { env }, (e, out, err) =>
          res({ code: e ? Number(e.code) : 0, out, err }),
        ),
      );
    try {
      const b = await run(['backup']);
      expect(b.code).toBe(0);
      const file = join(
        outDir,
        readdirSync(outDir).find((n) => n.endsWith('.db'))!,
      );
      const refused = await run(['restore', file]);
      expect(refused.code).toBe(75);
      expect(refused.err).toMatch(/answers on 127\.0\.0\.1/);
      server.close();
      const ok = await run(['restore', file]);
      expect(ok.err).toBe('');
      expect(ok.code).toBe(0);
      expect(ok.out).toMatch(/previous database kept as .*before-restore/);
      writeFileSync(file, 'garbage');
      expect((await run(['restore', file])).code).toBe(65);
      expect((await run(['restore'])).code).toBe(64);
    } finally {
      server.close();
    }
  });
});

function listen(): Promise<Server> {
  return new Promise((res) => {
    const s = createServer((c) => c.destroy());
    s.listen(0, '127.0.0.1', () => res(s));
  });
}
