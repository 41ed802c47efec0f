// A child process running the MLLP listener over the SQLite test sink, for kill -9 tests.
// argv: <db path>. Prints "PORT <n>" once listening.
import { createMllpServer } from '../../integrations/hl7/mllp.js';
import { generic25 } from '../../integrations/hl7/profiles.js';
import { openSqliteIntakeSink } from './sqlite-intake-sink.js';

const dbPath = process.argv[2];
if (!dbPath) throw new Error('usage: mllp-child.ts DB');
const sink = openSqliteIntakeSink(dbPath);
const logger = { info() {}, warn() {}, error() {} };
const server = createMllpServer({
  sink,
  profile: generic25,
  logger,
  maxMessageBytes: 1 << 20,
  idleTimeoutMs: 0,
  maxConnections: 16,
});
const { port } = await server.listen(0);
process.stdout.write(`PORT ${port}\n`);
