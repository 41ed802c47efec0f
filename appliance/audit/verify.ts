// `audit verify` (issue 6): check the whole chain and every checkpoint, fast, and name the first
// thing that is wrong.
//
// Plan: split [from, max seq] into chunks; worker threads (one per core, each with its own
// read-only connection) verify chunks among themselves; the main thread stitches chunk boundaries.
// Only when a chunk is bad does the slow path walk it entry by entry to find and name the first
// break (chain.ts). Then every checkpoint, in the database and in the external sink file, is
// signature-checked and compared with the entry it signed.
import Database from 'better-sqlite3';
import type { KeyObject } from 'node:crypto';
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { Store } from '../store/open.js';
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
import { readDbCheckpoints, readSinkFile } from './checkpoint.js';
import { keyIdOf, toPublicKey } from './keys.js';
import { AUDIT_COLUMNS, type AuditTuple } from './log.js';
import { scanChunk, type ChunkResult } from './scan.js';
import type { WorkerJob } from './verify-worker.js';

export type { AuditProblem, TamperKind } from './chain.js';

export interface VerifyOptions {
  /** The database file (opened read-only), or an open store. */
  dbPath?: string;
  store?: Store;
  /** The external checkpoint sink (JSONL). Without it, truncation after the last in-database
   *  checkpoint and a forgery that also rewrote audit_checkpoints go unnoticed. */
  sinkFile?: string;
  /** PEM text, a PEM file path, or a KeyObject (a private key's public half is used). */
  publicKey: KeyObject | string;
  /** Verify entries from this seq on (the entry before it anchors the chain). */
  from?: number;
  onProgress?: (done: number, total: number) => void;
  /** Worker threads besides this one; default one per extra core for large logs, 0 for none. */
  workers?: number;
  /** Entries per chunk handed to a worker. */
  chunkSize?: number;
}

export interface VerifyResult {
  ok: boolean;
  /** Entries verified. */
  entries: number;
  /** Database checkpoints checked. */
  checkpoints: number;
  sinkCheckpoints: number;
  /** The last entry (seq 0 and the genesis hash for an empty log). */
  head: Link;
  firstBad?: AuditProblem;
  /** Everything found, earliest first (a chain break is diagnosed at its first entry only). */
  problems: AuditProblem[];
  /** Limits of this verification (no sink file, a fallback to one thread, ...). */
  warnings: string[];
  elapsedMs: number;
  workersUsed: number;
}

const DEFAULT_CHUNK = 65_536;
/** Below this many entries, starting worker threads costs more than it saves. */
const PARALLEL_MIN = 200_000;

export function sqliteLookup(db: Database.Database): RowLookup {
  const bySeq = db
    .prepare<[number], AuditTuple>(`SELECT ${AUDIT_COLUMNS} FROM audit_log WHERE seq = ?`)
    .raw(true);
  const byPrev = db
    .prepare<[string], AuditTuple>(
      `SELECT ${AUDIT_COLUMNS} FROM audit_log WHERE prev_hash = ? ORDER BY seq LIMIT 1`,
    )
    .raw(true);
  return { bySeq: (s) => bySeq.get(s), byPrevHash: (h) => byPrev.get(h) };
}

/**
 * The worker entry. A worker does not inherit the parent's module hooks: from the compiled build
 * (dist/, plain .js) it loads the worker module directly; from the sources, a tiny eval'd script
 * loads the .ts entry through tsx's API.
 */
function workerBootstrap(): string {
  if (import.meta.url.endsWith('.js')) {
    const entry = new URL('./verify-worker.js', import.meta.url).href;
    return `import(${JSON.stringify(entry)});`;
  }
  // The ESM build of tsx/esm/api (require.resolve would pick the CommonJS one).
  const pkgJson = createRequire(import.meta.url).resolve('tsx/package.json');
  const api = new URL('dist/esm/api/index.mjs', pathToFileURL(pkgJson)).href;
  const entry = new URL('./verify-worker.ts', import.meta.url).href;
  return `import(${JSON.stringify(api)}).then((m) => m.tsImport(${JSON.stringify(entry)}, ${JSON.stringify(entry)}));`;
}

/**
 * Run chunks on `workers` worker threads plus this thread, all taking the next chunk from one
 * queue (this thread yields between chunks so worker results come in). A worker that fails gives
 * its chunk back; the rest carries on. Resolves with results by chunk index.
 */
async function runParallel(
  db: Database.Database,
  dbPath: string,
  chunks: [number, number][],
  workers: number,
  done: (r: ChunkResult) => void,
  warnings: string[],
): Promise<{ results: ChunkResult[]; started: number }> {
  const results: ChunkResult[] = new Array<ChunkResult>(chunks.length);
  const queue = chunks.map((_, i) => i);
  let finished = 0;
  let wake: (() => void) | undefined;
  const record = (id: number, r: ChunkResult) => {
    results[id] = r;
    finished++;
    done(r);
    wake?.();
  };
  const pool: Worker[] = [];
  const feed = (w: Worker, inflight: { id: number | undefined }) => {
    const id = queue.shift();
    inflight.id = id;
    if (id === undefined) {
      w.postMessage('stop');
      return;
    }
    const [lo, hi] = chunks[id]!;
    w.postMessage({ id, lo, hi } satisfies WorkerJob);
  };
  const bootstrap = workerBootstrap();
  for (let i = 0; i < workers; i++) {
    const w = new Worker(bootstrap, { eval: true, workerData: { dbPath } });
    const inflight: { id: number | undefined } = { id: undefined };
    pool.push(w);
    w.on('message', (m: { id: number; result: ChunkResult }) => {
      record(m.id, m.result);
      feed(w, inflight);
    });
    const giveBack = () => {
      if (inflight.id !== undefined) queue.unshift(inflight.id);
      inflight.id = undefined;
      wake?.();
    };
    w.on('error', (err) => {
      warnings.push(`a verify worker failed (${err.message}); its share was verified on the main thread`);
      giveBack();
      void w.terminate();
    });
    w.on('exit', giveBack);
    feed(w, inflight);
  }
  // This thread works too, yielding between chunks so worker results arrive.
  while (finished < chunks.length) {
    const id = queue.shift();
    if (id === undefined) {
      await new Promise<void>((r) => (wake = r));
      wake = undefined;
      continue;
    }
    const [lo, hi] = chunks[id]!;
    record(id, scanChunk(db, lo, hi));
    await new Promise<void>((r) => setImmediate(r));
  }
  for (const w of pool) void w.terminate();
  return { results, started: workers };
}

interface Range {
  start: number;
  maxSeq: number;
  anchor: Link | undefined;
}

/** Verify the audit chain and its checkpoints. */
export async function verifyAudit(opts: VerifyOptions): Promise<VerifyResult> {
  const t0 = performance.now();
  const publicKey = toPublicKey(opts.publicKey);
  const keyId = keyIdOf(publicKey);
  const dbPath = opts.dbPath ?? (opts.store && opts.store.path !== ':memory:' ? opts.store.path : undefined);
  if (!opts.store && !dbPath) throw new Error('verifyAudit needs dbPath or store');
  const own = opts.store ? undefined : new Database(dbPath, { readonly: true, fileMustExist: true });
  const db = opts.store?.sqlite ?? own!;
  const warnings: string[] = [];
  try {
    const range = chainRange(db, opts.from);
    const { start, maxSeq } = range;
    const total = Math.max(0, maxSeq - start + 1);
    const chunkSize = Math.max(1, opts.chunkSize ?? DEFAULT_CHUNK);
    const chunks: [number, number][] = [];
    for (let lo = start; lo <= maxSeq; lo += chunkSize)
      chunks.push([lo, Math.min(maxSeq, lo + chunkSize - 1)]);

    let doneRows = 0;
    const progress = (r: ChunkResult) => {
      doneRows += r.hi - r.lo + 1;
      opts.onProgress?.(doneRows, total);
    };
    // Default: one worker per extra core; this thread is the last core.
    const wanted = opts.workers ?? (total >= PARALLEL_MIN ? availableParallelism() - 1 : 0);
    let results: ChunkResult[];
    let workersUsed = 0;
    if (wanted > 0 && dbPath && chunks.length > 1) {
      const run = await runParallel(
        db,
        dbPath,
        chunks,
        Math.min(wanted, chunks.length - 1),
        progress,
        warnings,
      );
      results = run.results;
      workersUsed = run.started;
    } else {
      results = chunks.map(([lo, hi]) => {
        const r = scanChunk(db, lo, hi);
        progress(r);
        return r;
      });
    }
    if (total === 0) opts.onProgress?.(0, 0);

    const problems: AuditProblem[] = [];
    let entries = 0;
    let head: Link = range.anchor ?? GENESIS;
    const lookup = sqliteLookup(db);
    for (const r of results) {
      const linked = range.anchor === undefined && r.lo === start ? true : r.firstPrev === head.hash;
      if (!r.ok || !linked) {
        const found = slowScan(db, lookup, r.lo, r.lo === start ? range.anchor : head);
        if (found) {
          entries += found.verified;
          problems.push(found.problem);
        }
        break;
      }
      entries += r.count;
      head = { seq: r.hi, hash: r.lastHash };
    }

    // Checkpoints: the database's own, and the external copy that a database rewrite cannot reach.
    const hashAt = db.prepare<[number], string>('SELECT hash FROM audit_log WHERE seq = ?').pluck();
    const ctx = {
      publicKey,
      keyId,
      maxSeq,
      minSeq: start,
      hashAt: (s: number) => hashAt.get(s),
    };
    const dbCheckpoints = readDbCheckpoints(db);
    problems.push(...checkAll(dbCheckpoints, 'database', ctx));
    let sinkCheckpoints = 0;
    if (opts.sinkFile !== undefined) {
      if (!existsSync(opts.sinkFile)) {
        warnings.push(
          `checkpoint sink ${opts.sinkFile} not found: truncation or a re-hashed copy could go unnoticed`,
        );
      } else {
        const sink = readSinkFile(opts.sinkFile);
        sinkCheckpoints = sink.checkpoints.length;
        for (const b of sink.badLines)
          problems.push({
            seq: maxSeq + 1,
            kind: 'checkpoint_mismatch',
            message: `sink file ${opts.sinkFile} line ${b.line} is not a checkpoint (${b.message}): the file was edited`,
          });
        problems.push(...checkAll(sink.checkpoints, 'sink file', ctx));
      }
    } else {
      warnings.push('no checkpoint sink file given: truncation after the last checkpoint could go unnoticed');
    }
    const ordered = orderProblems(problems);
    return {
      ok: ordered.length === 0,
      entries,
      checkpoints: dbCheckpoints.length,
      sinkCheckpoints,
      head,
      firstBad: ordered[0],
      problems: ordered,
      warnings,
      elapsedMs: performance.now() - t0,
      workersUsed,
    };
  } finally {
    own?.close();
  }
}

function chainRange(db: Database.Database, from: number | undefined): Range {
  const maxSeq = db.prepare<[], number | null>('SELECT max(seq) FROM audit_log').pluck().get() ?? 0;
  const start = Math.max(1, Math.trunc(from ?? 1));
  if (start === 1) return { start, maxSeq, anchor: GENESIS };
  const prev = db
    .prepare<[number], string>('SELECT hash FROM audit_log WHERE seq = ?')
    .pluck()
    .get(start - 1);
  // Without the entry before `from`, the first entry's own prev_hash is taken on trust.
  return { start, maxSeq, anchor: prev === undefined ? undefined : { seq: start - 1, hash: prev } };
}

/** Walk entries from seq lo to the first break and name it. */
function slowScan(
  db: Database.Database,
  lookup: RowLookup,
  lo: number,
  anchor: Link | undefined,
): { problem: AuditProblem; verified: number } | undefined {
  const stmt = db
    .prepare<[number], AuditTuple>(`SELECT ${AUDIT_COLUMNS} FROM audit_log WHERE seq >= ? ORDER BY seq`)
    .raw(true);
  if (anchor === undefined) {
    // No entry before `from`: the first entry's own prev_hash is taken on trust.
    const first = lookup.bySeq(lo) ?? stmt.get(lo);
    if (!first) return undefined;
    anchor = { seq: first[0] - 1, hash: first[9] };
  }
  let verified = 0;
  // Lookups cannot run while an iterator holds the connection: find the break, close, then name it.
  const rows = stmt.iterate(lo);
  const counted = (function* () {
    for (const t of rows) {
      yield t;
      verified++;
    }
  })();
  const found = firstBreak(counted, anchor);
  counted.return(undefined);
  if (!found) return undefined;
  return { problem: diagnose(lookup, found.p, found.x), verified };
}
