// The engine as the pipeline's coding stage uses it: tables and code sets loaded once into memory,
// tables refreshed when code_tables changes, code sets reloaded after an import.
import type { CodedEncounter, EncounterInput } from '../domain/types.js';
import { systemClock, type Clock } from '../ports.js';
import { createCodeSets, type MemoryCodeSets } from '../codesets/memory.js';
import { createTablesCache, type TablesCache } from '../store/code-tables.js';
import type { Store } from '../store/open.js';
import { codeEncounter } from './engine.js';

export interface EngineCoder {
  code(encounter: EncounterInput): CodedEncounter;
  readonly tables: TablesCache;
  readonly codeSets: MemoryCodeSets;
}

/**
 * Tables are re-checked at most every `checkEveryMs` (default 1 s) and official code sets every
 * `codeSetsCheckEveryMs` (default 5 s), so an import or table edit from the CLI shows up in a
 * running service without a query per encounter.
 */
export function createEngineCoder(
  store: Store,
  opts: {
    clock?: Clock;
    codeSets?: MemoryCodeSets;
    checkEveryMs?: number;
    codeSetsCheckEveryMs?: number;
  } = {},
): EngineCoder {
  const clock = opts.clock ?? systemClock;
  const tables = createTablesCache(store, { clock, checkEveryMs: opts.checkEveryMs });
  const codeSets = opts.codeSets ?? createCodeSets(store);
  const every = opts.codeSetsCheckEveryMs ?? 5000;
  let checkedAt = clock.now();
  return {
    tables,
    codeSets,
    code(enc) {
      const now = clock.now();
      if (now - checkedAt >= every) {
        checkedAt = now;
        codeSets.reloadIfChanged();
      }
      return codeEncounter(enc, tables.get(), codeSets);
    },
  };
}
