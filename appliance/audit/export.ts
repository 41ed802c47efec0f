// `audit export` (issue 6): a range of the chain as JSONL, with the checkpoints that sign it and the
// public key, so an auditor verifies it offline with `claimbox audit verify --file`.
//
// Line 1 is the header; then one line per entry (seq order), then the checkpoints in the range.
// The anchor is the hash of the entry before the range: an export that starts at 1 anchors on the
// genesis hash; one that starts later is tied to the whole log by a checkpoint at or after it.
import type Database from 'better-sqlite3';
import type { KeyObject } from 'node:crypto';
import type { VerifyResult } from './verify.js';
import {
  checkAll,
  diagnose,
  firstBreak,
  GENESIS,
  orderProblems,
  type AuditProblem,
  type Link,
  type RowLookup,
} from './chain.js';
import { readDbCheckpoints, type Checkpoint } from './checkpoint.js';
import { keyIdOf, toPublicKey } from './keys.js';
import { AUDIT_COLUMNS, GENESIS_HASH, type AuditTuple } from './log.js';

export const EXPORT_FORMAT = 'claimbox-audit-export';

export interface ExportHeader {
  type: typeof EXPORT_FORMAT;
  version: 1;
  from: number;
  to: number;
  exported_at: string;
  key_id: string;
  public_key: string;
  anchor: Link;
}

export interface ExportRange {
  from?: number;
  to?: number;
  /** Epoch ms, inclusive. */
  since?: number;
  /** Epoch ms, exclusive. */
  until?: number;
}

export interface ExportSummary {
  from: number;
  to: number;
  entries: number;
  checkpoints: number;
}

/**
 * The seq range to export. A time window maps to the first and last entry stamped inside it, and
 * everything between is exported, so the range is a contiguous piece of the chain.
 */
export function resolveRange(
  db: Database.Database,
  r: ExportRange,
): { from: number; to: number } | undefined {
  const bounds = db
    .prepare<[], { lo: number | null; hi: number | null }>(
      'SELECT min(seq) AS lo, max(seq) AS hi FROM audit_log',
    )
    .get();
  if (!bounds || bounds.lo === null || bounds.hi === null) return undefined;
  let from = Math.max(bounds.lo, r.from ?? bounds.lo);
  let to = Math.min(bounds.hi, r.to ?? bounds.hi);
  if (r.since !== undefined || r.until !== undefined) {
    const w = db
      .prepare<[number, number], { lo: number | null; hi: number | null }>(
        'SELECT min(seq) AS lo, max(seq) AS hi FROM audit_log WHERE ts >= ? AND ts < ?',
      )
      .get(r.since ?? -Infinity, r.until ?? Infinity);
    if (!w || w.lo === null || w.hi === null) return undefined;
    from = Math.max(from, w.lo);
    to = Math.min(to, w.hi);
  }
  return from <= to ? { from, to } : undefined;
}

function entryLine(t: AuditTuple): string {
  return JSON.stringify({
    type: 'entry',
    seq: t[0],
    ts: t[1],
    actor: t[2],
    event: t[3],
    entity_type: t[4],
    entity_id: t[5],
    detail: t[6],
    source: t[7],
    outcome: t[8],
    prev_hash: t[9],
    hash: t[10],
  });
}

function checkpointLineOf(cp: Checkpoint): string {
  return JSON.stringify({
    type: 'checkpoint',
    seq: cp.seq,
    head_hash: cp.headHash,
    ts: cp.ts,
    signature: cp.signature,
    key_id: cp.keyId,
  });
}

/** The export, line by line (without newlines); returns the summary when done. */
export function* exportAudit(
  db: Database.Database,
  range: { from: number; to: number },
  publicKey: KeyObject,
  now: number = Date.now(),
): Generator<string, ExportSummary> {
  const { from, to } = range;
  const anchorHash =
    from <= 1
      ? GENESIS_HASH
      : (db
          .prepare<[number], string>('SELECT hash FROM audit_log WHERE seq = ?')
          .pluck()
          .get(from - 1) ?? GENESIS_HASH);
  const header: ExportHeader = {
    type: EXPORT_FORMAT,
    version: 1,
    from,
    to,
    exported_at: new Date(now).toISOString(),
    key_id: keyIdOf(publicKey),
    public_key: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    anchor: { seq: from - 1, hash: anchorHash },
  };
  // Read the checkpoints first: the entry iterator holds the connection until it is done.
  const cps = readDbCheckpoints(db).filter((c) => c.seq >= from - 1 && c.seq <= to);
  yield JSON.stringify(header);
  const rows = db
    .prepare<[number, number], AuditTuple>(
      `SELECT ${AUDIT_COLUMNS} FROM audit_log WHERE seq >= ? AND seq <= ? ORDER BY seq`,
    )
    .raw(true);
  let entries = 0;
  for (const t of rows.iterate(from, to)) {
    yield entryLine(t);
    entries++;
  }
  for (const cp of cps) yield checkpointLineOf(cp);
  return { from, to, entries, checkpoints: cps.length };
}

interface ParsedExport {
  header: ExportHeader | undefined;
  rows: AuditTuple[];
  checkpoints: Checkpoint[];
  badLines: { line: number; message: string }[];
}

function str(v: unknown): string {
  if (typeof v !== 'string') throw new Error('expected a string');
  return v;
}
function strOrNull(v: unknown): string | null {
  return v === null ? null : str(v);
}
function num(v: unknown): number {
  if (typeof v !== 'number') throw new Error('expected a number');
  return v;
}

export function parseExport(text: string): ParsedExport {
  const out: ParsedExport = { header: undefined, rows: [], checkpoints: [], badLines: [] };
  text.split('\n').forEach((raw, i) => {
    if (raw.trim() === '') return;
    try {
      const o = JSON.parse(raw) as Record<string, unknown>;
      if (o.type === EXPORT_FORMAT) {
        if (i !== 0) throw new Error('a header after the first line');
        out.header = o as unknown as ExportHeader;
      } else if (o.type === 'entry') {
        out.rows.push([
          num(o.seq),
          num(o.ts),
          str(o.actor),
          str(o.event),
          strOrNull(o.entity_type),
          strOrNull(o.entity_id),
          str(o.detail),
          strOrNull(o.source),
          str(o.outcome),
          str(o.prev_hash),
          str(o.hash),
        ]);
      } else if (o.type === 'checkpoint') {
        out.checkpoints.push({
          seq: num(o.seq),
          headHash: str(o.head_hash),
          ts: num(o.ts),
          signature: str(o.signature),
          keyId: str(o.key_id),
        });
      } else throw new Error(`unknown line type ${JSON.stringify(o.type)}`);
    } catch (err) {
      out.badLines.push({ line: i + 1, message: (err as Error).message });
    }
  });
  return out;
}

export function arrayLookup(rows: readonly AuditTuple[]): RowLookup {
  const bySeq = new Map<number, AuditTuple>();
  for (const r of rows) if (!bySeq.has(r[0])) bySeq.set(r[0], r);
  return {
    bySeq: (s) => bySeq.get(s),
    byPrevHash: (h) => rows.find((r) => r[9] === h),
  };
}

/** Verify an export offline: its chain from its anchor, and its checkpoints. */
export function verifyExport(text: string, opts: { publicKey?: KeyObject | string } = {}): VerifyResult {
  const t0 = performance.now();
  const parsed = parseExport(text);
  const warnings: string[] = [];
  const problems: AuditProblem[] = [];
  const h = parsed.header;
  if (!h) {
    problems.push({
      seq: 0,
      kind: 'modified',
      message: 'the export has no header line: not a claimbox audit export',
    });
    return finish();
  }
  let publicKey: KeyObject;
  if (opts.publicKey !== undefined) publicKey = toPublicKey(opts.publicKey);
  else {
    publicKey = toPublicKey(h.public_key);
    warnings.push(
      `checked against the public key inside the export (key id ${keyIdOf(publicKey)}); compare it with the appliance's key id`,
    );
  }
  const keyId = keyIdOf(publicKey);
  for (const b of parsed.badLines)
    problems.push({
      seq: 0,
      kind: 'modified',
      message: `line ${b.line} is not part of an export (${b.message})`,
    });

  // Lines may be shuffled harmlessly; what counts is each entry's content and its seq.
  const rows = [...parsed.rows].sort((a, b) => a[0] - b[0]);
  const anchor: Link = h.anchor ?? GENESIS;
  const lookup = arrayLookup(rows);
  let dup: AuditTuple | undefined;
  for (let i = 1; i < rows.length && !dup; i++) if (rows[i]![0] === rows[i - 1]![0]) dup = rows[i];
  if (dup)
    problems.push({
      seq: dup[0],
      kind: 'inserted',
      message: `the export holds two entries with seq ${dup[0]}`,
    });
  const unique = rows.filter((r, i) => i === 0 || r[0] !== rows[i - 1]![0]);
  let verified = unique.length;
  const found = firstBreak(unique, anchor);
  if (found) {
    verified = unique.findIndex((r) => r === found.x);
    problems.push(diagnose(lookup, found.p, found.x));
  }
  const last = unique.at(-1);
  const maxSeq = last ? last[0] : anchor.seq;
  if (h.to > maxSeq)
    problems.push({
      seq: maxSeq + 1,
      kind: 'truncated',
      message: `the export declares entries up to ${h.to} but ends at ${maxSeq}`,
    });
  problems.push(
    ...checkAll(parsed.checkpoints, 'export', {
      publicKey,
      keyId,
      maxSeq,
      minSeq: anchor.seq + 1,
      hashAt: (s) => (s === anchor.seq ? anchor.hash : lookup.bySeq(s)?.[10]),
    }),
  );
  if (parsed.checkpoints.length === 0)
    warnings.push('the export holds no checkpoint: its entries are chained but not signed');
  return finish(verified, last ? { seq: last[0], hash: last[10] } : anchor);

  function finish(entries = 0, head: Link = GENESIS): VerifyResult {
    const ordered = orderProblems(problems);
    return {
      ok: ordered.length === 0,
      entries,
      checkpoints: parsed.checkpoints.length,
      sinkCheckpoints: 0,
      head,
      firstBad: ordered[0],
      problems: ordered,
      warnings,
      elapsedMs: performance.now() - t0,
      workersUsed: 0,
    };
  }
}
