// GraphQL surface of integrations: owners and admins connect tools (grants with tokens shown
// once), tools refresh their tokens and manage their webhook endpoints, everyone allowed reads
// the delivery log. Rules live in service.ts, tokens.ts and webhooks.ts; what an integration
// token may reach elsewhere is policy.ts.
import { encodeGlobalID } from '@pothos/plugin-relay';
import { managerRoles } from '../../platform/access.ts';
import { builder } from '../../platform/builder.ts';
import type { Context } from '../../platform/context.ts';
import { attempt, payloadType } from '../../platform/payload.ts';
import { BusinessAccountRef, OrganizationRef } from '../accounts/schema.ts';
import './outbox.ts';
import './policy.ts';
import { integrationScopes, webhookEventTypes, type IntegrationScope, type WebhookEventType } from './rules.ts';
import * as integrations from './service.ts';
import { refreshTokens } from './tokens.ts';
import * as webhooks from './webhooks.ts';

const enumName = (value: string) => value.replace(/[:.]/g, '_').toUpperCase();

const scopeDescriptions: Record<IntegrationScope, string> = {
  'messages:read': 'messages:read — read conversations and messages of the granted accounts (inbox, node, inboxEvents) and receive message webhooks.',
  'messages:send': 'messages:send — send messages in the granted accounts’ conversations (reply window and media rules apply).',
  'conversations:write': 'conversations:write — accept, assign, star, mark read/unread, close and reopen conversations.',
  'leads:read': 'leads:read — read the granted accounts’ leads and receive lead.created webhooks.',
  'webhooks:manage': 'webhooks:manage — register and manage webhook endpoints and read their delivery log.',
};
export const IntegrationScopeEnum = builder.enumType('IntegrationScope', {
  description: 'What an integration token may do (the scope string in parentheses appears in FORBIDDEN errors).',
  values: Object.fromEntries(integrationScopes.map((scope) => [enumName(scope), { value: scope, description: scopeDescriptions[scope] }])) as Record<string, { value: IntegrationScope; description: string }>,
});

const eventDescriptions: Record<WebhookEventType, string> = {
  'message.received': 'message.received — a user sent a direct message (needs messages:read).',
  'message.sent': 'message.sent — the business sent a message, by hand, by an integration or automatically (needs messages:read).',
  'conversation.referral': 'conversation.referral — a conversation started from an ad or the chat link (needs messages:read).',
  'lead.created': 'lead.created — a lead was submitted (needs leads:read).',
  'auto_message.review_updated': 'auto_message.review_updated — a reviewer approved or rejected an auto-message.',
};
export const WebhookEventTypeEnum = builder.enumType('WebhookEventType', {
  description: 'An event a webhook endpoint can receive; the body’s `type` is the dotted name.',
  values: Object.fromEntries(webhookEventTypes.map((type) => [enumName(type), { value: type, description: eventDescriptions[type] }])) as Record<string, { value: WebhookEventType; description: string }>,
});

const DeliveryStatusEnum = builder.enumType('WebhookDeliveryStatus', {
  description: 'Where a webhook delivery stands.',
  values: {
    PENDING: { description: 'Not delivered yet: waiting for its turn, its next attempt or its endpoint to be re-enabled.' },
    SUCCEEDED: { description: 'The endpoint answered 2xx.' },
    FAILED: { description: 'Every attempt for 72 hours failed; it can still be re-sent by hand.' },
  },
});

// ───────────── who may see what ─────────────

const managersOf = (organizationId: string) => ({ organization: { id: organizationId, roles: managerRoles } });

/** The grant an endpoint or delivery belongs to, with its organization (once per operation). */
function grantOfEndpoint(ctx: Context, endpointId: string) {
  return ctx
    .loader<string, { grantId: string; organizationId: string } | null>('webhookEndpointGrant', async (ids) => {
      const rows = await ctx.db.webhookEndpoint.findMany({ where: { id: { in: [...ids] } }, select: { id: true, grantId: true, grant: { select: { organizationId: true } } } });
      const byId = new Map(rows.map((r) => [r.id, { grantId: r.grantId, organizationId: r.grant.organizationId }]));
      return ids.map((id) => byId.get(id) ?? null);
    })
    .load(endpointId);
}

/** The integration that owns the endpoint's grant, or the organization's owners and admins. */
async function endpointScope(ctx: Context, endpointId: string | null | undefined) {
  const grant = endpointId ? await grantOfEndpoint(ctx, endpointId) : null;
  if (!grant) return false;
  if (ctx.integration) return ctx.integration.grantId === grant.grantId;
  return managersOf(grant.organizationId);
}

async function deliveryEndpoint(ctx: Context, deliveryId: string) {
  return (await ctx.db.webhookDelivery.findUnique({ where: { id: deliveryId }, select: { endpointId: true } }))?.endpointId;
}

// ───────────── types ─────────────

export const IntegrationRef = builder.prismaNode('Integration', {
  description: 'A third-party tool (e.g. an inbox) connected to an organization. Its owners and admins see it.',
  id: { field: 'id' },
  authScopes: (integration) => managersOf(integration.organizationId),
  loadableBy: (integration) => managersOf(integration.organizationId),
  fields: (t) => ({
    name: t.exposeString('name', { description: 'The tool’s name, 1–100 characters.' }),
    organization: t.field({ type: OrganizationRef, description: 'The organization that connected it.', resolve: (i, _a, ctx) => ctx.db.organization.findUniqueOrThrow({ where: { id: i.organizationId } }) }),
    grants: t.relation('grants', { description: 'Every authorisation of it, newest first, revoked ones included.', query: { orderBy: [{ createdAt: 'desc' }, { id: 'desc' }] } }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When it was added.' }),
  }),
});

export const IntegrationGrantRef = builder.prismaNode('IntegrationGrant', {
  description: 'One authorisation of an integration: the accounts and scopes its tokens carry. The organization’s owners and admins see it; so does the integration holding its token.',
  id: { field: 'id' },
  authScopes: (grant, ctx) => (ctx.integration ? ctx.integration.grantId === grant.id : managersOf(grant.organizationId)),
  loadableBy: (grant, ctx) => (ctx.integration ? ctx.integration.grantId === grant.id : managersOf(grant.organizationId)),
  fields: (t) => ({
    integration: t.relation('integration', { authScopes: (g) => managersOf(g.organizationId), description: 'The integration authorised. Owners and admins only.' }),
    accounts: t.field({
      type: [BusinessAccountRef],
      description: 'The business accounts the tokens may act on.',
      resolve: (g, _a, ctx) => ctx.db.businessAccount.findMany({ where: { id: { in: g.accountIds } }, orderBy: { handle: 'asc' } }),
    }),
    scopes: t.field({ type: [IntegrationScopeEnum], description: 'What the tokens may do.', resolve: (g) => g.scopes as IntegrationScope[] }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When it was authorised.' }),
    revokedAt: t.expose('revokedAt', { type: 'DateTime', nullable: true, description: 'When it was revoked (its tokens stopped working); null while active.' }),
    revokedReason: t.exposeString('revokedReason', { nullable: true, description: 'REVOKED (by the team) or REFRESH_TOKEN_REUSED (a refresh token was used twice: presumed stolen).' }),
    lastUsedAt: t.field({
      type: 'DateTime',
      nullable: true,
      description: 'When one of its access tokens was last used (to the minute).',
      resolve: async (g, _a, ctx) => (await ctx.db.integrationToken.aggregate({ where: { grantId: g.id }, _max: { lastUsedAt: true } }))._max.lastUsedAt,
    }),
    webhookEndpoints: t.relation('endpoints', {
      description: 'Its webhook endpoints, oldest first. The integration sees them with webhooks:manage.',
      query: { orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] },
    }),
  }),
});

export const WebhookEndpointRef = builder.prismaNode('WebhookEndpoint', {
  description: 'Where an integration receives events. The integration that registered it (webhooks:manage) and the organization’s owners and admins see it.',
  id: { field: 'id' },
  authScopes: (endpoint, ctx) => endpointScope(ctx, endpoint.id),
  loadableBy: (endpoint, ctx) => endpointScope(ctx, endpoint.id),
  fields: (t) => ({
    url: t.exposeString('url', { description: 'The https URL events are POSTed to.' }),
    eventTypes: t.field({ type: [WebhookEventTypeEnum], description: 'The events it receives.', resolve: (e) => e.eventTypes as WebhookEventType[] }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When it was registered.' }),
    secretRotatedUntil: t.expose('previousSecretExpiresAt', { type: 'DateTime', nullable: true, description: 'After a secret rotation: until then the previous secret also signs each delivery.' }),
    disabledAt: t.expose('disabledAt', { type: 'DateTime', nullable: true, description: 'When it was turned off (no deliveries until re-enabled); null while enabled.' }),
    disabledReason: t.exposeString('disabledReason', { nullable: true, description: 'GONE (answered 410) or FAILING (72 hours without a successful delivery).' }),
    failingSince: t.expose('failingSince', { type: 'DateTime', nullable: true, description: 'First failed attempt since the last success; null while healthy.' }),
    deliveries: t.relatedConnection('deliveries', {
      cursor: 'id',
      description: 'Its delivery log, newest first.',
      args: { status: t.arg({ type: DeliveryStatusEnum, description: 'Only deliveries in this status.' }) },
      query: (args) => ({ where: args.status ? { status: args.status } : {}, orderBy: [{ seq: 'desc' }] }),
    }),
  }),
});

export const WebhookDeliveryRef = builder.prismaNode('WebhookDelivery', {
  description: 'One event sent (or to be sent) to one endpoint, with the outcome of its last attempt. Visible to whoever sees the endpoint.',
  id: { field: 'id' },
  authScopes: (delivery, ctx) => endpointScope(ctx, delivery.endpointId),
  loadableBy: (delivery, ctx) => endpointScope(ctx, delivery.endpointId),
  fields: (t) => ({
    webhookId: t.exposeString('eventId', { description: 'The webhook-id header: the same on every attempt and re-send, for de-duplication.' }),
    eventType: t.field({ type: WebhookEventTypeEnum, description: 'The event.', select: { event: { select: { type: true } } }, resolve: (d) => d.event.type as WebhookEventType }),
    body: t.string({ description: 'The JSON body sent (type, timestamp, data).', select: { event: { select: { body: true } } }, resolve: (d) => d.event.body }),
    status: t.expose('status', { type: DeliveryStatusEnum, description: 'Pending, succeeded or failed.' }),
    attempts: t.exposeInt('attempts', { description: 'Attempts made so far.' }),
    nextAttemptAt: t.field({ type: 'DateTime', nullable: true, description: 'When the next attempt is due; null once completed.', resolve: (d) => (d.status === 'PENDING' ? d.nextAttemptAt : null) }),
    lastAttemptAt: t.expose('lastAttemptAt', { type: 'DateTime', nullable: true, description: 'When it was last attempted.' }),
    lastStatusCode: t.exposeInt('lastStatusCode', { nullable: true, description: 'The HTTP status of the last answer; null when there was none (timeout, connection refused).' }),
    lastResponseBody: t.exposeString('lastResponseBody', { nullable: true, description: 'The start of the last answer’s body (at most 1000 characters).' }),
    lastError: t.exposeString('lastError', { nullable: true, description: 'Why the last attempt got no answer (timeout, connection error).' }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When the event happened.' }),
    completedAt: t.expose('completedAt', { type: 'DateTime', nullable: true, description: 'When it succeeded or was marked failed.' }),
  }),
});

// ───────────── queries ─────────────

builder.queryFields((t) => ({
  integrations: t.prismaField({
    type: ['Integration'],
    description: 'The organization’s integrations, newest first. Owners and admins.',
    authScopes: (_root, args) => managersOf(args.organizationId.id),
    args: { organizationId: t.arg.globalID({ required: true, for: OrganizationRef, description: 'The organization.' }) },
    resolve: (query, _root, args, ctx) => ctx.db.integration.findMany({ ...query, where: { organizationId: args.organizationId.id }, orderBy: [{ createdAt: 'desc' }, { id: 'desc' }] }),
  }),
  integrationGrantViewer: t.prismaField({
    type: 'IntegrationGrant',
    description: 'For an integration token: the grant it belongs to (accounts, scopes, webhook endpoints). Integration tokens only.',
    authScopes: { integration: [] },
    resolve: (query, _root, _args, ctx) => ctx.db.integrationGrant.findUniqueOrThrow({ ...query, where: { id: ctx.integration!.grantId } }),
  }),
}));

// ───────────── mutations ─────────────

const IntegrationInput = builder.inputType('IntegrationInput', {
  description: 'An integration’s name.',
  fields: (t) => ({ name: t.string({ required: true, description: 'The tool’s name, 1–100 characters.' }) }),
});
const IntegrationAuthorizeInput = builder.inputType('IntegrationAuthorizeInput', {
  description: 'What an integration may act on and do.',
  fields: (t) => ({
    accountIds: t.globalIDList({ required: true, for: BusinessAccountRef, description: 'Business accounts of the integration’s organization, at least one.' }),
    scopes: t.field({ type: [IntegrationScopeEnum], required: true, description: 'At least one scope.' }),
  }),
});
const WebhookEndpointInput = builder.inputType('WebhookEndpointInput', {
  description: 'A webhook endpoint’s address and events.',
  fields: (t) => ({
    url: t.string({ required: true, description: 'An https URL on a public host (at most 2048 characters).' }),
    eventTypes: t.field({ type: [WebhookEventTypeEnum], required: true, description: 'At least one event type; each needs its scope in the grant.' }),
  }),
});
const WebhookEndpointUpdateInput = builder.inputType('WebhookEndpointUpdateInput', {
  description: 'Changes to a webhook endpoint; omitted fields stay.',
  fields: (t) => ({
    url: t.string({ description: 'A new https URL.' }),
    eventTypes: t.field({ type: [WebhookEventTypeEnum], description: 'The new list of event types.' }),
  }),
});

const IntegrationPayload = payloadType<{ integrationId: string }>('IntegrationPayload', (t) => ({
  integration: t.prismaField({ type: 'Integration', nullable: true, description: 'The integration.', resolve: (q, p, _a, ctx) => (p.integrationId ? ctx.db.integration.findUnique({ ...q, where: { id: p.integrationId } }) : null) }),
}));
const IntegrationDeletePayload = payloadType<{ integrationId: string }>('IntegrationDeletePayload', (t) => ({
  deletedIntegrationId: t.id({ nullable: true, description: 'Global id of the deleted integration.', resolve: (p) => (p.integrationId ? encodeGlobalID('Integration', p.integrationId) : null) }),
}));
const tokenFields = (t: PothosSchemaTypes.ObjectFieldBuilder<typeof builder.$inferSchemaTypes, Partial<integrations.AuthorizeResult> & { userErrors: unknown[] }>) => ({
  accessToken: t.string({ nullable: true, description: 'The access token (lsa_…, valid 24 hours). Shown only now: store it.', resolve: (p) => p.accessToken ?? null }),
  accessTokenExpiresAt: t.field({ type: 'DateTime', nullable: true, description: 'When the access token expires.', resolve: (p) => p.accessTokenExpiresAt ?? null }),
  refreshToken: t.string({ nullable: true, description: 'The refresh token (lsr_…, valid 365 days, single use). Shown only now: store it.', resolve: (p) => p.refreshToken ?? null }),
  refreshTokenExpiresAt: t.field({ type: 'DateTime', nullable: true, description: 'When the refresh token expires.', resolve: (p) => p.refreshTokenExpiresAt ?? null }),
});
const IntegrationAuthorizePayload = payloadType<integrations.AuthorizeResult>('IntegrationAuthorizePayload', (t) => ({
  grant: t.prismaField({ type: 'IntegrationGrant', nullable: true, description: 'The new grant.', resolve: (q, p, _a, ctx) => (p.grantId ? ctx.db.integrationGrant.findUnique({ ...q, where: { id: p.grantId } }) : null) }),
  ...tokenFields(t as never),
}));
const IntegrationTokensPayload = payloadType<integrations.AuthorizeResult>('IntegrationTokensPayload', (t) => tokenFields(t as never), 'A new token pair; the previous access and refresh tokens no longer work.');
const IntegrationGrantPayload = payloadType<{ grantId: string }>('IntegrationGrantPayload', (t) => ({
  grant: t.prismaField({ type: 'IntegrationGrant', nullable: true, description: 'The grant.', resolve: (q, p, _a, ctx) => (p.grantId ? ctx.db.integrationGrant.findUnique({ ...q, where: { id: p.grantId } }) : null) }),
}));
const WebhookEndpointPayload = payloadType<{ endpointId: string; secret?: string }>('WebhookEndpointPayload', (t) => ({
  endpoint: t.prismaField({ type: 'WebhookEndpoint', nullable: true, description: 'The endpoint.', resolve: (q, p, _a, ctx) => (p.endpointId ? ctx.db.webhookEndpoint.findUnique({ ...q, where: { id: p.endpointId } }) : null) }),
  secret: t.string({ nullable: true, description: 'After creation or rotation only: the signing secret (whsec_…). Shown only now.', resolve: (p) => p.secret ?? null }),
}));
const WebhookEndpointDeletePayload = payloadType<{ endpointId: string }>('WebhookEndpointDeletePayload', (t) => ({
  deletedEndpointId: t.id({ nullable: true, description: 'Global id of the deleted endpoint.', resolve: (p) => (p.endpointId ? encodeGlobalID('WebhookEndpoint', p.endpointId) : null) }),
}));
const WebhookDeliveryPayload = payloadType<{ deliveryId: string }>('WebhookDeliveryPayload', (t) => ({
  delivery: t.prismaField({ type: 'WebhookDelivery', nullable: true, description: 'The delivery, queued again.', resolve: (q, p, _a, ctx) => (p.deliveryId ? ctx.db.webhookDelivery.findUnique({ ...q, where: { id: p.deliveryId } }) : null) }),
}));

async function integrationOrganization(ctx: Context, integrationId: string) {
  return (await ctx.db.integration.findUnique({ where: { id: integrationId }, select: { organizationId: true } }))?.organizationId;
}
const managesIntegration = async (_root: unknown, args: { id: { id: string } }, ctx: Context) => {
  const organizationId = await integrationOrganization(ctx, args.id.id);
  return organizationId ? { organizationWide: { id: organizationId, roles: managerRoles } } : false;
};
const managesEndpoint = (_root: unknown, args: { id: { id: string } }, ctx: Context) => endpointScope(ctx, args.id.id);
const webhookDeps = (ctx: Context) => ({ db: ctx.db, clock: ctx.clock, webhooks: ctx.config.webhooks });

builder.mutationFields((t) => ({
  integrationCreate: t.field({
    type: IntegrationPayload,
    description: 'Adds a third-party tool to the organization (then authorise it with integrationAuthorize). Owners and admins of the whole organization.',
    authScopes: (_root, args) => ({ organizationWide: { id: args.organizationId.id, roles: managerRoles } }),
    args: { organizationId: t.arg.globalID({ required: true, for: OrganizationRef, description: 'The organization.' }), input: t.arg({ type: IntegrationInput, required: true, description: 'Its name.' }) },
    resolve: (_root, { organizationId, input }, ctx) => attempt(async () => ({ integrationId: (await integrations.createIntegration(ctx, ctx.viewer!.userId, organizationId.id, input)).id })),
  }),
  integrationAuthorize: t.field({
    type: IntegrationAuthorizePayload,
    description: 'Authorises the integration for chosen accounts with chosen scopes: a new grant with an access token (24 h) and a refresh token (365 days), shown only in this answer. Owners and admins of the whole organization.',
    authScopes: managesIntegration,
    args: { id: t.arg.globalID({ required: true, for: IntegrationRef, description: 'The integration.' }), input: t.arg({ type: IntegrationAuthorizeInput, required: true, description: 'Accounts and scopes.' }) },
    resolve: (_root, { id, input }, ctx) =>
      attempt(() => integrations.authorizeIntegration(ctx, ctx.viewer!.userId, id.id, { accountIds: input.accountIds.map((a) => a.id), scopes: input.scopes })),
  }),
  integrationGrantRevoke: t.field({
    type: IntegrationGrantPayload,
    description: 'Revokes a grant: its tokens stop working at once and its webhooks stop. Owners and admins of the whole organization.',
    authScopes: async (_root, args, ctx) => {
      const grant = await ctx.db.integrationGrant.findUnique({ where: { id: args.id.id }, select: { organizationId: true } });
      return grant ? { organizationWide: { id: grant.organizationId, roles: managerRoles } } : false;
    },
    args: { id: t.arg.globalID({ required: true, for: IntegrationGrantRef, description: 'The grant.' }) },
    resolve: (_root, { id }, ctx) => attempt(async () => ({ grantId: (await integrations.revokeGrant(ctx, id.id)).id })),
  }),
  integrationDelete: t.field({
    type: IntegrationDeletePayload,
    description: 'Deletes an integration with its grants, tokens and webhooks. Messages, contacts and leads it touched stay. Owners and admins of the whole organization.',
    authScopes: managesIntegration,
    args: { id: t.arg.globalID({ required: true, for: IntegrationRef, description: 'The integration.' }) },
    resolve: (_root, { id }, ctx) => attempt(async () => ({ integrationId: (await integrations.deleteIntegration(ctx, id.id)).integrationId })),
  }),
  integrationTokenRefresh: t.field({
    type: IntegrationTokensPayload,
    description:
      'Exchanges a refresh token for a new access and refresh token; the old ones stop working. Needs no bearer token. A refresh token used twice revokes the whole grant (UNAUTHENTICATED, reason REFRESH_TOKEN_REUSED); other failures are UNAUTHENTICATED with reason TOKEN_INVALID, REFRESH_TOKEN_EXPIRED or GRANT_REVOKED.',
    args: { refreshToken: t.arg.string({ required: true, description: 'The refresh token (lsr_…).' }) },
    resolve: (_root, { refreshToken }, ctx) => attempt(() => refreshTokens(ctx, refreshToken)),
  }),
  webhookEndpointCreate: t.field({
    type: WebhookEndpointPayload,
    description: 'Registers a webhook endpoint for the calling integration’s grant; the answer carries its signing secret (only now). Integration tokens with webhooks:manage.',
    authScopes: { integration: ['webhooks:manage'] },
    args: { input: t.arg({ type: WebhookEndpointInput, required: true, description: 'URL and event types.' }) },
    resolve: (_root, { input }, ctx) =>
      attempt(async () => {
        const { endpoint, secret } = await webhooks.createEndpoint(webhookDeps(ctx), ctx.integration!.grantId, input);
        return { endpointId: endpoint.id, secret };
      }),
  }),
  webhookEndpointUpdate: t.field({
    type: WebhookEndpointPayload,
    description: 'Changes an endpoint’s URL or event types. The integration that registered it (webhooks:manage).',
    authScopes: async (_root, args, ctx) => (ctx.integration ? endpointScope(ctx, args.id.id) : false),
    args: { id: t.arg.globalID({ required: true, for: WebhookEndpointRef, description: 'The endpoint.' }), input: t.arg({ type: WebhookEndpointUpdateInput, required: true, description: 'The changes.' }) },
    resolve: (_root, { id, input }, ctx) =>
      attempt(async () => ({ endpointId: (await webhooks.updateEndpoint(webhookDeps(ctx), id.id, { url: input.url ?? undefined, eventTypes: input.eventTypes ?? undefined })).id })),
  }),
  webhookEndpointRotateSecret: t.field({
    type: WebhookEndpointPayload,
    description: 'Gives the endpoint a new secret (in the answer, only now); for 24 hours each delivery is signed with both the new and the previous secret. The integration that registered it (webhooks:manage).',
    authScopes: async (_root, args, ctx) => (ctx.integration ? endpointScope(ctx, args.id.id) : false),
    args: { id: t.arg.globalID({ required: true, for: WebhookEndpointRef, description: 'The endpoint.' }) },
    resolve: (_root, { id }, ctx) =>
      attempt(async () => {
        const { endpoint, secret } = await webhooks.rotateSecret(webhookDeps(ctx), id.id);
        return { endpointId: endpoint.id, secret };
      }),
  }),
  webhookEndpointDelete: t.field({
    type: WebhookEndpointDeletePayload,
    description: 'Deletes an endpoint and its delivery log. The integration that registered it (webhooks:manage), or the organization’s owners and admins.',
    authScopes: managesEndpoint,
    args: { id: t.arg.globalID({ required: true, for: WebhookEndpointRef, description: 'The endpoint.' }) },
    resolve: (_root, { id }, ctx) => attempt(() => webhooks.deleteEndpoint(webhookDeps(ctx), id.id)),
  }),
  webhookEndpointEnable: t.field({
    type: WebhookEndpointPayload,
    description: 'Re-enables a disabled endpoint; its pending deliveries are attempted again at once, in order. The integration that registered it (webhooks:manage), or the organization’s owners and admins.',
    authScopes: managesEndpoint,
    args: { id: t.arg.globalID({ required: true, for: WebhookEndpointRef, description: 'A disabled endpoint.' }) },
    resolve: (_root, { id }, ctx) => attempt(async () => ({ endpointId: (await webhooks.enableEndpoint(webhookDeps(ctx), id.id)).id })),
  }),
  webhookDeliveryResend: t.field({
    type: WebhookDeliveryPayload,
    description: 'Sends a delivery again: same webhook-id, signed with the current secret. The integration that registered its endpoint (webhooks:manage), or the organization’s owners and admins.',
    authScopes: async (_root, args, ctx) => endpointScope(ctx, await deliveryEndpoint(ctx, args.id.id)),
    args: { id: t.arg.globalID({ required: true, for: WebhookDeliveryRef, description: 'The delivery.' }) },
    resolve: (_root, { id }, ctx) => attempt(async () => ({ deliveryId: (await webhooks.resendDelivery(webhookDeps(ctx), id.id)).id })),
  }),
}));
