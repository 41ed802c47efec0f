// `claimbox audit ...` end to end: the real CLI in a child process against a real chain.
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildAuditFixture, tamper, type AuditFixture } from './audit-fixture.js';

const root = join(import.meta.dirname, '..', '..');
let fx: AuditFixture;
let config: string;

function writeConfig(name: string, dataDir: string): string {
  const path = join(fx.dir, `${name}.toml`);
  writeFileSync(
    path,
    [
      '[data]',
      `dir = ${JSON.stringify(dataDir)}`,
      '[audit]',
      `key_file = ${JSON.stringify(fx.keyFile)}`,
      `sink_file = ${JSON.stringify(fx.sinkFile)}`,
      'syslog = false',
      '',
    ].join('\n'),
  );
  return path;
}

function claimbox(...args: string[]) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'appliance/cli.ts', 'audit', ...args], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, CLAIMBOX_CONFIG: '', CLAIMBOX_DATA_DIR: '' },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

beforeAll(() => {
  fx = buildAuditFixture(1200, 100, 50);
  config = writeConfig('claimbox', join(fx.dir, 'data'));
});

describe('claimbox audit', () => {
  it('verify, exits 0 and says intact, untouched log', () => {
    const r = claimbox('verify', '--config', config);
    expect(r.stderr).toContain('verified 1,200 entries');
    expect(r.stdout).toContain('audit log intact: 1200 entries');
    expect(r.code).toBe(0);
  });

  it('verify, exits 2 naming the first bad entry and what happened, deleted entry', () => {
    const dataDir = join(fx.dir, 'tampered');
    mkdirSync(dataDir);
    copyFileSync(fx.dbPath, join(dataDir, 'claimbox.db'));
    tamper(join(dataDir, 'claimbox.db'), (db) => db.prepare('DELETE FROM audit_log WHERE seq = 457').run());
    const r = claimbox('verify', '--config', writeConfig('tampered', dataDir), '--json');
    expect(r.code).toBe(2);
    expect(JSON.parse(r.stdout).firstBad).toMatchObject({ seq: 457, kind: 'deleted' });
    const plain = claimbox('verify', '--config', writeConfig('tampered', dataDir));
    expect(plain.stdout).toMatch(/first bad entry seq 457: deleted/);
  });

  it('export then verify --file, exits 0 offline, range with checkpoints', () => {
    const out = join(fx.dir, 'range.jsonl');
    const e = claimbox('export', '--config', config, '--from', '101', '--to', '500', '--out', out);
    expect(e.code).toBe(0);
    const lines = readFileSync(out, 'utf8').trim().split('\n');
    expect(lines.filter((l) => l.includes('"type":"entry"'))).toHaveLength(400);
    const pub = join(fx.dir, 'audit-public.pem');
    const k = claimbox('public-key', '--config', config);
    expect(k.stdout).toContain('BEGIN PUBLIC KEY');
    writeFileSync(pub, k.stdout);
    const v = claimbox('verify', '--config', config, '--file', out, '--public-key', pub);
    expect(v.stdout).toContain('audit log intact: 400 entries');
    expect(v.code).toBe(0);
  });

  it('report, counts by event type with failures and first and last time, one quarter', () => {
    const r = claimbox('report', '--config', config, '--quarter', '2026Q4', '--json');
    expect(r.code).toBe(0);
    const rep = JSON.parse(r.stdout);
    expect(rep.total).toBe(1200);
    expect(rep.failures).toBe(93);
    expect(rep.byEvent.length).toBeGreaterThan(10);
    expect(rep.first.time).toBe('2026-10-01T08:01:00.000Z');
    expect(claimbox('report', '--config', config, '--quarter', '2027Q1', '--json').stdout).toContain(
      '"total": 0',
    );
  });

  it('help and a bad subcommand, usage exit 64', () => {
    expect(claimbox('--help').stdout).toContain('audit <verify|export|report|checkpoint|public-key>');
    expect(claimbox('frobnicate', '--config', config).code).toBe(64);
  });
});
