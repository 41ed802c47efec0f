// Child process for backup.test.ts: a second connection that keeps committing while a backup runs,
// as the service would. Each transaction appends 5 audit entries, so a snapshot taken between
// commits always holds a multiple of 5 and an unbroken hash chain.
import { appendAudit } from '../../appliance/audit/log.js';
import { openStore } from '../../appliance/store/open.js';

const [dbPath] = process.argv.slice(2);
if (!dbPath) throw new Error('usage: backup-writer DB');
const store = openStore(dbPath, { migrate: false });
let txs = 0;
let stop = false;
process.on('message', (m) => {
  if (m === 'stop') stop = true;
});
function burst(): void {
  for (let i = 0; i < 20 && !stop; i++) {
    store.tx(() =>
      appendAudit(
        store,
        Array.from({ length: 5 }, (_, k) => ({
          event: 'RECORD_CHANGED' as const,
          actor: 'service:writer',
          detail: { tx: txs, k },
        })),
        Date.now(),
      ),
    );
    txs += 1;
  }
  if (txs === 20) process.send?.('writing');
  if (stop) {
    store.close();
    process.send?.({ txs });
    process.disconnect?.();
    return;
  }
  setImmediate(burst);
}
burst();
