// Compiles the production entry (src/main.ts) into one ESM file, dist/main.mjs, that plain
// `node` runs. Why: under `node --import tsx` the TypeScript loader runs on a thread of its
// own and costs the app ~40 MB of RSS for nothing once the code is compiled. Packages stay
// external (resolved from node_modules at run time: Prisma's WASM, PGlite's data files).
// `npm start` runs this first; it takes about a second.
import { build } from 'esbuild';
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
