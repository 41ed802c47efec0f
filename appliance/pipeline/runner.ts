// The runner: drives the stages in order over durable state. Loops never die: a stage that throws
// is logged and backed off; an item that fails is retried per item by its stage. Because every
// transition is one transaction, a crash at any instant resumes from the last commit.
import type { Clock } from '../ports.js';
import type { Stage, StageLogger } from './stage.js';

export interface Runner {
  start(): void;
  /** Finish the pass in flight, then stop. */
  stop(): Promise<void>;
  /** Wake the loop now (new intake). */
  kick(): void;
  /** Run passes until no stage finds work (tests, demo, bench). */
  runUntilIdle(maxPasses?: number): Promise<number>;
  readonly lastError: { stage: string; message: string; at: number } | undefined;
}

export function createRunner(
  stages: readonly Stage[],
  opts: { clock: Clock; logger: StageLogger; idleMs: number },
): Runner {
  let running = false;
  let loop: Promise<void> | undefined;
  let wake: (() => void) | undefined;
  let lastError: Runner['lastError'];
  const stageBackoff = new Map<string, number>();

  async function pass(): Promise<number> {
    let total = 0;
    for (const stage of stages) {
      const now = opts.clock.now();
      if ((stageBackoff.get(stage.name) ?? 0) > now) continue;
      try {
        total += await stage.run(now);
        stageBackoff.delete(stage.name);
      } catch (err) {
        const message = err instanceof Error ? err.message : String(err);
        lastError = { stage: stage.name, message, at: now };
        opts.logger.error({ stage: stage.name, err: message }, 'stage failed; backing off');
        stageBackoff.set(stage.name, now + Math.min(60_000, opts.idleMs * 10));
      }
    }
    return total;
  }

  function sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const t = setTimeout(() => {
        wake = undefined;
        resolve();
      }, ms);
      wake = () => {
        clearTimeout(t);
        wake = undefined;
        resolve();
      };
    });
  }

  async function run(): Promise<void> {
    while (running) {
      const n = await pass();
      if (n === 0 && running) await sleep(opts.idleMs);
    }
  }

  return {
    start() {
      if (running) return;
      running = true;
      loop = run();
    },
    async stop() {
      running = false;
      wake?.();
      await loop;
    },
    kick() {
      wake?.();
    },
    async runUntilIdle(maxPasses = 10_000) {
      let total = 0;
      for (let i = 0; i < maxPasses; i++) {
        const n = await pass();
        total += n;
        if (n === 0) break;
      }
      return total;
    },
    get lastError() {
      return lastError;
    },
  };
}
