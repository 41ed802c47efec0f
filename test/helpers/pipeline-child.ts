// A child process running the whole in-process pipeline over N synthetic encounters, so a test can
// kill -9 it at any instant and start it again. Re-sending every message on restart is what a real
// EHR does for messages it never saw ACKed; exactly-once must hold anyway.
import { defaultConfig, setDataDir } from '../../appliance/config.js';
import { silentLogger } from '../../appliance/log.js';
import { startAppliance } from '../../appliance/main.js';
import { syntheticEncounter } from './encounters.js';

const [dataDir, countArg] = process.argv.slice(2);
const count = Number(countArg);
const config = defaultConfig();
setDataDir(config, dataDir!);
config.pipeline.batch_size = 50;
const app = await startAppliance({ config, logger: silentLogger(), listen: false, runLoop: false });
const pending: Promise<unknown>[] = [];
for (let i = 0; i < count; i++) {
  const enc = syntheticEncounter(i);
  pending.push(
    app.sink.accept({
      channel: 'api',
      sender: 'api:TESTEHR',
      controlId: `MSG${i}`,
      raw: Buffer.from(JSON.stringify(enc)),
      encounter: enc,
    }),
  );
  if (pending.length >= 100) {
    await Promise.all(pending.splice(0));
    process.stdout.write(`ingested ${i + 1}\n`);
    await app.runner.runUntilIdle(1);
  }
}
await Promise.all(pending);
await app.runner.runUntilIdle();
process.stdout.write('done\n');
await app.stop('finished');
