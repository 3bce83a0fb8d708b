// Gauges of state the app already holds, read when /metrics is scraped: open WebSockets, the
// PostgreSQL pool, the webhook backlog. Nothing is counted on the request path for them.
import type { WebSocketServer } from 'ws';
import type { AppServices } from './context.ts';
import type { Database } from './db.ts';
import type { Metrics } from './metrics.ts';

export function registerStateGauges(metrics: Metrics, wss: WebSocketServer, database: Database, services: AppServices): void {
  metrics.gauge('livesuite_websockets_open', 'WebSocket connections open on this instance', () => wss.clients.size);
  const poolUse = database.poolUse;
  if (poolUse) {
    metrics.labelledGauge('livesuite_db_pool_connections', 'PostgreSQL pool connections of this instance by state (in_use, idle, max) and queries waiting for one', 'state', () => {
      const use = poolUse();
      return { in_use: use.total - use.idle, idle: use.idle, waiting: use.waiting, max: use.max };
    });
  }
  // unknown (NaN) while the database is away, rather than a failed scrape
  metrics.gauge('livesuite_webhook_backlog', 'Webhook deliveries waiting to be sent (all instances share the outbox)', () =>
    services.db.webhookDelivery.count({ where: { status: 'PENDING' } }).catch(() => Number.NaN),
  );
}
