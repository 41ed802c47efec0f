// People who sign in to the admin page, and their passwords. HIPAA §164.312(a)(2)(i) asks for a
// unique user identification and §164.312(d) for person authentication; every change here is an
// audit entry committed in the same transaction as the change (issue 6 "Same transaction").
import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import { asc, eq, sql } from 'drizzle-orm';
import { appendAudit } from '../audit/log.js';
import type { Store } from './open.js';
import { users } from './schema.js';

export const ROLES = ['admin', 'biller', 'viewer'] as const;
export type Role = (typeof ROLES)[number];

/** admin ⊃ biller ⊃ viewer: a route that needs `biller` admits admins too. */
const RANK: Record<Role, number> = { viewer: 1, biller: 2, admin: 3 };
export function roleAtLeast(have: Role, need: Role): boolean {
  return RANK[have] >= RANK[need];
}
export function isRole(v: unknown): v is Role {
  return typeof v === 'string' && (ROLES as readonly string[]).includes(v);
}

export interface User {
  id: number;
  username: string;
  role: Role;
  disabled: boolean;
  createdAt: number;
}

/** Who made a change and from where: written into the audit entry. */
export interface ChangeContext {
  /** 'user:<name>', 'cli:<os user>' or 'service:setup'. */
  actor: string;
  now: number;
  sourceAddress?: string;
}

export class UserError extends Error {
  constructor(
    readonly code: 'invalid_username' | 'weak_password' | 'exists' | 'not_found' | 'last_admin',
    message: string,
  ) {
    super(message);
    this.name = 'UserError';
  }
}

// ------------------------------------------------------------------ passwords

export interface ScryptParams {
  N: number;
  r: number;
  p: number;
}
/**
 * N=2^15, r=8, p=1: 32 MiB and roughly 0.1 s per hash on this class of box. The parameters are
 * stored in each hash, so raising them later needs no migration (old hashes still verify).
 */
export const DEFAULT_SCRYPT: ScryptParams = { N: 1 << 15, r: 8, p: 1 };
const KEY_LEN = 32;
const SALT_LEN = 16;
export const MIN_PASSWORD_LENGTH = 12;

function scryptAsync(password: string, salt: Buffer, keylen: number, opts: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scrypt(password.normalize('NFKC'), salt, keylen, opts, (err, key) => (err ? reject(err) : resolve(key))),
  );
}

function maxmem(p: ScryptParams): number {
  return 256 * p.N * p.r + 1024 * 1024;
}

/** `scrypt$N$r$p$<salt b64>$<key b64>` */
export async function hashPassword(password: string, params: ScryptParams = DEFAULT_SCRYPT): Promise<string> {
  const salt = randomBytes(SALT_LEN);
  const key = await scryptAsync(password, salt, KEY_LEN, { ...params, maxmem: maxmem(params) });
  return ['scrypt', params.N, params.r, params.p, salt.toString('base64'), key.toString('base64')].join('$');
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return false;
  const [N, r, p] = [Number(parts[1]), Number(parts[2]), Number(parts[3])];
  if (![N, r, p].every((n) => Number.isInteger(n) && n > 0)) return false;
  const salt = Buffer.from(parts[4] ?? '', 'base64');
  const expected = Buffer.from(parts[5] ?? '', 'base64');
  if (expected.length === 0) return false;
  const params = { N, r, p };
  const key = await scryptAsync(password, salt, expected.length, { ...params, maxmem: maxmem(params) });
  return timingSafeEqual(key, expected);
}

/** A hash that matches no password: verified against when the username is unknown, so the
 *  response time does not tell an attacker which usernames exist. */
let dummyHash: Promise<string> | undefined;
function dummy(): Promise<string> {
  dummyHash ??= hashPassword(randomBytes(16).toString('hex'));
  return dummyHash;
}

const USERNAME = /^[a-z][a-z0-9._-]{1,31}$/;

export function checkUsername(username: string): void {
  if (!USERNAME.test(username))
    throw new UserError(
      'invalid_username',
      'a username is 2-32 characters: lowercase letters, digits, dot, dash, underscore; starting with a letter',
    );
}

/** NIST SP 800-63B §5.1.1.2: length over composition rules; refuse the obvious. */
export function checkPassword(password: string, username: string): void {
  if (password.length < MIN_PASSWORD_LENGTH)
    throw new UserError('weak_password', `a password needs at least ${MIN_PASSWORD_LENGTH} characters`);
  if (password.length > 1024) throw new UserError('weak_password', 'a password is at most 1024 characters');
  if (password.toLowerCase().includes(username.toLowerCase()))
    throw new UserError('weak_password', 'a password must not contain the username');
  if (new Set(password).size < 4)
    throw new UserError('weak_password', 'a password needs more than 3 distinct characters');
}

// ------------------------------------------------------------------ repository

type Row = typeof users.$inferSelect;

function toUser(r: Row): User {
  return {
    id: r.id,
    username: r.username,
    role: isRole(r.role) ? r.role : 'viewer',
    disabled: r.disabled,
    createdAt: r.createdAt,
  };
}

export function countUsers(store: Store): number {
  const row = store.db
    .select({ n: sql<number>`count(*)` })
    .from(users)
    .get();
  return row?.n ?? 0;
}

export function listUsers(store: Store): User[] {
  return store.db.select().from(users).orderBy(asc(users.username)).all().map(toUser);
}

export function findUser(store: Store, username: string): User | undefined {
  const r = store.db.select().from(users).where(eq(users.username, username)).get();
  return r ? toUser(r) : undefined;
}

export function getUserById(store: Store, id: number): User | undefined {
  const r = store.db.select().from(users).where(eq(users.id, id)).get();
  return r ? toUser(r) : undefined;
}

export interface NewUser {
  username: string;
  password: string;
  role: Role;
}

/** Create a user. `onlyIfNoUsers` makes the first-run setup race-free (checked inside the tx). */
export async function createUser(
  store: Store,
  input: NewUser,
  ctx: ChangeContext,
  opts: { onlyIfNoUsers?: boolean; scrypt?: ScryptParams } = {},
): Promise<User> {
  checkUsername(input.username);
  checkPassword(input.password, input.username);
  const passwordHash = await hashPassword(input.password, opts.scrypt);
  return store.tx((db) => {
    if (opts.onlyIfNoUsers && countUsers(store) > 0)
      throw new UserError('exists', 'setup is closed: a user already exists');
    if (db.select({ id: users.id }).from(users).where(eq(users.username, input.username)).get())
      throw new UserError('exists', `user ${input.username} already exists`);
    const row = db
      .insert(users)
      .values({ username: input.username, passwordHash, role: input.role, createdAt: ctx.now })
      .returning()
      .get();
    audit(store, ctx, row.id, { action: 'user_created', username: input.username, role: input.role });
    return toUser(row);
  });
}

export async function setPassword(
  store: Store,
  username: string,
  password: string,
  ctx: ChangeContext,
  opts: { scrypt?: ScryptParams } = {},
): Promise<void> {
  checkPassword(password, username);
  const passwordHash = await hashPassword(password, opts.scrypt);
  store.tx((db) => {
    const row = db.update(users).set({ passwordHash }).where(eq(users.username, username)).returning().get();
    if (!row) throw new UserError('not_found', `no user ${username}`);
    audit(store, ctx, row.id, { action: 'password_changed', username });
  });
}

export function setDisabled(store: Store, username: string, disabled: boolean, ctx: ChangeContext): void {
  store.tx((db) => {
    const before = db.select().from(users).where(eq(users.username, username)).get();
    if (!before) throw new UserError('not_found', `no user ${username}`);
    if (disabled && before.role === 'admin' && !before.disabled && activeAdmins(store) <= 1)
      throw new UserError('last_admin', 'refusing to disable the last active admin');
    db.update(users).set({ disabled }).where(eq(users.id, before.id)).run();
    audit(store, ctx, before.id, { action: disabled ? 'user_disabled' : 'user_enabled', username });
  });
}

export function setRole(store: Store, username: string, role: Role, ctx: ChangeContext): void {
  store.tx((db) => {
    const before = db.select().from(users).where(eq(users.username, username)).get();
    if (!before) throw new UserError('not_found', `no user ${username}`);
    if (before.role === 'admin' && role !== 'admin' && !before.disabled && activeAdmins(store) <= 1)
      throw new UserError('last_admin', 'refusing to demote the last active admin');
    db.update(users).set({ role }).where(eq(users.id, before.id)).run();
    audit(store, ctx, before.id, { action: 'role_changed', username, from: before.role, to: role });
  });
}

function activeAdmins(store: Store): number {
  const row = store.db
    .select({ n: sql<number>`count(*)` })
    .from(users)
    .where(sql`${users.role} = 'admin' AND ${users.disabled} = 0`)
    .get();
  return row?.n ?? 0;
}

function audit(store: Store, ctx: ChangeContext, userId: number, detail: Record<string, unknown>): void {
  appendAudit(
    store,
    [
      {
        event: 'RECORD_CHANGED',
        actor: ctx.actor,
        entityType: 'user',
        entityId: String(userId),
        detail,
        ...(ctx.sourceAddress ? { sourceAddress: ctx.sourceAddress } : {}),
      },
    ],
    ctx.now,
  );
}

// ------------------------------------------------------------------ sign-in

export type AuthFailure = 'unknown_user' | 'bad_password' | 'disabled';
export type AuthResult = { ok: true; user: User } | { ok: false; reason: AuthFailure; user?: User };

/**
 * Check a username and password and audit the outcome (LOGIN / LOGIN_FAILED, with the source
 * address). An unknown username costs the same scrypt as a known one and is audited without the
 * typed name (people type passwords into the username box).
 */
export async function authenticate(
  store: Store,
  username: string,
  password: string,
  ctx: { now: number; sourceAddress?: string },
): Promise<AuthResult> {
  const row = store.db.select().from(users).where(eq(users.username, username)).get();
  const passwordOk = await verifyPassword(password, row?.passwordHash ?? (await dummy()));
  let result: AuthResult;
  if (!row) result = { ok: false, reason: 'unknown_user' };
  else if (!passwordOk) result = { ok: false, reason: 'bad_password', user: toUser(row) };
  else if (row.disabled) result = { ok: false, reason: 'disabled', user: toUser(row) };
  else result = { ok: true, user: toUser(row) };
  store.tx(() =>
    appendAudit(
      store,
      [
        {
          event: result.ok ? 'LOGIN' : 'LOGIN_FAILED',
          actor: row ? `user:${row.username}` : 'anonymous',
          entityType: 'user',
          ...(row ? { entityId: String(row.id) } : {}),
          detail: result.ok ? { method: 'password' } : { method: 'password', reason: result.reason },
          ...(ctx.sourceAddress ? { sourceAddress: ctx.sourceAddress } : {}),
          outcome: result.ok ? 'success' : 'failure',
        },
      ],
      ctx.now,
    ),
  );
  return result;
}

/** A sign-in refused before any password check (rate limit, setup token): audited as LOGIN_FAILED. */
export function auditLoginRefused(
  store: Store,
  ctx: { now: number; sourceAddress?: string },
  detail: Record<string, unknown>,
): void {
  store.tx(() =>
    appendAudit(
      store,
      [
        {
          event: 'LOGIN_FAILED',
          actor: 'anonymous',
          entityType: 'user',
          detail,
          ...(ctx.sourceAddress ? { sourceAddress: ctx.sourceAddress } : {}),
          outcome: 'failure',
        },
      ],
      ctx.now,
    ),
  );
}
