// `claimbox audit verify | export | report | checkpoint` (issue 6): prove the audit log was not
// edited, hand a verifiable range to an auditor, and summarize a quarter.
import { once } from 'node:events';
import { closeSync, existsSync, openSync, readFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { KeyObject } from 'node:crypto';
import { createCheckpointer } from '../audit/checkpoint.js';
import { exportAudit, resolveRange, verifyExport } from '../audit/export.js';
import { keyIdOf, publicKeyPem, toPublicKey } from '../audit/keys.js';
import { formatReport, parseQuarter, quarterReport } from '../audit/report.js';
import { verifyAudit, type VerifyResult } from '../audit/verify.js';
import type { Config } from '../config.js';
import { createLogger } from '../log.js';
import { systemClock } from '../ports.js';
import { openStore, type Store } from '../store/open.js';
import { loadConfigOrExit, parseVerbArgs, UsageError, type Verb } from './verb.js';

/** Exit code when the log is not intact (distinct from 1, "could not check"). */
export const EXIT_TAMPERED = 2;

const help = `usage: claimbox audit <verify|export|report|checkpoint|public-key> [options]

  verify [--from SEQ] [--public-key FILE] [--sink FILE] [--workers N] [--json]
      Check every entry of the hash chain and every signed checkpoint (in the database and in
      the sink file [audit] sink_file). Exit 0 when intact; 2 naming the first bad entry and
      what happened (modified, deleted, inserted, reordered, truncated, checkpoint_mismatch,
      forged); 1 when it cannot check. The public key defaults to the one of [audit] key_file.
  verify --file EXPORT.jsonl [--public-key FILE] [--json]
      Verify an export offline (no database needed).
  export [--from SEQ] [--to SEQ] [--since DATE] [--until DATE] [--out FILE]
      JSONL of a range (entries, their checkpoints, the public key); --until is exclusive.
      DATE is YYYY-MM-DD or an ISO time, UTC. Default: everything, to stdout.
  report [--quarter 2026Q4] [--json]
      Counts by event type, failures, first and last entry of a quarter (default: this one).
  checkpoint
      Sign and publish a checkpoint of the current head now.
  public-key
      Print the checkpoint public key (PEM) and its key id, to hand to an auditor.

Audit entries are never pruned (kept at least 7 years): no command deletes them.

Examples:
  claimbox audit verify
  claimbox audit export --since 2026-10-01 --until 2027-01-01 --out q4.jsonl
  claimbox audit verify --file q4.jsonl --public-key audit-key.pub.pem
  claimbox audit report --quarter 2026Q4
`;

function dbPathOf(config: Config): string {
  return join(config.data.dir, 'claimbox.db');
}

function openExisting(config: Config): Store {
  const path = dbPathOf(config);
  if (!existsSync(path)) throw new CliFailure(`no database at ${path}`);
  return openStore(path, { readonly: true });
}

class CliFailure extends Error {}

function intArg(v: string | undefined, name: string): number | undefined {
  if (v === undefined) return undefined;
  if (!/^\d+$/.test(v)) throw new UsageError(`--${name} takes a whole number, not '${v}'`);
  return Number(v);
}

function dateArg(v: string | undefined, name: string): number | undefined {
  if (v === undefined) return undefined;
  const ms = Date.parse(v);
  if (Number.isNaN(ms)) throw new UsageError(`--${name} takes a date (YYYY-MM-DD or ISO time), not '${v}'`);
  return ms;
}

function publicKeyFor(config: Config, file: string | undefined): KeyObject {
  const path = file ?? config.audit.key_file;
  if (!existsSync(path))
    throw new CliFailure(`no key at ${path}: pass --public-key FILE (the appliance's audit public key)`);
  return toPublicKey(path);
}

/** A progress bar on a terminal; nothing otherwise (the summary line says how it went). */
function progressBar(): { update(done: number, total: number): void; end(): void } {
  const tty = process.stderr.isTTY;
  let lastDraw = 0;
  let drawn = false;
  return {
    update(done, total) {
      if (!tty) return;
      const now = Date.now();
      if (now - lastDraw < 100 && done < total) return;
      lastDraw = now;
      const pct = total === 0 ? 100 : Math.floor((done / total) * 100);
      const width = 30;
      const fill = Math.round((pct / 100) * width);
      process.stderr.write(
        `\rverifying [${'#'.repeat(fill)}${' '.repeat(width - fill)}] ${String(pct).padStart(3)}% ${done.toLocaleString('en-US')}/${total.toLocaleString('en-US')}`,
      );
      drawn = true;
    },
    end() {
      if (drawn) process.stderr.write('\n');
    },
  };
}

function printVerdict(r: VerifyResult, json: boolean): number {
  if (json) process.stdout.write(JSON.stringify(r, null, 2) + '\n');
  const rate = r.elapsedMs > 0 ? Math.round(r.entries / (r.elapsedMs / 1000)) : 0;
  process.stderr.write(
    `verified ${r.entries.toLocaleString('en-US')} entries in ${(r.elapsedMs / 1000).toFixed(2)} s (${rate.toLocaleString('en-US')} entries/s)\n`,
  );
  for (const w of r.warnings) process.stderr.write(`warning: ${w}\n`);
  if (r.ok) {
    if (!json)
      process.stdout.write(
        `audit log intact: ${r.entries} entries, head seq ${r.head.seq} (${r.head.hash.slice(0, 16)}...), ` +
          `${r.checkpoints} checkpoints in the database, ${r.sinkCheckpoints} in the sink\n`,
      );
    return 0;
  }
  if (!json) {
    const b = r.firstBad!;
    process.stdout.write(`AUDIT LOG NOT INTACT: first bad entry seq ${b.seq}: ${b.kind}: ${b.message}\n`);
    for (const p of r.problems.slice(1, 10))
      process.stdout.write(`  also seq ${p.seq}: ${p.kind}: ${p.message}\n`);
    if (r.problems.length > 10) process.stdout.write(`  ... and ${r.problems.length - 10} more\n`);
  }
  return EXIT_TAMPERED;
}

async function verify(argv: string[]): Promise<number> {
  const { values } = parseVerbArgs(
    argv,
    {
      from: { type: 'string' },
      file: { type: 'string' },
      'public-key': { type: 'string' },
      sink: { type: 'string' },
      workers: { type: 'string' },
      json: { type: 'boolean' },
    },
    false,
  );
  const { config } = loadConfigOrExit(values.config);
  const json = values.json ?? false;
  if (values.file !== undefined) {
    if (!existsSync(values.file)) throw new CliFailure(`no export at ${values.file}`);
    const key = values['public-key'] !== undefined ? toPublicKey(values['public-key']) : undefined;
    return printVerdict(verifyExport(readFileSync(values.file, 'utf8'), { publicKey: key }), json);
  }
  const publicKey = publicKeyFor(config, values['public-key']);
  const store = openExisting(config);
  const bar = progressBar();
  try {
    const result = await verifyAudit({
      store,
      publicKey,
      sinkFile: values.sink ?? config.audit.sink_file,
      from: intArg(values.from, 'from'),
      workers: intArg(values.workers, 'workers'),
      onProgress: (d, t) => bar.update(d, t),
    });
    bar.end();
    return printVerdict(result, json);
  } finally {
    store.close();
  }
}

async function exportVerb(argv: string[]): Promise<number> {
  const { values } = parseVerbArgs(
    argv,
    {
      from: { type: 'string' },
      to: { type: 'string' },
      since: { type: 'string' },
      until: { type: 'string' },
      out: { type: 'string' },
      'public-key': { type: 'string' },
    },
    false,
  );
  const { config } = loadConfigOrExit(values.config);
  const publicKey = publicKeyFor(config, values['public-key']);
  const store = openExisting(config);
  try {
    const range = resolveRange(store.sqlite, {
      from: intArg(values.from, 'from'),
      to: intArg(values.to, 'to'),
      since: dateArg(values.since, 'since'),
      until: dateArg(values.until, 'until'),
    });
    if (!range) {
      process.stderr.write('audit export: no entries in that range\n');
      return 1;
    }
    const lines = exportAudit(store.sqlite, range, publicKey, systemClock.now());
    const fd = values.out !== undefined ? openSync(values.out, 'w', 0o600) : undefined;
    let buf = '';
    const flush = async () => {
      if (buf === '') return;
      if (fd !== undefined) writeSync(fd, buf);
      else if (!process.stdout.write(buf)) await once(process.stdout, 'drain');
      buf = '';
    };
    let step = lines.next();
    try {
      while (!step.done) {
        buf += step.value + '\n';
        if (buf.length > 1 << 20) await flush();
        step = lines.next();
      }
      await flush();
    } finally {
      if (fd !== undefined) closeSync(fd);
    }
    const s = step.value;
    process.stderr.write(
      `exported entries ${s.from}-${s.to} (${s.entries} entries, ${s.checkpoints} checkpoints)${values.out ? ` to ${values.out}` : ''}\n`,
    );
    return 0;
  } finally {
    store.close();
  }
}

function currentQuarter(now: number): string {
  const d = new Date(now);
  return `${d.getUTCFullYear()}Q${Math.floor(d.getUTCMonth() / 3) + 1}`;
}

function report(argv: string[]): number {
  const { values } = parseVerbArgs(argv, { quarter: { type: 'string' }, json: { type: 'boolean' } }, false);
  const { config } = loadConfigOrExit(values.config);
  const q = parseQuarter(values.quarter ?? currentQuarter(systemClock.now()));
  if (!q) throw new UsageError(`--quarter takes YYYYQn, e.g. 2026Q4, not '${values.quarter}'`);
  const store = openExisting(config);
  try {
    const r = quarterReport(store.sqlite, q);
    process.stdout.write((values.json ? JSON.stringify(r, null, 2) : formatReport(r)) + '\n');
    return 0;
  } finally {
    store.close();
  }
}

function checkpoint(argv: string[]): number {
  const { values } = parseVerbArgs(argv, {}, false);
  const { config } = loadConfigOrExit(values.config);
  const path = dbPathOf(config);
  if (!existsSync(path)) throw new CliFailure(`no database at ${path}`);
  const store = openStore(path);
  try {
    const logger = createLogger(config.log.level === 'info' ? 'warn' : config.log.level);
    const cp = createCheckpointer({ store, config, logger, clock: systemClock }).checkpointNow();
    process.stdout.write(`checkpoint seq ${cp.seq} head ${cp.headHash} key ${cp.keyId}\n`);
    return 0;
  } finally {
    store.close();
  }
}

function publicKeyVerb(argv: string[]): number {
  const { values } = parseVerbArgs(argv, {}, false);
  const { config } = loadConfigOrExit(values.config);
  const key = publicKeyFor(config, undefined);
  process.stdout.write(publicKeyPem(key));
  process.stderr.write(`key id ${keyIdOf(key)}\n`);
  return 0;
}

const verb: Verb = {
  name: 'audit',
  summary: 'verify, export and report on the hash-chained audit log',
  help,
  async run(argv) {
    const [sub, ...rest] = argv;
    try {
      switch (sub) {
        case 'verify':
          return await verify(rest);
        case 'export':
          return await exportVerb(rest);
        case 'report':
          return report(rest);
        case 'checkpoint':
          return checkpoint(rest);
        case 'public-key':
          return publicKeyVerb(rest);
        case undefined:
          throw new UsageError('give a subcommand');
        default:
          throw new UsageError(`unknown subcommand '${sub}'`);
      }
    } catch (err) {
      if (err instanceof CliFailure) {
        process.stderr.write(`claimbox audit: ${err.message}\n`);
        return 1;
      }
      throw err;
    }
  },
};

export default verb;
