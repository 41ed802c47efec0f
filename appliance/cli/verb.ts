// The shape of a `claimbox <verb>`: one file per verb under appliance/cli/, listed once in cli.ts.
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { loadConfig, ConfigError, EX_CONFIG, type LoadedConfig } from '../config.js';

export interface Verb {
  name: string;
  summary: string;
  /** Full --help text: usage line, options, examples. */
  help: string;
  /** Returns the process exit code. */
  run(argv: string[]): Promise<number>;
}

export class UsageError extends Error {}

/** parseArgs with --config and --help always allowed; unknown options are a UsageError. */
export function parseVerbArgs<O extends NonNullable<ParseArgsConfig['options']>>(
  argv: string[],
  options: O,
  allowPositionals = true,
) {
  try {
    return parseArgs({
      args: argv,
      options: { ...options, config: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
      allowPositionals,
      strict: true,
    });
  } catch (err) {
    throw new UsageError(err instanceof Error ? err.message : String(err));
  }
}

/** Load config or print every problem and exit 78. */
export function loadConfigOrExit(explicit?: string): LoadedConfig {
  try {
    return loadConfig(explicit);
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(err.message + '\n');
      process.exit(EX_CONFIG);
    }
    throw err;
  }
}
