import { describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { loadConfig, ConfigError, defaultConfig, EX_CONFIG } from './config.js';

function file(text: string, name = 'claimbox.toml'): string {
  const dir = mkdtempSync(join(tmpdir(), 'cb-cfg-'));
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

function problems(text: string, env: NodeJS.ProcessEnv = {}): { key: string; message: string }[] {
  try {
    loadConfig(file(text), env);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  return [];
}

describe('config', () => {
  it('gives every key a default, when no file exists', () => {
    const c = defaultConfig();
    expect(c.server.port).toBe(8080);
    expect(c.server.host).toBe('127.0.0.1');
    expect(c.intake.mllp.port).toBe(2575);
    expect(c.clearinghouse.transport).toBe('sandbox');
    expect(c.clearinghouse.live).toBe(false);
    expect(loadConfig(undefined, {}).source).toBe('embedded defaults');
  });

  it('reports every problem at once with its key path, when several keys are wrong', () => {
    const p = problems(`
[server]
port = "eighty"
colour = "blue"
[intake.mllp]
max_connections = -1
[practice]
npi = "12345"
`);
    const keys = p.map((x) => x.key);
    expect(keys).toContain('server.port');
    expect(keys).toContain('intake.mllp.max_connections');
    expect(keys).toContain('practice.npi');
    expect(p.find((x) => x.message.includes('colour'))).toBeDefined();
  });

  it('names the file and the line, when the TOML does not parse', () => {
    const p = problems('[server\nport = 1');
    expect(p[0]?.key).toBe('(file)');
    expect(p[0]?.message).toMatch(/cannot read/);
  });

  it('checks rules across keys, when a transport lacks what it needs', () => {
    const p = problems(`[clearinghouse]\ntransport = "rest"\nlive = true`);
    expect(p.map((x) => x.key)).toEqual(
      expect.arrayContaining(['clearinghouse.base_url', 'clearinghouse.account_key']),
    );
  });

  it('lets CLAIMBOX_DATA_DIR and CLAIMBOX__ variables override the file', () => {
    const path = file('[data]\ndir = "/nowhere"\n');
    const { config } = loadConfig(path, { CLAIMBOX_DATA_DIR: '/tmp/x', CLAIMBOX__server__port: '9999' });
    expect(config.data.dir).toBe('/tmp/x');
    expect(config.server.port).toBe(9999);
  });

  it('refuses a secrets file others can read, and merges a private one', () => {
    const secrets = file('[clearinghouse]\naccount_key = "k-123"\n', 'secrets.toml');
    chmodSync(secrets, 0o644);
    const main = join(secrets, '..', 'claimbox.toml');
    writeFileSync(main, `secrets_file = "secrets.toml"\n`);
    expect(() => loadConfig(main, {})).toThrow(/chmod 600/);
    chmodSync(secrets, 0o600);
    expect(loadConfig(main, {}).config.clearinghouse.account_key).toBe('k-123');
  });

  it('makes the CLI exit 78 with the key named, when the config is bad', () => {
    const path = file('[server]\nport = 99999\n');
    const r = spawnSync('./scripts/claimbox', ['serve', '--config', path], {
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(r.status).toBe(EX_CONFIG);
    expect(r.stderr).toMatch(/server\.port/);
  });
});
