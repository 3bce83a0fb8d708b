// Runs `prisma generate` offline. The CLI insists on locating a native schema engine
// before generating even though generate never runs it; any executable satisfies the
// check (see STACK-NOTES), so point it at the running node binary.
import { spawnSync } from 'node:child_process';

const env = { ...process.env, PRISMA_SCHEMA_ENGINE_BINARY: process.env.PRISMA_SCHEMA_ENGINE_BINARY ?? process.execPath, PRISMA_HIDE_UPDATE_MESSAGE: '1', PATH: `${process.cwd()}/node_modules/.bin:${process.env.PATH}` };
const result = spawnSync(process.execPath, ['node_modules/prisma/build/index.js', 'generate', '--schema', 'prisma/schema.prisma'], { stdio: 'inherit', env });
process.exit(result.status ?? 1);
