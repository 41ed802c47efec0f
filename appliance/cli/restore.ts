// `claimbox restore FILE`: put a backup back, only with the service stopped, only after its
// checksum and PRAGMA integrity_check pass. The replaced database stays as <db>.before-restore.
import { restoreBackup, databasePath, serviceRunning } from '../../ops/backup.js';
import { actorName } from './backup.js';
import { loadConfigOrExit, parseVerbArgs, UsageError, type Verb } from './verb.js';

const EX_DATAERR = 65;
const EX_TEMPFAIL = 75;

const help = `usage: claimbox restore FILE [--config FILE]

Restore the database from FILE (a claimbox-YYYYMMDD-HHMMSS.db made by \`claimbox backup\`).
Stop the service first: systemctl stop claimbox. Then:
  1. every file of the backup set is checked against its .sha256 manifest;
  2. PRAGMA integrity_check must answer ok;
  3. the current database is kept as claimbox.db.before-restore and the backup takes its place;
  4. the audit key and checkpoint file are restored only where missing (never overwritten);
  5. the restore itself is written to the audit log.
Afterwards: systemctl start claimbox, then claimbox audit verify. Checkpoints newer than the
backup will show as a truncation: that is the record of what the restore rolled back.

exit: 0 restored, 65 the backup failed its checks, 75 the service is running, 1 other failure.
`;

const verb: Verb = {
  name: 'restore',
  summary: 'restore the database from a verified backup (service stopped)',
  help,
  async run(argv) {
    const { values, positionals } = parseVerbArgs(argv, {});
    if (positionals.length !== 1) throw new UsageError('give exactly one backup FILE');
    const { config } = loadConfigOrExit(values.config);
    // The database and backups hold PHI: whatever this verb creates is private to its owner.
    process.umask(0o077);
    let refusedBecauseRunning = false;
    const r = await restoreBackup({
      file: positionals[0]!,
      dbPath: databasePath(config.data.dir),
      extras: { 'audit-key': config.audit.key_file, 'audit-sink': config.audit.sink_file },
      running: async () => {
        const why = await serviceRunning({
          dataDir: config.data.dir,
          host: config.server.host,
          port: config.server.port,
        });
        refusedBecauseRunning = why !== undefined;
        return why;
      },
      actor: actorName(),
    });
    if (!r.ok) {
      process.stderr.write(`claimbox restore: refused:\n${r.problems.map((p) => `  ${p}`).join('\n')}\n`);
      return refusedBecauseRunning ? EX_TEMPFAIL : EX_DATAERR;
    }
    const lines = [`restored ${positionals[0]} (audit head ${r.auditHeadSeq})`];
    if (r.previous) lines.push(`previous database kept as ${r.previous}`);
    for (const f of r.restoredExtras) lines.push(`restored missing ${f}`);
    for (const f of r.keptExtras) lines.push(`kept existing ${f}`);
    lines.push('next: systemctl start claimbox && claimbox audit verify');
    process.stdout.write(lines.join('\n') + '\n');
    return 0;
  },
};
export default verb;
