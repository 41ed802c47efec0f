// scripts/install.sh and uninstall.sh run for real under a temporary --prefix (which skips user
// creation and systemctl), then the installed CLI is used against the installed config.
import { execFile, spawnSync } from 'node:child_process';
import {
  appendFileSync,
  existsSync,
  lstatSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../appliance/config.js';

const repo = resolve(import.meta.dirname, '../..');
const install = join(repo, 'scripts/install.sh');
const uninstall = join(repo, 'scripts/uninstall.sh');

function sh(cmd: string, args: string[], opts: { env?: NodeJS.ProcessEnv; input?: string } = {}) {
  return new Promise<{ code: number; out: string; err: string }>((res) => {
    const child = execFile(cmd, args, { env: opts.env ?? process.env }, (e, out, err) =>
      res({ code: e ? Number(e.code ?? 1) : 0, out, err }),
    );
    if (opts.input !== undefined) child.stdin?.end(opts.input);
  });
}

const mode = (p: string) => statSync(p).mode & 0o777;

describe('install.sh --dry-run', () => {
  it('prints every step and changes nothing', async () => {
    const root = join(mkdtempSync(join(tmpdir(), 'claimbox-dry-')), 'root');
    const r = await sh(install, ['--dry-run', '--prefix', root]);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    for (const expected of [
      'dry run: nothing will be changed',
      `${root}/opt/claimbox`,
      'npm ci --omit=dev',
      `ln -sfn ${root}/opt/claimbox/scripts/claimbox ${root}/usr/local/bin/claimbox`,
      `chmod 0750 ${root}/var/lib/claimbox`,
      `write ${root}/etc/claimbox/claimbox.toml (0640)`,
      `write ${root}/etc/claimbox/secrets.toml (0600)`,
      `systemd/claimbox.service ${root}/etc/systemd/system/`,
      'systemd/claimbox-backup.timer',
      'skipping systemctl',
      'skipping the claimbox system user',
    ])
      expect(r.out).toContain(expected);
    expect(existsSync(root)).toBe(false);
  });

  it('rejects an unknown option with usage (64)', async () => {
    const r = await sh(install, ['--frobnicate']);
    expect(r.code).toBe(64);
    expect(r.err).toMatch(/usage: scripts\/install.sh/);
  });
});

describe('install.sh --prefix (real run)', () => {
  let base: string;
  let root: string;
  let first: { code: number; out: string; err: string };
  beforeAll(async () => {
    base = mkdtempSync(join(tmpdir(), 'claimbox-install-'));
    root = join(base, 'root');
    first = await sh(install, ['--prefix', root, '--skip-npm']);
  });
  afterAll(() => rmSync(base, { recursive: true, force: true }));

  it('produces the expected tree with the expected modes', () => {
    expect(first.err).toBe('');
    expect(first.code).toBe(0);
    const app = join(root, 'opt/claimbox');
    for (const f of ['package.json', 'package-lock.json', 'appliance/cli.ts', 'scripts/claimbox', 'VERSION'])
      expect(existsSync(join(app, f))).toBe(true);
    for (const absent of ['data', 'node_modules', '.git']) expect(existsSync(join(app, absent))).toBe(false);
    expect(readdirSync(join(root, 'opt'))).toEqual(['claimbox']);
    const bin = join(root, 'usr/local/bin/claimbox');
    expect(lstatSync(bin).isSymbolicLink()).toBe(true);
    expect(readlinkSync(bin)).toBe(join(app, 'scripts/claimbox'));
    expect(mode(join(root, 'var/lib/claimbox'))).toBe(0o750);
    expect(mode(join(root, 'var/lib/claimbox/backups'))).toBe(0o700);
    expect(mode(join(root, 'etc/claimbox'))).toBe(0o750);
    expect(mode(join(root, 'etc/claimbox/claimbox.toml'))).toBe(0o640);
    expect(mode(join(root, 'etc/claimbox/secrets.toml'))).toBe(0o600);
    for (const u of ['claimbox.service', 'claimbox-backup.service', 'claimbox-backup.timer'])
      expect(mode(join(root, 'etc/systemd/system', u))).toBe(0o644);
    if (existsSync(join(root, 'etc/claimbox/tls/claimbox.key')))
      expect(mode(join(root, 'etc/claimbox/tls/claimbox.key'))).toBe(0o600);
  });

  it('writes a config that loads, with the installed paths and the secrets file', () => {
    const file = join(root, 'etc/claimbox/claimbox.toml');
    const { config } = loadConfig(file, {});
    const data = join(root, 'var/lib/claimbox');
    expect(config.data.dir).toBe(data);
    expect(config.data.backup_dir).toBe(join(data, 'backups'));
    expect(config.audit.key_file).toBe(join(data, 'audit-key.pem'));
    expect(config.audit.sink_file).toBe(join(data, 'audit-checkpoints.jsonl'));
    expect(config.intake.mllp.host).toBe('0.0.0.0');
    expect(config.secrets_file).toBe('secrets.toml');
    if (config.server.tls_cert) {
      expect(config.server).toMatchObject({ host: '0.0.0.0', port: 8443 });
      expect(existsSync(config.server.tls_cert)).toBe(true);
      expect(first.out).toMatch(/Admin page: {2}https:\/\/[^:]+:8443\//);
    }
    expect(first.out).toContain('claimbox user add NAME --role admin');
  });

  it('installs units that systemd-analyze verify accepts, pointing into the prefix', () => {
    const unit = readFileSync(join(root, 'etc/systemd/system/claimbox.service'), 'utf8');
    expect(unit).toContain(`ExecStart=${root}/usr/local/bin/claimbox serve`);
    expect(unit).toContain(`CLAIMBOX_CONFIG=${root}/etc/claimbox/claimbox.toml`);
    expect(unit).toMatch(/^User=claimbox$/m);
    const analyze = spawnSync('systemd-analyze', ['--version']);
    if (analyze.error) return; // not installed here: the tree checks above still ran
    const units = ['claimbox.service', 'claimbox-backup.service', 'claimbox-backup.timer'].map((u) =>
      join(root, 'etc/systemd/system', u),
    );
    const v = spawnSync('systemd-analyze', ['verify', ...units], { encoding: 'utf8' });
    expect(v.stderr.trim()).toBe('');
    expect(v.status).toBe(0);
  });

  it('the installed claimbox command works against the installed config', async () => {
    // --skip-npm left node_modules out; borrow the repo's so the installed tree can run.
    symlinkSync(join(repo, 'node_modules'), join(root, 'opt/claimbox/node_modules'));
    const { CLAIMBOX_DATA_DIR: _drop, ...inherited } = process.env;
    const env = { ...inherited, CLAIMBOX_CONFIG: join(root, 'etc/claimbox/claimbox.toml') };
    const bin = join(root, 'usr/local/bin/claimbox');
    const add = await sh(bin, ['user', 'add', 'maria', '--role', 'admin'], {
      env,
      input: 'a-long-passphrase-1\n',
    });
    expect(add.err).toBe('');
    expect(add.out).toBe('added maria (admin)\n');
    const db = join(root, 'var/lib/claimbox/claimbox.db');
    expect(mode(db)).toBe(0o600);
    const backup = await sh(bin, ['backup'], { env });
    expect(backup.code).toBe(0);
    expect(readdirSync(join(root, 'var/lib/claimbox/backups')).some((n) => n.endsWith('.sha256'))).toBe(true);
  });

  it('re-running upgrades the app and keeps config, secrets and data', async () => {
    const cfg = join(root, 'etc/claimbox/claimbox.toml');
    appendFileSync(cfg, '# technician edit\n');
    writeFileSync(join(root, 'etc/claimbox/secrets.toml'), '# kept secret\n', { mode: 0o600 });
    writeFileSync(join(root, 'opt/claimbox/STALE'), 'from the old version');
    const again = await sh(install, ['--prefix', root, '--skip-npm']);
    expect(again.code).toBe(0);
    expect(again.out).toContain('keeping existing config');
    expect(again.out).toContain('keeping existing secrets');
    expect(readFileSync(cfg, 'utf8')).toMatch(/# technician edit\n$/);
    expect(readFileSync(join(root, 'etc/claimbox/secrets.toml'), 'utf8')).toBe('# kept secret\n');
    expect(existsSync(join(root, 'var/lib/claimbox/claimbox.db'))).toBe(true);
    expect(existsSync(join(root, 'opt/claimbox/STALE'))).toBe(false);
    expect(readdirSync(join(root, 'opt'))).toEqual(['claimbox']);
  });

  it('uninstall keeps config and data; --purge removes them', async () => {
    const keep = await sh(uninstall, ['--prefix', root]);
    expect(keep.code).toBe(0);
    expect(existsSync(join(root, 'opt/claimbox'))).toBe(false);
    expect(existsSync(join(root, 'usr/local/bin/claimbox'))).toBe(false);
    expect(existsSync(join(root, 'etc/systemd/system/claimbox.service'))).toBe(false);
    expect(existsSync(join(root, 'etc/claimbox/claimbox.toml'))).toBe(true);
    expect(existsSync(join(root, 'var/lib/claimbox/claimbox.db'))).toBe(true);
    const refused = await sh(uninstall, ['--prefix', root, '--purge'], { input: '' });
    expect(refused.code).toBe(1);
    expect(existsSync(join(root, 'var/lib/claimbox/claimbox.db'))).toBe(true);
    const purge = await sh(uninstall, ['--prefix', root, '--purge', '--yes']);
    expect(purge.code).toBe(0);
    expect(existsSync(join(root, 'var/lib/claimbox'))).toBe(false);
    expect(existsSync(join(root, 'etc/claimbox'))).toBe(false);
  });
});
