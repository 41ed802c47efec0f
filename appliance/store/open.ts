// Open the one SQLite database: WAL, synchronous=FULL (an ACK or state change is promised only
// once it is on disk), migrations applied at start. Every test opens its store through this too.
import Database from 'better-sqlite3';
import { drizzle, type BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as schema from './schema.js';

export type Db = BetterSQLite3Database<typeof schema>;

export interface Store {
  readonly path: string;
  readonly sqlite: Database.Database;
  readonly db: Db;
  /** Run fn in one IMMEDIATE transaction: all of it commits (durably) or none of it does. */
  tx<T>(fn: (db: Db) => T): T;
  /**
   * A cached prepared statement. drizzle builds and prepares SQL on every call, which costs more
   * than the work itself on hot paths (intake, stage commits); those use this instead.
   */
  stmt(sql: string): Database.Statement;
  close(): void;
}

const migrationsFolder = join(dirname(fileURLToPath(import.meta.url)), 'migrations');

export interface OpenOptions {
  /** Skip migrations (read-only tools inspecting a copy). */
  migrate?: boolean;
  readonly?: boolean;
}

export function openStore(path: string, options: OpenOptions = {}): Store {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const sqlite = new Database(path, { readonly: options.readonly ?? false });
  sqlite.pragma('busy_timeout = 5000');
  if (!options.readonly) {
    sqlite.pragma('journal_mode = WAL');
    sqlite.pragma('synchronous = FULL');
  }
  sqlite.pragma('foreign_keys = ON');
  const db = drizzle(sqlite, { schema });
  if (options.migrate !== false && !options.readonly) migrate(db, { migrationsFolder });
  const statements = new Map<string, Database.Statement>();
  return {
    path,
    sqlite,
    db,
    tx<T>(fn: (d: Db) => T): T {
      return sqlite.transaction(() => fn(db)).immediate();
    },
    stmt(sql: string): Database.Statement {
      let st = statements.get(sql);
      if (!st) {
        st = sqlite.prepare(sql);
        statements.set(sql, st);
      }
      return st;
    },
    close() {
      if (sqlite.open) sqlite.close();
    },
  };
}
