#!/usr/bin/env node
// `claimbox <verb>`: the operator's interface (ARCHITECTURE.md "Contracts"). Each verb lives in
// appliance/cli/<verb>.ts and is listed here once; verbs load lazily so `check` stays fast.
import { UsageError, type Verb } from './cli/verb.js';

const verbs: Record<string, () => Promise<{ default: Verb }>> = {
  serve: () => import('./cli/serve.js'),
  ingest: () => import('./cli/ingest.js'),
  demo: () => import('./cli/demo.js'),
  bench: () => import('./cli/bench.js'),
  backup: () => import('./cli/backup.js'),
  restore: () => import('./cli/restore.js'),
  user: () => import('./cli/user.js'),
  sandbox: () => import('./cli/sandbox.js'),
  check: () => import('./cli/check.js'),
  code: () => import('./cli/code.js'),
  codes: () => import('./cli/codes.js'),
  x12: () => import('./cli/x12.js'),
  audit: () => import('./cli/audit.js'),
};

function usage(): string {
  return [
    'usage: claimbox <verb> [options]   (every verb takes --config FILE and --help)',
    '',
    'verbs:',
    ...Object.keys(verbs)
      .sort()
      .map((v) => `  ${v}`),
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
  const load = verbs[name];
  if (!load) {
    process.stderr.write(`claimbox: unknown verb '${name}'\n\n${usage()}\n`);
    return 64;
  }
  const verb = (await load()).default;
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
