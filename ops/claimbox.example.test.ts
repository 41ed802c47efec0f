// ops/claimbox.example.toml must list every key of appliance/config.ts, each in its table, with the
// built-in default where there is one, and nothing the schema does not know.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'smol-toml';
import { describe, expect, it } from 'vitest';
import { configSchema, defaultConfig, loadConfig } from '../appliance/config.js';

const file = join(import.meta.dirname, 'claimbox.example.toml');
const text = readFileSync(file, 'utf8');

interface Def {
  type: string;
  innerType?: { def: Def };
  shape?: Record<string, { def: Def }>;
  element?: { def: Def };
}

/** Leaf keys of the schema as 'table.key' (array-of-table elements as 'snmp.targets.key'). */
function schemaKeys(def: Def, prefix: string, out: string[]): string[] {
  while (def.innerType && ['default', 'prefault', 'optional'].includes(def.type)) def = def.innerType.def;
  if (def.type === 'object' && def.shape) {
    for (const [k, v] of Object.entries(def.shape)) {
      let d = v.def;
      while (d.innerType && ['default', 'prefault', 'optional'].includes(d.type)) d = d.innerType.def;
      const path = prefix ? `${prefix}.${k}` : k;
      if (d.type === 'object') schemaKeys(d, path, out);
      else if (d.type === 'array' && d.element?.def.type === 'object') {
        out.push(path);
        schemaKeys(d.element.def, path, out);
      } else out.push(path);
    }
  }
  return out;
}

/** Keys the example shows (commented or not) as 'table.key', following [table] and [[table]] headers. */
function exampleKeys(): { key: string; value: string; inArrayTable: boolean }[] {
  const out: { key: string; value: string; inArrayTable: boolean }[] = [];
  let table = '';
  let inArrayTable = false;
  for (const raw of text.split('\n')) {
    const line = raw.replace(/^#\s?/, '');
    const header = /^\[(\[?)([a-z0-9_.]+)\]\]?\s*$/.exec(line);
    if (header) {
      table = header[2]!;
      inArrayTable = header[1] === '[';
      continue;
    }
    const kv = /^([a-z0-9_]+) = (.+?)(\s+#.*)?$/.exec(line);
    if (kv) out.push({ key: table ? `${table}.${kv[1]}` : kv[1]!, value: kv[2]!, inArrayTable });
  }
  return out;
}

function get(obj: unknown, path: string): unknown {
  return path.split('.').reduce<unknown>((o, k) => (o as Record<string, unknown> | undefined)?.[k], obj);
}

describe('ops/claimbox.example.toml', () => {
  const keys = schemaKeys((configSchema as unknown as { def: Def }).def, '', []);
  const shown = exampleKeys();

  it('lists every config key, in its table', () => {
    const listed = new Set(shown.map((s) => s.key));
    // snmp.targets is shown as a [[snmp.targets]] block rather than a key
    expect(keys.filter((k) => !listed.has(k) && k !== 'snmp.targets')).toEqual([]);
  });

  it('lists no key the config does not know', () => {
    const known = new Set(keys);
    expect(shown.map((s) => s.key).filter((k) => !known.has(k))).toEqual([]);
  });

  it('shows the built-in default for every key that has a non-empty one', () => {
    const defaults = defaultConfig();
    const wrong: string[] = [];
    for (const s of shown) {
      if (s.inArrayTable) continue;
      const d = get(defaults, s.key);
      if (d === undefined || d === '' || (Array.isArray(d) && d.length === 0)) continue;
      const v = (parse(`v = ${s.value}`) as { v: unknown }).v;
      if (JSON.stringify(v) !== JSON.stringify(d))
        wrong.push(`${s.key}: shows ${s.value}, default ${JSON.stringify(d)}`);
    }
    expect(wrong).toEqual([]);
  });

  it('loads as a valid config as shipped (every key commented = embedded defaults)', () => {
    const { config } = loadConfig(file, {});
    expect(config).toEqual(defaultConfig());
  });
});
