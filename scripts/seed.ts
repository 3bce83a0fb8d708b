// npm run seed: (re)creates the demo organization and prints a token per person.
import { createApp } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';
import { printDemoTokens, seedDemo } from '../src/demo.ts';
import { exitOnStartupError } from '../src/platform/startup-errors.ts';

// refused at once (one line naming the pid) while npm start holds the embedded database
const app = await createApp(loadConfig({ ...process.env, PORT: '0', LOG_LEVEL: 'warn' })).catch(exitOnStartupError);
const seeded = await seedDemo(app.services, { onlyIfEmpty: false });
printDemoTokens(seeded!, `http://localhost:${loadConfig().port}/graphql`);
await app.close();
process.exit(0);
