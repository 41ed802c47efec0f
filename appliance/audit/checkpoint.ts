// Signed checkpoints of the audit chain (issue 6). Every N entries or T minutes the head (seq, hash,
// time) is signed with the Ed25519 key kept outside the database, stored in audit_checkpoints, and
// copied to two places an attacker with only the database cannot reach: an append-only JSONL file
// on the backup volume and the system log. Truncating the chain, or replacing the database with a
// re-hashed forgery, then disagrees with a signed head held elsewhere.
//
// Checkpointing never fails the pipeline: errors are logged and the next call tries again.
import { spawn } from 'node:child_process';
import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import type Database from 'better-sqlite3';
import type { Config } from '../config.js';
import type { Logger } from '../log.js';
import type { Clock } from '../ports.js';
import type { Store } from '../store/open.js';
import { GENESIS_HASH } from './log.js';
import { loadOrCreateSigningKey, signCheckpoint, type SigningKey } from './keys.js';

export interface Checkpoint {
  /** The last entry covered (0 for an empty log). */
  seq: number;
  headHash: string;
  /** Epoch ms when it was signed. */
  ts: number;
  /** Base64 Ed25519 signature over checkpointMessage(seq, headHash, ts). */
  signature: string;
  keyId: string;
}

export interface Checkpointer {
  /** Checkpoint if checkpoint_every entries or checkpoint_minutes have passed since the last one. */
  maybeCheckpoint(): void;
  /** Checkpoint the current head now (power events, shutdown); returns the existing one if current. */
  checkpointNow(): Checkpoint;
  close(): void;
}

export interface CheckpointerOptions {
  store: Store;
  config: Pick<Config, 'audit'>;
  logger: Logger;
  clock: Clock;
  /** Writes one line to the system log; default runs `logger -t claimbox-audit` (tests inject). */
  syslog?: (line: string) => void;
  /** A key already loaded (tests, bench); default: load or create config.audit.key_file. */
  key?: SigningKey;
}

/** The JSON line written to the sink file and the system log. */
export function checkpointLine(cp: Checkpoint): string {
  return JSON.stringify({
    seq: cp.seq,
    head_hash: cp.headHash,
    ts: cp.ts,
    time: new Date(cp.ts).toISOString(),
    signature: cp.signature,
    key_id: cp.keyId,
  });
}

interface CheckpointDbRow {
  seq: number;
  head_hash: string;
  ts: number;
  signature: string;
  key_id: string;
}

function fromDbRow(r: CheckpointDbRow): Checkpoint {
  return { seq: r.seq, headHash: r.head_hash, ts: r.ts, signature: r.signature, keyId: r.key_id };
}

/** Every checkpoint in the database, in seq order. */
export function readDbCheckpoints(sqlite: Database.Database): Checkpoint[] {
  return sqlite
    .prepare<[], CheckpointDbRow>(
      'SELECT seq, head_hash, ts, signature, key_id FROM audit_checkpoints ORDER BY seq',
    )
    .all()
    .map(fromDbRow);
}

export interface SinkRead {
  checkpoints: Checkpoint[];
  /** Lines that are not checkpoints: the file was edited (line numbers from 1). */
  badLines: { line: number; message: string }[];
}

export function parseSinkText(text: string): SinkRead {
  const checkpoints: Checkpoint[] = [];
  const badLines: SinkRead['badLines'] = [];
  const lines = text.split('\n');
  lines.forEach((raw, i) => {
    const line = raw.trim();
    if (line === '') return;
    try {
      const o = JSON.parse(line) as Record<string, unknown>;
      if (
        typeof o.seq !== 'number' ||
        typeof o.head_hash !== 'string' ||
        typeof o.ts !== 'number' ||
        typeof o.signature !== 'string' ||
        typeof o.key_id !== 'string'
      )
        throw new Error('missing seq, head_hash, ts, signature or key_id');
      checkpoints.push({
        seq: o.seq,
        headHash: o.head_hash,
        ts: o.ts,
        signature: o.signature,
        keyId: o.key_id,
      });
    } catch (err) {
      badLines.push({ line: i + 1, message: (err as Error).message });
    }
  });
  return { checkpoints, badLines };
}

export function readSinkFile(path: string): SinkRead {
  return parseSinkText(readFileSync(path, 'utf8'));
}

/** Append one line and fsync: the sink is evidence only once it is on disk. */
function appendLineDurably(path: string, line: string): void {
  mkdirSync(dirname(path), { recursive: true });
  const fd = openSync(path, 'a', 0o644);
  try {
    writeSync(fd, line + '\n');
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** `logger -t claimbox-audit -- LINE`; reports (never throws) when the command is missing or fails. */
export function systemLogWriter(logger: Logger, command = 'logger'): (line: string) => void {
  return (line) => {
    try {
      const child = spawn(command, ['-t', 'claimbox-audit', '--', line], { stdio: 'ignore' });
      child.on('error', (err) =>
        logger.warn({ err: err.message }, 'audit checkpoint: system log unavailable (logger command)'),
      );
      child.on('exit', (code) => {
        if (code !== 0) logger.warn({ code }, 'audit checkpoint: logger command failed');
      });
    } catch (err) {
      logger.warn({ err: (err as Error).message }, 'audit checkpoint: system log unavailable');
    }
  };
}

export function createCheckpointer(opts: CheckpointerOptions): Checkpointer {
  const { store, logger, clock } = opts;
  const cfg = opts.config.audit;
  const key = opts.key ?? loadOrCreateSigningKey(cfg.key_file);
  const syslog = cfg.syslog ? (opts.syslog ?? systemLogWriter(logger)) : undefined;
  const sqlite = store.sqlite;
  const headStmt = sqlite.prepare<[], { seq: number; hash: string }>(
    'SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1',
  );
  const headSeqStmt = sqlite.prepare<[], number | null>('SELECT max(seq) FROM audit_log').pluck();
  const lastStmt = sqlite.prepare<[], CheckpointDbRow>(
    'SELECT seq, head_hash, ts, signature, key_id FROM audit_checkpoints ORDER BY seq DESC LIMIT 1',
  );
  const atStmt = sqlite.prepare<[number], CheckpointDbRow>(
    'SELECT seq, head_hash, ts, signature, key_id FROM audit_checkpoints WHERE seq = ?',
  );
  const insertStmt = sqlite.prepare(
    'INSERT INTO audit_checkpoints (seq, head_hash, ts, signature, key_id) VALUES (?,?,?,?,?)',
  );
  const lastRow = lastStmt.get();
  let last: { seq: number; ts: number } = lastRow
    ? { seq: lastRow.seq, ts: lastRow.ts }
    : { seq: 0, ts: clock.now() };
  let closed = false;

  function publish(cp: Checkpoint): void {
    const line = checkpointLine(cp);
    try {
      appendLineDurably(cfg.sink_file, line);
    } catch (err) {
      logger.error(
        { err: (err as Error).message, sink: cfg.sink_file },
        'audit checkpoint: cannot write the sink file',
      );
    }
    if (syslog) {
      try {
        syslog(line);
      } catch (err) {
        logger.warn({ err: (err as Error).message }, 'audit checkpoint: system log unavailable');
      }
    }
    logger.info({ seq: cp.seq, keyId: cp.keyId }, 'audit checkpoint');
  }

  function checkpointNow(): Checkpoint {
    // Read the head and insert under the write lock, so two processes never sign different heads
    // for one seq; a head already checkpointed (by us or another process) is returned as is.
    const { cp, fresh } = store.tx(() => {
      const head = headStmt.get() ?? { seq: 0, hash: GENESIS_HASH };
      const existing = atStmt.get(head.seq);
      if (existing) return { cp: fromDbRow(existing), fresh: false };
      const ts = clock.now();
      const made: Checkpoint = {
        seq: head.seq,
        headHash: head.hash,
        ts,
        signature: signCheckpoint(key, head.seq, head.hash, ts),
        keyId: key.keyId,
      };
      insertStmt.run(made.seq, made.headHash, made.ts, made.signature, made.keyId);
      return { cp: made, fresh: true };
    });
    if (fresh) publish(cp);
    last = { seq: cp.seq, ts: fresh ? cp.ts : Math.max(last.ts, cp.ts) };
    return cp;
  }

  return {
    maybeCheckpoint() {
      if (closed) return;
      try {
        const head = headSeqStmt.get() ?? 0;
        if (head <= last.seq) return;
        const due =
          head - last.seq >= cfg.checkpoint_every || clock.now() - last.ts >= cfg.checkpoint_minutes * 60_000;
        if (due) checkpointNow();
      } catch (err) {
        logger.error({ err: (err as Error).message }, 'audit checkpoint failed; will retry');
      }
    },
    checkpointNow,
    close() {
      closed = true;
    },
  };
}
