import { describe, expect, it } from 'vitest';
import type { InboundEnvelope, IntakeResult } from '../ports.js';
import { createIntakeSink } from './intake.js';

const clock = { now: () => 1000 };
const env = (i: number): InboundEnvelope => ({
  channel: 'mllp',
  sender: 'S',
  controlId: `C${i}`,
  raw: Buffer.from(`m${i}`),
});

/** A commit function that records the batch sizes it was handed. */
function recorder() {
  const batches: number[] = [];
  const commit = (envs: readonly InboundEnvelope[]): IntakeResult[] => {
    batches.push(envs.length);
    return envs.map((_, i) => ({ status: 'accepted', inboundId: i }));
  };
  return { batches, commit };
}

const nextTurn = () => new Promise<void>((r) => setImmediate(r));

describe('group-commit intake sink', () => {
  it('commits what arrives in the same turn together, and resolves only after the commit', async () => {
    const { batches, commit } = recorder();
    const sink = createIntakeSink(commit, clock);
    const results = await Promise.all([1, 2, 3].map((i) => sink.accept(env(i))));
    expect(batches).toEqual([3]);
    expect(results.map((r) => r.status)).toEqual(['accepted', 'accepted', 'accepted']);
  });

  it('never holds a lone producer: without peers each message commits on its own turn', async () => {
    const { batches, commit } = recorder();
    const sink = createIntakeSink(commit, clock);
    const a = sink.accept(env(1));
    await nextTurn();
    await nextTurn();
    const b = sink.accept(env(2));
    await Promise.all([a, b]);
    expect(batches).toEqual([1, 1]);
  });

  it('waits briefly for busy peers so a convoy shares one commit', async () => {
    const { batches, commit } = recorder();
    const sink = createIntakeSink(commit, clock, { maxGroupWaitMs: 50 });
    const a = sink.accept(env(1), { peers: 2 });
    await nextTurn();
    const b = sink.accept(env(2), { peers: 2 });
    await nextTurn();
    const c = sink.accept(env(3), { peers: 2 });
    await Promise.all([a, b, c]);
    expect(batches).toEqual([3]);
  });

  it('commits after the wait runs out when a peer never sends', async () => {
    const { batches, commit } = recorder();
    const sink = createIntakeSink(commit, clock, { maxGroupWaitMs: 5 });
    const r = await sink.accept(env(1), { peers: 7 });
    expect(r.status).toBe('accepted');
    expect(batches).toEqual([1]);
  });
});
