// `claimbox codes import KIND FILE`: load an official code set as published (ICD-10-CM order file,
// HCPCS Level II record file, NCCI practitioner PTP, practitioner MUE, NCCI add-on codes).
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Config } from '../config.js';
import { ClaimboxError } from '../domain/errors.js';
import { importCodeSetFile, type ImportProgress } from '../codesets/import.js';
import { CODE_SET_KINDS, type CodeSetKind } from '../codesets/parsers.js';
import { listImports } from '../store/codesets.js';
import { openStore, type Store } from '../store/open.js';
import { UsageError, loadConfigOrExit, parseVerbArgs, type Verb } from './verb.js';

export const EX_DATAERR = 65;

export function dbPathOf(config: Config): string {
  return join(resolve(config.data.dir), 'claimbox.db');
}

/** Open the appliance database; read-only opens return undefined when there is no database yet. */
export function openDataStore(config: Config, readonly = false): Store | undefined {
  const path = dbPathOf(config);
  if (readonly && !existsSync(path)) return undefined;
  return openStore(path, readonly ? { readonly: true } : {});
}

/** A one-line bar on a terminal; nothing when stderr is a file or pipe (logs stay clean). */
export function progressBar(
  stream: NodeJS.WriteStream,
  label: string,
): { update(p: ImportProgress): void; done(): void } {
  let last = -1;
  return {
    update(p) {
      if (!stream.isTTY) return;
      const frac =
        p.phase === 'read' ? (p.totalBytes ? p.bytes / p.totalBytes : 0) * 0.8 : 0.8 + 0.2 * (p.rows ? 1 : 0);
      const pct = Math.min(100, Math.floor(frac * 100));
      if (pct === last) return;
      last = pct;
      const width = 30;
      const fill = Math.round((pct / 100) * width);
      stream.write(
        `\r${label} [${'#'.repeat(fill)}${'.'.repeat(width - fill)}] ${String(pct).padStart(3)}% ${p.phase} ${p.lines.toLocaleString('en-US')} lines`,
      );
    },
    done() {
      if (stream.isTTY && last >= 0) stream.write('\n');
    },
  };
}

const help = `usage: claimbox codes import KIND FILE [--effective YYYY-MM-DD] [--config FILE]
       claimbox codes list [--config FILE]

Import an official code set file as published:
  icd10   ICD-10-CM order file (icd10cm_order_YYYY.txt, fixed width, billable flag)
  hcpcs   HCPCS Level II record file (HCPCyyyy_MMM_ANWEB*.txt, fixed width)
  ptp     NCCI practitioner PTP edits (tab-delimited .txt; import each of the split files)
  mue     NCCI practitioner services MUE table (CSV)
  addon   NCCI add-on code file (tab or comma delimited, saved from the published spreadsheet)

--effective  the date the release takes effect. Derived from the file name when possible
             (icd10cm_order_2026.txt → 2025-10-01; HCPC2026_JAN → 2026-01-01; 2026Q1 → 2026-01-01).
A malformed row stops the import before anything is written; the error names its line.
Exit status: 0 imported, 65 the file is malformed, 64 usage.

Examples:
  claimbox codes import icd10 icd10cm_order_2026.txt
  claimbox codes import ptp ccipra-v321r0-f1.txt --effective 2026-01-01
`;

const verb: Verb = {
  name: 'codes',
  summary: 'import official code sets (ICD-10-CM, HCPCS, NCCI PTP, MUE, add-on codes)',
  help,
  async run(argv) {
    const { values, positionals } = parseVerbArgs(argv, { effective: { type: 'string' } });
    const [sub, kind, file] = positionals;
    const { config } = loadConfigOrExit(values.config);
    if (sub === 'list') {
      const store = openDataStore(config, true);
      const rows = store ? listImports(store) : [];
      store?.close();
      for (const r of rows)
        process.stdout.write(
          `${r.kind.padEnd(6)} ${r.effectiveFrom} → ${r.effectiveTo ?? 'open'}  ${String(r.rows).padStart(8)} rows  ${r.fileName}\n`,
        );
      if (rows.length === 0) process.stdout.write('no code sets imported\n');
      return 0;
    }
    if (sub !== 'import' || !kind || !file) throw new UsageError('expected: codes import KIND FILE');
    if (!(CODE_SET_KINDS as readonly string[]).includes(kind))
      throw new UsageError(`KIND must be one of ${CODE_SET_KINDS.join(', ')}`);
    if (values.effective !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(values.effective))
      throw new UsageError('--effective must be YYYY-MM-DD');
    if (!existsSync(file)) {
      process.stderr.write(`claimbox codes: ${file} does not exist\n`);
      return 66;
    }
    const store = openDataStore(config)!;
    const bar = progressBar(process.stderr, kind);
    try {
      const r = await importCodeSetFile(store, kind as CodeSetKind, file, {
        effective: values.effective,
        onProgress: (p) => bar.update(p),
        actor: `user:${process.env.USER ?? 'cli'}`,
      });
      bar.done();
      process.stdout.write(
        `imported ${r.kind} ${r.fileName}: ${r.rows.toLocaleString('en-US')} rows from ${r.lines.toLocaleString('en-US')} lines, effective ${r.effectiveFrom}\n`,
      );
      return 0;
    } catch (err) {
      bar.done();
      if (err instanceof ClaimboxError && err.errorClass === 'permanent') {
        process.stderr.write(`claimbox codes: ${err.message}\n`);
        const diags = (err.detail?.diagnostics ?? []) as { message: string }[];
        for (const d of diags.slice(1, 10)) process.stderr.write(`  ${d.message}\n`);
        return EX_DATAERR;
      }
      throw err;
    } finally {
      store.close();
    }
  },
};

export default verb;
