// Stream an official code-set file through its line parser, then write it in one transaction.
// A malformed row stops the import before anything is written, and the error names its line.
import { createReadStream, statSync } from 'node:fs';
import { basename } from 'node:path';
import { createInterface } from 'node:readline';
import type { Diagnostic } from '../domain/types.js';
import { permanent } from '../domain/errors.js';
import { systemClock } from '../ports.js';
import type { Store } from '../store/open.js';
import {
  writeAddons,
  writeHcpcsRelease,
  writeIcd10Release,
  writeMueRelease,
  writePtpEdits,
  type HcpcsRecord,
} from '../store/codesets.js';
import {
  addonHeader,
  parseAddonLine,
  parseHcpcsLine,
  parseIcd10OrderLine,
  parseMueLine,
  parsePtpLine,
  type AddonColumns,
  type AddonRecord,
  type CodeSetKind,
  type Icd10Record,
  type LineResult,
  type MueRecord,
  type PtpRecord,
} from './parsers.js';

export interface ImportProgress {
  phase: 'read' | 'write';
  bytes: number;
  totalBytes: number;
  lines: number;
  rows: number;
}

export interface ImportOptions {
  /** YYYY-MM-DD the release takes effect; derived from the file name when it can be. */
  effective?: string;
  onProgress?: (p: ImportProgress) => void;
  now?: number;
  /** Audit actor, e.g. 'user:alice' (default 'service:codes-import'). */
  actor?: string;
  /** Stop after this many malformed lines (all are reported in the error's detail). */
  maxErrors?: number;
}

export interface ImportResult {
  kind: CodeSetKind;
  fileName: string;
  effectiveFrom: string;
  lines: number;
  rows: number;
}

/**
 * The release date a published file name implies: icd10cm_order_2025.txt → 2024-10-01 (fiscal year
 * 2025 starts October 1); HCPC2025_APR_ANWEB.txt → 2025-04-01; names with YYYYQn → the quarter start.
 */
export function effectiveFromFileName(kind: CodeSetKind, fileName: string): string | undefined {
  const name = basename(fileName);
  if (kind === 'icd10') {
    const m = /(20\d\d)/.exec(name);
    return m ? `${Number(m[1]) - 1}-10-01` : undefined;
  }
  const month = /(20\d\d)[_-]?(JAN|APR|JUL|OCT)/i.exec(name);
  if (month) {
    const mm = { JAN: '01', APR: '04', JUL: '07', OCT: '10' }[month[2]!.toUpperCase() as 'JAN'];
    return `${month[1]}-${mm}-01`;
  }
  const q = /(20\d\d)[_-]?Q([1-4])/i.exec(name);
  if (q) return `${q[1]}-${String((Number(q[2]) - 1) * 3 + 1).padStart(2, '0')}-01`;
  const iso = /(20\d\d)-(\d\d)-(\d\d)/.exec(name);
  return iso ? iso[0] : undefined;
}

/** Import one official file. Throws CODESET_MALFORMED (permanent) naming the first bad line. */
export async function importCodeSetFile(
  store: Store,
  kind: CodeSetKind,
  path: string,
  opts: ImportOptions = {},
): Promise<ImportResult> {
  const fileName = basename(path);
  const effectiveFrom = opts.effective ?? effectiveFromFileName(kind, fileName);
  if (!effectiveFrom || !/^\d{4}-\d{2}-\d{2}$/.test(effectiveFrom))
    throw permanent(
      'CODESET_NO_EFFECTIVE_DATE',
      `${fileName}: give the release's effective date (--effective YYYY-MM-DD)`,
    );
  const totalBytes = statSync(path).size;
  const maxErrors = opts.maxErrors ?? 20;
  const errors: Diagnostic[] = [];

  const icd: Icd10Record[] = [];
  const hcpcs = new Map<string, HcpcsRecord>();
  const ptp: PtpRecord[] = [];
  const mue: MueRecord[] = [];
  const addons: AddonRecord[] = [];
  let addonCols: AddonColumns | undefined;
  let dataStarted = false;
  let lastHcpcs: HcpcsRecord | undefined;

  const stream = createReadStream(path, { encoding: 'latin1' });
  const rl = createInterface({ input: stream, crlfDelay: Infinity });
  let lines = 0;
  let bytes = 0;
  let rows = 0;
  const report = (phase: ImportProgress['phase']) =>
    opts.onProgress?.({ phase, bytes, totalBytes, lines, rows });
  for await (const raw of rl) {
    lines++;
    bytes += raw.length + 1;
    const line = lines === 1 ? raw.replace(/^\uFEFF|^ï»¿/, '') : raw;
    let res: LineResult<unknown>;
    switch (kind) {
      case 'icd10':
        res = parseIcd10OrderLine(line, lines);
        if ('record' in res) icd.push(res.record as Icd10Record);
        break;
      case 'hcpcs': {
        const r = parseHcpcsLine(line, lines);
        res = r;
        if ('record' in r) {
          const rec = r.record;
          if (rec.recordId === '3') {
            lastHcpcs = {
              code: rec.code,
              shortDesc: rec.shortDesc,
              longDesc: rec.longDesc,
              addDate: rec.addDate ?? null,
              termDate: rec.termDate ?? null,
            };
            hcpcs.set(rec.code, lastHcpcs);
          } else if (rec.recordId === '4' && lastHcpcs?.code === rec.code)
            lastHcpcs.longDesc += ' ' + rec.longDesc;
        }
        break;
      }
      case 'ptp':
        res = parsePtpLine(line, lines, dataStarted);
        if ('record' in res) ptp.push(res.record as PtpRecord);
        break;
      case 'mue':
        res = parseMueLine(line, lines, dataStarted);
        if ('record' in res) mue.push(res.record as MueRecord);
        break;
      case 'addon':
        if (!addonCols) {
          addonCols = addonHeader(line);
          res = { skip: true };
          break;
        }
        res = parseAddonLine(line, lines, addonCols, effectiveFrom);
        if ('record' in res) addons.push(res.record as AddonRecord);
        break;
    }
    if ('record' in res) {
      dataStarted = true;
      rows++;
    } else if ('diagnostic' in res) {
      errors.push(res.diagnostic);
      if (errors.length >= maxErrors) break;
    }
    if (lines % 10000 === 0) report('read');
  }
  rl.close();
  stream.destroy();
  report('read');
  if (kind === 'addon' && !addonCols)
    errors.push({
      code: 'CODESET_MALFORMED',
      message: 'addon: no header row naming "Add-on Code", "Primary Code" and "AOC Type"',
      severity: 'error',
    });
  if (errors.length > 0)
    throw permanent(
      'CODESET_MALFORMED',
      `${fileName}: ${errors[0]!.message}${errors.length > 1 ? ` (and ${errors.length - 1} more)` : ''}`,
      {
        diagnostics: errors,
      },
    );
  if (rows === 0) throw permanent('CODESET_EMPTY', `${fileName}: no ${kind} rows found`);

  const now = opts.now ?? systemClock.now();
  const w = {
    fileName,
    effectiveFrom,
    now,
    actor: opts.actor,
    onProgress: (done: number) =>
      opts.onProgress?.({ phase: 'write', bytes: totalBytes, totalBytes, lines, rows: done }),
  };
  switch (kind) {
    case 'icd10':
      writeIcd10Release(store, icd, w);
      break;
    case 'hcpcs':
      writeHcpcsRelease(store, [...hcpcs.values()], w);
      break;
    case 'ptp':
      writePtpEdits(store, ptp, w);
      break;
    case 'mue':
      writeMueRelease(store, mue, w);
      break;
    case 'addon':
      writeAddons(store, addons, w);
      break;
  }
  return { kind, fileName, effectiveFrom, lines, rows: kind === 'hcpcs' ? hcpcs.size : rows };
}
