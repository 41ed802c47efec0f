// `claimbox code FILE`: code one encounter without storing anything and print the codes with their
// reasons. `code replay` tries a changed table set over past encounters; `code compare` is the
// parallel-testing report (engine vs human coders).
import { readFileSync } from 'node:fs';
import {
  compareCoding,
  formatCompareReport,
  humanFromEncounter,
  parseHumanCodesCsv,
  providerLabel,
  type ComparePair,
} from '../coding/compare.js';
import { codeEncounter, dotted, emptyCodeSets } from '../coding/engine.js';
import { replayTables } from '../coding/replay.js';
import { readTableSetDir, tableSetDir, writeTableSetDir } from '../coding/table-files.js';
import { buildCodingTables, type CodingTables, type TableRow } from '../coding/tables.js';
import { createCodeSets } from '../codesets/memory.js';
import type { Config } from '../config.js';
import type { CodedEncounter, EncounterInput } from '../domain/types.js';
import type { CodeSets } from '../ports.js';
import {
  currentRows,
  importTables,
  listEncountersForCoding,
  listTables,
  loadCodingTables,
} from '../store/code-tables.js';
import type { Store } from '../store/open.js';
import { toEnvelope } from '../../integrations/hl7/map.js';
import { getProfile } from '../../integrations/hl7/profiles.js';
import { EX_DATAERR, openDataStore } from './codes.js';
import { UsageError, loadConfigOrExit, parseVerbArgs, type Verb } from './verb.js';

const help = `usage: claimbox code FILE [--json] [--payer ID] [--tables DIR|SET] [--config FILE]
       claimbox code replay --tables DIR|SET --from YYYY-MM-DD --to YYYY-MM-DD [--json]
       claimbox code compare [--from YYYY-MM-DD] [--to YYYY-MM-DD] [--human FILE.csv] [--tables DIR|SET] [--json]
       claimbox code tables list | export DIR | import DIR

code FILE      Code one encounter and print every code with the rule and input behind it, plus
               review reasons. Nothing is stored. FILE is the JSON intake shape (EncounterInput)
               or an HL7 v2 DFT^P03 message, read with the configured intake.profile.
  --payer ID   code as if the primary payer were ID
  --tables     use a table set folder (or a sample set name: family-medicine, general-dentistry)
               instead of the database's tables (default: the database, else coding.table_set)
  --json       print the CodedEncounter as JSON
  Exit status: 0 coded, 2 needs review, 65 unreadable FILE.

code replay    Run a candidate table set over stored encounters with a date of service in
               [--from, --to] and list every encounter whose codes would change. Reads only.
               The folder may hold only the changed tables (e.g. fee_schedule.csv); the others
               stay as they are live.

code compare   Parallel testing: compare the engine's codes with the codes people assigned
               (procedures/diagnoses marked humanCoded on the encounter, or --human CSV with
               columns visit_number,type(em|procedure|diagnosis),code,modifiers,provider) and print
               the match rate per code type and provider and the top discrepancy reasons.

code tables    List the coding tables and their versions; export them as one CSV per table; import a
               folder of <table>.csv / .json files (each table in it becomes a new, audited version).

Examples:
  claimbox code test/fixtures/coding/office-visit.json
  claimbox code replay --tables ./my-tables --from 2025-01-01 --to 2025-03-31
  claimbox code compare --from 2025-01-01 --to 2025-01-31 --human coder-export.csv
`;

function rowsFrom(spec: string): TableRow[] {
  const r = readTableSetDir(tableSetDir(spec));
  const errors = r.diagnostics.filter((d) => d.severity === 'error');
  if (!r.value || errors.length > 0)
    throw new UsageError(`table set ${spec}: ${errors[0]?.message ?? 'unreadable'}`);
  return r.value;
}

/** The live rows: the database's tables, or the configured sample set when the database has none. */
function liveRows(config: Config, store: Store | undefined): { rows: TableRow[]; label: string } {
  if (store) {
    const rows = currentRows(store);
    if (rows.length > 0) return { rows, label: loadCodingTables(store).label };
  }
  const set = config.coding.table_set === 'none' ? 'family-medicine' : config.coding.table_set;
  return { rows: rowsFrom(set), label: set };
}

function liveTables(config: Config, store: Store | undefined, explicit?: string): CodingTables {
  if (explicit) return buildCodingTables(rowsFrom(explicit), explicit);
  const { rows, label } = liveRows(config, store);
  return buildCodingTables(rows, label);
}

/** A candidate folder may hold only the tables being changed: the others stay as they are live. */
function candidateTables(config: Config, store: Store | undefined, spec: string): CodingTables {
  const changed = rowsFrom(spec);
  const names = new Set(changed.map((r) => r.table));
  const live = liveRows(config, store).rows.filter((r) => !names.has(r.table));
  return buildCodingTables([...live, ...changed], `candidate ${spec} (${[...names].join(', ')})`);
}

function codeSetsOf(store: Store | undefined): CodeSets {
  return store ? createCodeSets(store) : emptyCodeSets;
}

const money = (cents: number) => `$${(cents / 100).toFixed(2)}`;

export function formatCoded(enc: EncounterInput, c: CodedEncounter, tablesLabel: string): string {
  const out: string[] = [];
  const payer = [...enc.coverages].sort((a, b) => a.order - b.order)[0]?.payerId ?? '(none)';
  out.push(
    `Encounter ${enc.source.system}/${enc.source.visitNumber}  DOS ${enc.dateOfService}  POS ${c.placeOfService ?? enc.placeOfService}${c.placeOfService ? ` (EHR ${enc.placeOfService})` : ''}  payer ${payer}`,
  );
  out.push(`Tables: ${tablesLabel}`, '', 'Diagnoses:');
  if (c.diagnoses.length === 0) out.push('  (none)');
  c.diagnoses.forEach((d, i) => {
    out.push(`  ${i + 1}. ${dotted(d.code)}`);
    for (const w of d.why) out.push(`       ${w.rule}  ← ${w.input}`);
  });
  out.push('', 'Lines:');
  if (c.lines.length === 0) out.push('  (none)');
  for (const l of c.lines) {
    const code = [l.code, ...l.modifiers].join('-');
    const dental = [
      l.tooth && `tooth ${l.tooth}`,
      l.surfaces && `surfaces ${l.surfaces}`,
      l.area && `area ${l.area}`,
    ]
      .filter(Boolean)
      .join(' ');
    out.push(
      `  ${code.padEnd(16)} x${l.units}  ${money(l.chargeCents).padStart(10)}  dx ${l.diagnosisPointers.join(',') || '-'}${dental ? `  ${dental}` : ''}`,
    );
    for (const w of l.why) out.push(`       ${w.rule}  ← ${w.input}`);
  }
  const total = c.lines.reduce((n, l) => n + l.chargeCents, 0);
  out.push(`  ${'total'.padEnd(16)}     ${money(total).padStart(10)}`, '');
  if (c.review.length > 0) {
    out.push('Needs review:');
    for (const r of c.review)
      out.push(`  ${r.code.padEnd(26)} ${r.message}${r.field ? `  [${r.field}]` : ''}`);
    out.push('', 'Status: needs_review');
  } else out.push('Status: coded');
  return out.join('\n') + '\n';
}

/** An HL7 v2 charge message (DFT^P03) mapped by the configured EHR profile, as intake would. */
function fromHl7(config: Config, file: string, raw: Buffer): EncounterInput | string {
  const profile = getProfile(config.intake.profile);
  if (!profile) return `intake.profile: unknown HL7 profile '${config.intake.profile}'`;
  const r = toEnvelope(raw, 'cli', profile);
  if (r.reject) return `${file}: ${r.reject.reason} (${r.reject.code})`;
  const env = r.envelope;
  if (env?.quarantine)
    return `${file}: intake would quarantine it: ${env.quarantine.reason} (${env.quarantine.code})`;
  if (!env?.encounter)
    return `${file}: not a charge message intake codes (${env?.ignore ?? env?.messageType ?? 'no encounter'})`;
  return env.encounter;
}

function readEncounter(config: Config, file: string): EncounterInput | string {
  let raw: Buffer;
  try {
    raw = readFileSync(file);
  } catch (err) {
    return `cannot read ${file}: ${err instanceof Error ? err.message : String(err)}`;
  }
  const text = raw.toString('utf8').replace(/^\uFEFF/, '');
  if (/^\s*(MSH|FHS|BHS)\|/.test(text)) return fromHl7(config, file, raw);
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    return `${file} is not JSON: ${err instanceof Error ? err.message : String(err)}`;
  }
  const e = doc as Partial<EncounterInput> | null;
  const missing = (
    [
      'kind',
      'dateOfService',
      'placeOfService',
      'coverages',
      'diagnoses',
      'procedures',
      'rendering',
      'source',
    ] as const
  ).filter((k) => e?.[k] === undefined);
  if (missing.length > 0)
    return `${file} is not an encounter (EncounterInput): missing ${missing.join(', ')}`;
  if (!Array.isArray(e!.coverages) || !Array.isArray(e!.diagnoses) || !Array.isArray(e!.procedures))
    return `${file}: coverages, diagnoses and procedures must be arrays`;
  return e as EncounterInput;
}

function dateArg(v: string | undefined, name: string, fallback?: string): string {
  const d = v ?? fallback;
  if (!d || !/^\d{4}-\d{2}-\d{2}$/.test(d)) throw new UsageError(`--${name} YYYY-MM-DD is required`);
  return d;
}

async function runCode(
  config: Config,
  file: string,
  values: { json?: boolean; payer?: string; tables?: string },
): Promise<number> {
  const input = readEncounter(config, file);
  if (typeof input === 'string') {
    process.stderr.write(`claimbox code: ${input}\n`);
    return EX_DATAERR;
  }
  const enc: EncounterInput = values.payer
    ? {
        ...input,
        coverages: input.coverages.length
          ? input.coverages.map((c, i) => (i === 0 ? { ...c, payerId: values.payer! } : c))
          : [
              {
                order: 1,
                payerId: values.payer,
                payerName: values.payer,
                memberId: 'UNKNOWN',
                relationship: 'self',
              },
            ],
      }
    : input;
  const store = openDataStore(config, true);
  try {
    const tables = liveTables(config, store, values.tables);
    const coded = codeEncounter(enc, tables, codeSetsOf(store));
    process.stdout.write(
      values.json ? JSON.stringify(coded, null, 2) + '\n' : formatCoded(enc, coded, tables.label),
    );
    return Promise.resolve(coded.review.length > 0 ? 2 : 0);
  } finally {
    store?.close();
  }
}

function runReplay(
  config: Config,
  values: { json?: boolean; tables?: string; from?: string; to?: string },
): number {
  if (!values.tables) throw new UsageError('--tables DIR is required (the candidate table set)');
  const range = { from: dateArg(values.from, 'from'), to: dateArg(values.to, 'to') };
  const store = openDataStore(config, true);
  if (!store) {
    process.stderr.write('claimbox code replay: no database yet (nothing to replay)\n');
    return 0;
  }
  try {
    const candidate = candidateTables(config, store, values.tables);
    const r = replayTables(store, candidate, range, { currentTables: liveTables(config, store) });
    if (values.json) process.stdout.write(JSON.stringify(r, null, 2) + '\n');
    else {
      process.stdout.write(
        `${r.examined} encounter(s) from ${range.from} to ${range.to}; ${r.changed.length} would change under ${values.tables}\n`,
      );
      for (const c of r.changed)
        process.stdout.write(`  #${c.encounterId} ${c.dateOfService}: ${c.differences.join('; ')}\n`);
    }
    return 0;
  } finally {
    store.close();
  }
}

function runCompare(
  config: Config,
  values: { json?: boolean; tables?: string; from?: string; to?: string; human?: string },
): number {
  const range = {
    from: dateArg(values.from, 'from', '0000-01-01'),
    to: dateArg(values.to, 'to', '9999-12-31'),
  };
  let imported: ReturnType<typeof parseHumanCodesCsv>['value'];
  if (values.human) {
    const parsed = parseHumanCodesCsv(readFileSync(values.human, 'utf8'));
    for (const d of parsed.diagnostics)
      process.stderr.write(`claimbox code compare: ${values.human}: ${d.message}\n`);
    if (!parsed.value) return EX_DATAERR;
    imported = parsed.value;
  }
  const store = openDataStore(config, true);
  if (!store) {
    process.stderr.write('claimbox code compare: no database yet (no encounters to compare)\n');
    return 0;
  }
  try {
    const tables = liveTables(config, store, values.tables);
    const cs = codeSetsOf(store);
    const pairs: ComparePair[] = [];
    for (const e of listEncountersForCoding(store, range)) {
      const fromCsv = imported?.get(e.input.source.visitNumber);
      const human = fromCsv ?? humanFromEncounter(e.input);
      if (!human) continue;
      pairs.push({
        encounterId: e.id,
        provider: fromCsv?.provider ?? providerLabel(e.input),
        engine: codeEncounter(e.input, tables, cs),
        human,
      });
    }
    const report = compareCoding(pairs);
    process.stdout.write(values.json ? JSON.stringify(report, null, 2) + '\n' : formatCompareReport(report));
    return 0;
  } finally {
    store.close();
  }
}

function runTables(config: Config, positionals: string[]): number {
  const [, action, dir] = positionals;
  if (action === 'list') {
    const store = openDataStore(config, true);
    const rows = store ? listTables(store) : [];
    store?.close();
    for (const t of rows)
      process.stdout.write(`${t.table.padEnd(14)} v${t.version}  ${String(t.rows).padStart(6)} rows\n`);
    if (rows.length === 0) process.stdout.write('no database yet\n');
    return 0;
  }
  if ((action !== 'export' && action !== 'import') || !dir)
    throw new UsageError('expected: code tables list | export DIR | import DIR');
  if (action === 'export') {
    const store = openDataStore(config, true);
    if (!store) {
      process.stderr.write('claimbox code tables: no database yet\n');
      return 1;
    }
    try {
      const files = writeTableSetDir(dir, currentRows(store));
      process.stdout.write(`wrote ${files.length} table file(s) to ${dir}\n`);
      return 0;
    } finally {
      store.close();
    }
  }
  const parsed = readTableSetDir(tableSetDir(dir));
  const errors = parsed.diagnostics.filter((d) => d.severity === 'error');
  if (!parsed.value || errors.length > 0) {
    for (const d of errors.slice(0, 20)) process.stderr.write(`claimbox code tables: ${d.message}\n`);
    return EX_DATAERR;
  }
  const store = openDataStore(config)!;
  try {
    const results = importTables(store, parsed.value, {
      actor: `user:${process.env.USER ?? 'cli'}`,
      source: `import:${dir}`,
    });
    for (const r of results)
      process.stdout.write(
        `${r.table.padEnd(14)} v${r.previousVersion} → v${r.version}: +${r.added} -${r.removed} ~${r.changed}\n`,
      );
    return 0;
  } finally {
    store.close();
  }
}

const verb: Verb = {
  name: 'code',
  summary: 'code one encounter and explain it; what-if replay; parallel-testing compare',
  help,
  async run(argv) {
    const { values, positionals } = parseVerbArgs(argv, {
      json: { type: 'boolean' },
      payer: { type: 'string' },
      tables: { type: 'string' },
      from: { type: 'string' },
      to: { type: 'string' },
      human: { type: 'string' },
    });
    const { config } = loadConfigOrExit(values.config);
    const [first] = positionals;
    if (first === 'replay') return runReplay(config, values);
    if (first === 'compare') return runCompare(config, values);
    if (first === 'tables') return runTables(config, positionals);
    if (!first || positionals.length > 1)
      throw new UsageError('expected one FILE, or replay / compare / tables');
    return runCode(config, first, values);
  },
};

export default verb;
