// Everything an integration token may reach, in one table (deny by default: a root field or a
// protected type missing here refuses integrations). Each entry names the scopes that admit
// it and, where it concerns a business account, how to find the account: the grant must cover
// it, and for direct messages (reading, writing conversations) the account's region must
// allow integrations. Sends are refused by region in the messaging service itself
// (channel INTEGRATION), as a userError like the other send refusals.
import type { Context } from '../../platform/context.ts';
import { allowIntegrations } from '../../platform/integration-guard.ts';

/** The account of a conversation, loaded once per operation. */
function conversationAccount(ctx: Context, conversationId: string): Promise<string | null> {
  return ctx
    .loader<string, string | null>('integrationConversationAccount', async (ids) => {
      const rows = await ctx.db.conversation.findMany({ where: { id: { in: [...ids] } }, select: { id: true, accountId: true } });
      const byId = new Map(rows.map((r) => [r.id, r.accountId]));
      return ids.map((id) => byId.get(id) ?? null);
    })
    .load(conversationId);
}

const byAccountArg = (_parent: unknown, args: { accountId: { id: string } }) => args.accountId.id;
const byConversationArg = (_parent: unknown, args: { id: { id: string } }, ctx: Context) => conversationAccount(ctx, args.id.id);

// any integration token: the root lookups (each type then applies its own rule), its own grant
allowIntegrations('Query.node', { scopes: [] });
allowIntegrations('Query.nodes', { scopes: [] });
allowIntegrations('Query.integrationGrantViewer', { scopes: [] });
allowIntegrations('IntegrationGrant', { scopes: [] });
allowIntegrations('Mutation.integrationTokenRefresh', { scopes: [] });

// direct messages
allowIntegrations('Query.inbox', { scopes: ['messages:read'], account: byAccountArg, directMessages: true });
allowIntegrations('Subscription.inboxEvents', { scopes: ['messages:read'], account: byAccountArg, directMessages: true });
allowIntegrations('Conversation', { scopes: ['messages:read'], account: (c: { accountId: string }) => c.accountId, directMessages: true });
allowIntegrations('Message', {
  scopes: ['messages:read'],
  account: (m: { conversationId: string }, _args: unknown, ctx: Context) => conversationAccount(ctx, m.conversationId),
  directMessages: true,
});
allowIntegrations('User', { scopes: ['messages:read', 'leads:read'] });
allowIntegrations('Mutation.conversationMessageSend', { scopes: ['messages:send'], account: byConversationArg });
for (const mutation of ['conversationAccept', 'conversationMarkUnread', 'conversationMarkRead', 'conversationStar', 'conversationAssign', 'conversationClose', 'conversationReopen']) {
  allowIntegrations(`Mutation.${mutation}`, { scopes: ['conversations:write'], account: byConversationArg, directMessages: true });
}

// leads
allowIntegrations('Query.leads', { scopes: ['leads:read'], account: byAccountArg });
allowIntegrations('Lead', { scopes: ['leads:read'], account: (l: { accountId: string }) => l.accountId });
allowIntegrations('LeadNote', { scopes: ['leads:read'] });

// webhooks (each endpoint belongs to the calling grant: checked by the fields' auth scopes)
for (const coordinate of [
  'Mutation.webhookEndpointCreate',
  'Mutation.webhookEndpointUpdate',
  'Mutation.webhookEndpointRotateSecret',
  'Mutation.webhookEndpointDelete',
  'Mutation.webhookEndpointEnable',
  'Mutation.webhookDeliveryResend',
  'WebhookEndpoint',
  'WebhookDelivery',
]) {
  allowIntegrations(coordinate, { scopes: ['webhooks:manage'] });
}
