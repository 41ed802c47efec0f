// Tamper trials (issue 6 "Done when"): every kind of edit to a real audit chain is detected and
// named. Each trial tampers with its own copy of one chain, with the triggers dropped as an
// attacker with file access would.
import Database from 'better-sqlite3';
import { generateKeyPairSync } from 'node:crypto';
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { readDbCheckpoints } from '../../appliance/audit/checkpoint.js';
import { exportAudit, resolveRange, verifyExport } from '../../appliance/audit/export.js';
import { readSigningKey, signCheckpoint } from '../../appliance/audit/keys.js';
import {
  appendAudit,
  AUDIT_COLUMNS,
  GENESIS_HASH,
  hashEntry,
  hashTuple,
  type AuditTuple,
} from '../../appliance/audit/log.js';
import { scanChunk } from '../../appliance/audit/scan.js';
import { verifyAudit, type VerifyResult } from '../../appliance/audit/verify.js';
import { openStore } from '../../appliance/store/open.js';
import { buildAuditFixture, prng, T0, tamper, type AuditFixture } from './audit-fixture.js';

let fx: AuditFixture;
const N = 1200;

beforeAll(() => {
  fx = buildAuditFixture(N, 100, 50);
});

function verify(path: string, extra: Partial<Parameters<typeof verifyAudit>[0]> = {}): Promise<VerifyResult> {
  return verifyAudit({ dbPath: path, sinkFile: fx.sinkFile, publicKey: fx.key.publicKey, ...extra });
}

function row(db: Database.Database, seq: number): AuditTuple {
  return db.prepare(`SELECT ${AUDIT_COLUMNS} FROM audit_log WHERE seq = ?`).raw(true).get(seq) as AuditTuple;
}

function insertTuple(db: Database.Database, t: AuditTuple): void {
  db.prepare(`INSERT INTO audit_log (${AUDIT_COLUMNS}) VALUES (?,?,?,?,?,?,?,?,?,?,?)`).run(...t);
}

/** A self-consistent forged entry: what someone who knows the format would write. */
function forged(seq: number, prevHash: string): AuditTuple {
  const base = {
    seq,
    ts: Date.UTC(2026, 9, 2),
    actor: 'user:intruder',
    event: 'PAYMENT_POSTED',
    entityType: 'claim',
    entityId: 'CLM-999999',
    detail: '{"amountCents":500000}',
    source: '10.9.9.9',
    outcome: 'success',
    prevHash,
  };
  return [
    base.seq,
    base.ts,
    base.actor,
    base.event,
    base.entityType,
    base.entityId,
    base.detail,
    base.source,
    base.outcome,
    base.prevHash,
    hashEntry(base),
  ];
}

/** Change one character of a string at a random position. */
function flipChar(s: string, rand: () => number): string {
  const i = Math.floor(rand() * s.length);
  const c = s[i]!;
  const replacement = c === 'a' ? 'b' : c === 'x' ? 'y' : /[0-9a-f]/.test(c) ? 'a' : 'x';
  return s.slice(0, i) + replacement + s.slice(i + 1);
}

/** Shift seqs >= from by delta, in an order that never collides on the primary key. */
function renumber(db: Database.Database, from: number, delta: number): void {
  const seqs = db
    .prepare('SELECT seq FROM audit_log WHERE seq >= ? ORDER BY seq')
    .pluck()
    .all(from) as number[];
  const stmt = db.prepare('UPDATE audit_log SET seq = ? WHERE seq = ?');
  for (const s of delta > 0 ? seqs.reverse() : seqs) stmt.run(s + delta, s);
}

describe('audit verify on an untouched chain', () => {
  it('verify, reports intact with every entry and checkpoint counted, chain as written', async () => {
    const r = await verify(fx.dbPath);
    expect(r.problems).toEqual([]);
    expect(r.ok).toBe(true);
    expect(r.entries).toBe(N);
    expect(r.head.seq).toBe(N);
    expect(r.checkpoints).toBe(N / 100);
    expect(r.sinkCheckpoints).toBe(N / 100);
  });

  it('verify, gives the same verdict on worker threads with small chunks, parallel path', async () => {
    const r = await verify(fx.dbPath, { workers: 2, chunkSize: 97 });
    expect(r.workersUsed).toBe(2);
    expect(r.ok).toBe(true);
    expect(r.entries).toBe(N);
  });

  it('verify, finishes on the main thread with a warning, worker cannot open the database', async () => {
    const store = openStore(fx.dbPath, { readonly: true });
    try {
      const r = await verifyAudit({
        store,
        dbPath: join(fx.dir, 'no-such.db'),
        publicKey: fx.key.publicKey,
        workers: 1,
        chunkSize: 100,
      });
      expect(r.ok).toBe(true);
      expect(r.entries).toBe(N);
      expect(r.warnings.join('\n')).toContain('verify worker failed');
    } finally {
      store.close();
    }
  });

  it('verify --from, checks the tail anchored on the entry before it, partial range', async () => {
    const r = await verify(fx.dbPath, { from: 601 });
    expect(r.ok).toBe(true);
    expect(r.entries).toBe(600);
  });

  it('progress, reaches the total, always', async () => {
    const seen: [number, number][] = [];
    await verify(fx.dbPath, { chunkSize: 500, onProgress: (d, t) => seen.push([d, t]) });
    expect(seen.at(-1)).toEqual([N, N]);
  });
});

describe('tamper trials: each detected and named', () => {
  const fields = [
    'seq',
    'ts',
    'actor',
    'event',
    'entity_type',
    'entity_id',
    'detail',
    'source',
    'outcome',
    'prev_hash',
    'hash',
  ] as const;
  const rand = prng(20261001);
  for (const field of fields) {
    it(`one byte of ${field} changed in a random entry, named modified at that entry`, async () => {
      const target = 2 + Math.floor(rand() * (N - 2));
      const path = fx.copy(`mod-${field}`);
      tamper(path, (db) => {
        const t = row(db, target);
        if (field === 'seq') {
          db.prepare('UPDATE audit_log SET seq = ? WHERE seq = ?').run(target + 10 * N, target);
        } else if (field === 'ts') {
          db.prepare('UPDATE audit_log SET ts = ts + 1 WHERE seq = ?').run(target);
        } else {
          const idx = fields.indexOf(field);
          const v = t[idx] as string;
          db.prepare(`UPDATE audit_log SET ${field} = ? WHERE seq = ?`).run(flipChar(v, rand), target);
        }
      });
      const r = await verify(path);
      expect(r.ok).toBe(false);
      expect(r.firstBad).toMatchObject({ seq: target, kind: 'modified' });
    });
  }

  it('a field rewritten as a BLOB of the same bytes, named modified', async () => {
    const path = fx.copy('blob');
    tamper(path, (db) =>
      db.prepare('UPDATE audit_log SET detail = CAST(detail AS BLOB) WHERE seq = 640').run(),
    );
    const r = await verify(path);
    expect(r.firstBad).toMatchObject({ seq: 640, kind: 'modified' });
  });

  it('an entry deleted from the middle, named deleted at its seq', async () => {
    const path = fx.copy('del');
    tamper(path, (db) => db.prepare('DELETE FROM audit_log WHERE seq = ?').run(457));
    const r = await verify(path);
    expect(r.firstBad).toMatchObject({ seq: 457, kind: 'deleted' });
  });

  it('three entries deleted and later ones renumbered to hide the gap, named deleted', async () => {
    const path = fx.copy('del-renumber');
    tamper(path, (db) => {
      db.prepare('DELETE FROM audit_log WHERE seq BETWEEN 300 AND 302').run();
      renumber(db, 303, -3);
    });
    const r = await verify(path);
    expect(r.firstBad).toMatchObject({ seq: 300, kind: 'deleted' });
  });

  it('a forged entry inserted in the middle with later entries renumbered, named inserted', async () => {
    const path = fx.copy('ins');
    tamper(path, (db) => {
      renumber(db, 701, 1);
      insertTuple(db, forged(701, row(db, 700)[10]));
    });
    const r = await verify(path);
    expect(r.firstBad).toMatchObject({ seq: 701, kind: 'inserted' });
  });

  it('a forged entry appended that does not link to the head, named inserted', async () => {
    const path = fx.copy('ins-tail');
    tamper(path, (db) => insertTuple(db, forged(N + 1, 'f'.repeat(64))));
    const r = await verify(path);
    expect(r.firstBad).toMatchObject({ seq: N + 1, kind: 'inserted' });
  });

  it('a forged entry written over a deleted one, named modified at that seq', async () => {
    const path = fx.copy('replace');
    tamper(path, (db) => {
      const prev = row(db, 299)[10];
      db.prepare('DELETE FROM audit_log WHERE seq = 300').run();
      insertTuple(db, forged(300, prev));
    });
    const r = await verify(path);
    expect(r.firstBad).toMatchObject({ seq: 300, kind: 'modified' });
  });

  it('two distant entries swapped, named reordered at the first', async () => {
    const path = fx.copy('swap');
    tamper(path, (db) => {
      db.prepare('UPDATE audit_log SET seq = -1 WHERE seq = 250').run();
      db.prepare('UPDATE audit_log SET seq = 250 WHERE seq = 810').run();
      db.prepare('UPDATE audit_log SET seq = 810 WHERE seq = -1').run();
    });
    const r = await verify(path);
    expect(r.firstBad).toMatchObject({ seq: 250, kind: 'reordered' });
    expect(r.firstBad!.message).toContain('810');
  });

  it('two adjacent entries swapped, named reordered', async () => {
    const path = fx.copy('swap-adj');
    tamper(path, (db) => {
      db.prepare('UPDATE audit_log SET seq = -1 WHERE seq = 500').run();
      db.prepare('UPDATE audit_log SET seq = 500 WHERE seq = 501').run();
      db.prepare('UPDATE audit_log SET seq = 501 WHERE seq = -1').run();
    });
    const r = await verify(path);
    expect(r.firstBad).toMatchObject({ seq: 500, kind: 'reordered' });
  });

  it('the tail removed with its checkpoints, named truncated from the sink file', async () => {
    const path = fx.copy('trunc');
    tamper(path, (db) => {
      db.prepare('DELETE FROM audit_log WHERE seq > 1050').run();
      db.prepare('DELETE FROM audit_checkpoints WHERE seq > 1050').run();
    });
    const r = await verify(path);
    expect(r.firstBad).toMatchObject({ seq: 1051, kind: 'truncated' });
    expect(r.firstBad!.message).toContain('sink file');
  });

  it('the tail removed, no sink file, named truncated from the database checkpoints', async () => {
    const path = fx.copy('trunc-db');
    tamper(path, (db) => db.prepare('DELETE FROM audit_log WHERE seq > 1050').run());
    const r = await verify(path, { sinkFile: undefined });
    expect(r.firstBad).toMatchObject({ seq: 1051, kind: 'truncated' });
  });

  it('the database replaced by a fully re-hashed forgery, named forged against the sink', async () => {
    const src = new Database(fx.dbPath, { readonly: true });
    const rows = src
      .prepare(`SELECT ${AUDIT_COLUMNS} FROM audit_log ORDER BY seq`)
      .raw(true)
      .all() as AuditTuple[];
    const realCheckpoints = readDbCheckpoints(src);
    src.close();
    const attacker = generateKeyPairSync('ed25519');
    for (const variant of ['no checkpoints', 'old checkpoints', 're-signed checkpoints'] as const) {
      const path = join(fx.dir, `forgery-${variant.replace(/ /g, '-')}.db`);
      const store = openStore(path);
      let prev = GENESIS_HASH;
      const hashes: string[] = [];
      store.tx(() => {
        for (const t of rows) {
          const base = {
            seq: t[0],
            ts: t[1],
            actor: t[2],
            event: t[3],
            entityType: t[4],
            entityId: t[5],
            // The one change the forger wanted: a different amount on entry 42.
            detail: t[0] === 42 ? t[6].replace('"totalCents":', '"totalCents":9') : t[6],
            source: t[7],
            outcome: t[8],
            prevHash: prev,
          };
          const h = hashEntry(base);
          store.sqlite
            .prepare(`INSERT INTO audit_log (${AUDIT_COLUMNS}) VALUES (?,?,?,?,?,?,?,?,?,?,?)`)
            .run(...Object.values(base), h);
          hashes.push(h);
          prev = h;
        }
        for (const cp of variant === 'no checkpoints' ? [] : realCheckpoints) {
          const head = variant === 'old checkpoints' ? cp.headHash : hashes[cp.seq - 1]!;
          const sig =
            variant === 'old checkpoints'
              ? cp.signature
              : signCheckpoint(
                  {
                    privateKey: attacker.privateKey,
                    publicKey: attacker.publicKey,
                    publicKeyPem: '',
                    keyId: 'attacker0000000',
                  },
                  cp.seq,
                  head,
                  cp.ts,
                );
          store.sqlite
            .prepare(
              'INSERT INTO audit_checkpoints (seq, head_hash, ts, signature, key_id) VALUES (?,?,?,?,?)',
            )
            .run(cp.seq, head, cp.ts, sig, variant === 'old checkpoints' ? cp.keyId : 'attacker0000000');
        }
      });
      store.close();
      const r = await verify(path);
      expect(r.ok, variant).toBe(false);
      expect(r.firstBad, variant).toMatchObject({ seq: 100, kind: 'forged' });
      if (variant === 're-signed checkpoints')
        expect(r.problems.some((p) => p.kind === 'checkpoint_mismatch')).toBe(true);
    }
  });

  it('a checkpoint edited in the database, named checkpoint_mismatch', async () => {
    const path = fx.copy('cp-edit');
    tamper(path, (db) => db.prepare('UPDATE audit_checkpoints SET ts = ts + 1000 WHERE seq = 600').run());
    const r = await verify(path);
    expect(r.firstBad).toMatchObject({ seq: 600, kind: 'checkpoint_mismatch' });
  });

  it('a checkpoint head edited to match a rewrite, named checkpoint_mismatch', async () => {
    const path = fx.copy('cp-head');
    tamper(path, (db) =>
      db.prepare('UPDATE audit_checkpoints SET head_hash = ? WHERE seq = 300').run('a'.repeat(64)),
    );
    const r = await verify(path);
    expect(r.firstBad).toMatchObject({ seq: 300, kind: 'checkpoint_mismatch' });
  });

  it('a line of the sink file edited, named checkpoint_mismatch', async () => {
    const sink = join(fx.dir, 'edited-sink.jsonl');
    const lines = readFileSync(fx.sinkFile, 'utf8').trimEnd().split('\n');
    lines[4] = lines[4]!.replace(/"ts":(\d+)/, (_, ts: string) => `"ts":${Number(ts) + 1}`);
    writeFileSync(sink, lines.join('\n') + '\n');
    appendFileSync(sink, 'not json\n');
    const r = await verify(fx.dbPath, { sinkFile: sink });
    expect(r.firstBad).toMatchObject({ seq: 500, kind: 'checkpoint_mismatch' });
  });

  it('tampering found by the parallel path is named as on one thread, chunk boundaries', async () => {
    const path = fx.copy('par');
    // 97-entry chunks: 389 is the first entry of chunk 5, 388 the last of chunk 4.
    tamper(path, (db) => db.prepare('DELETE FROM audit_log WHERE seq = 389').run());
    const r = await verify(path, { workers: 2, chunkSize: 97 });
    expect(r.firstBad).toMatchObject({ seq: 389, kind: 'deleted' });
    const path2 = fx.copy('par-swap');
    tamper(path2, (db) => {
      db.prepare('UPDATE audit_log SET seq = -1 WHERE seq = 388').run();
      db.prepare('UPDATE audit_log SET seq = 388 WHERE seq = 389').run();
      db.prepare('UPDATE audit_log SET seq = 389 WHERE seq = -1').run();
    });
    const r2 = await verify(path2, { workers: 2, chunkSize: 97 });
    expect(r2.firstBad).toMatchObject({ seq: 388, kind: 'reordered' });
  });

  it('an entry SQLite json_array() renders differently, settled by the JS definition, not tampering', async () => {
    const path = fx.copy('fallback');
    const store = openStore(path);
    // ts 1e21 is stored as REAL: json_array() prints 1.0e+21, JSON.stringify 1e+21. Control
    // characters and a lone surrogate ride along (SQLite stores U+FFFD for the latter).
    store.tx(() =>
      appendAudit(
        store,
        [{ event: 'ERROR', actor: 'service:intake\u0001\u007f\n\t', entityId: 'a\u2028b\ud800' }],
        1e21,
      ),
    );
    store.close();
    const db = new Database(path, { readonly: true });
    expect(scanChunk(db, 1, N + 1)).toMatchObject({ ok: true, fallbacks: 1 });
    const last = row(db, N + 1);
    db.close();
    expect(hashTuple(last)).toBe(last[10]);
    const r = await verify(path, { sinkFile: undefined });
    expect(r.problems).toEqual([]);
  });
});

describe('audit export, verified offline', () => {
  function exportText(from: number, to: number): string {
    const db = new Database(fx.dbPath, { readonly: true });
    const lines = [...exportAudit(db, { from, to }, readSigningKey(fx.keyFile).publicKey, 0)];
    db.close();
    return lines.join('\n') + '\n';
  }

  it('an export of a middle range, verifies with its checkpoints', () => {
    const text = exportText(201, 700);
    const r = verifyExport(text, { publicKey: fx.key.publicKey });
    expect(r.problems).toEqual([]);
    expect(r.entries).toBe(500);
    expect(r.checkpoints).toBe(6);
  });

  it('an export with one byte changed, named modified at that entry', () => {
    const lines = exportText(1, 300).split('\n');
    const i = lines.findIndex((l) => l.includes('"seq":123,'));
    lines[i] = lines[i]!.replace('totalCents\\":', 'totalCents\\":1');
    const r = verifyExport(lines.join('\n'), { publicKey: fx.key.publicKey });
    expect(r.firstBad).toMatchObject({ seq: 123, kind: 'modified' });
  });

  it('an export cut short, named truncated', () => {
    const lines = exportText(1, 300)
      .split('\n')
      .filter((l) => !/"type":"entry","seq":(29\d|300),/.test(l));
    const r = verifyExport(lines.join('\n'), { publicKey: fx.key.publicKey });
    expect(r.firstBad).toMatchObject({ seq: 290, kind: 'truncated' });
  });

  it('a time window, maps to the contiguous seq range stamped inside it', () => {
    const db = new Database(fx.dbPath, { readonly: true });
    // The fixture stamps batch k (entries 50k+1..50k+50) at T0 + (k+1) minutes.
    const range = resolveRange(db, { since: T0 + 3 * 60_000, until: T0 + 5 * 60_000 });
    db.close();
    expect(range).toEqual({ from: 101, to: 200 });
  });

  it('an export checked against another key, named checkpoint_mismatch', () => {
    const other = generateKeyPairSync('ed25519').publicKey;
    const r = verifyExport(exportText(1, 300), { publicKey: other });
    expect(r.firstBad?.kind).toBe('checkpoint_mismatch');
  });
});
