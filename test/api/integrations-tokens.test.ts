// Connecting a tool through the API: who may authorise, the tokens (prefixed, shown once,
// stored hashed, last-used time), expiry with a code that says to refresh, rotation on
// refresh, reuse detection revoking the whole grant, revoking and deleting (messages,
// contacts and leads stay), and the same token on WebSocket. Time moves by the manual clock.
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  IntegrationAuthorizeDocument,
  IntegrationCreateDocument,
  IntegrationDeleteDocument,
  IntegrationGrantRevokeDocument,
  IntegrationGrantViewerDocument,
  IntegrationsDocument,
  IntegrationTokenRefreshDocument,
  MemberRemoveDocument,
} from '../generated/graphql.ts';
import { startApp, type TestApp } from '../support/app.ts';
import { subscribe } from '../support/client.ts';
import { createTeam, expectTopLevelError, expectUserErrors, localId } from '../support/fixtures.ts';
import { connect, integrationTeam, tokenApi, topLevel, type IntegrationTeam } from '../support/integrations.ts';
import { approvedLeadForm, submitLead } from '../support/leads.ts';
import { startConversation } from '../support/messaging.ts';

const HOUR = 3600_000;
let t: TestApp;
let team: IntegrationTeam;
beforeAll(async () => {
  t = await startApp({ now: '2026-06-01T08:00:00.000Z' });
  team = await integrationTeam(t, 'tok');
});
afterAll(() => t?.close());

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const whoAmI = (token: string) => tokenApi(t, token).raw(IntegrationGrantViewerDocument);
const refresh = (refreshToken: string) => t.anonymous().raw(IntegrationTokenRefreshDocument, { refreshToken });
const storedIntegrations = async () => ({
  integrations: await t.db.integration.findMany({ orderBy: { id: 'asc' } }),
  grants: await t.db.integrationGrant.findMany({ orderBy: { id: 'asc' } }),
  tokens: await t.db.integrationToken.findMany({ orderBy: { id: 'asc' } }),
});

describe('authorising an integration', () => {
  it('gives owners and admins an access and a refresh token, prefixed, shown once and stored hashed', async () => {
    for (const who of ['owner', 'admin']) {
      const connection = await connect(t, team, [team.us, team.shop], ['messages:read', 'leads:read'], `Tool of ${who}`);
      expect(connection.accessToken).toMatch(/^lsa_[A-Za-z0-9_-]{43}$/);
      expect(connection.refreshToken).toMatch(/^lsr_[A-Za-z0-9_-]{43}$/);
      const rows = await t.db.integrationToken.findMany({ where: { grantId: localId(connection.grantId) }, orderBy: { kind: 'asc' } });
      expect(rows.map((r) => [r.kind, r.hash])).toEqual([
        ['ACCESS', sha256(connection.accessToken)],
        ['REFRESH', sha256(connection.refreshToken)],
      ]);
      expect(rows.map((r) => r.expiresAt.toISOString())).toEqual([new Date(t.clock.now().getTime() + 24 * HOUR).toISOString(), new Date(t.clock.now().getTime() + 365 * 24 * HOUR).toISOString()]);
      // the tokens appear nowhere in the database
      expect(JSON.stringify(await storedIntegrations())).not.toContain(connection.accessToken.slice(4));
      const grant = (await whoAmI(connection.accessToken)).data!.integrationGrantViewer;
      expect(grant.scopes.sort()).toEqual(['LEADS_READ', 'MESSAGES_READ']);
      expect(grant.accounts.map((a) => a.handle).sort()).toEqual([team.shopHandle, team.usHandle].sort());
    }
    const listed = (await team.owner.request(IntegrationsDocument, { organizationId: team.organizationId })).integrations;
    expect(listed.map((i) => i.name)).toEqual(['Tool of admin', 'Tool of owner']);
    // tokens are never readable afterwards: the grant shows only when they were last used
    expect(listed[0].grants[0].lastUsedAt).toBe(t.clock.now().toISOString());
  });

  it('refuses agents, analysts, restricted members, other organizations, plain viewers and anonymous callers, changing nothing', async () => {
    const outsider = await createTeam(t, { owner: 'tok.outsider', accounts: ['tok.outsider.shop'] });
    const { integrationCreate } = await team.owner.request(IntegrationCreateDocument, { organizationId: team.organizationId, input: { name: 'Refusals' } });
    const integrationId = integrationCreate.integration!.id;
    const before = await storedIntegrations();
    const callers = [team.as('agent'), team.as('analyst'), team.as('limited'), t.as('tok.outsider'), t.as('tok.plain')];
    for (const api of callers) {
      expectTopLevelError(await api.raw(IntegrationAuthorizeDocument, { id: integrationId, input: { accountIds: [team.us], scopes: ['MESSAGES_READ'] } }), 'FORBIDDEN');
      expectTopLevelError(await api.raw(IntegrationCreateDocument, { organizationId: team.organizationId, input: { name: 'x' } }), 'FORBIDDEN');
    }
    expectTopLevelError(await t.anonymous().raw(IntegrationAuthorizeDocument, { id: integrationId, input: { accountIds: [team.us], scopes: ['MESSAGES_READ'] } }), 'UNAUTHENTICATED');
    // an account of another organization, no scope, no account: refused with the field
    const wrong = await team.owner.request(IntegrationAuthorizeDocument, { id: integrationId, input: { accountIds: [team.us, outsider.accountIds['tok.outsider.shop']], scopes: [] } });
    expectUserErrors(wrong.integrationAuthorize, ['REQUIRED', ['input', 'scopes']], ['ACCOUNT_NOT_IN_ORGANIZATION', ['input', 'accountIds', '1']]);
    expect(await storedIntegrations()).toEqual(before);
  });

  it('stops a removed admin from authorising', async () => {
    const org = await createTeam(t, { owner: 'tok.rm.owner', accounts: ['tok.rm.shop'], members: { 'tok.rm.admin': 'ADMIN' } });
    const { integrationCreate } = await t.as('tok.rm.admin').request(IntegrationCreateDocument, { organizationId: org.organizationId, input: { name: 'Before removal' } });
    expect(integrationCreate.userErrors).toEqual([]);
    await t.as('tok.rm.owner').request(MemberRemoveDocument, { id: org.memberIds['tok.rm.admin'] });
    const response = await t.as('tok.rm.admin').raw(IntegrationAuthorizeDocument, { id: integrationCreate.integration!.id, input: { accountIds: [org.accountIds['tok.rm.shop']], scopes: ['LEADS_READ'] } });
    expectTopLevelError(response, 'FORBIDDEN');
    expect(await t.db.integrationGrant.count({ where: { integrationId: localId(integrationCreate.integration!.id) } })).toBe(0);
  });
});

describe('token lifetime', () => {
  it('expires access tokens after 24 hours with TOKEN_EXPIRED, refreshes into a new pair, and rejects the old access token', async () => {
    const connection = await connect(t, team, [team.us], ['messages:read']);
    t.clock.advance(24 * HOUR - 1000);
    expect((await whoAmI(connection.accessToken)).data?.integrationGrantViewer.id).toBe(connection.grantId);
    t.clock.advance(1000);
    const expired = await whoAmI(connection.accessToken);
    expect(topLevel(expired)).toMatchObject({ code: 'UNAUTHENTICATED', reason: 'TOKEN_EXPIRED' });
    expect(expired.errors![0].message).toMatch(/integrationTokenRefresh/);

    const refreshed = (await refresh(connection.refreshToken)).data!.integrationTokenRefresh;
    expect(refreshed.accessToken).toMatch(/^lsa_/);
    expect(refreshed.refreshToken).toMatch(/^lsr_/);
    expect(refreshed.refreshToken).not.toBe(connection.refreshToken);
    expect(refreshed.accessTokenExpiresAt).toBe(new Date(t.clock.now().getTime() + 24 * HOUR).toISOString());
    expect((await whoAmI(refreshed.accessToken!)).data?.integrationGrantViewer.id).toBe(connection.grantId);
    expect(topLevel(await whoAmI(connection.accessToken))).toMatchObject({ code: 'UNAUTHENTICATED', reason: 'TOKEN_REVOKED' });
    const old = await t.db.integrationToken.findUniqueOrThrow({ where: { hash: sha256(connection.refreshToken) } });
    expect(old.rotatedAt?.toISOString()).toBe(t.clock.now().toISOString());
  });

  it('revokes the whole grant when an already-rotated refresh token is used again (theft detection)', async () => {
    const connection = await connect(t, team, [team.us], ['messages:read']);
    const first = (await refresh(connection.refreshToken)).data!.integrationTokenRefresh;
    const second = (await refresh(first.refreshToken!)).data!.integrationTokenRefresh;
    expect((await whoAmI(second.accessToken!)).data?.integrationGrantViewer.id).toBe(connection.grantId);

    // the thief replays the first refresh token
    expect(topLevel(await refresh(first.refreshToken!))).toMatchObject({ code: 'UNAUTHENTICATED', reason: 'REFRESH_TOKEN_REUSED' });
    const grant = await t.db.integrationGrant.findUniqueOrThrow({ where: { id: localId(connection.grantId) } });
    expect(grant.revokedReason).toBe('REFRESH_TOKEN_REUSED');
    expect(await t.db.integrationToken.count({ where: { grantId: grant.id, revokedAt: null } })).toBe(0);
    // the legitimate holder is cut off too, and must be authorised again
    expect(topLevel(await whoAmI(second.accessToken!))).toMatchObject({ reason: 'GRANT_REVOKED' });
    expect(topLevel(await refresh(second.refreshToken!))).toMatchObject({ reason: 'GRANT_REVOKED' });
  });

  it('expires refresh tokens after 365 days and refuses unknown tokens and refresh tokens used as bearer', async () => {
    const connection = await connect(t, team, [team.us], ['leads:read']);
    expect(topLevel(await whoAmI(connection.refreshToken))).toMatchObject({ code: 'UNAUTHENTICATED', reason: 'REFRESH_TOKEN_NOT_ACCEPTED' });
    expect(topLevel(await whoAmI('lsa_not-a-real-token'))).toMatchObject({ code: 'UNAUTHENTICATED', reason: 'TOKEN_INVALID' });
    expect(topLevel(await refresh('lsr_not-a-real-token'))).toMatchObject({ code: 'UNAUTHENTICATED', reason: 'TOKEN_INVALID' });
    expect(topLevel(await refresh(connection.accessToken))).toMatchObject({ reason: 'TOKEN_INVALID' });
    t.clock.advance(365 * 24 * HOUR);
    expect(topLevel(await refresh(connection.refreshToken))).toMatchObject({ code: 'UNAUTHENTICATED', reason: 'REFRESH_TOKEN_EXPIRED' });
    expect(await t.db.integrationToken.count({ where: { hash: sha256(connection.refreshToken), rotatedAt: null } })).toBe(1);
  });

  it('records when an access token was last used, to the minute', async () => {
    const connection = await connect(t, team, [team.us], ['leads:read']);
    const row = () => t.db.integrationToken.findUniqueOrThrow({ where: { hash: sha256(connection.accessToken) } });
    expect((await row()).lastUsedAt).toBeNull();
    await whoAmI(connection.accessToken);
    await expect.poll(async () => (await row()).lastUsedAt?.toISOString()).toBe(t.clock.now().toISOString());
    const first = t.clock.now().toISOString();
    t.clock.advance(30_000);
    await whoAmI(connection.accessToken);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect((await row()).lastUsedAt?.toISOString()).toBe(first);
    t.clock.advance(30_000);
    await whoAmI(connection.accessToken);
    await expect.poll(async () => (await row()).lastUsedAt?.toISOString()).toBe(t.clock.now().toISOString());
  });
});

describe('revoking and deleting', () => {
  it('revokes one grant (its tokens stop at once), refuses a second revoke, and only managers may revoke', async () => {
    const kept = await connect(t, team, [team.us], ['messages:read']);
    const revoked = await connect(t, team, [team.us], ['messages:read']);
    expectTopLevelError(await team.as('agent').raw(IntegrationGrantRevokeDocument, { id: revoked.grantId }), 'FORBIDDEN');
    expectTopLevelError(await revoked.api.raw(IntegrationGrantRevokeDocument, { id: revoked.grantId }), 'FORBIDDEN');
    const { integrationGrantRevoke } = await team.owner.request(IntegrationGrantRevokeDocument, { id: revoked.grantId });
    expect(integrationGrantRevoke.grant?.revokedReason).toBe('REVOKED');
    expect(topLevel(await whoAmI(revoked.accessToken))).toMatchObject({ reason: 'GRANT_REVOKED' });
    expect(topLevel(await refresh(revoked.refreshToken))).toMatchObject({ reason: 'GRANT_REVOKED' });
    expect((await whoAmI(kept.accessToken)).data?.integrationGrantViewer.id).toBe(kept.grantId);
    expectUserErrors((await team.owner.request(IntegrationGrantRevokeDocument, { id: revoked.grantId })).integrationGrantRevoke, ['ALREADY_REVOKED', ['id']]);
  });

  it('deletes an integration with its grants and tokens, keeping every message, contact and lead it touched', async () => {
    const connection = await connect(t, team, [team.us], ['messages:read', 'messages:send', 'leads:read']);
    const conversationId = await startConversation(t.as('tok.customer'), team.usHandle, 'Hi from a customer');
    const sent = await connection.api.request(
      `mutation ($id: ID!) { conversationMessageSend(id: $id, input: { kind: TEXT, text: "Sent by the tool" }) { message { id } userErrors { code } } }`,
      { id: conversationId },
    );
    expect(sent.conversationMessageSend.userErrors).toEqual([]);
    const formId = await approvedLeadForm(t, team.handle('owner'), team.us);
    await submitLead(t.as('tok.customer'), formId);
    const before = {
      messages: await t.db.message.findMany({ orderBy: { id: 'asc' } }),
      conversations: await t.db.conversation.findMany({ orderBy: { id: 'asc' } }),
      users: await t.db.user.findMany({ orderBy: { id: 'asc' } }),
      leads: await t.db.lead.findMany({ orderBy: { id: 'asc' } }),
    };
    expect(before.messages.find((m) => m.text === 'Sent by the tool')?.senderId).toBeNull();

    expectTopLevelError(await team.as('agent').raw(IntegrationDeleteDocument, { id: connection.integrationId }), 'FORBIDDEN');
    const { integrationDelete } = await team.owner.request(IntegrationDeleteDocument, { id: connection.integrationId });
    expect(integrationDelete).toEqual({ deletedIntegrationId: connection.integrationId, userErrors: [] });
    expect(await t.db.integration.count({ where: { id: localId(connection.integrationId) } })).toBe(0);
    expect(await t.db.integrationToken.count({ where: { grantId: localId(connection.grantId) } })).toBe(0);
    expect(topLevel(await whoAmI(connection.accessToken))).toMatchObject({ reason: 'TOKEN_INVALID' });
    expect({
      messages: await t.db.message.findMany({ orderBy: { id: 'asc' } }),
      conversations: await t.db.conversation.findMany({ orderBy: { id: 'asc' } }),
      users: await t.db.user.findMany({ orderBy: { id: 'asc' } }),
      leads: await t.db.lead.findMany({ orderBy: { id: 'asc' } }),
    }).toEqual(before);
    // gone: nobody may act on it any more
    expectTopLevelError(await team.owner.raw(IntegrationDeleteDocument, { id: connection.integrationId }), 'FORBIDDEN');
  });
});

describe('on WebSocket', () => {
  it('authenticates an integration token from connectionParams and ends its stream when the grant is revoked', async () => {
    const connection = await connect(t, team, [team.us], ['messages:read']);
    const ws = connection.api.ws();
    const stream = subscribe(ws, `subscription ($a: ID!) { inboxEvents(accountId: $a) { type message { text } conversation { contact { handle } } } }`, { a: team.us });
    await new Promise((resolve) => setTimeout(resolve, 300));
    await startConversation(t.as('tok.ws.customer'), team.usHandle, 'Over the socket');
    const event = await stream.next();
    expect(event.errors).toBeUndefined();
    expect(event.data).toMatchObject({ inboxEvents: { type: 'MESSAGE_RECEIVED', message: { text: 'Over the socket' }, conversation: { contact: { handle: 'tok.ws.customer' } } } });

    await team.owner.request(IntegrationGrantRevokeDocument, { id: connection.grantId });
    await new Promise((resolve) => setTimeout(resolve, 1100));
    await startConversation(t.as('tok.ws.customer'), team.usHandle, 'After revocation');
    const ended = await stream.next();
    expect(ended.errors?.[0]?.extensions?.code ?? ended.errors?.[0]?.message).toMatch(/FORBIDDEN|access/);
    stream.dispose();

    // an expired token cannot open a stream
    const expired = await connect(t, team, [team.us], ['messages:read']);
    t.clock.advance(25 * HOUR);
    const refused = subscribe(expired.api.ws(), `subscription ($a: ID!) { inboxEvents(accountId: $a) { type } }`, { a: team.us });
    const answer = await refused.next();
    expect(answer.errors?.[0]?.extensions).toMatchObject({ code: 'UNAUTHENTICATED', reason: 'TOKEN_EXPIRED' });
    refused.dispose();
    await ws.dispose();
  });
});
