// `claimbox user` through the real CLI entry point: the password comes from stdin, never argv.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../store/open.js';
import { authenticate } from '../store/users.js';
import verb from './user.js';
import { UsageError } from './verb.js';

const repo = resolve(import.meta.dirname, '../..');
let dir: string;

function claimbox(args: string[], input?: string) {
  const { CLAIMBOX_CONFIG: _c, ...inherited } = process.env;
  const env = { ...inherited, CLAIMBOX_DATA_DIR: join(dir, 'data'), SUDO_USER: 'tech' };
  return new Promise<{ code: number; out: string; err: string }>((res) => {
    const child = execFile(join(repo, 'scripts/claimbox'), args, { env, cwd: dir }, (e, out, err) =>
      res({ code: e ? Number(e.code ?? 1) : 0, out, err }),
    );
    child.stdin?.end(input ?? '');
  });
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'claimbox-usercli-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('claimbox user', () => {
  it('add reads the password from stdin, list shows the user, disable blocks sign-in; all audited', async () => {
    const add = await claimbox(['user', 'add', 'maria', '--role', 'admin'], 'a-long-passphrase-1\n');
    expect(add).toMatchObject({ code: 0, out: 'added maria (admin)\n', err: '' });
    expect((await claimbox(['user', 'add', 'bill'], 'another-passphrase\n')).code).toBe(0);

    const list = await claimbox(['user', 'list', '--json']);
    expect(JSON.parse(list.out)).toMatchObject([
      { username: 'bill', role: 'biller', disabled: false },
      { username: 'maria', role: 'admin', disabled: false },
    ]);

    const weak = await claimbox(['user', 'passwd', 'bill'], 'short\n');
    expect(weak.code).toBe(1);
    expect(weak.err).toMatch(/at least 12 characters/);
    expect((await claimbox(['user', 'passwd', 'bill'], 'a-brand-new-passphrase\r\n')).code).toBe(0);
    expect((await claimbox(['user', 'disable', 'bill'])).out).toBe('bill disabled\n');

    const store = openStore(join(dir, 'data', 'claimbox.db'));
    try {
      expect(await authenticate(store, 'bill', 'a-brand-new-passphrase', { now: 1 })).toMatchObject({
        ok: false,
        reason: 'disabled',
      });
      const rows = store.sqlite
        .prepare("SELECT actor, detail FROM audit_log WHERE event = 'RECORD_CHANGED' ORDER BY seq")
        .all() as { actor: string; detail: string }[];
      expect(rows.map((r) => (JSON.parse(r.detail) as { action: string }).action)).toEqual([
        'user_created',
        'user_created',
        'password_changed',
        'user_disabled',
      ]);
      expect(new Set(rows.map((r) => r.actor))).toEqual(new Set(['cli:tech']));
    } finally {
      store.close();
    }
  });

  it('usage errors are UsageErrors (exit 64); there is no password option', async () => {
    for (const argv of [
      [],
      ['add'],
      ['add', 'x', '--role', 'root'],
      ['role', 'x', 'superuser'],
      ['frobnicate', 'x'],
    ])
      await expect(verb.run(argv)).rejects.toBeInstanceOf(UsageError);
    await expect(verb.run(['add', 'eve', '--password', 'hunter2hunter2'])).rejects.toThrow(
      /Unknown option '--password'/,
    );
  });
});
