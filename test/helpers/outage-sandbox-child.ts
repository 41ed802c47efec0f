// The sandbox clearinghouse as its own process with durable state, so the outage test can kill -9
// it (the clearinghouse goes down mid-upload) and bring it back on the same port with the same
// record of what it received. Args: STATE_FILE PORT STALL_UPLOAD_MS. Prints "url <url>" when ready.
import { serveSandbox } from '../../integrations/clearinghouse/sandbox/serve.js';
import { SANDBOX_ACCOUNT_KEY } from '../../integrations/clearinghouse/rest.js';

const [stateFile, portArg, stallArg] = process.argv.slice(2);
const running = await serveSandbox({
  stateFile: stateFile!,
  port: Number(portArg ?? 0),
  seed: 42,
  eraDelayMs: 0,
  accountKey: SANDBOX_ACCOUNT_KEY,
});
// Held replies widen the window in which a kill (of either side) lands during an upload.
const stall = Number(stallArg ?? 0);
if (stall > 0) running.sandbox.faults.stallUploadMs = stall;
process.stdout.write(`url ${running.url}\n`);
process.on('SIGTERM', () => void running.close().then(() => process.exit(0)));
