// The engine as the pipeline's coding stage uses it: tables and code sets loaded once into memory,
// tables refreshed when code_tables changes, code sets reloaded after an import.
import type { CodedEncounter, EncounterInput } from '../domain/types.js';
import type { Clock, CodeSets } from '../ports.js';
import { createCodeSets } from '../codesets/memory.js';
import { createTablesCache, type TablesCache } from '../store/code-tables.js';
import type { Store } from '../store/open.js';
import { codeEncounter } from './engine.js';

export interface EngineCoder {
  code(encounter: EncounterInput): CodedEncounter;
  readonly tables: TablesCache;
  readonly codeSets: CodeSets & { reload(): void };
}

export function createEngineCoder(
  store: Store,
  opts: { clock?: Clock; codeSets?: CodeSets & { reload(): void } } = {},
): EngineCoder {
  const tables = createTablesCache(store, { clock: opts.clock });
  const codeSets = opts.codeSets ?? createCodeSets(store);
  return {
    tables,
    codeSets,
    code: (enc) => codeEncounter(enc, tables.get(), codeSets),
  };
}
