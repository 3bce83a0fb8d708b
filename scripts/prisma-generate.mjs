// Runs `prisma generate` offline. The CLI insists on locating a native schema engine
// before generating even though generate never runs it; any executable satisfies the
// check (see STACK-NOTES), so point it at the running node binary.
// Then trims what the generated client keeps in memory: its parameterization graph
// (prisma-param-graph.mjs, ~13 MB less heap per PrismaClient) and the text of its query
// compiler (prisma-compiler-wasm.mjs, ~4 MB).
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { dropCompilerWasmSource } from './prisma-compiler-wasm.mjs';
import { padGeneratedClient } from './prisma-param-graph.mjs';

const env = { ...process.env, PRISMA_SCHEMA_ENGINE_BINARY: process.env.PRISMA_SCHEMA_ENGINE_BINARY ?? process.execPath, PRISMA_HIDE_UPDATE_MESSAGE: '1', PATH: `${process.cwd()}/node_modules/.bin:${process.env.PATH}` };
const result = spawnSync(process.execPath, ['node_modules/prisma/build/index.js', 'generate', '--schema', 'prisma/schema.prisma'], { stdio: 'inherit', env });
if (result.status !== 0) process.exit(result.status ?? 1);

const clientClass = 'src/generated/prisma/internal/class.ts';
let source = readFileSync(clientClass, 'utf8');
for (const [trim, script] of [
  [padGeneratedClient, 'prisma-param-graph.mjs'],
  [dropCompilerWasmSource, 'prisma-compiler-wasm.mjs'],
]) {
  const result = trim(source);
  // not fatal: the client works as generated, it only keeps more in memory
  if (result.skipped) console.warn(`prisma-generate: left as generated (${result.skipped}); see scripts/${script}`);
  source = result.source;
}
writeFileSync(clientClass, source);
