// The sandbox clearinghouse as its own process with durable state, so the outage test can kill -9
// it (the clearinghouse goes down mid-upload) and bring it back on the same port with the same
// record of what it received. Args: STATE_FILE PORT STALL_UPLOAD_MS LOSE_UPLOADS.
// Prints "url <url>" when ready.
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { createSandbox } from '../../integrations/clearinghouse/sandbox/app.js';
import { openSandboxState } from '../../integrations/clearinghouse/sandbox/state.js';
import { SANDBOX_ACCOUNT_KEY } from '../../integrations/clearinghouse/rest.js';

const [stateFile, portArg, stallArg, loseArg] = process.argv.slice(2);
const persistence = openSandboxState(stateFile!);
const sandbox = createSandbox({ seed: 42, eraDelayMs: 0, accountKey: SANDBOX_ACCOUNT_KEY, persistence });
// Held replies widen the window in which a kill (of either side) lands during an upload.
const stall = Number(stallArg ?? 0);
if (stall > 0) sandbox.faults.stallUploadMs = stall;
// Every other upload, up to LOSE_UPLOADS of them, is swallowed before the sandbox reads it (lost on
// the way in): the appliance times out, finds it missing from uploadlist and must resend it.
let lose = Number(loseArg ?? 0);
let uploads = 0;
const fetch = (req: Request): Response | Promise<Response> => {
  if (new URL(req.url).pathname === '/upload' && lose > 0 && uploads++ % 2 === 0) {
    lose--;
    process.stdout.write('lost upload\n');
    return new Promise<Response>(() => {});
  }
  return sandbox.app.fetch(req);
};
serve({ fetch, hostname: '127.0.0.1', port: Number(portArg ?? 0) }, (info: AddressInfo) => {
  process.stdout.write(`url http://127.0.0.1:${info.port}\n`);
});
