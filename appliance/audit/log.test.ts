import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openStore, type Store } from '../store/open.js';
import { appendAudit, canonicalJson, GENESIS_HASH, hashEntry } from './log.js';

let store: Store | undefined;
function fresh(): Store {
  store = openStore(join(mkdtempSync(join(tmpdir(), 'claimbox-auditlog-')), 'claimbox.db'));
  return store;
}
afterEach(() => store?.close());

describe('canonicalJson', () => {
  it('sorts keys at every level and drops undefined, one text per value', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { z: 1, y: 2 }], c: undefined } })).toBe(
      '{"a":{"d":[1,{"y":2,"z":1}]},"b":1}',
    );
  });
});

describe('appendAudit', () => {
  it('chains entries across transactions, seq from 1 and each prev_hash the last hash', () => {
    const s = fresh();
    const a = s.tx(() =>
      appendAudit(
        s,
        [
          { event: 'LOGIN', actor: 'user:biller1', sourceAddress: '127.0.0.1' },
          {
            event: 'PHI_VIEWED',
            actor: 'user:biller1',
            entityType: 'encounter',
            entityId: '7',
            detail: { mrnLast4: '0042' },
          },
        ],
        1000,
      ),
    );
    const b = s.tx(() =>
      appendAudit(s, [{ event: 'LOGIN_FAILED', actor: 'user:x', outcome: 'failure' }], 2000),
    );
    const all = [...a, ...b];
    expect(all.map((r) => r.seq)).toEqual([1, 2, 3]);
    expect(all[0]!.prevHash).toBe(GENESIS_HASH);
    expect(all[1]!.prevHash).toBe(all[0]!.hash);
    expect(all[2]!.prevHash).toBe(all[1]!.hash);
    for (const r of all) expect(hashEntry(r)).toBe(r.hash);
    const stored = s.sqlite.prepare('SELECT seq, hash, detail, outcome FROM audit_log ORDER BY seq').all();
    expect(stored).toEqual(
      all.map((r) => ({ seq: r.seq, hash: r.hash, detail: r.detail, outcome: r.outcome })),
    );
  });

  it('commits nothing when the surrounding transaction rolls back, same transaction', () => {
    const s = fresh();
    expect(() =>
      s.tx(() => {
        appendAudit(s, [{ event: 'CLAIM_CREATED', actor: 'service:claims' }], 1);
        throw new Error('the state change failed');
      }),
    ).toThrow('the state change failed');
    expect(s.sqlite.prepare('SELECT count(*) FROM audit_log').pluck().get()).toBe(0);
    const [row] = s.tx(() => appendAudit(s, [{ event: 'CLAIM_CREATED', actor: 'service:claims' }], 2));
    expect(row).toMatchObject({ seq: 1, prevHash: GENESIS_HASH });
  });

  it('refuses to run outside a transaction, no entry written', () => {
    const s = fresh();
    expect(() => appendAudit(s, [{ event: 'LOGIN', actor: 'user:a' }], 1)).toThrow(
      /inside a store transaction/,
    );
  });

  it('keeps working on a second store, statements cached per connection', () => {
    const s1 = fresh();
    s1.tx(() => appendAudit(s1, [{ event: 'LOGIN', actor: 'user:a' }], 1));
    const first = store!;
    const s2 = fresh();
    const [r] = s2.tx(() => appendAudit(s2, [{ event: 'LOGIN', actor: 'user:b' }], 1));
    expect(r!.seq).toBe(1);
    first.close();
  });
});

describe('append-only triggers', () => {
  it('refuse UPDATE and DELETE on entries and checkpoints, any row', () => {
    const s = fresh();
    s.tx(() => appendAudit(s, [{ event: 'LOGIN', actor: 'user:a' }], 1));
    s.sqlite
      .prepare('INSERT INTO audit_checkpoints (seq, head_hash, ts, signature, key_id) VALUES (1, ?, 1, ?, ?)')
      .run('a'.repeat(64), 'sig', 'key');
    expect(() => s.sqlite.prepare("UPDATE audit_log SET actor = 'user:b'").run()).toThrow(/append-only/);
    expect(() => s.sqlite.prepare('DELETE FROM audit_log').run()).toThrow(/append-only/);
    expect(() => s.sqlite.prepare('UPDATE audit_checkpoints SET ts = 2').run()).toThrow(/append-only/);
    expect(() => s.sqlite.prepare('DELETE FROM audit_checkpoints').run()).toThrow(/append-only/);
    expect(s.sqlite.prepare('SELECT actor FROM audit_log').pluck().get()).toBe('user:a');
  });
});
