// `claimbox sandbox`: the sandbox clearinghouse on its own (training mode before go-live, demos,
// tests from another machine). Speaks the Claim.MD-style REST protocol the rest transport uses.
import { SANDBOX_ACCOUNT_KEY } from '../../integrations/clearinghouse/rest.js';
import { resolve } from 'node:path';
import { serveSandbox } from '../../integrations/clearinghouse/sandbox/serve.js';
import { loadConfigOrExit, parseVerbArgs, UsageError, type Verb } from './verb.js';

function num(name: string, v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0) throw new UsageError(`--${name} must be a non-negative number`);
  return n;
}

const verb: Verb = {
  name: 'sandbox',
  summary: 'run the sandbox clearinghouse (999, 277CA, 835 by seed) standalone',
  help: `usage: claimbox sandbox [--config FILE] [--host HOST] [--port N] [--seed N]
                        [--era-delay SECONDS] [--reversal-rate R] [--account-key KEY] [--memory]

Runs the sandbox clearinghouse until SIGINT/SIGTERM. It answers every 837 upload at once with a
999 and a 277CA, and after the ERA delay with 835s whose payer behaviour (payments, CO-45,
PR-1/2/3, denials, PLB) is deterministic by the seed. State (uploads, responses, ERAs) is kept in
its own SQLite file, sandbox.state_file under data.dir, so a restart keeps its ids.

Options (defaults from the [sandbox] section of the config):
  --host HOST            listen address (sandbox.host, 127.0.0.1)
  --port N               port, 0 for any free one (sandbox.port, 8091)
  --seed N               payer behaviour seed (sandbox.seed, 42)
  --era-delay SECONDS    delay before an 835 is listed (sandbox.era_delay_seconds, 2)
  --reversal-rate R      share of paid claims later reversed (CLP02 22) and paid again, 0..1 (0)
  --account-key KEY      the AccountKey it accepts (default '${SANDBOX_ACCOUNT_KEY}')
  --memory               keep state in memory only (a restart is a fresh clearinghouse)

Example:
  claimbox sandbox --port 9091 --seed 7 --era-delay 0`,

  async run(argv) {
    const { values } = parseVerbArgs(
      argv,
      {
        host: { type: 'string' },
        port: { type: 'string' },
        seed: { type: 'string' },
        'era-delay': { type: 'string' },
        'reversal-rate': { type: 'string' },
        'account-key': { type: 'string' },
        memory: { type: 'boolean' },
      },
      false,
    );
    const { config } = loadConfigOrExit(values.config);
    const s = config.sandbox;
    const reversalRate = num('reversal-rate', values['reversal-rate']) ?? 0;
    if (reversalRate > 1) throw new UsageError('--reversal-rate must be between 0 and 1');
    const stateFile = values.memory || !s.state_file ? undefined : resolve(config.data.dir, s.state_file);
    const running = await serveSandbox({
      ...(stateFile ? { stateFile } : {}),
      host: values.host ?? s.host,
      port: num('port', values.port) ?? s.port,
      seed: num('seed', values.seed) ?? s.seed,
      eraDelayMs: (num('era-delay', values['era-delay']) ?? s.era_delay_seconds) * 1000,
      reversalRate,
      accountKey: values['account-key'] ?? SANDBOX_ACCOUNT_KEY,
    });
    process.stdout.write(
      `claimbox sandbox clearinghouse listening on ${running.url} (state: ${stateFile ?? 'memory'})\n`,
    );
    await new Promise<void>((resolve) => {
      process.once('SIGINT', resolve);
      process.once('SIGTERM', resolve);
    });
    await running.close();
    return 0;
  },
};

export default verb;
