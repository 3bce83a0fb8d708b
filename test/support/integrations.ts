// Shared setup for the integration API tests: a DM team with one account outside the
// region-restricted group (US) beside its French ones, a connected tool with chosen scopes
// calling with its own tokens, a real local webhook receiver and an independent verifier of
// Standard Webhooks signatures (written from the spec, not with the server's code).
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect } from 'vitest';
import { BusinessAccountCreateDocument, IntegrationAuthorizeDocument, IntegrationCreateDocument, WebhookEndpointCreateDocument, type IntegrationScope, type WebhookEventType } from '../generated/graphql.ts';
import type { TestApp } from './app.ts';
import { createApi, type Api } from './client.ts';
import { accepted } from './fixtures.ts';
import { dmTeam, type DmTeam } from './messaging.ts';

export interface IntegrationTeam extends DmTeam {
  /** a US account (integrations may use its DMs); `shop` and `other` are French (restricted) */
  us: string;
  usHandle: string;
}

export async function integrationTeam(t: TestApp, prefix?: string): Promise<IntegrationTeam> {
  const team = await dmTeam(t, prefix);
  const usHandle = team.handle('us');
  const created = await team.owner.request(BusinessAccountCreateDocument, {
    organizationId: team.organizationId,
    input: { handle: usHandle, displayName: 'US store', region: 'US', category: 'Bakery' },
  });
  return { ...team, us: accepted(created.businessAccountCreate, 'businessAccountCreate').account!.id, usHandle };
}

export interface Connection {
  integrationId: string;
  grantId: string;
  accessToken: string;
  refreshToken: string;
  /** an API client carrying the current access token */
  api: Api;
}

/** The owner adds a tool and authorises it for the accounts with the scopes. */
export type ScopeName = 'messages:read' | 'messages:send' | 'conversations:write' | 'leads:read' | 'webhooks:manage';
/** messages:read → MESSAGES_READ (the GraphQL enum value), message.received → MESSAGE_RECEIVED */
export const enumValue = <T extends string>(name: string) => name.replace(/[:.]/g, '_').toUpperCase() as T;

export async function connect(t: TestApp, team: DmTeam, accountIds: string[], scopeNames: ScopeName[], name = 'Inbox tool'): Promise<Connection> {
  const scopes = scopeNames.map((s) => enumValue<IntegrationScope>(s));
  const { integrationCreate } = await team.owner.request(IntegrationCreateDocument, { organizationId: team.organizationId, input: { name } });
  const integrationId = accepted(integrationCreate, 'integrationCreate').integration!.id;
  const { integrationAuthorize } = await team.owner.request(IntegrationAuthorizeDocument, { id: integrationId, input: { accountIds, scopes } });
  const granted = accepted(integrationAuthorize, 'integrationAuthorize');
  return { integrationId, grantId: granted.grant!.id, accessToken: granted.accessToken!, refreshToken: granted.refreshToken!, api: tokenApi(t, granted.accessToken!) };
}

/** An API client sending this bearer token (an integration's access or refresh token). */
export const tokenApi = (t: TestApp, token: string): Api => createApi(t.url, async () => token);

/** A top-level error: its code and extensions. */
export function topLevel(response: { errors?: { message: string; extensions?: Record<string, unknown> }[] }) {
  expect(response.errors?.length ?? 0).toBeGreaterThan(0);
  return response.errors![0].extensions ?? {};
}

// ───────────── webhooks ─────────────

export interface Received {
  headers: IncomingHttpHeaders;
  body: string;
  at: number;
}

export type ReceiverMode = 'ok' | 'fail' | 'hang' | 'gone';

/** A real HTTP server on 127.0.0.1; `decide` picks how to answer each request (default: `mode`). */
export interface Receiver {
  url: string;
  received: Received[];
  mode: ReceiverMode;
  decide?: (body: string) => ReceiverMode;
  close(): Promise<void>;
}

export async function startReceiver(): Promise<Receiver> {
  const hanging = new Set<import('node:http').ServerResponse>();
  const receiver: Receiver = {
    url: '',
    received: [],
    mode: 'ok',
    close: async () => {
      for (const response of hanging) response.destroy();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      receiver.received.push({ headers: req.headers, body, at: Date.now() });
      const mode = receiver.decide?.(body) ?? receiver.mode;
      if (mode === 'hang') {
        hanging.add(res);
        res.on('close', () => hanging.delete(res));
        return;
      }
      if (mode === 'gone') return void res.writeHead(410).end('gone');
      if (mode === 'fail') return void res.writeHead(500).end('x'.repeat(5000));
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  receiver.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`;
  return receiver;
}

/**
 * Standard Webhooks verification from the spec: the key is the base64 after `whsec_`; the
 * signed content is `<webhook-id>.<webhook-timestamp>.<raw body>`; the header lists
 * space-separated `v1,<base64 HMAC-SHA256>` entries, any one of which may match.
 */
export function verifySignature(secret: string, headers: IncomingHttpHeaders, body: string): boolean {
  const id = headers['webhook-id'];
  const timestamp = headers['webhook-timestamp'];
  const signatures = headers['webhook-signature'];
  if (typeof id !== 'string' || typeof timestamp !== 'string' || typeof signatures !== 'string' || !/^\d+$/.test(timestamp)) return false;
  const key = Buffer.from(secret.slice('whsec_'.length), 'base64');
  const expected = createHmac('sha256', key).update(`${id}.${timestamp}.${body}`).digest();
  return signatures.split(' ').some((entry) => {
    const [version, signature] = entry.split(',');
    if (version !== 'v1' || !signature) return false;
    const given = Buffer.from(signature, 'base64');
    return given.length === expected.length && timingSafeEqual(given, expected);
  });
}

/** Registers an endpoint with the integration's token; returns its id and secret. */
export async function registerEndpoint(api: Api, url: string, eventNames: string[]) {
  const eventTypes = eventNames.map((e) => enumValue<WebhookEventType>(e));
  const { webhookEndpointCreate } = await api.request(WebhookEndpointCreateDocument, { input: { url, eventTypes } });
  const created = accepted(webhookEndpointCreate, 'webhookEndpointCreate');
  return { id: created.endpoint!.id, secret: created.secret! };
}

export const parsed = (received: Received) => JSON.parse(received.body) as { type: string; timestamp: string; data: Record<string, any> };

/** Waits (real time) until the condition holds. */
export async function eventually<T>(check: () => Promise<T | undefined | false> | T | undefined | false, timeoutMs = 10_000): Promise<T> {
  const started = Date.now();
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() - started > timeoutMs) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
