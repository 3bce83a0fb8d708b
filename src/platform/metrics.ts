// The app's Prometheus metrics, one registry per app instance (tests and benchmarks run
// several apps in one process; a shared default registry would mix them and refuse the second
// registration). Served at /metrics by the yoga Prometheus plugin (app.ts), which adds its own
// graphql_envelop_* / graphql_yoga_* series to the same registry. Gauges of state that already
// exists elsewhere (sockets, pool, queue, backlog) are read when scraped, so they cost nothing
// per request.
import { Counter, Gauge, Histogram, Registry } from 'prom-client';

export interface Metrics {
  readonly registry: Registry;
  /** operations by name, type and outcome (`ok` or the first error code) */
  readonly operations: Counter<'operation' | 'type' | 'outcome'>;
  readonly operationSeconds: Histogram<'operation' | 'type' | 'outcome'>;
  /** time between a publish and its arrival at this instance's pub/sub listener */
  readonly pubsubLagSeconds: Histogram;
  /** mutations refused with OVERLOADED, by reason (queue wait exceeded, transaction timed out) */
  readonly admissionRefusals: Counter<'reason'>;
  /** webhook delivery attempts that did not get a 2xx answer */
  readonly webhookFailures: Counter;
  /** live subscriptions over WebSockets */
  readonly activeSubscriptions: Gauge;
  /** a gauge read when /metrics is scraped */
  gauge(name: string, help: string, read: () => number | Promise<number>): void;
  /** gauges with one label, read when scraped */
  labelledGauge<L extends string>(name: string, help: string, label: L, read: () => Record<string, number> | Promise<Record<string, number>>): void;
}

const SECONDS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export function createMetrics(): Metrics {
  const registry = new Registry();
  const registers = [registry];
  return {
    registry,
    operations: new Counter({ name: 'livesuite_operations_total', help: 'GraphQL operations by name, type and outcome (ok or the first error code)', labelNames: ['operation', 'type', 'outcome'], registers }),
    operationSeconds: new Histogram({
      name: 'livesuite_operation_duration_seconds',
      help: 'GraphQL operation duration, from the request (or subscribe message) to the response; for subscriptions, their lifetime',
      labelNames: ['operation', 'type', 'outcome'],
      buckets: SECONDS,
      registers,
    }),
    pubsubLagSeconds: new Histogram({ name: 'livesuite_pubsub_lag_seconds', help: 'Time from a pub/sub publish to its delivery to this instance', buckets: SECONDS, registers }),
    admissionRefusals: new Counter({ name: 'livesuite_admission_refusals_total', help: 'Mutations refused with OVERLOADED', labelNames: ['reason'], registers }),
    webhookFailures: new Counter({ name: 'livesuite_webhook_failures_total', help: 'Webhook delivery attempts without a 2xx answer (network error, timeout or status)', registers }),
    activeSubscriptions: new Gauge({ name: 'livesuite_subscriptions_active', help: 'GraphQL subscriptions streaming over WebSockets on this instance', registers }),
    gauge(name, help, read) {
      new Gauge({
        name,
        help,
        registers,
        async collect() {
          this.set(await read());
        },
      });
    },
    labelledGauge(name, help, label, read) {
      new Gauge({
        name,
        help,
        labelNames: [label],
        registers,
        async collect() {
          for (const [value, count] of Object.entries(await read())) this.set({ [label]: value } as never, count);
        },
      });
    },
  };
}
