// Exactly once across crashes: a 1,000-message batch over MLLP to a listener that is killed with
// SIGKILL at random points and restarted; the client resends whatever it has no ACK for (as an EHR
// interface engine does). Every message must be stored exactly once.
import { describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MllpClient } from '../../integrations/hl7/mllp.js';
import { readAck } from '../../integrations/hl7/ack.js';
import { sampleDft } from '../../integrations/hl7/sample.js';
import { openStore } from '../../appliance/store/open.js';

const child = fileURLToPath(new URL('../helpers/mllp-child.ts', import.meta.url));

function start(db: string): Promise<{ proc: ChildProcess; port: number }> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, ['--import', 'tsx', child, db], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    proc.stdout.on('data', (b: Buffer) => {
      out += b.toString();
      const m = /PORT (\d+)/.exec(out);
      if (m) resolve({ proc, port: Number(m[1]) });
    });
    proc.once('exit', (code) => reject(new Error(`child exited early (${code})`)));
  });
}

/** Deterministic pseudo-random numbers, so a failure can be replayed. */
function rng(seed: number) {
  let s = seed >>> 0;
  return () => (s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32;
}

describe('MLLP exactly once across kill -9', () => {
  it('lands every one of 1,000 messages exactly once, when the listener is killed at random points and restarted', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'claimbox-kill-'));
    const db = join(dir, 'intake.sqlite');
    const total = 1000;
    const messages = Array.from({ length: total }, (_, i) => sampleDft({ index: i, controlId: `KILL${i}` }));
    const acked = new Set<number>();
    const random = rng(20260301);
    let kills = 0;
    const mismatched: number[] = [];
    for (let round = 0; acked.size < total && round < 30; round++) {
      const { proc, port } = await start(db);
      const killAfter = round < 5 ? 20 + Math.floor(random() * 200) : Infinity;
      const pending = [...Array(total).keys()].filter((i) => !acked.has(i));
      const client = await MllpClient.connect(port);
      let ackedThisRound = 0;
      // A window of 16 in flight: kills land between commit and ACK, too.
      let next = 0;
      const worker = async () => {
        while (next < pending.length) {
          const i = pending[next++]!;
          const ack = readAck(await client.send(messages[i]!));
          if (ack.controlId !== `KILL${i}`) mismatched.push(i);
          if (ack.code === 'AA') acked.add(i);
          if (++ackedThisRound === killAfter) {
            kills++;
            proc.kill('SIGKILL');
          }
        }
      };
      await Promise.allSettled(Array.from({ length: 16 }, worker));
      client.destroy();
      if (proc.exitCode === null && proc.signalCode === null) {
        const exited = new Promise((r) => proc.once('exit', r));
        proc.kill('SIGKILL');
        await exited;
      }
    }
    expect(kills).toBe(5);
    expect(mismatched).toEqual([]);
    expect(acked.size).toBe(total);
    const store = openStore(db);
    const rows = store.sqlite
      .prepare(
        "SELECT control_id AS id, count(*) AS n FROM inbound_messages WHERE control_id LIKE 'KILL%' GROUP BY control_id",
      )
      .all() as { id: string; n: number }[];
    store.close();
    expect(rows).toHaveLength(total);
    expect(rows.filter((r) => r.n !== 1)).toEqual([]);
    rmSync(dir, { recursive: true, force: true });
  });
});
