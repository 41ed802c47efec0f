// `claimbox user ...`: the people who sign in to the admin page. Passwords never go on the command
// line (they would sit in shell history and /proc): they come from stdin or a hidden TTY prompt.
import { becomeDataDirOwner, databasePath } from '../../ops/backup.js';
import { openStore, type Store } from '../store/open.js';
import {
  createUser,
  isRole,
  listUsers,
  MIN_PASSWORD_LENGTH,
  setDisabled,
  setPassword,
  setRole,
  UserError,
  type ChangeContext,
} from '../store/users.js';
import { actorName } from './backup.js';
import { loadConfigOrExit, parseVerbArgs, UsageError, type Verb } from './verb.js';

const help = `usage: claimbox user <action> [options] [--config FILE]

actions:
  add USERNAME [--role admin|biller|viewer]   create a user (default role: biller)
  list [--json]                                list users, roles, and disabled state
  passwd USERNAME                              set a new password
  disable USERNAME                             block sign-in (sessions end at their next request)
  enable USERNAME                              allow sign-in again
  role USERNAME admin|biller|viewer            change a user's role

The password is read from standard input (first line), or asked twice without echo on a terminal.
It needs at least ${MIN_PASSWORD_LENGTH} characters. Every change is written to the audit log.

examples:
  claimbox user add maria --role admin
  printf '%s\\n' "$PW" | claimbox user passwd maria
`;

function readStdinLine(): Promise<string> {
  return new Promise((resolve, reject) => {
    let buf = '';
    process.stdin.setEncoding('utf8');
    process.stdin.on('data', (d: string) => (buf += d));
    process.stdin.on('end', () => resolve(buf.split(/\r?\n/)[0] ?? ''));
    process.stdin.on('error', reject);
  });
}

function promptHidden(question: string): Promise<string> {
  const stdin = process.stdin;
  process.stderr.write(question);
  return new Promise((resolve, reject) => {
    let buf = '';
    const cleanup = () => {
      stdin.setRawMode(false);
      stdin.pause();
      stdin.off('data', onData);
      process.stderr.write('\n');
    };
    const onData = (s: string) => {
      for (const ch of s) {
        if (ch === '\r' || ch === '\n') {
          cleanup();
          resolve(buf);
          return;
        }
        if (ch === '\u0003' || ch === '\u0004') {
          cleanup();
          reject(new UsageError('cancelled'));
          return;
        }
        if (ch === '\u007f' || ch === '\b') buf = buf.slice(0, -1);
        else buf += ch;
      }
    };
    stdin.setEncoding('utf8');
    stdin.setRawMode(true);
    stdin.resume();
    stdin.on('data', onData);
  });
}

async function readPassword(): Promise<string> {
  if (!process.stdin.isTTY) return readStdinLine();
  const a = await promptHidden('password: ');
  const b = await promptHidden('again: ');
  if (a !== b) throw new UsageError('the two passwords differ');
  return a;
}

const verb: Verb = {
  name: 'user',
  summary: 'add, list, disable users of the admin page; set passwords and roles',
  help,
  async run(argv) {
    const { values, positionals } = parseVerbArgs(argv, {
      role: { type: 'string' },
      json: { type: 'boolean' },
    });
    const [action, username, arg] = positionals;
    if (!action) throw new UsageError('give an action: add, list, passwd, disable, enable, role');
    const needsName = action !== 'list';
    if (needsName && !username) throw new UsageError(`user ${action} needs a USERNAME`);
    const role = values.role ?? 'biller';
    if (!isRole(role)) throw new UsageError('--role is admin, biller or viewer');
    if (action === 'role' && !isRole(arg)) throw new UsageError('user role USERNAME admin|biller|viewer');
    if (!['add', 'list', 'passwd', 'disable', 'enable', 'role'].includes(action))
      throw new UsageError(`unknown action '${action}'`);
    const { config } = loadConfigOrExit(values.config);
    // The database and backups hold PHI: whatever this verb creates is private to its owner.
    process.umask(0o077);
    // Read the password before anything touches the database (and before dropping root).
    const password = action === 'add' || action === 'passwd' ? await readPassword() : '';
    // The actor is who ran the command, named before switching to the data dir's owner.
    const actor = actorName();
    becomeDataDirOwner(config.data.dir);
    const store: Store = openStore(databasePath(config.data.dir));
    const ctx: ChangeContext = { actor, now: Date.now() };
    try {
      switch (action) {
        case 'add': {
          const u = await createUser(store, { username: username!, password, role }, ctx);
          process.stdout.write(`added ${u.username} (${u.role})\n`);
          return 0;
        }
        case 'list': {
          const users = listUsers(store);
          if (values.json) process.stdout.write(JSON.stringify(users, null, 2) + '\n');
          else
            for (const u of users)
              process.stdout.write(
                `${u.username.padEnd(32)} ${u.role.padEnd(7)} ${u.disabled ? 'disabled' : 'active'}  ` +
                  `created ${new Date(u.createdAt).toISOString()}\n`,
              );
          return 0;
        }
        case 'passwd':
          await setPassword(store, username!, password, ctx);
          process.stdout.write(`password changed for ${username}\n`);
          return 0;
        case 'disable':
        case 'enable':
          setDisabled(store, username!, action === 'disable', ctx);
          process.stdout.write(`${username} ${action}d\n`);
          return 0;
        case 'role': {
          if (!isRole(arg)) throw new UsageError('user role USERNAME admin|biller|viewer');
          setRole(store, username!, arg, ctx);
          process.stdout.write(`${username} is now ${arg}\n`);
          return 0;
        }
        default:
          throw new UsageError(`unknown action '${action}'`);
      }
    } catch (err) {
      if (err instanceof UserError) {
        process.stderr.write(`claimbox user: ${err.message}\n`);
        return 1;
      }
      throw err;
    } finally {
      store.close();
    }
  },
};
export default verb;
