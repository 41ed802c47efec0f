import { createLogger } from '../log.js';
import { dataDirOf, startAppliance } from '../main.js';
import { acquirePidFile } from '../../ops/backup.js';
import { loadConfigOrExit, parseVerbArgs, type Verb } from './verb.js';
import { wireIntegrations } from '../wiring.js';

const verb: Verb = {
  name: 'serve',
  summary: 'run the appliance: intake listeners, pipeline, admin page, /health',
  help: `usage: claimbox serve [--config FILE] [--demo-feed] [--no-sandbox]

Runs the appliance in the foreground (systemd runs it this way). Logs JSON to stdout.
  --demo-feed    also feed synthetic encounters over MLLP, as an EHR would (npm start does this)
  --no-sandbox   do not start the embedded sandbox clearinghouse even if config says so
Stops cleanly on SIGTERM/SIGINT: intake stops, the transaction in flight finishes, the database closes.`,
  async run(argv) {
    const { values } = parseVerbArgs(
      argv,
      { 'demo-feed': { type: 'boolean' }, 'no-sandbox': { type: 'boolean' } },
      false,
    );
    const { config, source } = loadConfigOrExit(values.config);
    const logger = createLogger(config.log.level);
    logger.info({ config: source, dataDir: config.data.dir }, 'starting claimbox');
    process.on('unhandledRejection', (err) => {
      logger.fatal(
        { err: err instanceof Error ? err.message : String(err) },
        'unhandled rejection; exiting for systemd to restart',
      );
      process.exit(1);
    });
    const wiring = await wireIntegrations(config, logger, {
      sandbox: values['no-sandbox'] ? false : undefined,
      demoFeed: values['demo-feed'] ?? false,
    });
    // The pid file tells `claimbox restore` that the service is running.
    const releasePid = acquirePidFile(dataDirOf(config));
    const appliance = await startAppliance({ config, logger }, wiring);
    await wiring.afterStart?.(appliance);
    logger.info({ url: appliance.http?.url }, 'claimbox ready');
    await new Promise<void>((resolve) => {
      const onSignal = (sig: string) => {
        void appliance.stop(sig).then(resolve, (err: unknown) => {
          logger.error({ err: err instanceof Error ? err.message : String(err) }, 'stop failed');
          resolve();
        });
      };
      process.once('SIGTERM', () => onSignal('SIGTERM'));
      process.once('SIGINT', () => onSignal('SIGINT'));
    });
    releasePid();
    return 0;
  },
};
export default verb;
