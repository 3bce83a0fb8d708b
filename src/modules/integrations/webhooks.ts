// Webhook endpoints a tool registers (https on public hosts; plain http only for loopback
// where the server allows it), their secrets (rotation keeps the previous one signing for
// 24 h), and the Standard Webhooks signature: v1,<base64 HMAC-SHA256 of "id.timestamp.body">
// keyed by the base64 part of whsec_<base64>.
import { createHmac, randomBytes } from 'node:crypto';
import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';
import type { Clock } from '../../platform/clock.ts';
import type { Db } from '../../platform/db.ts';
import { refuse, refuseIfAny, userError, type UserError } from '../../platform/errors.ts';
import { deliveryPolicy, eventScope, WEBHOOK_URL_MAX, type WebhookEventType } from './rules.ts';

export interface WebhookSettings {
  /** plain http to loopback hosts (development and tests) */
  allowHttpLoopback: boolean;
  /** refuse hosts on private, link-local or loopback networks (production) */
  refusePrivateNetworks: boolean;
}

export interface Deps {
  db: Db;
  clock: Clock;
  webhooks: WebhookSettings;
}

export const newSecret = (): string => `whsec_${randomBytes(24).toString('base64')}`;

/** Standard Webhooks signature of one message with one secret. */
export function sign(secret: string, webhookId: string, timestamp: number, body: string): string {
  const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
  return `v1,${createHmac('sha256', key).update(`${webhookId}.${timestamp}.${body}`).digest('base64')}`;
}

/** The webhook-signature header: the current secret, and the previous one while it is still valid. */
export function signatureHeader(endpoint: { secret: string; previousSecret: string | null; previousSecretExpiresAt: Date | null }, webhookId: string, timestamp: number, body: string, now: Date): string {
  const signatures = [sign(endpoint.secret, webhookId, timestamp, body)];
  if (endpoint.previousSecret && endpoint.previousSecretExpiresAt && endpoint.previousSecretExpiresAt > now) {
    signatures.push(sign(endpoint.previousSecret, webhookId, timestamp, body));
  }
  return signatures.join(' ');
}

const privateNetworks = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8], ['10.0.0.0', 8], ['100.64.0.0', 10], ['127.0.0.0', 8], ['169.254.0.0', 16], ['172.16.0.0', 12],
  ['192.0.0.0', 24], ['192.168.0.0', 16], ['198.18.0.0', 15], ['224.0.0.0', 4], ['240.0.0.0', 4],
] as const) privateNetworks.addSubnet(net, prefix, 'ipv4');
for (const [net, prefix] of [['::', 128], ['::1', 128], ['fc00::', 7], ['fe80::', 10], ['ff00::', 8]] as const) privateNetworks.addSubnet(net, prefix, 'ipv6');

const isLoopbackHost = (host: string) => host === 'localhost' || host.endsWith('.localhost') || host === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(host);

function isPrivateAddress(raw: string): boolean {
  // an IPv4 address written as IPv6 (::ffff:10.0.0.1) is checked as the IPv4 address it is
  const address = raw.replace(/^::ffff:(\d+\.\d+\.\d+\.\d+)$/i, '$1');
  const family = isIP(address);
  return family !== 0 && privateNetworks.check(address, family === 6 ? 'ipv6' : 'ipv4');
}

/** Refusals for an endpoint URL under the server's settings (DNS is asked only when private networks are refused). */
export async function urlRefusal(raw: string, settings: WebhookSettings, field: string[]): Promise<UserError | null> {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return userError('URL_INVALID', field);
  }
  if (raw.length > WEBHOOK_URL_MAX) return userError('TOO_LONG', field, `URLs are at most ${WEBHOOK_URL_MAX} characters.`);
  if (url.username || url.password) return userError('WEBHOOK_URL_NOT_ALLOWED', field, 'Endpoint URLs cannot carry credentials.');
  const loopback = isLoopbackHost(url.hostname);
  if (url.protocol === 'http:') {
    if (!(loopback && settings.allowHttpLoopback)) return userError('WEBHOOK_URL_NOT_ALLOWED', field, 'Endpoints must use https.');
  } else if (url.protocol !== 'https:') return userError('WEBHOOK_URL_NOT_ALLOWED', field, 'Endpoints must use https.');
  if (settings.refusePrivateNetworks) {
    const host = url.hostname.replace(/^\[|\]$/g, '');
    const addresses = isIP(host) ? [host] : await lookup(host, { all: true }).then((all) => all.map((a) => a.address), () => null);
    if (!addresses) return userError('WEBHOOK_URL_NOT_ALLOWED', field, `The host ${url.hostname} does not resolve.`);
    if (addresses.some(isPrivateAddress)) return userError('WEBHOOK_URL_NOT_ALLOWED', field, 'Endpoints cannot be on private networks.');
  }
  return null;
}

/** Event types the grant's scopes allow (lead.created needs leads:read, message events messages:read…). */
function eventTypeRefusals(eventTypes: readonly WebhookEventType[], scopes: readonly string[]): UserError[] {
  const errors: UserError[] = [];
  if (eventTypes.length === 0) errors.push(userError('REQUIRED', ['input', 'eventTypes'], 'Choose at least one event type.'));
  eventTypes.forEach((type, index) => {
    if (!scopes.includes(eventScope[type])) errors.push(userError('INTEGRATION_SCOPE_MISSING', ['input', 'eventTypes', String(index)], `${type} needs the ${eventScope[type]} scope.`));
  });
  return errors;
}

export interface EndpointInput {
  url: string;
  eventTypes: WebhookEventType[];
}

async function grantScopes(db: Db, grantId: string): Promise<string[]> {
  return (await db.integrationGrant.findUniqueOrThrow({ where: { id: grantId }, select: { scopes: true } })).scopes;
}

/** Registers an endpoint for the calling grant; returns it with its secret (shown once). */
export async function createEndpoint(deps: Deps, grantId: string, input: EndpointInput) {
  const eventTypes = [...new Set(input.eventTypes)];
  const errors = eventTypeRefusals(eventTypes, await grantScopes(deps.db, grantId));
  const urlError = await urlRefusal(input.url, deps.webhooks, ['input', 'url']);
  if (urlError) errors.push(urlError);
  refuseIfAny(errors);
  const secret = newSecret();
  const endpoint = await deps.db.webhookEndpoint.create({ data: { grantId, url: input.url, eventTypes, secret, createdAt: deps.clock.now() } });
  return { endpoint, secret };
}

export async function updateEndpoint(deps: Deps, endpointId: string, input: Partial<EndpointInput>) {
  const endpoint = await deps.db.webhookEndpoint.findUniqueOrThrow({ where: { id: endpointId }, select: { grantId: true } });
  const errors: UserError[] = [];
  const eventTypes = input.eventTypes ? [...new Set(input.eventTypes)] : undefined;
  if (eventTypes) errors.push(...eventTypeRefusals(eventTypes, await grantScopes(deps.db, endpoint.grantId)));
  if (input.url !== undefined) {
    const urlError = await urlRefusal(input.url, deps.webhooks, ['input', 'url']);
    if (urlError) errors.push(urlError);
  }
  refuseIfAny(errors);
  return deps.db.webhookEndpoint.update({ where: { id: endpointId }, data: { url: input.url, eventTypes } });
}

/** A new secret; the old one keeps signing (as a second signature) for 24 hours. */
export async function rotateSecret(deps: Deps, endpointId: string) {
  const now = deps.clock.now();
  const current = await deps.db.webhookEndpoint.findUniqueOrThrow({ where: { id: endpointId }, select: { secret: true } });
  const secret = newSecret();
  // compare-and-set on the secret: of two rotations at once, one wins and the other is refused
  const rotated = await deps.db.webhookEndpoint.updateMany({
    where: { id: endpointId, secret: current.secret },
    data: { secret, previousSecret: current.secret, previousSecretExpiresAt: new Date(now.getTime() + deliveryPolicy.previousSecretMs) },
  });
  if (rotated.count === 0) refuse('INVALID', ['id'], 'The secret was rotated meanwhile; try again.');
  return { endpoint: await deps.db.webhookEndpoint.findUniqueOrThrow({ where: { id: endpointId } }), secret };
}

/** Re-enables a disabled endpoint: its pending deliveries resume, retried from now. */
export async function enableEndpoint(deps: Deps, endpointId: string) {
  const now = deps.clock.now();
  return deps.db.$transaction(async (tx) => {
    const enabled = await tx.webhookEndpoint.updateMany({ where: { id: endpointId, disabledAt: { not: null } }, data: { disabledAt: null, disabledReason: null, failingSince: null } });
    if (enabled.count === 0) refuse('INVALID', ['id'], 'The endpoint is not disabled.');
    await tx.webhookDelivery.updateMany({ where: { endpointId, status: 'PENDING' }, data: { nextAttemptAt: now } });
    return tx.webhookEndpoint.findUniqueOrThrow({ where: { id: endpointId } });
  });
}

export async function deleteEndpoint(deps: Deps, endpointId: string) {
  await deps.db.webhookEndpoint.delete({ where: { id: endpointId } });
  return { endpointId };
}

/**
 * Sends a delivery again by hand: the same webhook-id (receivers de-duplicate on it), signed
 * with the current secret. It goes back to PENDING; retries stop 72 hours after the event as before.
 */
export async function resendDelivery(deps: Deps, deliveryId: string) {
  const now = deps.clock.now();
  const resent = await deps.db.webhookDelivery.updateMany({
    where: { id: deliveryId },
    data: { status: 'PENDING', nextAttemptAt: now, leaseUntil: null, completedAt: null },
  });
  if (resent.count === 0) refuse('NOT_FOUND', ['id'], 'No delivery has this id.');
  return deps.db.webhookDelivery.findUniqueOrThrow({ where: { id: deliveryId } });
}
