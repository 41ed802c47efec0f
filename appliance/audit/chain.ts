// What went wrong, once the fast path has found that something did (issue 6): find the first
// entry that breaks the chain and name the tampering. Pure: rows come through a RowLookup, so the
// same rules judge a database and an offline export.
//
// Each entry commits to its own seq and to its predecessor's hash, so a tampered entry usually
// tells where it came from: the entry that followed P (prev_hash = P.hash) is the one that
// belongs right after P, and an entry whose hash matches its fields under another seq was moved.
import type { KeyObject } from 'node:crypto';
import type { Checkpoint } from './checkpoint.js';
import { checkpointSignatureValid } from './keys.js';
import { GENESIS_HASH, hashTuple, type AuditTuple } from './log.js';

export type TamperKind =
  'modified' | 'deleted' | 'inserted' | 'reordered' | 'truncated' | 'checkpoint_mismatch' | 'forged';

export interface AuditProblem {
  /** The first entry affected (for checkpoint problems, the checkpoint's seq). */
  seq: number;
  kind: TamperKind;
  message: string;
}

/** A verified position in the chain: an entry, or the anchor before the first one. */
export interface Link {
  seq: number;
  hash: string;
}

export const GENESIS: Link = { seq: 0, hash: GENESIS_HASH };

export interface RowLookup {
  bySeq(seq: number): AuditTuple | undefined;
  /** The first entry (by seq) whose prev_hash is this hash. May scan everything: rare path only. */
  byPrevHash(prevHash: string): AuditTuple | undefined;
}

/** The first entry that does not follow from the link before it, with that link. */
export function firstBreak(rows: Iterable<AuditTuple>, anchor: Link): { p: Link; x: AuditTuple } | undefined {
  let p = anchor;
  for (const t of rows) {
    if (t[0] !== p.seq + 1 || t[9] !== p.hash || hashTuple(t) !== t[10]) return { p, x: t };
    p = { seq: t[0], hash: t[10] };
  }
  return undefined;
}

/** How far a renumbered entry is looked for (seq ± this). */
const MAX_SHIFT = 16;

function plural(n: number, one: string, many: string): string {
  return n === 1 ? one : many;
}

/** By how much x's seq was shifted from the one its hash was made with (within MAX_SHIFT). */
function shiftOf(x: AuditTuple): number | undefined {
  for (let d = 1; d <= MAX_SHIFT; d++) {
    if (hashTuple(x, x[0] + d) === x[10]) return d;
    if (x[0] - d >= 1 && hashTuple(x, x[0] - d) === x[10]) return -d;
  }
  return undefined;
}

/** Name what happened at x, the first entry that does not follow p. */
export function diagnose(lookup: RowLookup, p: Link, x: AuditTuple): AuditProblem {
  const expSeq = p.seq + 1;
  const seq = x[0];
  const selfOk = hashTuple(x) === x[10];
  const linkOk = x[9] === p.hash;
  // The entry that really followed p, if it still exists somewhere.
  const follower = linkOk ? undefined : lookup.byPrevHash(p.hash);
  const followerMoved =
    follower !== undefined && follower[0] !== seq && hashTuple(follower, expSeq) === follower[10];

  if (seq > expSeq) {
    if (followerMoved)
      return {
        seq: expSeq,
        kind: 'modified',
        message: `entry ${expSeq} was modified: its seq was changed to ${follower[0]}`,
      };
    if (selfOk && linkOk)
      return {
        seq,
        kind: 'modified',
        message: `entry ${seq} was renumbered from ${expSeq} and re-hashed`,
      };
    const n = seq - expSeq;
    return {
      seq: expSeq,
      kind: 'deleted',
      message:
        plural(n, `entry ${expSeq} was deleted`, `entries ${expSeq}-${seq - 1} were deleted`) +
        ` (the chain jumps from ${p.seq} to ${seq})`,
    };
  }

  if (selfOk) {
    // Its own hash is right but it does not follow p. If the next entry follows it, x is genuine
    // and p was rewritten with a fresh hash; otherwise x was written in by someone.
    const next = lookup.bySeq(seq + 1);
    if (p.seq > 0 && next !== undefined && next[9] === x[10])
      return {
        seq: p.seq,
        kind: 'modified',
        message: `entry ${p.seq} was modified and re-hashed: entry ${seq} recorded a different hash for it`,
      };
    return {
      seq,
      kind: 'inserted',
      message: `entry ${seq} was inserted: its hash is self-consistent but it does not follow entry ${p.seq}`,
    };
  }

  if (followerMoved) {
    const at = follower[0];
    if (hashTuple(x, at) === x[10])
      return {
        seq: expSeq,
        kind: 'reordered',
        message: `entries ${expSeq} and ${at} were swapped`,
      };
    // x itself a genuine entry from further on: entries were shuffled, not added.
    const displaced = shiftOf(x) !== undefined;
    if (at > seq && !displaced) {
      const n = at - expSeq;
      return {
        seq: expSeq,
        kind: 'inserted',
        message: `${plural(n, 'an entry was', `${n} entries were`)} inserted at ${expSeq}; the original entry ${expSeq} now sits at ${at}`,
      };
    }
    return {
      seq: expSeq,
      kind: 'reordered',
      message: `entry ${expSeq} was moved to ${at}`,
    };
  }
  const shift = shiftOf(x);
  if (shift !== undefined) {
    const d = Math.abs(shift);
    if (shift > 0)
      return {
        seq: expSeq,
        kind: 'deleted',
        message: `${plural(d, `entry ${expSeq} was`, `entries ${expSeq}-${expSeq + d - 1} were`)} deleted and later entries renumbered to close the gap`,
      };
    return {
      seq: seq - d,
      kind: 'inserted',
      message: `${plural(d, `entry ${seq - d} was`, `entries ${seq - d}-${seq - 1} were`)} inserted and later entries renumbered (entry ${seq} was ${seq - d})`,
    };
  }
  return {
    seq,
    kind: 'modified',
    message: `entry ${seq} was modified: its fields no longer match its hash`,
  };
}

export type CheckpointSource = 'database' | 'sink file' | 'export';

export interface CheckpointContext {
  publicKey: KeyObject;
  keyId: string;
  /** Last seq present (0 when empty). */
  maxSeq: number;
  /** Checkpoints below this seq are only signature-checked (verify --from). */
  minSeq: number;
  /** The stored hash of entry seq (GENESIS_HASH for 0), undefined when it is missing. */
  hashAt(seq: number): string | undefined;
}

/** Problems one signed checkpoint reveals about the chain (or about itself). */
export function checkCheckpoint(
  cp: Checkpoint,
  source: CheckpointSource,
  ctx: CheckpointContext,
): AuditProblem | undefined {
  if (!checkpointSignatureValid(ctx.publicKey, cp.seq, cp.headHash, cp.ts, cp.signature)) {
    const why =
      cp.keyId === ctx.keyId
        ? 'it was edited'
        : `it names key ${cp.keyId}, not ${ctx.keyId}: edited, or signed by another key`;
    return {
      seq: cp.seq,
      kind: 'checkpoint_mismatch',
      message: `${source} checkpoint at seq ${cp.seq} has a signature that does not verify (${why})`,
    };
  }
  if (cp.seq > ctx.maxSeq) {
    // Appended while this verification ran (a live appliance): not part of what was checked.
    if (ctx.hashAt(cp.seq) !== undefined) return undefined;
    return {
      seq: ctx.maxSeq + 1,
      kind: 'truncated',
      message: `the log ends at seq ${ctx.maxSeq}, but a signed ${source} checkpoint covers seq ${cp.seq}: entries ${ctx.maxSeq + 1}-${cp.seq} were removed`,
    };
  }
  if (cp.seq < ctx.minSeq - 1) return undefined;
  const h = cp.seq === 0 ? GENESIS_HASH : ctx.hashAt(cp.seq);
  // A missing entry is the chain's finding (deleted), reported from the chain itself.
  if (h === undefined || h === cp.headHash) return undefined;
  return {
    seq: cp.seq,
    kind: 'forged',
    message: `entry ${cp.seq} does not match the signed ${source} checkpoint: the log up to ${cp.seq} was rewritten and re-hashed (a forged replacement)`,
  };
}

/** Checkpoints in seq order; of several showing one truncation, the first says it all. */
export function checkAll(
  cps: readonly Checkpoint[],
  source: CheckpointSource,
  ctx: CheckpointContext,
): AuditProblem[] {
  const out: AuditProblem[] = [];
  let truncated = false;
  for (const cp of cps) {
    const p = checkCheckpoint(cp, source, ctx);
    if (!p) continue;
    if (p.kind === 'truncated') {
      if (truncated) continue;
      truncated = true;
    }
    out.push(p);
  }
  return out;
}

const KIND_ORDER: Record<TamperKind, number> = {
  modified: 0,
  deleted: 0,
  inserted: 0,
  reordered: 0,
  truncated: 1,
  forged: 2,
  checkpoint_mismatch: 3,
};

/** Earliest seq first; at one seq, what the chain shows before what checkpoints show. */
export function orderProblems(problems: AuditProblem[]): AuditProblem[] {
  return [...problems].sort((a, b) => a.seq - b.seq || KIND_ORDER[a.kind] - KIND_ORDER[b.kind]);
}
