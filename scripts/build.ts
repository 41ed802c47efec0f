// Compiles the appliance's TypeScript to plain ESM JavaScript in dist/, so `claimbox serve` starts on
// bare Node: the tsx loader costs ~35 MB of RSS (its hook thread and esbuild) and a transpile pass
// on every start. One file per module (no bundle), so every relative import and import.meta.url
// path keeps its meaning; the few runtime asset folders are copied beside the code. Tests and
// `npm run typecheck` still use the sources; scripts/claimbox falls back to tsx whenever dist/ is
// missing or older than any source file. Runs from `npm install` / `npm ci` (the `prepare` script).
import { build } from 'esbuild';
import { cpSync, existsSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
// --out DIR builds elsewhere (the build test does; imports of node_modules then resolve only if DIR
// sits inside this tree).
const { values } = parseArgs({ options: { out: { type: 'string' } } });
const out = values.out ? resolve(values.out) : join(root, 'dist');
const sourceDirs = ['appliance', 'integrations', 'ops', 'test/helpers'];
/** Non-code files read at run time through paths relative to a module. */
const assetDirs = ['appliance/store/migrations', 'ops/tables'];

function sources(dir: string): string[] {
  const files: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) files.push(...sources(path));
    else if (/\.ts$/.test(entry.name) && !/\.(test|d)\.ts$/.test(entry.name)) files.push(path);
  }
  return files;
}

const t0 = performance.now();
rmSync(out, { recursive: true, force: true });
const entryPoints = sourceDirs.flatMap((d) => sources(join(root, d)));
await build({
  entryPoints,
  outdir: out,
  outbase: root,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  // Maps beside the code for reading a stack trace against the sources (node --enable-source-maps);
  // not loaded by default: parsing one per module costs start-up time and memory.
  sourcemap: 'linked',
  logLevel: 'warning',
});
for (const dir of assetDirs) {
  if (existsSync(join(root, dir))) cpSync(join(root, dir), join(out, dir), { recursive: true });
}
// scripts/claimbox compares source mtimes with this stamp to decide whether dist/ is current.
writeFileSync(join(out, '.stamp'), new Date().toISOString() + '\n');
console.log(
  `built ${entryPoints.length} modules into ${relative(process.cwd(), out) || '.'} in ${Math.round(performance.now() - t0)} ms`,
);
