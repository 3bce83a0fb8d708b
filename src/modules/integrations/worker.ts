// The webhook delivery worker every instance runs. It polls (no LISTEN/NOTIFY on the write
// path), claims due deliveries with FOR UPDATE SKIP LOCKED and a lease (so two instances never
// send one delivery at the same time, and a crashed instance's claims lapse), skips any
// delivery whose endpoint has an earlier pending delivery for the same conversation, POSTs
// with Standard Webhooks headers, and records the outcome: 2xx within the timeout succeeds;
// anything else is retried with exponential backoff and jitter until 72 hours after the
// event, then FAILED. An endpoint answering 410, or failing for 72 hours, is disabled and its
// organization's owners and admins are mailed.
import type { AppServices } from '../../platform/context.ts';
import { PendingEvents } from '../../platform/events.ts';
import { notifyOrganizationManagers } from '../notifications/service.ts';
import { deliveryPolicy, retryDelay } from './rules.ts';
import { signatureHeader } from './webhooks.ts';

const BATCH = 20;
/** a claim outlives the request timeout by this much before another instance may take it */
const LEASE_MARGIN_MS = 60_000;

interface Claimed {
  id: string;
  endpointId: string;
  eventId: string;
  createdAt: Date;
}

interface Outcome {
  statusCode: number | null;
  body: string | null;
  error: string | null;
}

export class WebhookWorker {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private readonly stopping = new AbortController();
  /** shutting down: finish the round in flight, start no other */
  private draining = false;

  constructor(private readonly services: AppServices) {}

  start(): void {
    if (this.timer || this.services.runtime.isStopped) return;
    this.timer = setInterval(() => void this.poll(), this.services.config.webhooks.pollMs);
    this.timer.unref();
  }

  /** Delivers everything due now (also used by tests and the benchmark to drive the worker). */
  poll(): Promise<void> {
    this.running ??= (async () => {
      try {
        // keep going while there is work: a success may release the next event of its conversation
        while (!this.draining && !this.stopping.signal.aborted && (await this.round()) > 0);
      } catch (error) {
        if (!this.services.runtime.isStopped) console.error('webhook delivery round failed', error);
      } finally {
        this.running = undefined;
      }
    })();
    return this.running;
  }

  private async round(): Promise<number> {
    const claimed = await this.claim();
    await Promise.all(claimed.map((delivery) => this.attempt(delivery)));
    return claimed.length;
  }

  private claim(): Promise<Claimed[]> {
    const now = this.services.clock.now();
    const leaseUntil = new Date(now.getTime() + this.services.config.webhooks.timeoutMs + LEASE_MARGIN_MS);
    return this.services.db.$queryRaw<Claimed[]>`
      UPDATE "WebhookDelivery" d SET "leaseUntil" = ${leaseUntil}
      WHERE d."id" IN (
        SELECT c."id" FROM "WebhookDelivery" c
          JOIN "WebhookEndpoint" e ON e."id" = c."endpointId"
          JOIN "IntegrationGrant" g ON g."id" = e."grantId"
        WHERE c."status" = 'PENDING' AND c."nextAttemptAt" <= ${now} AND (c."leaseUntil" IS NULL OR c."leaseUntil" <= ${now})
          AND e."disabledAt" IS NULL AND g."revokedAt" IS NULL
          AND NOT EXISTS (
            SELECT 1 FROM "WebhookDelivery" p
            WHERE p."endpointId" = c."endpointId" AND p."orderingKey" = c."orderingKey" AND p."status" = 'PENDING' AND p."seq" < c."seq")
        ORDER BY c."seq"
        LIMIT ${BATCH}
        FOR UPDATE OF c SKIP LOCKED)
      RETURNING d."id", d."endpointId", d."eventId", d."createdAt"`;
  }

  private async attempt(delivery: Claimed): Promise<void> {
    const { db, clock, config } = this.services;
    const [endpoint, event] = await Promise.all([
      db.webhookEndpoint.findUniqueOrThrow({ where: { id: delivery.endpointId } }),
      db.webhookEvent.findUniqueOrThrow({ where: { id: delivery.eventId }, select: { body: true } }),
    ]);
    const now = clock.now();
    const timestamp = Math.floor(now.getTime() / 1000);
    const outcome = await post(endpoint.url, event.body, {
      'content-type': 'application/json',
      'user-agent': 'livesuite-webhooks/1',
      'webhook-id': delivery.eventId,
      'webhook-timestamp': String(timestamp),
      'webhook-signature': signatureHeader(endpoint, delivery.eventId, timestamp, event.body, now),
    }, AbortSignal.any([AbortSignal.timeout(config.webhooks.timeoutMs), this.stopping.signal]));
    if (this.stopping.signal.aborted) {
      // shutting down mid-request: not an attempt; another instance (or the next start) sends it
      await db.webhookDelivery.update({ where: { id: delivery.id }, data: { leaseUntil: null } }).catch(() => {});
      return;
    }
    await this.record(delivery, endpoint, outcome);
  }

  private async record(delivery: Claimed, endpoint: { id: string; grantId: string; url: string; failingSince: Date | null }, outcome: Outcome): Promise<void> {
    const { db, clock, pubsub } = this.services;
    const now = clock.now();
    const succeeded = outcome.statusCode !== null && outcome.statusCode >= 200 && outcome.statusCode < 300;
    if (!succeeded) this.services.metrics.webhookFailures.inc();
    const result = {
      attempts: { increment: 1 },
      lastAttemptAt: now,
      lastStatusCode: outcome.statusCode,
      lastResponseBody: outcome.body,
      lastError: outcome.error,
      leaseUntil: null,
    };
    const events = new PendingEvents();
    await db.$transaction(async (tx) => {
      if (succeeded) {
        await tx.webhookDelivery.update({ where: { id: delivery.id }, data: { ...result, status: 'SUCCEEDED', completedAt: now } });
        if (endpoint.failingSince) await tx.webhookEndpoint.update({ where: { id: endpoint.id }, data: { failingSince: null } });
        return;
      }
      const row = await tx.webhookDelivery.update({ where: { id: delivery.id }, data: result, select: { attempts: true } });
      const deadline = delivery.createdAt.getTime() + deliveryPolicy.retryForMs;
      if (now.getTime() >= deadline) {
        await tx.webhookDelivery.update({ where: { id: delivery.id }, data: { status: 'FAILED', completedAt: now } });
      } else {
        await tx.webhookDelivery.update({ where: { id: delivery.id }, data: { nextAttemptAt: new Date(Math.min(now.getTime() + retryDelay(row.attempts), deadline)) } });
      }
      await tx.webhookEndpoint.updateMany({ where: { id: endpoint.id, failingSince: null }, data: { failingSince: now } });
      const failingSince = endpoint.failingSince ?? now;
      const reason = outcome.statusCode === 410 ? 'GONE' : now.getTime() - failingSince.getTime() >= deliveryPolicy.disableAfterMs ? 'FAILING' : null;
      if (!reason) return;
      const disabled = await tx.webhookEndpoint.updateMany({ where: { id: endpoint.id, disabledAt: null }, data: { disabledAt: now, disabledReason: reason } });
      if (disabled.count === 0) return;
      const grant = await tx.integrationGrant.findUniqueOrThrow({ where: { id: endpoint.grantId }, select: { organizationId: true, integration: { select: { name: true } } } });
      await notifyOrganizationManagers(tx, events, {
        organizationId: grant.organizationId,
        kind: 'WEBHOOK_ENDPOINT_DISABLED',
        title: `Webhooks of “${grant.integration.name}” were turned off`,
        body:
          reason === 'GONE'
            ? `${endpoint.url} answered 410 Gone, so no more events are sent to it. The integration can re-enable it.`
            : `${endpoint.url} has failed every delivery for 72 hours, so no more events are sent to it. The integration can re-enable it once it works again.`,
        subjectType: 'WebhookEndpoint',
        subjectId: endpoint.id,
        createdAt: now,
      });
    });
    events.publishTo(pubsub);
  }

  /**
   * Drains: claims nothing more, lets the deliveries in flight finish (each is bounded by
   * WEBHOOK_TIMEOUT_MS) for at most SHUTDOWN_GRACE_MS, then cuts the rest, whose leases are
   * released so another instance (or the next start) sends them.
   */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    this.draining = true;
    const grace = this.services.config.shutdownGraceMs;
    if (this.running && grace > 0) {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([this.running, new Promise((resolve) => (timer = setTimeout(resolve, grace)))]);
      clearTimeout(timer);
    }
    this.stopping.abort();
    await this.running;
  }
}

/** One POST; never throws: a network failure or timeout is an outcome without a status code. */
async function post(url: string, body: string, headers: Record<string, string>, signal: AbortSignal): Promise<Outcome> {
  try {
    const response = await fetch(url, { method: 'POST', body, headers, redirect: 'manual', signal });
    return { statusCode: response.status, body: await readSome(response, deliveryPolicy.responseBodyMax), error: null };
  } catch (error) {
    const name = (error as Error)?.name;
    const message = name === 'TimeoutError' ? 'No answer within the timeout.' : name === 'AbortError' ? 'Aborted.' : String((error as Error)?.cause ?? (error as Error)?.message ?? error);
    return { statusCode: null, body: null, error: message.slice(0, deliveryPolicy.responseBodyMax) };
  }
}

/** The start of a response body (a receiver may answer with megabytes: read only what the log keeps). */
async function readSome(response: Response, maxChars: number): Promise<string> {
  if (!response.body) return '';
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let text = '';
  try {
    while (text.length < maxChars) {
      const { done, value } = await reader.read();
      if (done) break;
      text += decoder.decode(value, { stream: true });
    }
  } finally {
    await reader.cancel().catch(() => {});
  }
  return text.slice(0, maxChars);
}

export function webhookWorker(services: AppServices): WebhookWorker {
  return services.runtime.get('webhooks', () => new WebhookWorker(services));
}
