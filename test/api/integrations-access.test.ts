// What an integration token may reach through the API: each scope opens its fields and
// nothing else (FORBIDDEN naming the missing scope), only on granted accounts, never fields
// meant for people; the region rule refuses DMs of EEA/Swiss/UK accounts to integrations
// (REGION_RESTRICTED) while the same account works in the app; send refusals reach the tool
// with the app's codes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeGlobalID } from '@pothos/plugin-relay';
import { WebhookEndpointCreateDocument } from '../generated/graphql.ts';
import type { TestApp } from '../support/app.ts';
import { startApp } from '../support/app.ts';
import { createTeam, jpegFile, localId } from '../support/fixtures.ts';
import { connect, integrationTeam, topLevel, type IntegrationTeam } from '../support/integrations.ts';
import { approvedLeadForm, LEADS, LEADS_EXPORT, submitLead } from '../support/leads.ts';
import { INBOX, REPLY, CONVERSATION, replyFile, startConversation, workflowDocument } from '../support/messaging.ts';

let t: TestApp;
let team: IntegrationTeam;
let usConversation: string;
let frConversation: string;
beforeAll(async () => {
  t = await startApp({ now: '2026-06-01T08:00:00.000Z' });
  team = await integrationTeam(t, 'acc');
  usConversation = await startConversation(t.as('acc.customer'), team.usHandle, 'Hello US store');
  frConversation = await startConversation(t.as('acc.customer'), team.shopHandle, 'Bonjour');
  const formUs = await approvedLeadForm(t, team.handle('owner'), team.us);
  const formFr = await approvedLeadForm(t, team.handle('owner'), team.shop);
  await submitLead(t.as('acc.customer'), formUs);
  await submitLead(t.as('acc.customer'), formFr);
});
afterAll(() => t?.close());

const send = (api: { raw: (...a: any[]) => Promise<any> }, id: string, text = 'From the tool') => api.raw(REPLY, { id, input: { kind: 'TEXT', text } });
const messageCount = () => t.db.message.count();

describe('scopes', () => {
  it('messages:read opens the inbox, conversations and messages of granted accounts; without it they are FORBIDDEN naming the scope', async () => {
    const reader = await connect(t, team, [team.us], ['messages:read']);
    const inbox = (await reader.api.request(INBOX, { accountId: team.us })).inbox;
    expect(inbox.edges.map((e: any) => [e.node.contact.handle, e.node.lastMessage.text, e.node.unread])).toEqual([['acc.customer', 'Hello US store', true]]);
    const node = (await reader.api.request(CONVERSATION, { id: usConversation })).node;
    expect(node.messages.edges.map((e: any) => e.node.text)).toEqual(['Hello US store']);

    const leadsOnly = await connect(t, team, [team.us], ['leads:read']);
    const refused = await leadsOnly.api.raw(INBOX, { accountId: team.us });
    expect(topLevel(refused)).toEqual({ code: 'FORBIDDEN', missingScope: 'messages:read' });
    expect(refused.errors![0].message).toMatch(/messages:read/);
    // node(id:) of a conversation: its fields refuse the same way
    expect(topLevel(await leadsOnly.api.raw(CONVERSATION, { id: usConversation }))).toMatchObject({ code: 'FORBIDDEN', missingScope: 'messages:read' });
    // an account outside the grant
    const other = await connect(t, team, [team.shop], ['messages:read']);
    expect(topLevel(await other.api.raw(INBOX, { accountId: team.us }))).toMatchObject({ code: 'FORBIDDEN' });
    expect((await other.api.raw(CONVERSATION, { id: usConversation })).data?.node ?? null).toBeNull();
  });

  it('messages:send sends as the integration (no team member) within the reply window; without it FORBIDDEN and nothing stored', async () => {
    const sender = await connect(t, team, [team.us], ['messages:send', 'messages:read']);
    const sent = (await send(sender.api, usConversation)).data.conversationMessageSend;
    expect(sent.userErrors).toEqual([]);
    expect(sent.message).toMatchObject({ direction: 'OUTBOUND', text: 'From the tool', sender: null, automated: false });
    const row = await t.db.message.findUniqueOrThrow({ where: { id: localId(sent.message.id) } });
    expect(row.senderId).toBeNull();

    const readOnly = await connect(t, team, [team.us], ['messages:read', 'conversations:write']);
    const before = await messageCount();
    const refused = await send(readOnly.api, usConversation);
    expect(topLevel(refused)).toEqual({ code: 'FORBIDDEN', missingScope: 'messages:send' });
    expect(refused.data ?? null).toBeNull();
    expect(await messageCount()).toBe(before);
  });

  it('conversations:write runs the workflow; without it FORBIDDEN and the conversation unchanged', async () => {
    const writer = await connect(t, team, [team.us], ['conversations:write', 'messages:read']);
    const closed = (await writer.api.request(workflowDocument('conversationClose'), { id: usConversation })).conversationClose;
    expect(closed.userErrors).toEqual([]);
    expect(closed.conversation.closedAt).not.toBeNull();
    const reopened = (await writer.api.request(workflowDocument('conversationReopen'), { id: usConversation })).conversationReopen;
    expect(reopened.conversation.closedAt).toBeNull();

    const reader = await connect(t, team, [team.us], ['messages:read', 'messages:send']);
    const before = await t.db.conversation.findUniqueOrThrow({ where: { id: localId(usConversation) } });
    for (const mutation of ['conversationClose', 'conversationMarkRead', 'conversationStar'] as const) {
      const response = await reader.api.raw(workflowDocument(mutation), { id: usConversation, starred: true });
      expect(topLevel(response)).toEqual({ code: 'FORBIDDEN', missingScope: 'conversations:write' });
    }
    expect(await t.db.conversation.findUniqueOrThrow({ where: { id: localId(usConversation) } })).toEqual(before);
  });

  it('leads:read lists the leads of granted accounts; without it FORBIDDEN', async () => {
    const leadsReader = await connect(t, team, [team.us, team.shop], ['leads:read']);
    const listed = (await leadsReader.api.request(LEADS, { accountId: team.us })).leads;
    expect(listed.edges.map((e: any) => [e.node.source, e.node.status, e.node.submitter.handle])).toEqual([['PROFILE', 'NEW', 'acc.customer']]);
    // the region rule is about direct messages only: leads of a French account are readable
    expect((await leadsReader.api.request(LEADS, { accountId: team.shop })).leads.edges).toHaveLength(1);
    const messagesOnly = await connect(t, team, [team.us], ['messages:read']);
    expect(topLevel(await messagesOnly.api.raw(LEADS, { accountId: team.us }))).toEqual({ code: 'FORBIDDEN', missingScope: 'leads:read' });
  });

  it('webhooks:manage registers endpoints; without it FORBIDDEN and nothing stored', async () => {
    const manager = await connect(t, team, [team.us], ['webhooks:manage', 'leads:read']);
    const created = (await manager.api.request(WebhookEndpointCreateDocument, { input: { url: 'https://hooks.example.com/in', eventTypes: ['LEAD_CREATED'] } })).webhookEndpointCreate;
    expect(created.userErrors).toEqual([]);
    expect(created.secret).toMatch(/^whsec_[A-Za-z0-9+/]{32}$/);
    const noScope = await connect(t, team, [team.us], ['leads:read']);
    const before = await t.db.webhookEndpoint.count();
    const refused = await noScope.api.raw(WebhookEndpointCreateDocument, { input: { url: 'https://hooks.example.com/x', eventTypes: ['LEAD_CREATED'] } });
    expect(topLevel(refused)).toEqual({ code: 'FORBIDDEN', missingScope: 'webhooks:manage' });
    expect(await t.db.webhookEndpoint.count()).toBe(before);
  });
});

describe('fields not meant for integrations', () => {
  it('refuses people-only and manager-only fields, even with every scope, changing nothing', async () => {
    const all = await connect(t, team, [team.us], ['messages:read', 'messages:send', 'conversations:write', 'leads:read', 'webhooks:manage']);
    const attempts: [string, Record<string, unknown>][] = [
      ['{ viewer { handle } }', {}],
      ['{ myConversations { edges { node { id } } } }', {}],
      ['{ notifications { edges { node { id } } } }', {}],
      [`mutation { organizationCreate(input: { name: "Mine" }) { organization { id } } }`, {}],
      [`mutation ($id: ID!) { businessAccountUpdate(id: $id, input: { displayName: "Hacked" }) { account { displayName } } }`, { id: team.us }],
      [`mutation ($h: String!) { businessMessageSend(handle: $h, input: { kind: TEXT, text: "as a user" }) { message { id } } }`, { h: team.usHandle }],
      [LEADS_EXPORT, { accountId: team.us }],
      [`query ($id: ID!) { node(id: $id) { ... on BusinessAccount { ownerAge organization { id } } } }`, { id: team.us }],
      [`query ($o: ID!) { node(id: $o) { ... on Organization { name } } }`, { o: team.organizationId }],
    ];
    const before = { accounts: await t.db.businessAccount.findMany({ orderBy: { id: 'asc' } }), orgs: await t.db.organization.count(), messages: await messageCount() };
    for (const [query, variables] of attempts) {
      const response = await all.api.raw(query, variables);
      const node = (response.data as any)?.node;
      if (node === null) continue; // node(id:) of a type the integration may not load is null
      expect(response.errors?.[0]?.extensions?.code, query).toBe('FORBIDDEN');
    }
    expect({ accounts: await t.db.businessAccount.findMany({ orderBy: { id: 'asc' } }), orgs: await t.db.organization.count(), messages: await messageCount() }).toEqual(before);
  });

  it('reads the public side of accounts and users it meets', async () => {
    const reader = await connect(t, team, [team.us], ['messages:read']);
    const node = (await reader.api.request(`query ($id: ID!) { node(id: $id) { ... on Conversation { account { handle region } contact { handle } } } }`, { id: usConversation })).node;
    expect(node).toEqual({ account: { handle: team.usHandle, region: 'US' }, contact: { handle: 'acc.customer' } });
  });
});

describe('the region rule', () => {
  it('refuses reading and sending DMs of a French account through an integration (REGION_RESTRICTED), while the app still works', async () => {
    const tool = await connect(t, team, [team.shop, team.us], ['messages:read', 'messages:send', 'conversations:write']);
    expect(topLevel(await tool.api.raw(INBOX, { accountId: team.shop }))).toEqual({ code: 'REGION_RESTRICTED' });
    expect(topLevel(await tool.api.raw(CONVERSATION, { id: frConversation }))).toMatchObject({ code: 'REGION_RESTRICTED' });
    expect(topLevel(await tool.api.raw(workflowDocument('conversationMarkRead'), { id: frConversation }))).toMatchObject({ code: 'REGION_RESTRICTED' });
    const before = await messageCount();
    const sent = (await send(tool.api, frConversation)).data.conversationMessageSend;
    expect(sent.userErrors.map((e: any) => e.code)).toEqual(['REGION_RESTRICTED']);
    expect(sent.message).toBeNull();
    expect(await messageCount()).toBe(before);
    // the same tool works on its US account, and the team still works on the French one
    expect((await tool.api.request(INBOX, { accountId: team.us })).inbox.edges).toHaveLength(1);
    expect((await team.owner.request(INBOX, { accountId: team.shop })).inbox.edges).toHaveLength(1);
    expect((await team.owner.request(REPLY, { id: frConversation, input: { kind: 'TEXT', text: 'Depuis l’app' } })).conversationMessageSend.userErrors).toEqual([]);
  });

  it('covers Switzerland, the UK and the EEA beyond the EU, not other regions', async () => {
    const org = await createTeam(t, { owner: 'acc.regions', accounts: [] });
    const handles: Record<string, string> = {};
    for (const region of ['CH', 'GB', 'NO', 'JP']) {
      const created = await t.as('acc.regions').request(
        `mutation ($o: ID!, $input: BusinessAccountCreateInput!) { businessAccountCreate(organizationId: $o, input: $input) { account { id } } }`,
        { o: org.organizationId, input: { handle: `acc.region.${region.toLowerCase()}`, displayName: region, region, category: 'Shop' } },
      );
      handles[region] = created.businessAccountCreate.account.id;
    }
    const tool = await connect(t, { ...team, owner: t.as('acc.regions'), organizationId: org.organizationId }, Object.values(handles), ['messages:read']);
    for (const region of ['CH', 'GB', 'NO']) expect(topLevel(await tool.api.raw(INBOX, { accountId: handles[region] }))).toEqual({ code: 'REGION_RESTRICTED' });
    expect((await tool.api.raw(INBOX, { accountId: handles.JP })).errors).toBeUndefined();
  });
});

describe('send refusals reach the tool with the app’s codes', () => {
  it('WINDOW_EXPIRED, RISK_CONTROL and MEDIA_SEND_STRATEGY', async () => {
    const tool = await connect(t, team, [team.us], ['messages:send', 'messages:read']);
    const fresh = await startConversation(t.as('acc.late'), team.usHandle, 'Anyone there?');
    // media to a user flagged by risk control, then to a user in a media-restricted region
    const admin = t.as('acc.platform', ['admin']);
    const userOf = (handle: string) => t.db.user.findFirstOrThrow({ where: { handle } }).then((u) => encodeGlobalID('User', u.id));
    await admin.request(`mutation ($id: ID!) { userPlatformUpdate(id: $id, riskFlagged: true) { userErrors { code } } }`, { id: await userOf('acc.late') });
    expect((await replyFile(tool.api, fresh, 'IMAGE', jpegFile(7))).userErrors.map((e: any) => e.code)).toEqual(['RISK_CONTROL']);
    await admin.request(`mutation ($id: ID!) { userPlatformUpdate(id: $id, riskFlagged: false, region: "IN") { userErrors { code } } }`, { id: await userOf('acc.late') });
    expect((await replyFile(tool.api, fresh, 'IMAGE', jpegFile(8))).userErrors.map((e: any) => e.code)).toEqual(['MEDIA_SEND_STRATEGY']);
    t.clock.advance(49 * 3600_000);
    // (a new grant: the first access token expired meanwhile)
    const later = await connect(t, team, [team.us], ['messages:send', 'messages:read']);
    const late = (await send(later.api, fresh)).data.conversationMessageSend;
    expect(late.userErrors.map((e: any) => e.code)).toEqual(['WINDOW_EXPIRED']);
    expect(await t.db.message.count({ where: { conversationId: localId(fresh), direction: 'OUTBOUND' } })).toBe(0);
  });
});
