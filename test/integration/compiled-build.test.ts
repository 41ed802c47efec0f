// The compiled build (scripts/build.ts → plain JavaScript that `claimbox serve` runs on bare Node)
// behaves like the sources: migrations and sample tables found beside the code, the demo pipeline
// runs, /health answers, and the audit verifier's worker threads load the .js worker.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../helpers/ports.js';

const root = join(import.meta.dirname, '..', '..');
// Inside the tree, so the compiled modules resolve node_modules as an install does.
const out = mkdtempSync(join(root, '.tmp-build-'));
const work = mkdtempSync(join(tmpdir(), 'claimbox-build-'));

beforeAll(() => {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/build.ts', '--out', out], {
    cwd: root,
    encoding: 'utf8',
  });
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
}, 60_000);

afterAll(() => {
  rmSync(out, { recursive: true, force: true });
  rmSync(work, { recursive: true, force: true });
});

function cli(args: string[]) {
  return spawnSync(process.execPath, [join(out, 'appliance/cli.js'), ...args], {
    cwd: work,
    encoding: 'utf8',
    env: { ...process.env, CLAIMBOX_CONFIG: '', CLAIMBOX_DATA_DIR: join(work, 'demo-data') },
    timeout: 60_000,
  });
}

describe('compiled build', () => {
  it('claimbox demo runs the whole pipeline from the compiled modules, with the shipped tables', () => {
    const r = cli(['demo', '--encounters', '20', '--out', join(work, 'demo')]);
    expect(r.stderr).not.toMatch(/Error/);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/20 encounters/);
  }, 60_000);

  it('claimbox serve answers /health from the compiled modules and stops cleanly on SIGTERM', async () => {
    const port = await freePort();
    const child = spawn(process.execPath, [join(out, 'appliance/cli.js'), 'serve'], {
      cwd: work,
      env: {
        ...process.env,
        CLAIMBOX_CONFIG: '',
        CLAIMBOX_DATA_DIR: join(work, 'serve-data'),
        CLAIMBOX__server__port: String(port),
        CLAIMBOX__intake__mllp__port: String(await freePort()),
        CLAIMBOX__sandbox__port: String(await freePort()),
        CLAIMBOX__log__level: 'warn',
      },
      stdio: 'ignore',
    });
    try {
      let status = 0;
      for (let i = 0; i < 300 && status === 0; i++) {
        status = await fetch(`http://127.0.0.1:${port}/health`).then(
          (r) => r.status,
          () => 0,
        );
        if (status === 0) await new Promise((r) => setTimeout(r, 100));
      }
      expect(status).toBe(200);
    } finally {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
    }
  }, 60_000);

  it('the audit verifier runs its worker threads from the compiled worker module', () => {
    // The chain `serve` wrote above (start-up entries and checkpoints), in chunks of two, verified
    // by bare Node (no tsx hooks, as in production) so a worker that cannot load fails here.
    const dataDir = join(work, 'serve-data');
    const script = `
      const { verifyAudit } = await import(${JSON.stringify(pathToFileURL(join(out, 'appliance/audit/verify.js')).href)});
      const { readSigningKey } = await import(${JSON.stringify(pathToFileURL(join(out, 'appliance/audit/keys.js')).href)});
      const r = await verifyAudit({
        dbPath: ${JSON.stringify(join(dataDir, 'claimbox.db'))},
        publicKey: readSigningKey(${JSON.stringify(join(dataDir, 'audit-key.pem'))}).publicKey,
        sinkFile: ${JSON.stringify(join(dataDir, 'audit-checkpoints.jsonl'))},
        workers: 1,
        chunkSize: 2,
      });
      console.log(JSON.stringify({ ok: r.ok, entries: r.entries, workersUsed: r.workersUsed, warnings: r.warnings, problems: r.problems }));`;
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    const result = JSON.parse(r.stdout) as {
      ok: boolean;
      entries: number;
      workersUsed: number;
      warnings: string[];
    };
    expect(result.warnings).toEqual([]);
    expect(result.workersUsed).toBe(1);
    expect(result.entries).toBeGreaterThan(2);
    expect(result.ok).toBe(true);
  });
});
