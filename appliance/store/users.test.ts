import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openStore, type Store } from './open.js';
import {
  authenticate,
  countUsers,
  createUser,
  findUser,
  hashPassword,
  listUsers,
  roleAtLeast,
  setDisabled,
  setPassword,
  setRole,
  UserError,
  verifyPassword,
  type ScryptParams,
} from './users.js';

/** Cheap parameters keep the suite fast; production uses DEFAULT_SCRYPT (stored in each hash). */
const FAST: ScryptParams = { N: 1 << 10, r: 8, p: 1 };
const ctx = { actor: 'cli:root', now: 1_700_000_000_000 };

let dir: string;
let store: Store;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'claimbox-users-'));
  store = openStore(join(dir, 'claimbox.db'));
});
afterEach(() => {
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

function auditRows() {
  return store.sqlite
    .prepare('SELECT actor, event, entity_id, detail, source, outcome FROM audit_log ORDER BY seq')
    .all() as {
    actor: string;
    event: string;
    entity_id: string | null;
    detail: string;
    source: string | null;
    outcome: string;
  }[];
}

describe('password hashing', () => {
  it('verifies the right password and refuses a wrong one, salt differs per hash', async () => {
    const a = await hashPassword('correct horse battery', FAST);
    const b = await hashPassword('correct horse battery', FAST);
    expect(a).not.toBe(b);
    expect(a.startsWith('scrypt$1024$8$1$')).toBe(true);
    expect(await verifyPassword('correct horse battery', a)).toBe(true);
    expect(await verifyPassword('correct horse batterx', a)).toBe(false);
  });

  it('refuses malformed stored hashes without throwing', async () => {
    for (const bad of ['', 'plain', 'scrypt$x$8$1$AAAA$AAAA', 'bcrypt$1$2$3$4$5', 'scrypt$1024$8$1$AAAA$'])
      expect(await verifyPassword('whatever-long-enough', bad)).toBe(false);
  });
});

describe('user repository', () => {
  it('creates a user and audits RECORD_CHANGED without the password', async () => {
    const u = await createUser(
      store,
      { username: 'alice', password: 'Tr0ub4dor&3-long', role: 'admin' },
      ctx,
      { scrypt: FAST },
    );
    expect(u).toMatchObject({ username: 'alice', role: 'admin', disabled: false });
    expect(countUsers(store)).toBe(1);
    const rows = auditRows();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ actor: 'cli:root', event: 'RECORD_CHANGED', entity_id: String(u.id) });
    expect(rows[0]!.detail).not.toContain('Tr0ub4dor');
  });

  it('rejects duplicate names, bad names and weak passwords', async () => {
    await createUser(store, { username: 'bob', password: 'a-long-passphrase', role: 'biller' }, ctx, {
      scrypt: FAST,
    });
    const attempts: [string, string, string][] = [
      ['bob', 'another-long-passphrase', 'exists'],
      ['Bob Smith', 'another-long-passphrase', 'invalid_username'],
      ['carol', 'short', 'weak_password'],
      ['carol', 'xxcarolxxxxxxxxx', 'weak_password'],
      ['carol', 'aaaaaaaaaaaaaaaa', 'weak_password'],
    ];
    for (const [username, password, code] of attempts) {
      const err = await createUser(store, { username, password, role: 'viewer' }, ctx, {
        scrypt: FAST,
      }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(UserError);
      expect((err as UserError).code).toBe(code);
    }
    expect(listUsers(store).map((u) => u.username)).toEqual(['bob']);
  });

  it('first-run creation refuses once a user exists', async () => {
    await createUser(store, { username: 'first', password: 'opening-passphrase', role: 'admin' }, ctx, {
      scrypt: FAST,
      onlyIfNoUsers: true,
    });
    await expect(
      createUser(store, { username: 'second', password: 'another-passphrase', role: 'admin' }, ctx, {
        scrypt: FAST,
        onlyIfNoUsers: true,
      }),
    ).rejects.toThrow(/setup is closed/);
  });

  it('changes password, disables and re-enables, each audited', async () => {
    await createUser(store, { username: 'dana', password: 'first-passphrase', role: 'admin' }, ctx, {
      scrypt: FAST,
    });
    await createUser(store, { username: 'erin', password: 'first-passphrase', role: 'admin' }, ctx, {
      scrypt: FAST,
    });
    await setPassword(store, 'dana', 'second-passphrase', ctx, { scrypt: FAST });
    expect((await authenticate(store, 'dana', 'first-passphrase', { now: 1 })).ok).toBe(false);
    expect((await authenticate(store, 'dana', 'second-passphrase', { now: 2 })).ok).toBe(true);
    setDisabled(store, 'dana', true, ctx);
    expect(findUser(store, 'dana')?.disabled).toBe(true);
    expect(await authenticate(store, 'dana', 'second-passphrase', { now: 3 })).toMatchObject({
      ok: false,
      reason: 'disabled',
    });
    setDisabled(store, 'dana', false, ctx);
    setRole(store, 'dana', 'viewer', ctx);
    const details = auditRows()
      .filter((r) => r.event === 'RECORD_CHANGED')
      .map((r) => (JSON.parse(r.detail) as { action: string }).action);
    expect(details).toEqual([
      'user_created',
      'user_created',
      'password_changed',
      'user_disabled',
      'user_enabled',
      'role_changed',
    ]);
  });

  it('refuses to disable or demote the last active admin', async () => {
    await createUser(store, { username: 'solo', password: 'lonely-passphrase', role: 'admin' }, ctx, {
      scrypt: FAST,
    });
    expect(() => setDisabled(store, 'solo', true, ctx)).toThrow(/last active admin/);
    expect(() => setRole(store, 'solo', 'biller', ctx)).toThrow(/last active admin/);
    expect(() => setDisabled(store, 'nobody', true, ctx)).toThrow(/no user nobody/);
  });

  it('authenticate audits LOGIN and LOGIN_FAILED with source address, never the typed name of an unknown user', async () => {
    await createUser(store, { username: 'fay', password: 'meadow-passphrase-1', role: 'biller' }, ctx, {
      scrypt: FAST,
    });
    const src = { now: 5, sourceAddress: '192.0.2.7' };
    expect((await authenticate(store, 'fay', 'meadow-passphrase-1', src)).ok).toBe(true);
    expect(await authenticate(store, 'fay', 'wrong-passphrase', src)).toMatchObject({
      reason: 'bad_password',
    });
    expect(await authenticate(store, 'hunter2hunter2', 'x', src)).toMatchObject({ reason: 'unknown_user' });
    const rows = auditRows().filter((r) => r.event.startsWith('LOGIN'));
    expect(rows.map((r) => [r.event, r.actor, r.source, r.outcome])).toEqual([
      ['LOGIN', 'user:fay', '192.0.2.7', 'success'],
      ['LOGIN_FAILED', 'user:fay', '192.0.2.7', 'failure'],
      ['LOGIN_FAILED', 'anonymous', '192.0.2.7', 'failure'],
    ]);
    expect(JSON.stringify(rows)).not.toContain('hunter2');
  });

  it('roles rank admin over biller over viewer', () => {
    expect(roleAtLeast('admin', 'biller')).toBe(true);
    expect(roleAtLeast('biller', 'biller')).toBe(true);
    expect(roleAtLeast('viewer', 'biller')).toBe(false);
  });
});
