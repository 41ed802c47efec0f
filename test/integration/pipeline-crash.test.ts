import { describe, expect, it } from 'vitest';
import { expectAuditChainIntact } from '../helpers/audit-chain.js';
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore } from '../../appliance/store/open.js';

const CHILD = join(import.meta.dirname, '../helpers/pipeline-child.ts');

function runChild(dataDir: string, count: number, killAfterLines?: number): Promise<'done' | 'killed'> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD, dataDir, String(count)], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let lines = 0;
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.stdout.on('data', (d: Buffer) => {
      lines += d.toString().split('\n').filter(Boolean).length;
      if (killAfterLines !== undefined && lines >= killAfterLines) child.kill('SIGKILL');
    });
    child.on('exit', (code, signal) => {
      if (signal === 'SIGKILL') resolve('killed');
      else if (code === 0) resolve('done');
      else reject(new Error(`child exited ${code}: ${stderr.slice(-2000)}`));
    });
  });
}

describe('pipeline runner', () => {
  it('lands every encounter exactly once when killed mid-stage and restarted', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cb-crash-'));
    const count = 600;
    // Kill it several times at different points (after 1, 3 and 5 progress lines), then let it finish.
    for (const at of [1, 3, 5]) await runChild(dir, count, at);
    expect(await runChild(dir, count)).toBe('done');

    const store = openStore(join(dir, 'claimbox.db'));
    const q = (sql: string) => store.sqlite.prepare(sql).pluck().get() as number;
    expect(q('SELECT count(*) FROM inbound_messages')).toBe(count);
    expect(q('SELECT count(*) FROM encounters')).toBe(count);
    expect(q("SELECT count(*) FROM encounters WHERE status = 'claimed'")).toBe(count);
    expect(q("SELECT count(*) FROM claims WHERE status = 'ready'")).toBe(count);
    expect(
      q('SELECT count(*) FROM (SELECT encounter_id FROM claims GROUP BY encounter_id HAVING count(*) > 1)'),
    ).toBe(0);
    expect(q('SELECT count(*) FROM charge_items')).toBe(count);
    expect(q("SELECT count(*) FROM audit_log WHERE event = 'ENCOUNTER_RECEIVED'")).toBe(count);
    expect(q("SELECT count(*) FROM audit_log WHERE event = 'CLAIM_CREATED'")).toBe(count);

    // The audit chain stayed intact across the kills.
    expectAuditChainIntact(store);
    store.close();
  });
});
