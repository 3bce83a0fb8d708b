// /health: the process is alive and serving HTTP (a liveness probe: restart it when this fails).
// /ready: it can do its job now: PostgreSQL answers and, when configured, Redis is connected;
// 503 otherwise, and from the moment a shutdown starts (a readiness probe: send it no traffic).
// Both answer JSON naming each check, never details of the failure (those are in the logs).
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Db } from './db.ts';
import type { PubSub } from './pubsub.ts';

/** A database that does not answer within this time is not ready. */
export const READY_TIMEOUT_MS = 2000;

export interface HealthSources {
  db: Db;
  pubsub: PubSub;
  /** true once the app started shutting down */
  closing(): boolean;
}

async function databaseAnswers(db: Db): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), READY_TIMEOUT_MS)));
  try {
    return await Promise.race([db.$queryRaw`SELECT 1`.then(() => true, () => false), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

export function healthRoute(sources: HealthSources) {
  const answer = (res: ServerResponse, status: number, body: object) => {
    res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' }).end(JSON.stringify(body));
    return true;
  };
  return async (req: IncomingMessage, res: ServerResponse): Promise<boolean> => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return false;
    const path = req.url?.split('?')[0];
    if (path === '/health') return answer(res, 200, { status: 'ok' });
    if (path !== '/ready') return false;
    const checks: Record<string, 'ok' | 'unavailable'> = {};
    checks.database = (await databaseAnswers(sources.db)) ? 'ok' : 'unavailable';
    const redis = sources.pubsub.connected?.();
    if (redis !== undefined) checks.redis = redis ? 'ok' : 'unavailable';
    const closing = sources.closing();
    const ready = !closing && Object.values(checks).every((check) => check === 'ok');
    return answer(res, ready ? 200 : 503, { status: ready ? 'ready' : closing ? 'shutting down' : 'unavailable', checks });
  };
}
