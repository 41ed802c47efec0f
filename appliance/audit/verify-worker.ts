// Worker thread of `audit verify`: opens the database read-only and checks the seq ranges the main
// thread hands it, one at a time (issue 6: use both cores).
import Database from 'better-sqlite3';
import { parentPort, workerData } from 'node:worker_threads';
import { scanChunk } from './scan.js';

export interface WorkerJob {
  id: number;
  lo: number;
  hi: number;
}

const { dbPath } = workerData as { dbPath: string };
const db = new Database(dbPath, { readonly: true, fileMustExist: true });
const port = parentPort!;
port.on('message', (job: WorkerJob | 'stop') => {
  if (job === 'stop') {
    db.close();
    port.close();
    return;
  }
  port.postMessage({ id: job.id, result: scanChunk(db, job.lo, job.hi) });
});
