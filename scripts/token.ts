// npm run token -- --handle alice [--role reviewer] [--role admin] [--sub <id>] [--ttl 12h]
// Prints a signed bearer token for the configured secret (AUTH_SECRET or DATA_DIR's).
import { parseArgs } from 'node:util';
import { createAuth } from '../src/platform/auth.ts';
import { loadConfig } from '../src/config.ts';

const { values } = parseArgs({
  options: { handle: { type: 'string' }, role: { type: 'string', multiple: true }, sub: { type: 'string' }, ttl: { type: 'string' } },
});
if (!values.handle) {
  console.error('usage: npm run token -- --handle <handle> [--role reviewer|admin] [--sub <subject>] [--ttl 12h]');
  process.exit(2);
}
const bad = (values.role ?? []).filter((r) => r !== 'reviewer' && r !== 'admin');
if (bad.length) {
  console.error(`unknown role(s): ${bad.join(', ')} (platform roles are reviewer and admin)`);
  process.exit(2);
}
const config = loadConfig();
// minting needs only the secret; no database is touched
const auth = await createAuth(config, null as never);
console.log(await auth.mint({ sub: values.sub ?? `user|${values.handle}`, handle: values.handle, roles: values.role }, values.ttl));
