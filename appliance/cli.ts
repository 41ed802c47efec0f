#!/usr/bin/env node
// `claimbox <verb>`: the operator's interface (ARCHITECTURE.md "Contracts"). Each verb lives in
// appliance/cli/<verb>.ts and is listed here once; verbs load lazily so `check` stays fast.
import { UsageError, type Verb } from './cli/verb.js';

const verbs: Record<string, { summary: string; load: () => Promise<{ default: Verb }> }> = {
  serve: {
    summary: 'run the appliance: intake listeners, pipeline, admin page, /health, /metrics',
    load: () => import('./cli/serve.js'),
  },
  ingest: {
    summary: 'take HL7 files in by hand, or replay a stored inbound message',
    load: () => import('./cli/ingest.js'),
  },
  demo: {
    summary: 'the whole pipeline on synthetic encounters against the sandbox clearinghouse',
    load: () => import('./cli/demo.js'),
  },
  bench: { summary: 'measure throughput and latency of every stage', load: () => import('./cli/bench.js') },
  backup: {
    summary: 'consistent online backup of the database, audit key and sink',
    load: () => import('./cli/backup.js'),
  },
  restore: {
    summary: 'restore a backup (service stopped; checksum and integrity checked)',
    load: () => import('./cli/restore.js'),
  },
  user: {
    summary: 'manage admin-page users (add, list, passwd, disable, enable, role)',
    load: () => import('./cli/user.js'),
  },
  sandbox: { summary: 'run the sandbox clearinghouse on its own', load: () => import('./cli/sandbox.js') },
  check: {
    summary: 'one-line RMM check with Nagios exit codes and performance data',
    load: () => import('./cli/check.js'),
  },
  code: {
    summary: 'code one encounter without storing it; what-if replay; parallel-testing compare',
    load: () => import('./cli/code.js'),
  },
  codes: {
    summary: 'import official code sets (ICD-10-CM, HCPCS, NCCI PTP, MUE, add-on codes)',
    load: () => import('./cli/codes.js'),
  },
  x12: {
    summary: 'validate an X12 file strictly, or print it parsed as JSON',
    load: () => import('./cli/x12.js'),
  },
  audit: {
    summary: 'verify, export and report on the hash-chained audit log',
    load: () => import('./cli/audit.js'),
  },
};

function usage(): string {
  return [
    'usage: claimbox <verb> [options]   (every verb takes --config FILE and --help)',
    '',
    'verbs:',
    ...Object.entries(verbs)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([v, { summary }]) => `  ${v.padEnd(9)} ${summary}`),
    '',
    'Config: --config FILE, else $CLAIMBOX_CONFIG, else ./claimbox.toml, else embedded defaults.',
  ].join('\n');
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(usage() + '\n');
    return name ? 0 : 64;
  }
  const entry = verbs[name];
  if (!entry) {
    process.stderr.write(`claimbox: unknown verb '${name}'\n\n${usage()}\n`);
    return 64;
  }
  const verb = (await entry.load()).default;
  if (rest.includes('--help') || rest.includes('-h')) {
    process.stdout.write(verb.help.trimEnd() + '\n');
    return 0;
  }
  try {
    return await verb.run(rest);
  } catch (err) {
    if (err instanceof UsageError) {
      process.stderr.write(`claimbox ${name}: ${err.message}\n\n${verb.help.trimEnd()}\n`);
      return 64;
    }
    throw err;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`claimbox: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exitCode = 1;
  },
);
