// The integration vocabulary (PRODUCT §9): scopes, webhook event types and what each needs,
// token lifetimes, webhook delivery numbers. Plain data, shared by services and schema.

export const integrationScopes = ['messages:read', 'messages:send', 'conversations:write', 'leads:read', 'webhooks:manage'] as const;
export type IntegrationScope = (typeof integrationScopes)[number];

export const webhookEventTypes = ['message.received', 'message.sent', 'conversation.referral', 'lead.created', 'auto_message.review_updated'] as const;
export type WebhookEventType = (typeof webhookEventTypes)[number];

/** The grant scope an endpoint needs to receive each event type (besides webhooks:manage to register it). */
export const eventScope: Record<WebhookEventType, IntegrationScope> = {
  'message.received': 'messages:read',
  'message.sent': 'messages:read',
  'conversation.referral': 'messages:read',
  'lead.created': 'leads:read',
  'auto_message.review_updated': 'webhooks:manage',
};

/** Events about direct messages: never delivered for accounts the region rule closes to integrations. */
export const directMessageEvents: ReadonlySet<WebhookEventType> = new Set(['message.received', 'message.sent', 'conversation.referral']);

const HOUR = 3600_000;

export const tokenLifetimes = {
  accessMs: 24 * HOUR,
  refreshMs: 365 * 24 * HOUR,
} as const;

export const INTEGRATION_NAME_MAX = 100;
export const WEBHOOK_URL_MAX = 2048;

export const deliveryPolicy = {
  /** retried for this long after the event, then FAILED */
  retryForMs: 72 * HOUR,
  /** an endpoint failing (no success) this long is disabled */
  disableAfterMs: 72 * HOUR,
  /** the first retry waits about this long; each next one twice as long */
  firstRetryMs: 10_000,
  /** no wait between two attempts exceeds this */
  maxRetryMs: 6 * HOUR,
  /** ± this share of the wait, at random, so retries of many deliveries spread out */
  jitter: 0.2,
  /** the previous secret keeps signing this long after a rotation */
  previousSecretMs: 24 * HOUR,
  /** characters of the receiver's answer kept in the delivery log */
  responseBodyMax: 1000,
} as const;

/** The wait before the next attempt after `attempts` failed ones (jittered). */
export function retryDelay(attempts: number, random: () => number = Math.random): number {
  const base = Math.min(deliveryPolicy.firstRetryMs * 2 ** Math.max(0, attempts - 1), deliveryPolicy.maxRetryMs);
  return Math.round(base * (1 - deliveryPolicy.jitter + 2 * deliveryPolicy.jitter * random()));
}
