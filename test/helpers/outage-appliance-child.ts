// The appliance as its own process (background runner loop, no listeners) submitting to a sandbox
// clearinghouse in another process, so the outage test can kill -9 either at any instant.
// Args: DATA_DIR SANDBOX_URL COUNT EXIT_WHEN_SETTLED(0|1). Re-sends every encounter on each start,
// as an EHR does for messages it never saw ACKed. Prints one JSON status line every 200 ms.
import { defaultConfig } from '../../appliance/config.js';
import { silentLogger } from '../../appliance/log.js';
import { startAppliance } from '../../appliance/main.js';
import { batchWriter, transportFor, x12Readers } from '../../appliance/wiring.js';
import { syntheticEncounter } from './encounters.js';

const [dataDir, sandboxUrl, countArg, exitArg] = process.argv.slice(2);
const count = Number(countArg);
const config = defaultConfig();
config.data.dir = dataDir!;
config.pipeline.batch_size = 100;
config.pipeline.idle_poll_ms = 50;
config.pipeline.retry_base_ms = 100;
config.pipeline.retry_max_ms = 1000;
config.clearinghouse.transport = 'sandbox';
config.clearinghouse.poll_seconds = 0.2;
// Shorter than a stalled reply: such an upload times out and is ambiguous until uploadlist shows it.
config.clearinghouse.request_timeout_seconds = 0.5;
config.submission.mode = 'immediate';
config.submission.max_claims_per_batch = 20;
config.sandbox.embedded = false;
config.remit.auto_post = true;

const app = await startAppliance(
  { config, logger: silentLogger(), listen: false, runLoop: true },
  {
    writer: batchWriter(config),
    readers: x12Readers,
    transport: ({ cursors }) => transportFor(config, cursors, sandboxUrl),
  },
);

const q = app.store.sqlite;
const byStatus = (table: string) =>
  Object.fromEntries(
    (
      q.prepare(`SELECT status, count(*) n FROM ${table} GROUP BY status`).all() as {
        status: string;
        n: number;
      }[]
    ).map((r) => [r.status, r.n]),
  );
function status() {
  const claims = byStatus('claims');
  const batches = byStatus('batches');
  const newResponses = q
    .prepare("SELECT count(*) FROM clearinghouse_responses WHERE status = 'new'")
    .pluck()
    .get() as number;
  const total = Object.values(claims).reduce((a, b) => a + b, 0);
  const open = ['draft', 'ready', 'submitted'].reduce((a, s) => a + (claims[s] ?? 0), 0);
  const inFlight = ['pending', 'sending', 'ambiguous', 'sent'].reduce((a, s) => a + (batches[s] ?? 0), 0);
  return {
    claims,
    batches,
    newResponses,
    settled: total === count && open === 0 && inFlight === 0 && newResponses === 0,
  };
}

for (let i = 0; i < count; i += 100) {
  await Promise.all(
    Array.from({ length: Math.min(100, count - i) }, (_, k) => {
      const enc = syntheticEncounter(i + k);
      return app.sink.accept({
        channel: 'api',
        sender: 'api:TESTEHR',
        controlId: `MSG${i + k}`,
        raw: Buffer.from(JSON.stringify(enc)),
        encounter: enc,
      });
    }),
  );
}

const timer = setInterval(() => {
  const s = status();
  process.stdout.write(JSON.stringify(s) + '\n');
  if (s.settled && exitArg === '1') {
    clearInterval(timer);
    void app.stop('settled').then(() => process.exit(0));
  }
}, 200);
