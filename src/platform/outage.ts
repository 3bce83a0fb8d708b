// One log line when a backing service (PostgreSQL, Redis) goes away and one when it is back,
// however many connections report the outage meanwhile.
import type { Logger } from 'pino';

export interface OutageLog {
  /** a connection failed: logged (warn) only for the first failure of an outage */
  down(error: unknown): void;
  /** a connection works again: logged (info) only if an outage was in progress */
  up(): void;
  readonly isDown: boolean;
}

export function outageLog(logger: Pick<Logger, 'warn' | 'info'> | undefined, service: string): OutageLog {
  let since: number | null = null;
  return {
    down(error) {
      if (since !== null) return;
      since = Date.now();
      logger?.warn({ err: error }, `${service} connection lost; retrying until it is back`);
    },
    up() {
      if (since === null) return;
      logger?.info({ outageMs: Date.now() - since }, `${service} connection restored`);
      since = null;
    },
    get isDown() {
      return since !== null;
    },
  };
}
