import { describe, expect, it } from 'vitest';
import { checkCheckpoint, diagnose, firstBreak, GENESIS } from './chain.js';
import { arrayLookup } from './export.js';
import { loadOrCreateSigningKey, signCheckpoint } from './keys.js';
import { GENESIS_HASH, hashEntry, type AuditTuple } from './log.js';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

function chain(n: number): AuditTuple[] {
  const out: AuditTuple[] = [];
  let prev = GENESIS_HASH;
  for (let seq = 1; seq <= n; seq++) {
    const base = {
      seq,
      ts: 1000 + seq,
      actor: 'service:claims',
      event: 'CLAIM_CREATED',
      entityType: 'claim',
      entityId: String(seq),
      detail: '{}',
      source: null,
      outcome: 'success',
      prevHash: prev,
    };
    const h = hashEntry(base);
    out.push([
      seq,
      base.ts,
      base.actor,
      base.event,
      base.entityType,
      base.entityId,
      '{}',
      null,
      'success',
      prev,
      h,
    ]);
    prev = h;
  }
  return out;
}

function judge(rows: AuditTuple[]) {
  const found = firstBreak(rows, GENESIS);
  return found && diagnose(arrayLookup(rows), found.p, found.x);
}

describe('diagnose', () => {
  it('finds nothing in an intact chain', () => {
    expect(judge(chain(20))).toBeUndefined();
  });

  it('names the first entry deleted, several missing in a row', () => {
    const rows = chain(20).filter((r) => r[0] < 5 || r[0] > 7);
    expect(judge(rows)).toMatchObject({ seq: 5, kind: 'deleted' });
  });

  it('names a move of one entry to a later place as reordered', () => {
    const rows = chain(20);
    const moved = rows.splice(4, 1)[0]!;
    const renum = rows.map((r, i): AuditTuple => [i + 1, ...r.slice(1)] as AuditTuple);
    renum.push([21, ...moved.slice(1)] as AuditTuple);
    expect(judge(renum)).toMatchObject({ seq: 5, kind: 'reordered' });
    expect(judge(renum)!.message).toContain('moved to 21');
  });

  it('names the head of the log deleted when the first entry is missing', () => {
    expect(judge(chain(5).slice(1))).toMatchObject({ seq: 1, kind: 'deleted' });
  });
});

describe('checkCheckpoint', () => {
  const key = loadOrCreateSigningKey(join(mkdtempSync(join(tmpdir(), 'claimbox-chain-')), 'k.pem'));
  const rows = chain(12);
  const ctx = {
    publicKey: key.publicKey,
    keyId: key.keyId,
    maxSeq: 10,
    minSeq: 1,
    hashAt: (s: number) => rows[s - 1]?.[10],
  };
  const cp = (seq: number, head = rows[seq - 1]![10]) => ({
    seq,
    headHash: head,
    ts: 5,
    signature: signCheckpoint(key, seq, head, 5),
    keyId: key.keyId,
  });

  it('accepts a checkpoint past the verified range whose entry exists, appended meanwhile', () => {
    expect(checkCheckpoint(cp(12), 'database', ctx)).toBeUndefined();
  });

  it('names truncation when the entry a checkpoint signed is gone', () => {
    expect(
      checkCheckpoint(cp(12), 'sink file', {
        ...ctx,
        hashAt: (s) => (s <= 10 ? rows[s - 1]![10] : undefined),
      }),
    ).toMatchObject({
      seq: 11,
      kind: 'truncated',
    });
  });

  it('names a signed head that differs from the entry forged', () => {
    expect(checkCheckpoint(cp(8, 'b'.repeat(64)), 'sink file', ctx)).toMatchObject({
      seq: 8,
      kind: 'forged',
    });
  });
});
