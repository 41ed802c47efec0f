// Stage 1, intake: the durable door every channel (MLLP, file drop, SFTP, JSON API, REST poller,
// CLI) goes through. Envelopes arriving close together are committed in one transaction (group
// commit): throughput without weakening durability, since each promise resolves only after COMMIT.
import type { AcceptHint, Clock, InboundEnvelope, IntakeResult, IntakeSink } from '../ports.js';

export type CommitFn = (envelopes: readonly InboundEnvelope[], now: number) => (IntakeResult | Error)[];

interface Pending {
  envelope: InboundEnvelope;
  /** How many items this one's producer expects to share a commit with (1 + its peers). */
  expect: number;
  resolve: (r: IntakeResult) => void;
  reject: (e: Error) => void;
}

export interface GroupCommitSink extends IntakeSink {
  /** Resolves when everything queued so far is committed. */
  drain(): Promise<void>;
  /** New envelopes are refused (power policy, shutdown); queued ones still commit. */
  stop(reason: string): void;
  resume(): void;
  readonly stoppedReason: string | undefined;
}

export function createIntakeSink(
  commit: CommitFn,
  clock: Clock,
  options: {
    maxBatch?: number;
    /** Longest a commit waits for busy peers' messages to join it (AcceptHint.peers); default 1 ms. */
    maxGroupWaitMs?: number;
    onCommitted?: (results: IntakeResult[]) => void;
  } = {},
): GroupCommitSink {
  const maxBatch = options.maxBatch ?? 1000;
  const maxGroupWaitMs = options.maxGroupWaitMs ?? 1;
  let waitStarted = 0;
  let queue: Pending[] = [];
  let scheduled = false;
  let stoppedReason: string | undefined;
  let idle: Promise<void> = Promise.resolve();
  let markIdle: () => void = () => undefined;

  /**
   * PostgreSQL's commit_delay, driven by the channels' hints: while fewer items are queued than
   * their producers said were busy, and for at most maxGroupWaitMs, yield to the event loop (socket
   * reads run between immediates) so the rest of the convoy joins this transaction. With one
   * producer (one MLLP connection) nothing ever waits.
   */
  function shouldWait(): boolean {
    let expect = 1;
    for (const p of queue) if (p.expect > expect) expect = p.expect;
    if (queue.length >= Math.min(expect, maxBatch)) return false;
    const now = performance.now();
    if (waitStarted === 0) waitStarted = now;
    return now - waitStarted < maxGroupWaitMs;
  }

  function flush(): void {
    if (stoppedReason === undefined && shouldWait()) {
      setImmediate(flush);
      return;
    }
    waitStarted = 0;
    scheduled = false;
    while (queue.length > 0) {
      const batch = queue.slice(0, maxBatch);
      queue = queue.slice(batch.length);
      let results: (IntakeResult | Error)[];
      try {
        results = commit(
          batch.map((p) => p.envelope),
          clock.now(),
        );
      } catch (err) {
        const e = err instanceof Error ? err : new Error(String(err));
        for (const p of batch) p.reject(e);
        continue;
      }
      const ok: IntakeResult[] = [];
      batch.forEach((p, i) => {
        const r = results[i];
        if (r === undefined) p.reject(new Error('intake commit returned no result'));
        else if (r instanceof Error) p.reject(r);
        else {
          ok.push(r);
          p.resolve(r);
        }
      });
      if (ok.length > 0) options.onCommitted?.(ok);
    }
    markIdle();
  }

  return {
    accept(envelope: InboundEnvelope, hint?: AcceptHint): Promise<IntakeResult> {
      if (stoppedReason !== undefined) return Promise.reject(new Error(`intake stopped: ${stoppedReason}`));
      return new Promise<IntakeResult>((resolve, reject) => {
        queue.push({ envelope, expect: 1 + Math.max(0, hint?.peers ?? 0), resolve, reject });
        if (!scheduled) {
          scheduled = true;
          idle = new Promise<void>((r) => (markIdle = r));
          // setImmediate lets every socket read of this turn join the same transaction.
          setImmediate(flush);
        }
      });
    },
    drain: () => (scheduled ? idle : Promise.resolve()),
    stop(reason: string) {
      stoppedReason = reason;
    },
    resume() {
      stoppedReason = undefined;
    },
    get stoppedReason() {
      return stoppedReason;
    },
  };
}
