// The sandbox's own durable state: one SQLite file (not the appliance's database). An upload and
// everything it produced commit in one transaction before the upload is answered, so a killed
// sandbox comes back with the same ResponseIDs and ERA ids the appliance's cursors refer to.
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';

export interface SandboxUpload {
  fileid: string;
  filename: string;
  uploadedAt: number;
  claimCount: number;
  /** PCNs in the file. */
  pcns: string[];
}

export interface SandboxResponse {
  responseid: number;
  fileid: string;
  filename: string;
  edi_type: '999' | '277CA';
  edi: string;
  status: 'A' | 'R';
}

export interface SandboxEra {
  eraid: number;
  fileid: string;
  availableAt: number;
  payerId: string;
  checkNumber: string;
  paidCents: number;
  edi: string;
  downloaded: boolean;
}

export interface SandboxStateSnapshot {
  uploads: SandboxUpload[];
  responses: SandboxResponse[];
  eras: SandboxEra[];
  /** Original-claim PCN → times received. */
  originals: Map<string, number>;
  /** Last ISA13/GS06 used for an answer. */
  control: number;
}

export interface SandboxPersistence {
  load(): SandboxStateSnapshot;
  /** One upload and everything it produced, in one transaction. */
  saveUpload(
    upload: SandboxUpload,
    responses: SandboxResponse[],
    eras: SandboxEra[],
    originals: string[],
    control: number,
  ): void;
  markDownloaded(eraid: number): void;
  close(): void;
}

export function openSandboxState(path: string): SandboxPersistence {
  mkdirSync(dirname(path), { recursive: true });
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.exec(`
    CREATE TABLE IF NOT EXISTS uploads (fileid TEXT PRIMARY KEY, filename TEXT NOT NULL, uploaded_at INTEGER NOT NULL,
      claim_count INTEGER NOT NULL, pcns TEXT NOT NULL);
    CREATE TABLE IF NOT EXISTS responses (responseid INTEGER PRIMARY KEY, fileid TEXT NOT NULL, filename TEXT NOT NULL,
      edi_type TEXT NOT NULL, edi TEXT NOT NULL, status TEXT NOT NULL);
    CREATE TABLE IF NOT EXISTS eras (eraid INTEGER PRIMARY KEY, fileid TEXT NOT NULL, available_at INTEGER NOT NULL,
      payer_id TEXT NOT NULL, check_number TEXT NOT NULL, paid_cents INTEGER NOT NULL, edi TEXT NOT NULL,
      downloaded INTEGER NOT NULL DEFAULT 0);
    CREATE TABLE IF NOT EXISTS originals (pcn TEXT PRIMARY KEY, n INTEGER NOT NULL);
    CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL);
  `);
  const insUpload = db.prepare(
    'INSERT INTO uploads (fileid, filename, uploaded_at, claim_count, pcns) VALUES (?, ?, ?, ?, ?)',
  );
  const insResponse = db.prepare(
    'INSERT INTO responses (responseid, fileid, filename, edi_type, edi, status) VALUES (?, ?, ?, ?, ?, ?)',
  );
  const insEra = db.prepare(
    'INSERT INTO eras (eraid, fileid, available_at, payer_id, check_number, paid_cents, edi) VALUES (?, ?, ?, ?, ?, ?, ?)',
  );
  const bumpOriginal = db.prepare(
    'INSERT INTO originals (pcn, n) VALUES (?, 1) ON CONFLICT(pcn) DO UPDATE SET n = n + 1',
  );
  const setControl = db.prepare(
    "INSERT INTO meta (key, value) VALUES ('control', ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
  );
  const save = db.transaction(
    (u: SandboxUpload, rs: SandboxResponse[], es: SandboxEra[], originals: string[], control: number) => {
      insUpload.run(u.fileid, u.filename, u.uploadedAt, u.claimCount, JSON.stringify(u.pcns));
      for (const r of rs) insResponse.run(r.responseid, r.fileid, r.filename, r.edi_type, r.edi, r.status);
      for (const e of es)
        insEra.run(e.eraid, e.fileid, e.availableAt, e.payerId, e.checkNumber, e.paidCents, e.edi);
      for (const pcn of originals) bumpOriginal.run(pcn);
      setControl.run(control);
    },
  );
  const markDownloaded = db.prepare('UPDATE eras SET downloaded = 1 WHERE eraid = ?');

  return {
    load() {
      type UploadRow = {
        fileid: string;
        filename: string;
        uploaded_at: number;
        claim_count: number;
        pcns: string;
      };
      type EraRow = {
        eraid: number;
        fileid: string;
        available_at: number;
        payer_id: string;
        check_number: string;
        paid_cents: number;
        edi: string;
        downloaded: number;
      };
      const uploads = (db.prepare('SELECT * FROM uploads ORDER BY rowid').all() as UploadRow[]).map((r) => ({
        fileid: r.fileid,
        filename: r.filename,
        uploadedAt: r.uploaded_at,
        claimCount: r.claim_count,
        pcns: JSON.parse(r.pcns) as string[],
      }));
      const responses = db.prepare('SELECT * FROM responses ORDER BY responseid').all() as SandboxResponse[];
      const eras = (db.prepare('SELECT * FROM eras ORDER BY eraid').all() as EraRow[]).map((r) => ({
        eraid: r.eraid,
        fileid: r.fileid,
        availableAt: r.available_at,
        payerId: r.payer_id,
        checkNumber: r.check_number,
        paidCents: r.paid_cents,
        edi: r.edi,
        downloaded: r.downloaded === 1,
      }));
      const originals = new Map(
        (db.prepare('SELECT pcn, n FROM originals').all() as { pcn: string; n: number }[]).map((r) => [
          r.pcn,
          r.n,
        ]),
      );
      const control = (
        db.prepare("SELECT value FROM meta WHERE key = 'control'").get() as { value: number } | undefined
      )?.value;
      return { uploads, responses, eras, originals, control: control ?? 0 };
    },
    saveUpload(u, rs, es, originals, control) {
      save(u, rs, es, originals, control);
    },
    markDownloaded(eraid) {
      markDownloaded.run(eraid);
    },
    close() {
      db.close();
    },
  };
}
