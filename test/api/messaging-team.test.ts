// The team's side of direct messages through the API: the inbox (newest activity first,
// filters, pages), the conversation workflow (unread, star, assign, close, reopen), and who
// may do what: owners, admins and agents act, analysts only read, restricted members see only
// their accounts, other organizations and other users see nothing.
import { encodeGlobalID } from '@pothos/plugin-relay';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from '../support/app.ts';
import type { Api } from '../support/client.ts';
import { expectTopLevelError, expectUserErrors } from '../support/fixtures.ts';
import { expectReadRefused } from '../support/lead-forms.ts';
import { userGlobalId } from '../support/leads.ts';
import {
  CONVERSATION,
  conversationRow,
  dmTeam,
  startWithDmTeam,
  expectNoMessagingChange,
  INBOX,
  inbox,
  inboxContacts,
  REPLY,
  replyText,
  sendDm,
  startConversation,
  workflow,
  workflowDocument,
  type DmTeam,
  type WorkflowMutation,
} from '../support/messaging.ts';

let t: TestApp;
let team: DmTeam;
beforeAll(async () => ({ t, team } = await startWithDmTeam({ now: '2026-06-01T08:00:00.000Z' })));
afterAll(() => t?.close());

/** Each workflow mutation with valid extra arguments. */
const everyMutation = (assignee: string): [WorkflowMutation, Record<string, unknown>][] => [
  ['conversationAccept', {}],
  ['conversationMarkUnread', {}],
  ['conversationMarkRead', {}],
  ['conversationStar', { starred: true }],
  ['conversationAssign', { assigneeId: assignee }],
  ['conversationClose', {}],
  ['conversationReopen', {}],
];

describe('the inbox', () => {
  it('lists conversations by newest activity, a reply moving one to the top, in pages', async () => {
    const viewers = ['in.a', 'in.b', 'in.c', 'in.d'];
    const ids: Record<string, string> = {};
    for (const viewer of viewers) {
      t.clock.advance(60_000);
      ids[viewer] = await startConversation(t.as(viewer), team.shopHandle, `from ${viewer}`);
    }
    expect(await inboxContacts(team.owner, team.shop)).toEqual(['in.d', 'in.c', 'in.b', 'in.a']);
    t.clock.advance(60_000);
    await replyText(team.owner, ids['in.a']);
    expect(await inboxContacts(team.owner, team.shop)).toEqual(['in.a', 'in.d', 'in.c', 'in.b']);

    const first = (await team.owner.request(INBOX, { accountId: team.shop, first: 3 })).inbox;
    expect(first.edges.map((e: any) => e.node.contact.handle)).toEqual(['in.a', 'in.d', 'in.c']);
    expect(first.pageInfo.hasNextPage).toBe(true);
    const second = (await team.owner.request(INBOX, { accountId: team.shop, first: 3, after: first.pageInfo.endCursor })).inbox;
    expect(second.edges.map((e: any) => e.node.contact.handle)).toEqual(['in.b']);
    expect(second.pageInfo.hasNextPage).toBe(false);
    // the other account's inbox is its own
    expect(await inboxContacts(team.owner, team.other)).toEqual([]);
  });

  it('reads pages forwards and backwards with or without the account, each row as stored', async () => {
    // the inbox screen's selection (the page, contacts and last messages in one statement)
    const PAGE = /* GraphQL */ `
      query ($accountId: ID!, $first: Int, $after: String, $last: Int, $before: String, $withAccount: Boolean!) {
        inbox(accountId: $accountId, first: $first, after: $after, last: $last, before: $before) {
          edges { cursor node { id account @include(if: $withAccount) { handle } contact { handle } lastMessage { id text direction createdAt } lastMessageAt unread starred repliesLeft state } }
          pageInfo { hasNextPage hasPreviousPage }
        }
      }`;
    const page = async (variables: Record<string, unknown>) => (await team.owner.request(PAGE, { accountId: team.shop, withAccount: false, ...variables })).inbox;
    const all = await page({ first: 10 });
    const handles = (p: any) => p.edges.map((e: any) => e.node.contact.handle);
    expect(handles(all)).toEqual(['in.a', 'in.d', 'in.c', 'in.b']);
    for (const { node } of all.edges) {
      const stored = await conversationRow(t, node.id);
      const last = await t.db.message.findUniqueOrThrow({ where: { id: stored.lastMessageId! } });
      expect(node.lastMessage).toEqual({ id: expect.any(String), text: last.text, direction: last.direction, createdAt: last.createdAt.toISOString() });
      expect(node.lastMessageAt).toBe(stored.lastMessageAt.toISOString());
      expect([node.unread, node.starred, node.state]).toEqual([stored.unread, stored.starred, stored.state]);
    }
    // with the account, the same rows
    const withAccount = await page({ first: 10, withAccount: true });
    expect(withAccount.edges.map((e: any) => ({ ...e.node, account: undefined }))).toEqual(all.edges.map((e: any) => ({ ...e.node, account: undefined })));
    expect(withAccount.edges.map((e: any) => e.node.account.handle)).toEqual(Array(4).fill(team.shopHandle));
    // backwards: the last two, then the two before them, in page order
    const tail = await page({ last: 2 });
    expect(handles(tail)).toEqual(['in.c', 'in.b']);
    expect(tail.pageInfo.hasPreviousPage).toBe(true);
    const before = await page({ last: 2, before: tail.edges[0].cursor });
    expect(handles(before)).toEqual(['in.a', 'in.d']);
    expect(before.pageInfo.hasPreviousPage).toBe(false);
    // forwards from a cursor
    expect(handles(await page({ first: 2, after: all.edges[1].cursor }))).toEqual(['in.c', 'in.b']);
  });

  it('refuses pages over 100', async () => {
    const response = await team.owner.raw(INBOX, { accountId: team.shop, first: 101 });
    expect(response.errors?.length).toBeGreaterThan(0);
    expect(response.data?.inbox ?? null).toBeNull();
  });
});

describe('the workflow', () => {
  let id: string;
  beforeAll(async () => {
    t.clock.advance(60_000);
    id = await startConversation(t.as('wf.user'), team.otherHandle, 'Workflow please');
  });

  it('marks read and unread, stars and unstars, filtering the inbox', async () => {
    const agent = t.as(team.handle('agent'));
    expect((await workflow(agent, 'conversationMarkRead', id)).conversation.unread).toBe(false);
    expect(await inboxContacts(team.owner, team.other, { unread: true })).toEqual([]);
    expect(await inboxContacts(team.owner, team.other, { unread: false })).toEqual(['wf.user']);
    expect((await workflow(agent, 'conversationMarkUnread', id)).conversation.unread).toBe(true);
    expect(await inboxContacts(team.owner, team.other, { unread: true })).toEqual(['wf.user']);
    expect((await conversationRow(t, id)).unread).toBe(true);

    expect((await workflow(agent, 'conversationStar', id, { starred: true })).conversation.starred).toBe(true);
    expect(await inboxContacts(team.owner, team.other, { starred: true })).toEqual(['wf.user']);
    expect((await workflow(agent, 'conversationStar', id, { starred: false })).conversation.starred).toBe(false);
    expect(await inboxContacts(team.owner, team.other, { starred: true })).toEqual([]);
    expect((await conversationRow(t, id)).starred).toBe(false);
  });

  it('assigns to owners, admins and agents who work on the account, filters by assignee, and unassigns', async () => {
    const limited = await userGlobalId(t, team.handle('limited'));
    const assigned = await workflow(team.as('admin'), 'conversationAssign', id, { assigneeId: limited });
    expect(assigned.userErrors).toEqual([]);
    expect(assigned.conversation.assignee).toEqual({ handle: team.handle('limited') });
    expect(await inboxContacts(team.owner, team.other, { assigneeId: limited })).toEqual(['wf.user']);
    expect(await inboxContacts(team.owner, team.other, { unassigned: true })).toEqual([]);
    expect(await inboxContacts(team.owner, team.other, { assigneeId: await userGlobalId(t, team.handle('agent')) })).toEqual([]);

    const unassigned = await workflow(team.owner, 'conversationAssign', id, { assigneeId: null });
    expect(unassigned.conversation.assignee).toBeNull();
    expect(await inboxContacts(team.owner, team.other, { unassigned: true })).toEqual(['wf.user']);
    expect((await conversationRow(t, id)).assigneeId).toBeNull();
  });

  it('refuses assignees who are analysts, outside the organization or restricted to other accounts', async () => {
    const shopConversation = await startConversation(t.as('wf.shopper'), team.shopHandle);
    const cases: [string, string][] = [
      [id, await userGlobalId(t, team.handle('analyst'))],
      [id, await userGlobalId(t, 'wf.user')],
      [id, encodeGlobalID('User', randomUUID())],
      [shopConversation, await userGlobalId(t, team.handle('limited'))],
    ];
    for (const [conversation, assigneeId] of cases) {
      const refused = await expectNoMessagingChange(t, () => workflow(team.owner, 'conversationAssign', conversation, { assigneeId }));
      expectUserErrors(refused, ['ASSIGNEE_NOT_MEMBER', ['assigneeId']]);
      expect(refused.conversation).toBeNull();
    }
  });

  it('closes and reopens, refusing to close twice or reopen an open conversation', async () => {
    const closed = await workflow(team.as('agent'), 'conversationClose', id);
    expect(closed.conversation).toMatchObject({ state: 'CLOSED', closedAt: t.clock.now().toISOString() });
    expect(await inboxContacts(team.owner, team.other, { states: ['CLOSED'] })).toEqual(['wf.user']);
    expect(await inboxContacts(team.owner, team.other, { states: ['OPEN'] })).toEqual([]);
    expect(await inboxContacts(team.owner, team.other)).toEqual(['wf.user']);
    expectUserErrors(await expectNoMessagingChange(t, () => workflow(team.owner, 'conversationClose', id)), ['INVALID', ['id']]);

    const reopened = await workflow(team.as('agent'), 'conversationReopen', id);
    expect(reopened.conversation).toMatchObject({ state: 'OPEN', closedAt: null });
    expectUserErrors(await expectNoMessagingChange(t, () => workflow(team.owner, 'conversationReopen', id)), ['INVALID', ['id']]);
    expect(await conversationRow(t, id)).toMatchObject({ state: 'OPEN', closedAt: null });
  });
});

describe('permissions', () => {
  let shopConversation: string;
  let otherConversation: string;
  let outsiders: DmTeam;
  beforeAll(async () => {
    t.clock.advance(60_000);
    shopConversation = await startConversation(t.as('perm.user'), team.shopHandle, 'For the shop');
    otherConversation = await startConversation(t.as('perm.user'), team.otherHandle, 'For the other');
    outsiders = await dmTeam(t, 'out');
  });

  /** Every workflow mutation and a reply by `api` on `id`: all refused with `code`, nothing changed. */
  async function expectEveryMutationRefused(api: Api, id: string, code: 'FORBIDDEN' | 'UNAUTHENTICATED') {
    const assignee = await userGlobalId(t, team.handle('agent'));
    for (const [mutation, extra] of everyMutation(assignee)) {
      const response = await expectNoMessagingChange(t, () => api.raw(workflowDocument(mutation), { id, ...extra }));
      expectTopLevelError(response, code);
    }
    const replied = await expectNoMessagingChange(t, () => api.raw(REPLY, { id, input: { kind: 'TEXT', text: 'Not allowed' } }));
    expectTopLevelError(replied, code);
  }

  it('owners, admins and agents reply and work on conversations', async () => {
    for (const who of ['owner', 'admin', 'agent']) {
      expect((await replyText(team.as(who), shopConversation, `Hi from ${who}`)).message.sender.handle).toBe(team.handle(who));
      expect((await workflow(team.as(who), 'conversationStar', shopConversation, { starred: who !== 'agent' })).userErrors).toEqual([]);
    }
  });

  it('analysts read the inbox and conversations but every change is FORBIDDEN', async () => {
    const analyst = team.as('analyst');
    const edges = (await inbox(analyst, team.shop)).edges.map((e: any) => e.node);
    expect(edges.find((c: any) => c.id === shopConversation)).toMatchObject({ contact: { handle: 'perm.user' }, unread: false, starred: false });
    const { node } = await analyst.request(CONVERSATION, { id: shopConversation });
    expect(node.messages.edges.length).toBeGreaterThan(0);
    await expectEveryMutationRefused(analyst, shopConversation, 'FORBIDDEN');
  });

  it('members restricted to some accounts see and work on only those inboxes', async () => {
    const limited = team.as('limited');
    expect(await inboxContacts(limited, team.other)).toContain('perm.user');
    expect((await replyText(limited, otherConversation, 'From the other team')).userErrors).toEqual([]);
    expectReadRefused(await limited.raw(INBOX, { accountId: team.shop }), 'FORBIDDEN');
    expectReadRefused(await limited.raw(CONVERSATION, { id: shopConversation }), 'FORBIDDEN');
    await expectEveryMutationRefused(limited, shopConversation, 'FORBIDDEN');
  });

  it('other organizations see nothing and change nothing', async () => {
    expectReadRefused(await outsiders.owner.raw(INBOX, { accountId: team.shop }), 'FORBIDDEN');
    expectReadRefused(await outsiders.owner.raw(CONVERSATION, { id: shopConversation }), 'FORBIDDEN');
    await expectEveryMutationRefused(outsiders.owner, shopConversation, 'FORBIDDEN');
    // and the team sees nothing of theirs
    const theirs = await startConversation(t.as('perm.user'), outsiders.shopHandle);
    expectReadRefused(await team.owner.raw(CONVERSATION, { id: theirs }), 'FORBIDDEN');
  });

  it('users read their own conversations, without the team’s fields, and nobody else’s', async () => {
    const own = await t.as('perm.user').request(CONVERSATION, { id: shopConversation });
    expect(own.node).toMatchObject({ id: shopConversation, contact: { handle: 'perm.user' }, account: { handle: team.shopHandle } });
    for (const field of ['unread', 'starred', 'assignee { handle }']) {
      const refused = await t.as('perm.user').raw(`query ($id: ID!) { node(id: $id) { ... on Conversation { ${field} } } }`, { id: shopConversation });
      expect(refused.errors?.map((e) => [e.path, e.extensions?.code])).toEqual([[['node', field.split(' ')[0]], 'FORBIDDEN']]);
    }
    expectReadRefused(await t.as('perm.snoop').raw(CONVERSATION, { id: shopConversation }), 'FORBIDDEN');
    const message = (await conversationRow(t, shopConversation)).lastMessageId!;
    expectReadRefused(
      await t.as('perm.snoop').raw(`query ($id: ID!) { node(id: $id) { ... on Message { text } } }`, { id: encodeGlobalID('Message', message) }),
      'FORBIDDEN',
    );
    expectReadRefused(await t.as('perm.user').raw(INBOX, { accountId: team.shop }), 'FORBIDDEN');
    await expectEveryMutationRefused(t.as('perm.user'), shopConversation, 'FORBIDDEN');
  });

  it('signed-out clients get UNAUTHENTICATED', async () => {
    expectReadRefused(await t.anonymous().raw(INBOX, { accountId: team.shop }), 'UNAUTHENTICATED');
    expectReadRefused(await t.anonymous().raw(CONVERSATION, { id: shopConversation }), 'UNAUTHENTICATED');
    expectReadRefused(await t.anonymous().raw(`{ myConversations(first: 5) { edges { node { id } } } }`), 'UNAUTHENTICATED');
    await expectEveryMutationRefused(t.anonymous(), shopConversation, 'UNAUTHENTICATED');
  });

  it('an unknown conversation or message id reads as null and cannot be written to', async () => {
    const unknown = encodeGlobalID('Conversation', randomUUID());
    expectTopLevelError(await expectNoMessagingChange(t, () => team.owner.raw(REPLY, { id: unknown, input: { kind: 'TEXT', text: 'Hello?' } })), 'FORBIDDEN');
    expect(await team.owner.raw(CONVERSATION, { id: unknown })).toEqual({ status: 200, data: { node: null }, extensions: { cost: expect.anything() } });
    expect(await team.owner.raw(`query ($id: ID!) { node(id: $id) { id } }`, { id: encodeGlobalID('Message', randomUUID()) })).toEqual({
      status: 200,
      data: { node: null },
      extensions: { cost: expect.anything() },
    });
  });

  it('a team member writing to their own account is a user like any other', async () => {
    const sent = await sendDm(team.as('agent'), team.shopHandle, { kind: 'TEXT', text: 'Testing our inbox' });
    expect(sent.userErrors).toEqual([]);
    expect(sent.conversation.contact.handle).toBe(team.handle('agent'));
  });
});
