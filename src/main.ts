// Process entry: config → app → listen; seeds the demo on an empty database in development;
// graceful shutdown on SIGTERM/SIGINT, bounded: past SHUTDOWN_GRACE_MS + 5 s the process exits
// with 1 whatever is still running. stdout carries only the JSON log lines; the demo banner
// goes to stderr.
import { pino } from 'pino';
import { createApp } from './app.ts';
import { ConfigError, loadConfig } from './config.ts';
import { printDemoTokens, seedDemo } from './demo.ts';
import { exitOnStartupError } from './platform/startup-errors.ts';

let config;
try {
  config = loadConfig();
} catch (error) {
  if (error instanceof ConfigError) {
    console.error(error.message);
    process.exit(1);
  }
  throw error;
}

const logger = pino({ level: config.logLevel, base: undefined });
const app = await createApp(config, { logger }).catch(exitOnStartupError);
if (config.seedDemo) {
  const seeded = await seedDemo(app.services, { onlyIfEmpty: true });
  if (seeded) printDemoTokens(seeded, app.url);
}
logger.info(`livesuite ready: GraphiQL on ${app.url}`);

let stopping = false;
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal, graceMs: config.shutdownGraceMs }, `${signal}: shutting down`);
    setTimeout(() => {
      logger.error('shutdown did not finish in time; exiting');
      process.exit(1);
    }, config.shutdownGraceMs + 5000).unref();
    app.close().then(
      () => {
        logger.info('shut down');
        process.exit(0);
      },
      (error) => {
        logger.error(error);
        process.exit(1);
      },
    );
  });
}
