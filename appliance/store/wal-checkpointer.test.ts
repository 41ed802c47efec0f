import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import Database from 'better-sqlite3';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openStore, type Store } from './open.js';
import { preallocateWal, SAFETY_NET_PAGES, startWalCheckpointer } from './wal-checkpointer.js';

let dir: string;
let store: Store;

afterEach(() => {
  store?.close();
  rmSync(dir, { recursive: true, force: true });
});

const until = async (ok: () => boolean) => {
  for (let i = 0; i < 200 && !ok(); i++) await new Promise((r) => setTimeout(r, 25));
};

describe('background WAL checkpointer', () => {
  it('copies committed WAL frames into the database from its own thread, writer threshold raised', async () => {
    dir = mkdtempSync(join(tmpdir(), 'claimbox-wal-'));
    store = openStore(join(dir, 'c.db'));
    const wal = startWalCheckpointer(store, { intervalMs: 20 });
    expect(store.sqlite.pragma('wal_autocheckpoint', { simple: true })).toBe(SAFETY_NET_PAGES);
    store.sqlite.exec('CREATE TABLE t (v BLOB)');
    const before = statSync(join(dir, 'c.db')).size;
    const ins = store.sqlite.prepare('INSERT INTO t (v) VALUES (?)');
    for (let i = 0; i < 300; i++) store.tx(() => ins.run(Buffer.alloc(4000, i % 256)));
    await until(() => wal.stats().checkpoints > 0 && statSync(join(dir, 'c.db')).size > before + 1_000_000);
    expect(wal.stats().checkpoints).toBeGreaterThan(0);
    // The rows reached the database file itself, not only the WAL.
    expect(statSync(join(dir, 'c.db')).size).toBeGreaterThan(before + 1_000_000);
    await wal.stop();
    expect(wal.stats().lastError).toBeUndefined();
    expect(store.sqlite.pragma('wal_autocheckpoint', { simple: true })).toBe(1000);
    expect(store.sqlite.prepare('SELECT count(*) FROM t').pluck().get()).toBe(300);
  });

  it('does nothing for an in-memory store', async () => {
    dir = mkdtempSync(join(tmpdir(), 'claimbox-wal-'));
    store = openStore(':memory:');
    const wal = startWalCheckpointer(store);
    await wal.stop();
    expect(wal.stats()).toEqual({ checkpoints: 0, lastError: undefined });
  });

  /** The files as a power cut would leave them (no -shm: recovery rebuilds it from the WAL). */
  const crashCopy = (): Database.Database => {
    copyFileSync(join(dir, 'c.db'), join(dir, 'copy.db'));
    copyFileSync(join(dir, 'c.db-wal'), join(dir, 'copy.db-wal'));
    return new Database(join(dir, 'copy.db'));
  };

  it('preallocates the WAL up to the writer threshold, and commits after it survive a crash', async () => {
    dir = mkdtempSync(join(tmpdir(), 'claimbox-wal-'));
    store = openStore(join(dir, 'c.db'));
    const wal = startWalCheckpointer(store, { intervalMs: 60_000 });
    expect(statSync(join(dir, 'c.db-wal')).size).toBeGreaterThanOrEqual(32 + SAFETY_NET_PAGES * (24 + 4096));
    store.sqlite.exec('CREATE TABLE t (v BLOB)');
    const ins = store.sqlite.prepare('INSERT INTO t (v) VALUES (?)');
    for (let i = 0; i < 50; i++) store.tx(() => ins.run(Buffer.alloc(3000, i)));
    const copy = crashCopy();
    expect(copy.prepare('SELECT count(*) FROM t').pluck().get()).toBe(50);
    expect(copy.pragma('integrity_check', { simple: true })).toBe('ok');
    copy.close();
    await wal.stop();
  });

  it('keeps the frames already in the WAL and never shortens it', () => {
    dir = mkdtempSync(join(tmpdir(), 'claimbox-wal-'));
    store = openStore(join(dir, 'c.db'));
    store.sqlite.pragma('wal_autocheckpoint = 0');
    store.sqlite.exec('CREATE TABLE t (v BLOB)');
    const ins = store.sqlite.prepare('INSERT INTO t (v) VALUES (?)');
    for (let i = 0; i < 30; i++) store.tx(() => ins.run(Buffer.alloc(3000, i)));
    const added = preallocateWal(store, 200);
    const size = statSync(join(dir, 'c.db-wal')).size;
    expect(added).toBeGreaterThan(0);
    expect(size).toBe(32 + 200 * (24 + 4096));
    // Already large enough: nothing written.
    expect(preallocateWal(store, 100)).toBe(0);
    expect(statSync(join(dir, 'c.db-wal')).size).toBe(size);
    for (let i = 30; i < 40; i++) store.tx(() => ins.run(Buffer.alloc(3000, i)));
    const copy = crashCopy();
    expect(copy.prepare('SELECT count(*) FROM t').pluck().get()).toBe(40);
    expect(copy.prepare('SELECT count(DISTINCT v) FROM t').pluck().get()).toBe(40);
    expect(copy.pragma('integrity_check', { simple: true })).toBe('ok');
    copy.close();
  });

  it('leaves the WAL as it was when the disk would keep too little free room', () => {
    dir = mkdtempSync(join(tmpdir(), 'claimbox-wal-'));
    store = openStore(join(dir, 'c.db'));
    const before = statSync(join(dir, 'c.db-wal')).size;
    expect(() => preallocateWal(store, 200, () => 1_000_000)).toThrow(/WAL not preallocated: 1 MB free/);
    expect(statSync(join(dir, 'c.db-wal')).size).toBe(before);
    // The write lock was given back: the store still commits.
    store.sqlite.exec('CREATE TABLE t (v)');
    const grown = statSync(join(dir, 'c.db-wal')).size;
    expect(preallocateWal(store, 200, () => 1e12)).toBe(32 + 200 * (24 + 4096) - grown);
  });

  it('gives the room back when the disk fills up while it writes', (ctx) => {
    dir = mkdtempSync(join(tmpdir(), 'claimbox-wal-'));
    const small = join(dir, 'small');
    mkdirSync(small);
    try {
      // A real full disk: a 3 MB tmpfs (needs root, as in CI; skipped elsewhere).
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=3m', 'tmpfs', small], { stdio: 'ignore' });
    } catch {
      ctx.skip();
    }
    try {
      const s = openStore(join(small, 'c.db'));
      try {
        const before = statSync(join(small, 'c.db-wal')).size;
        // The free-room check is told there is plenty, so the writes themselves hit ENOSPC.
        expect(() => preallocateWal(s, 2_000, () => 1e12)).toThrow(/ENOSPC/);
        expect(statSync(join(small, 'c.db-wal')).size).toBe(before);
        s.sqlite.exec('CREATE TABLE t (v)');
        s.sqlite.prepare('INSERT INTO t VALUES (1)').run();
        expect(s.sqlite.prepare('SELECT count(*) FROM t').pluck().get()).toBe(1);
      } finally {
        s.close();
      }
    } finally {
      execFileSync('umount', [small]);
    }
  });
});
