// `claimbox backup`: a consistent snapshot of the database while the service runs (nightly from
// systemd/claimbox-backup.timer), with the audit key and checkpoint sink, a sha256 manifest and
// retention. See ops/backup.ts.
import { userInfo } from 'node:os';
import { createBackup, databasePath } from '../../ops/backup.js';
import { loadConfigOrExit, parseVerbArgs, UsageError, type Verb } from './verb.js';

const help = `usage: claimbox backup [--out DIR] [--keep N] [--config FILE]

Snapshot the database with SQLite's online backup API (safe while the service runs) into
DIR/claimbox-YYYYMMDD-HHMMSS.db, copy the audit signing key and checkpoint file beside it, write
a sha256 manifest (check it with: sha256sum -c claimbox-....sha256), and delete all but the
newest N backup sets. Backups contain PHI: the folder is 0700 and the files 0600.

options:
  --out DIR     where to write (default: data.backup_dir in the config)
  --keep N      how many backup sets to keep (default: data.backup_keep, 14)
  --config FILE config file (default: $CLAIMBOX_CONFIG, ./claimbox.toml, /etc/claimbox/claimbox.toml)

exit: 0 written, 1 failed.
`;

export function actorName(): string {
  // systemd sets INVOCATION_ID for units: the nightly timer is the service, not a person.
  if (process.env.INVOCATION_ID) return 'service:backup';
  // Under sudo, the person behind it is the one to name in the audit log.
  const sudoUser = process.env.SUDO_USER;
  if (sudoUser) return `cli:${sudoUser}`;
  try {
    return `cli:${userInfo().username}`;
  } catch {
    return 'cli:unknown';
  }
}

const verb: Verb = {
  name: 'backup',
  summary: 'consistent database snapshot with checksums and retention',
  help,
  async run(argv) {
    const { values } = parseVerbArgs(argv, { out: { type: 'string' }, keep: { type: 'string' } }, false);
    const { config } = loadConfigOrExit(values.config);
    // The database and backups hold PHI: whatever this verb creates is private to its owner.
    process.umask(0o077);
    const keep = values.keep === undefined ? config.data.backup_keep : Number(values.keep);
    if (!Number.isInteger(keep) || keep < 1) throw new UsageError('--keep takes a whole number of 1 or more');
    try {
      const r = await createBackup({
        dbPath: databasePath(config.data.dir),
        outDir: values.out ?? config.data.backup_dir,
        keep,
        extras: { 'audit-key': config.audit.key_file, 'audit-sink': config.audit.sink_file },
        actor: actorName(),
      });
      process.stdout.write(
        `backup ${r.dbFile} (${r.files[0]!.bytes} bytes, audit head ${r.auditHeadSeq}), ` +
          `${r.files.length} file(s) in ${r.manifestFile}` +
          (r.pruned.length > 0 ? `; pruned ${r.pruned.length} old file(s)` : '') +
          '\n',
      );
      return 0;
    } catch (err) {
      process.stderr.write(`claimbox backup: ${err instanceof Error ? err.message : String(err)}\n`);
      return 1;
    }
  },
};
export default verb;
