// Conversations through the API: a viewer's first message creates the conversation (inbox or
// message request per `whoCanMessage`), follows, accepting requests, origins, reopening, the
// viewer's own list, and the rules on inbound text.
import { encodeGlobalID } from '@pothos/plugin-relay';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from '../support/app.ts';
import { createAccount, expectTopLevelError, expectUserErrors, localId } from '../support/fixtures.ts';
import { userId } from '../support/leads.ts';
import {
  conversationRow,
  startWithDmTeam,
  expectNoMessagingChange,
  hours,
  inboxContacts,
  MESSAGE_SEND,
  messageRows,
  replyText,
  sendDm,
  setWhoCanMessage,
  startConversation,
  USER_ERRORS,
  workflow,
  type DmTeam,
} from '../support/messaging.ts';

let t: TestApp;
let team: DmTeam;
beforeAll(async () => ({ t, team } = await startWithDmTeam({ now: '2026-04-01T09:00:00.000Z' })));
afterAll(() => t?.close());

let accounts = 0;
/** A fresh account of the team (handle returned with its id), optionally with a whoCanMessage setting. */
async function freshAccount(whoCanMessage?: 'EVERYONE' | 'FOLLOWERS' | 'NO_ONE') {
  const handle = `conv_${++accounts}`;
  const id = await createAccount(t, team.handle('owner'), team.organizationId, handle);
  if (whoCanMessage) await setWhoCanMessage(team, id, whoCanMessage);
  return { id, handle };
}

const FOLLOW = /* GraphQL */ `
  mutation ($handle: String!, $following: Boolean) {
    businessAccountFollow(handle: $handle, following: $following) { account { handle viewerFollows } following ${USER_ERRORS} }
  }`;
const follow = async (viewer: string, handle: string, following = true) => (await t.as(viewer).request(FOLLOW, { handle, following })).businessAccountFollow;

describe('first contact', () => {
  it('opens a conversation in the inbox of an account everyone may message, with the message and a fresh reply window', async () => {
    const { id: accountId, handle } = await freshAccount();
    const at = new Date('2026-04-01T10:00:00.000Z');
    t.clock.set(at);
    const sent = await sendDm(t.as('ana'), handle, { kind: 'TEXT', text: 'Bonjour 👋🏽, vous livrez à Lyon ?' });
    expect(sent.userErrors).toEqual([]);
    expect(sent.conversation).toMatchObject({
      state: 'OPEN',
      origin: 'ORGANIC',
      liveSessionId: null,
      contact: { handle: 'ana' },
      account: { handle },
      lastMessage: { id: sent.message.id, direction: 'INBOUND', kind: 'TEXT', text: 'Bonjour 👋🏽, vous livrez à Lyon ?' },
      lastMessageAt: at.toISOString(),
      replyWindowEndsAt: new Date(at.getTime() + hours(48)).toISOString(),
      repliesLeft: 10,
      acceptedAt: null,
      closedAt: null,
    });
    expect(sent.message).toMatchObject({
      direction: 'INBOUND',
      kind: 'TEXT',
      sender: { handle: 'ana' },
      automated: false,
      status: 'SENT',
      mediaUrl: null,
      createdAt: at.toISOString(),
    });

    const row = await conversationRow(t, sent.conversation.id);
    expect(row).toMatchObject({
      accountId: localId(accountId),
      userId: await userId(t, 'ana'),
      state: 'OPEN',
      origin: 'ORGANIC',
      unread: true,
      starred: false,
      assigneeId: null,
      lastUserMessageAt: at,
      windowRepliesUsed: 0,
      lastMessageAt: at,
      lastMessageId: localId(sent.message.id),
    });
    expect(await messageRows(t, sent.conversation.id)).toMatchObject([
      {
        id: localId(sent.message.id),
        direction: 'INBOUND',
        kind: 'TEXT',
        text: 'Bonjour 👋🏽, vous livrez à Lyon ?',
        senderId: await userId(t, 'ana'),
        status: 'SENT',
        mediaKey: null,
        createdAt: at,
      },
    ]);
    expect(await inboxContacts(team.owner, accountId)).toEqual(['ana']);
  });

  it('continues the same conversation with later messages, moving the reply window', async () => {
    const { handle } = await freshAccount();
    const first = await startConversation(t.as('ben'), handle, 'First');
    t.clock.advance(hours(5));
    const second = await sendDm(t.as('ben'), handle, { kind: 'TEXT', text: 'Second' });
    expect(second.userErrors).toEqual([]);
    expect(second.conversation.id).toBe(first);
    expect(second.conversation.lastMessage.text).toBe('Second');
    expect(second.conversation.replyWindowEndsAt).toBe(new Date(t.clock.now().getTime() + hours(48)).toISOString());
    expect((await messageRows(t, first)).map((m) => m.text)).toEqual(['First', 'Second']);
    expect(await t.db.conversation.count({ where: { userId: await userId(t, 'ben') } })).toBe(1);
  });

  it('creates one conversation when the same user sends several first messages at once', async () => {
    const { handle } = await freshAccount();
    const sends = await Promise.all(Array.from({ length: 6 }, (_, i) => sendDm(t.as('cleo'), handle, { kind: 'TEXT', text: `at once ${i}` })));
    expect(sends.map((s) => s.userErrors)).toEqual(sends.map(() => []));
    const ids = new Set(sends.map((s) => s.conversation.id));
    expect(ids.size).toBe(1);
    const [conversationId] = ids;
    expect(await messageRows(t, conversationId)).toHaveLength(6);
    expect(await t.db.conversation.count({ where: { account: { handle } } })).toBe(1);
  });

  it('refuses an unknown handle (NOT_FOUND) and a signed-out sender (UNAUTHENTICATED), storing nothing', async () => {
    const unknown = await expectNoMessagingChange(t, () => sendDm(t.as('ana'), 'no_such_shop', { kind: 'TEXT', text: 'Hi' }));
    expectUserErrors(unknown, ['NOT_FOUND', ['handle']]);
    expect(unknown.conversation).toBeNull();
    const anonymous = await expectNoMessagingChange(t, () => t.anonymous().raw(MESSAGE_SEND, { handle: team.shopHandle, input: { kind: 'TEXT', text: 'Hi' } }));
    expectTopLevelError(anonymous, 'UNAUTHENTICATED');
  });
});

describe('who can message', () => {
  it('FOLLOWERS: followers land in the inbox, everyone else in message requests', async () => {
    const { id: accountId, handle } = await freshAccount('FOLLOWERS');
    expect(await follow('fan', handle)).toEqual({ account: { handle, viewerFollows: true }, following: true, userErrors: [] });
    await follow('exfan', handle);
    expect(await follow('exfan', handle, false)).toEqual({ account: { handle, viewerFollows: false }, following: false, userErrors: [] });

    const fan = await sendDm(t.as('fan'), handle, { kind: 'TEXT', text: 'I follow you' });
    const stranger = await sendDm(t.as('stranger'), handle, { kind: 'TEXT', text: 'I do not' });
    t.clock.advance(1000);
    const exfan = await sendDm(t.as('exfan'), handle, { kind: 'TEXT', text: 'I did' });
    expect([fan, stranger, exfan].map((p) => [p.userErrors, p.conversation.state])).toEqual([
      [[], 'OPEN'],
      [[], 'REQUEST'],
      [[], 'REQUEST'],
    ]);
    expect(await inboxContacts(team.owner, accountId)).toEqual(['fan']);
    expect(await inboxContacts(team.owner, accountId, { requests: true })).toEqual(['exfan', 'stranger']);
    expect(await inboxContacts(team.owner, accountId, { states: ['REQUEST'] })).toEqual(['exfan', 'stranger']);
  });

  it('follows are idempotent, and unknown handles are refused', async () => {
    const { handle } = await freshAccount();
    await follow('dana', handle);
    await follow('dana', handle);
    expect(await t.db.follow.count({ where: { userId: await userId(t, 'dana'), account: { handle } } })).toBe(1);
    await follow('dana', handle, false);
    await follow('dana', handle, false);
    expect(await t.db.follow.count({ where: { userId: await userId(t, 'dana'), account: { handle } } })).toBe(0);
    const unknown = await expectNoMessagingChange(t, () => follow('dana', 'no_such_shop'));
    expectUserErrors(unknown, ['NOT_FOUND', ['handle']]);
  });

  it('NO_ONE: refuses first contact and pending requests with MESSAGING_NOT_ALLOWED; open conversations go on', async () => {
    const { id: accountId, handle } = await freshAccount('FOLLOWERS');
    await follow('regular', handle);
    const open = await startConversation(t.as('regular'), handle);
    const request = await startConversation(t.as('asker'), handle);
    await setWhoCanMessage(team, accountId, 'NO_ONE');

    for (const viewer of ['newcomer', 'asker']) {
      const refused = await expectNoMessagingChange(t, () => sendDm(t.as(viewer), handle, { kind: 'TEXT', text: 'Hello?' }));
      expectUserErrors(refused, ['MESSAGING_NOT_ALLOWED', ['handle']]);
      expect(refused.message).toBeNull();
    }
    expect((await conversationRow(t, request)).state).toBe('REQUEST');
    expect(await messageRows(t, request)).toHaveLength(1);

    const goesOn = await sendDm(t.as('regular'), handle, { kind: 'TEXT', text: 'Still here' });
    expect(goesOn.userErrors).toEqual([]);
    expect(goesOn.conversation.id).toBe(open);
    expect(await messageRows(t, open)).toHaveLength(2);
  });
});

describe('message requests', () => {
  it('accepting moves a request to the inbox; only requests can be accepted', async () => {
    const { id: accountId, handle } = await freshAccount('FOLLOWERS');
    const request = await startConversation(t.as('eve'), handle);
    expect(await inboxContacts(team.owner, accountId)).toEqual([]);
    t.clock.advance(60_000);
    const accepted = await workflow(t.as(team.handle('agent')), 'conversationAccept', request);
    expect(accepted.userErrors).toEqual([]);
    expect(accepted.conversation).toMatchObject({ state: 'OPEN', acceptedAt: t.clock.now().toISOString() });
    expect(await inboxContacts(team.owner, accountId)).toEqual(['eve']);
    expect(await inboxContacts(team.owner, accountId, { requests: true })).toEqual([]);

    const again = await expectNoMessagingChange(t, () => workflow(team.owner, 'conversationAccept', request));
    expectUserErrors(again, ['INVALID', ['id']]);
    expect(again.conversation).toBeNull();

    // an accepted conversation stays in the inbox when the user writes again
    await sendDm(t.as('eve'), handle, { kind: 'TEXT', text: 'Thanks' });
    expect((await conversationRow(t, request)).state).toBe('OPEN');
  });

  it('a request stays a request while the user writes more', async () => {
    const { handle } = await freshAccount('FOLLOWERS');
    const request = await startConversation(t.as('finn'), handle);
    await follow('finn', handle); // following later does not move an existing request
    await sendDm(t.as('finn'), handle, { kind: 'TEXT', text: 'Anyone?' });
    expect(await conversationRow(t, request)).toMatchObject({ state: 'REQUEST', acceptedAt: null });
    expect(await messageRows(t, request)).toHaveLength(2);
  });
});

describe('origins', () => {
  /** A live session of the account, started (the account made eligible by a platform admin); its global id. */
  async function runningLive(accountId: string): Promise<string> {
    await t
      .as('pat', ['admin'])
      .request(`mutation ($id: ID!) { businessAccountPlatformUpdate(id: $id, input: { followerCount: 5000, ownerAge: 30 }) { ${USER_ERRORS} } }`, {
        id: accountId,
      });
    const scheduled = await team.owner.request(
      `mutation ($a: ID!) { liveSessionSchedule(accountId: $a, input: { title: "Launch" }) { session { id } ${USER_ERRORS} } }`,
      { a: accountId },
    );
    const sessionId = scheduled.liveSessionSchedule.session.id;
    const started = await team.owner.request(`mutation ($id: ID!) { liveSessionStart(id: $id) { ${USER_ERRORS} } }`, { id: sessionId });
    expect(started.liveSessionStart.userErrors).toEqual([]);
    return sessionId;
  }

  it('records LIVE with the live session, CHAT_LINK for chat links, ORGANIC otherwise, and keeps the first origin', async () => {
    const { id: accountId, handle } = await freshAccount();
    const session = await runningLive(accountId);
    const live = await sendDm(t.as('gus'), handle, { kind: 'TEXT', text: 'From the live' }, { liveSessionId: session });
    expect(live.userErrors).toEqual([]);
    expect(live.conversation).toMatchObject({ origin: 'LIVE', liveSessionId: session });
    expect(live.message.liveSessionId).toBe(session);
    expect(await conversationRow(t, live.conversation.id)).toMatchObject({ origin: 'LIVE', liveSessionId: localId(session) });

    const link = await sendDm(t.as('hana'), handle, { kind: 'TEXT', text: 'From the link' }, { viaChatLink: true });
    expect(link.conversation.origin).toBe('CHAT_LINK');

    const organic = await startConversation(t.as('ivo'), handle);
    const later = await sendDm(t.as('ivo'), handle, { kind: 'TEXT', text: 'Now via the link' }, { viaChatLink: true });
    expect(later.conversation).toMatchObject({ id: organic, origin: 'ORGANIC' });
    expect(await inboxContacts(team.owner, accountId, { origins: ['LIVE', 'CHAT_LINK'] })).toEqual(['hana', 'gus']);
  });

  it('refuses a malformed or unknown live session id', async () => {
    const { handle } = await freshAccount();
    const cases: [string, string][] = [
      ['not-a-session', 'INVALID'],
      [encodeGlobalID('LiveSession', randomUUID()), 'NOT_FOUND'],
    ];
    for (const [liveSessionId, code] of cases) {
      const refused = await expectNoMessagingChange(t, () => sendDm(t.as('gus'), handle, { kind: 'TEXT', text: 'x' }, { liveSessionId }));
      expectUserErrors(refused, [code, ['context', 'liveSessionId']]);
    }
  });
});

describe('closed conversations', () => {
  it('reopen, unread, when the user writes again', async () => {
    const { handle } = await freshAccount();
    const id = await startConversation(t.as('jo'), handle);
    await workflow(team.owner, 'conversationMarkRead', id);
    const closed = await workflow(team.owner, 'conversationClose', id);
    expect(closed.conversation).toMatchObject({ state: 'CLOSED', closedAt: t.clock.now().toISOString(), unread: false });
    t.clock.advance(hours(1));
    const again = await sendDm(t.as('jo'), handle, { kind: 'TEXT', text: 'Hello again' });
    expect(again.userErrors).toEqual([]);
    expect(again.conversation).toMatchObject({ id, state: 'OPEN', closedAt: null });
    expect(await conversationRow(t, id)).toMatchObject({ state: 'OPEN', closedAt: null, unread: true });
  });
});

describe('myConversations', () => {
  const MINE = /* GraphQL */ `
    {
      myConversations(first: 20) {
        edges {
          node {
            id
            account {
              handle
            }
            lastMessage {
              text
              direction
            }
            state
          }
        }
      }
    }
  `;

  it('lists only the viewer’s own conversations, newest activity first, with the business’s replies', async () => {
    const a = await freshAccount();
    const b = await freshAccount();
    const withA = await startConversation(t.as('kim'), a.handle, 'to A');
    t.clock.advance(1000);
    await startConversation(t.as('kim'), b.handle, 'to B');
    t.clock.advance(1000);
    await startConversation(t.as('lou'), a.handle, 'lou to A');
    expect((await t.as('kim').request(MINE)).myConversations.edges.map((e: any) => [e.node.account.handle, e.node.lastMessage.text])).toEqual([
      [b.handle, 'to B'],
      [a.handle, 'to A'],
    ]);
    t.clock.advance(1000);
    await replyText(team.owner, withA, 'Hi Kim');
    expect((await t.as('kim').request(MINE)).myConversations.edges.map((e: any) => [e.node.account.handle, e.node.lastMessage])).toEqual([
      [a.handle, { text: 'Hi Kim', direction: 'OUTBOUND' }],
      [b.handle, { text: 'to B', direction: 'INBOUND' }],
    ]);
    expect((await t.as('nobody').request(MINE)).myConversations.edges).toEqual([]);
  });
});

describe('inbound text', () => {
  it('accepts up to 6000 characters, emoji counted as one each', async () => {
    const { handle } = await freshAccount();
    const longest = '😀'.repeat(3000) + 'a'.repeat(3000);
    const sent = await sendDm(t.as('max'), handle, { kind: 'TEXT', text: longest });
    expect(sent.userErrors).toEqual([]);
    expect((await messageRows(t, sent.conversation.id))[0].text).toBe(longest);
  });

  it('refuses blank, missing and over-long text, storing nothing', async () => {
    const { handle } = await freshAccount();
    const cases: [string | null, string][] = [
      ['', 'REQUIRED'],
      [' \n\t ', 'REQUIRED'],
      [null, 'REQUIRED'],
      ['😀'.repeat(6001), 'TOO_LONG'],
      ['a'.repeat(6001), 'TOO_LONG'],
    ];
    for (const [text, code] of cases) {
      const refused = await expectNoMessagingChange(t, () => sendDm(t.as('max'), handle, { kind: 'TEXT', text }));
      expectUserErrors(refused, [code, ['input', 'text']]);
      expect(refused.conversation).toBeNull();
    }
    expect(await t.db.conversation.count({ where: { account: { handle } } })).toBe(0);
  });
});
