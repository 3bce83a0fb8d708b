// Compiles the production entry (src/main.ts) into one ESM file, dist/main.mjs, that plain
// `node` runs. Why: under `node --import tsx` the TypeScript loader runs on a thread of its
// own and costs the app ~40 MB of RSS for nothing once the code is compiled. Packages stay
// external (resolved from node_modules at run time: Prisma's WASM, PGlite's data files).
// `npm start` runs this first; it takes about a second.
import { build } from 'esbuild';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

await build({
  absWorkingDir: root,
  entryPoints: ['src/main.ts'],
  outfile: 'dist/main.mjs',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  packages: 'external',
  sourcemap: true,
  logLevel: 'warning',
});

// V8 holds a module's source text for the life of the process, as one byte per character
// only while every character is Latin-1: one other character (esbuild escapes them in strings
// and identifiers, not in comments or regular expressions) doubles the bundle's ~1 MB there.
const bundle = readFileSync(path.join(root, 'dist/main.mjs'), 'utf8');
const wide = /[^\x00-\xff]/.exec(bundle);
if (wide) {
  const line = bundle.slice(0, wide.index).split('\n').length;
  console.warn(`build: dist/main.mjs line ${line} has ${JSON.stringify(wide[0])}, outside Latin-1: the app keeps its source at two bytes per character (+1 MB); write it as an escape or in ASCII`);
}
