import { describe, expect, it } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore, type Store } from './open.js';
import { commitInbound, pruneRawMessages } from './intake.js';
import type { InboundEnvelope, IntakeResult } from '../ports.js';
import { syntheticEncounter } from '../../test/helpers/encounters.js';

function fresh(): Store {
  return openStore(join(mkdtempSync(join(tmpdir(), 'cb-intake-')), 'claimbox.db'));
}

function one(store: Store, env: InboundEnvelope, now = 1000): IntakeResult {
  const [r] = commitInbound(store, [env], now);
  if (!r || r instanceof Error) throw r ?? new Error('no result');
  return r;
}

const env = (i: number, controlId: string, over: Partial<InboundEnvelope> = {}): InboundEnvelope => {
  const encounter = syntheticEncounter(i);
  return {
    channel: 'mllp',
    sender: 'EHR^CLINIC',
    controlId,
    raw: Buffer.from(`MSG|${controlId}|${i}`),
    encounter,
    ...over,
  };
};

describe('intake store', () => {
  it('creates nothing for the same sender and control id, and answers duplicate', () => {
    const s = fresh();
    expect(one(s, env(1, 'A')).status).toBe('accepted');
    const again = one(s, env(1, 'A'));
    expect(again.status).toBe('duplicate');
    expect(s.sqlite.prepare('SELECT count(*) FROM encounters').pluck().get()).toBe(1);
  });

  it('treats the same content under a new control id as a duplicate', () => {
    const s = fresh();
    one(s, env(1, 'A', { raw: Buffer.from('SAME\rCONTENT') }));
    expect(one(s, env(1, 'B', { raw: Buffer.from('SAME\nCONTENT\n') })).status).toBe('duplicate');
  });

  it('makes a new version for a changed visit and flags a correction once its claim went out', () => {
    const s = fresh();
    const first = one(s, env(1, 'A'));
    s.sqlite
      .prepare(
        "INSERT INTO claims (pcn, encounter_id, patient_id, kind, status, payer_id, total_charge_cents, document, draft_at, updated_at) VALUES ('CB1', ?, 1, 'medical', 'submitted', 'SBX01', 100, '{}', 0, 0)",
      )
      .run(first.encounterId);
    const changed = env(1, 'B', { raw: Buffer.from('changed') });
    changed.encounter!.procedures[0]!.units = 2;
    const second = one(s, changed);
    expect(second.status).toBe('accepted');
    const rows = s.sqlite
      .prepare('SELECT version, superseded_by, correction_needed FROM encounters ORDER BY id')
      .all() as { version: number; superseded_by: number | null; correction_needed: number }[];
    expect(rows).toEqual([
      { version: 1, superseded_by: second.encounterId, correction_needed: 0 },
      { version: 2, superseded_by: null, correction_needed: 1 },
    ]);
  });

  it('holds an encounter until its MDM final signal, in either arrival order', () => {
    const s = fresh();
    const charges = one(s, env(1, 'A', { awaitingFinal: true }));
    const at = () =>
      s.sqlite.prepare('SELECT finalized_at FROM encounters WHERE id = ?').pluck().get(charges.encounterId);
    expect(at()).toBe(0);
    one(s, {
      channel: 'mllp',
      sender: 'EHR^CLINIC',
      controlId: 'M1',
      raw: Buffer.from('MDM'),
      finalizes: { sourceSystem: 'TESTEHR', visitNumber: 'V000001', finalizedAt: '2026-11-20T16:00:00Z' },
    });
    expect(at()).toBe(Date.parse('2026-11-20T16:00:00Z'));

    one(s, {
      channel: 'mllp',
      sender: 'EHR^CLINIC',
      controlId: 'M2',
      raw: Buffer.from('MDM2'),
      finalizes: { sourceSystem: 'TESTEHR', visitNumber: 'V000002', finalizedAt: '2026-11-20T17:00:00Z' },
    });
    const later = one(s, env(2, 'C', { awaitingFinal: true }));
    expect(
      s.sqlite.prepare('SELECT finalized_at FROM encounters WHERE id = ?').pluck().get(later.encounterId),
    ).toBe(Date.parse('2026-11-20T17:00:00Z'));
  });

  it('stores a quarantined message with its reason and audits it, and takes a corrected resend', () => {
    const s = fresh();
    const q = one(s, {
      channel: 'file',
      sender: 'EHR',
      controlId: 'Q',
      raw: Buffer.from('bad'),
      quarantine: { code: 'NO_PID', reason: 'no PID segment' },
    });
    expect(q.status).toBe('quarantined');
    expect(
      s.sqlite.prepare("SELECT count(*) FROM audit_log WHERE event = 'ENCOUNTER_QUARANTINED'").pluck().get(),
    ).toBe(1);
    expect(one(s, env(3, 'Q')).status).toBe('accepted');
  });

  it('fails one bad envelope alone, keeping the rest of the group', () => {
    const s = fresh();
    const results = commitInbound(
      s,
      [env(1, 'A'), { channel: 'api', sender: 'x', raw: Buffer.from('?') }, env(2, 'B')],
      1,
    );
    expect(results.map((r) => (r instanceof Error ? 'error' : r.status))).toEqual([
      'accepted',
      'error',
      'accepted',
    ]);
    expect(s.sqlite.prepare('SELECT count(*) FROM inbound_messages').pluck().get()).toBe(2);
  });

  it('takes a different message that reuses a control id as new, and says so, losing nothing', () => {
    const s = fresh();
    expect(one(s, env(1, 'CTL-1')).status).toBe('accepted');
    const second = one(s, env(2, 'CTL-1'));
    expect(second.status).toBe('accepted');
    expect(second.reason).toMatch(/reused this control id/);
    expect(s.sqlite.prepare('SELECT count(*) FROM encounters').pluck().get()).toBe(2);
    const detail = s.sqlite
      .prepare("SELECT detail FROM audit_log WHERE event = 'ENCOUNTER_RECEIVED' ORDER BY seq DESC LIMIT 1")
      .pluck()
      .get() as string;
    expect(JSON.parse(detail)).toMatchObject({ controlIdReused: true });
    // An exact resend of either is still a duplicate.
    expect(one(s, env(2, 'CTL-1')).status).toBe('duplicate');
    expect(one(s, env(1, 'CTL-1')).status).toBe('duplicate');
    expect(s.sqlite.prepare('SELECT count(*) FROM encounters').pluck().get()).toBe(2);
  });

  it('treats a resend whose MSH differs (a new MSH-7 timestamp) as a duplicate', () => {
    const s = fresh();
    const msg = (ts: string) =>
      Buffer.from(`MSH|^~\\&|EHR|CLINIC|||${ts}||DFT^P03|CTL-9|P|2.5\rPID|1||MRN1\r`);
    expect(one(s, env(1, 'CTL-9', { raw: msg('20260101120000') })).status).toBe('accepted');
    const again = one(s, env(1, 'CTL-9', { raw: msg('20260101120500') }));
    expect(again.status).toBe('duplicate');
    expect(again.reason).toBeUndefined();
  });

  it('prunes raw bytes past retention but keeps the dedupe row', () => {
    const s = fresh();
    one(s, env(1, 'A'), 1000);
    expect(pruneRawMessages(s, 2000, 3000)).toBe(1);
    expect(one(s, env(1, 'A'), 3000).status).toBe('duplicate');
  });

  it('prunes only rows past retention, and a later prune goes on from where the last one stopped', () => {
    const s = fresh();
    one(s, env(1, 'A'), 1000);
    one(s, env(2, 'B'), 2000);
    one(s, env(3, 'C'), 5000);
    const rawLength = () =>
      s.sqlite.prepare('SELECT length(raw) FROM inbound_messages ORDER BY id').pluck().all() as number[];
    expect(pruneRawMessages(s, 3000, 6000)).toBe(2);
    expect(rawLength().map((n) => n > 0)).toEqual([false, false, true]);
    expect(pruneRawMessages(s, 3000, 6000)).toBe(0);
    one(s, env(4, 'D'), 6000);
    expect(pruneRawMessages(s, 7000, 8000)).toBe(2);
    expect(rawLength().every((n) => n === 0)).toBe(true);
  });

  it('keeps an old row behind a younger one (clock stepped back) until the younger one ages too', () => {
    const s = fresh();
    one(s, env(1, 'A'), 5000);
    one(s, env(2, 'B'), 1000);
    expect(pruneRawMessages(s, 3000, 6000)).toBe(0);
    expect(pruneRawMessages(s, 5001, 7000)).toBe(2);
  });
});

describe('encounter projections', () => {
  it('writes diagnoses and coverages rows when the encounter is coded, not in the intake commit, and replaces them on re-coding', async () => {
    const { createPipelineStore } = await import('./pipeline-store.js');
    const s = fresh();
    const r = one(s, env(3, 'P1'));
    const count = (table: string) =>
      s.sqlite.prepare(`SELECT count(*) FROM ${table} WHERE encounter_id = ?`).pluck().get(r.encounterId);
    expect([count('diagnoses'), count('coverages')]).toEqual([0, 0]);
    const enc = syntheticEncounter(3);
    const ps = createPipelineStore(s);
    const coded = { lines: [], diagnoses: [], review: [{ code: 'X', message: 'look' }] };
    ps.saveCoding([{ id: r.encounterId!, coded: coded }], 2000);
    expect([count('diagnoses'), count('coverages')]).toEqual([enc.diagnoses.length, enc.coverages.length]);
    // Back to received (a biller's fix) and coded again: the rows are replaced, not doubled.
    s.sqlite.prepare("UPDATE encounters SET status = 'received' WHERE id = ?").run(r.encounterId);
    ps.saveCoding([{ id: r.encounterId!, coded: coded }], 3000);
    expect([count('diagnoses'), count('coverages')]).toEqual([enc.diagnoses.length, enc.coverages.length]);
  });
});
