// Direct-message streams over graphql-ws: `inboxEvents(accountId)` for the account's team
// (messages received and sent, conversations changed) and `conversationEvents(id)` for the
// user of a conversation; each on its own topic, authorized when subscribing, and never
// showing a user an automated message the reply window suppressed.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sendAutomated } from '../../src/modules/messaging/service.ts';
import { PendingEvents } from '../../src/platform/events.ts';
import { onPostgres, onRedis, type TestApp } from '../support/app.ts';
import { subscribe, type Api } from '../support/client.ts';
import { localId } from '../support/fixtures.ts';
import {
  CONVERSATION,
  conversationRow,
  dmTeam,
  startWithDmTeam,
  reply,
  replyText,
  sendDm,
  startConversation,
  workflow,
  type DmTeam,
} from '../support/messaging.ts';

let t: TestApp;
let team: DmTeam;
const clients: { dispose(): unknown }[] = [];
beforeAll(async () => ({ t, team } = await startWithDmTeam()));
afterAll(async () => {
  for (const client of clients) await client.dispose();
  await t?.close();
});

const INBOX_EVENTS = /* GraphQL */ `
  subscription ($accountId: ID!) {
    inboxEvents(accountId: $accountId) {
      type
      conversation {
        id
        state
        unread
        starred
        contact {
          handle
        }
      }
      message {
        direction
        text
      }
    }
  }
`;
const CONVERSATION_EVENTS = /* GraphQL */ `
  subscription ($id: ID!) {
    conversationEvents(id: $id) {
      type
      conversation {
        id
        state
      }
      message {
        direction
        text
        status
      }
    }
  }
`;

/** A subscription over a fresh graphql-ws client, given a moment to reach the server. */
async function listen(api: Api, document: string, variables: Record<string, unknown>) {
  const client = api.ws();
  clients.push(client);
  const subscription = subscribe(client, document, variables);
  await new Promise((resolve) => setTimeout(resolve, 250));
  return subscription;
}

/** The first result is a refusal carrying `code`. */
async function expectRefusedSubscription(api: Api, document: string, variables: Record<string, unknown>, code: string) {
  const subscription = await listen(api, document, variables);
  const first = await subscription.next();
  expect(first.data ?? null).toBeNull();
  expect(first.errors?.map((e) => e.extensions?.code)).toEqual([code]);
}

describe('inboxEvents', () => {
  it('streams received and sent messages and conversation changes to the team, in order', async () => {
    const stream = await listen(team.as('agent'), INBOX_EVENTS, { accountId: team.shop });
    const id = await startConversation(t.as('sub.user'), team.shopHandle, 'Is it open today?');
    expect((await stream.next()).data).toEqual({
      inboxEvents: {
        type: 'MESSAGE_RECEIVED',
        conversation: { id, state: 'OPEN', unread: true, starred: false, contact: { handle: 'sub.user' } },
        message: { direction: 'INBOUND', text: 'Is it open today?' },
      },
    });
    await replyText(team.owner, id, 'Until 7 pm');
    expect((await stream.next()).data?.inboxEvents).toMatchObject({
      type: 'MESSAGE_SENT',
      conversation: { id, unread: false },
      message: { direction: 'OUTBOUND', text: 'Until 7 pm' },
    });
    await workflow(team.owner, 'conversationStar', id, { starred: true });
    expect((await stream.next()).data?.inboxEvents).toEqual({
      type: 'CONVERSATION_CHANGED',
      conversation: expect.objectContaining({ id, starred: true }),
      message: null,
    });
    await workflow(team.owner, 'conversationClose', id);
    expect((await stream.next()).data?.inboxEvents).toMatchObject({ type: 'CONVERSATION_CHANGED', conversation: { id, state: 'CLOSED' }, message: null });
    // a refused send publishes nothing
    expect((await reply(team.owner, id, { kind: 'TEXT', text: 'Closed' })).userErrors.map((e: { code: string }) => e.code)).toEqual(['CONVERSATION_CLOSED']);
    expect(await stream.quiet()).toBe(true);
  });

  it('streams only the subscribed account’s events', async () => {
    const otherStream = await listen(team.owner, INBOX_EVENTS, { accountId: team.other });
    const shopStream = await listen(team.owner, INBOX_EVENTS, { accountId: team.shop });
    await startConversation(t.as('sub.shopper'), team.shopHandle);
    expect((await shopStream.next()).data?.inboxEvents.type).toBe('MESSAGE_RECEIVED');
    expect(await otherStream.quiet()).toBe(true);
  });

  it('is open to every role of the team, but not to members restricted elsewhere, other organizations or users', async () => {
    const analyst = await listen(team.as('analyst'), INBOX_EVENTS, { accountId: team.shop });
    await startConversation(t.as('sub.analysed'), team.shopHandle);
    expect((await analyst.next()).data?.inboxEvents.type).toBe('MESSAGE_RECEIVED');

    const outsiders = await dmTeam(t, 'subout');
    for (const api of [team.as('limited'), outsiders.owner, t.as('sub.user')])
      await expectRefusedSubscription(api, INBOX_EVENTS, { accountId: team.shop }, 'FORBIDDEN');
    await expectRefusedSubscription(t.anonymous(), INBOX_EVENTS, { accountId: team.shop }, 'UNAUTHENTICATED');
  });
});

describe('conversationEvents', () => {
  it('streams the business’s messages and state changes to the user, not the team’s private changes', async () => {
    const id = await startConversation(t.as('sub.client'), team.otherHandle, 'Hello');
    const stream = await listen(t.as('sub.client'), CONVERSATION_EVENTS, { id });
    await replyText(team.as('limited'), id, 'Hello from the team');
    expect((await stream.next()).data).toEqual({
      conversationEvents: {
        type: 'MESSAGE',
        conversation: { id, state: 'OPEN' },
        message: { direction: 'OUTBOUND', text: 'Hello from the team', status: 'SENT' },
      },
    });
    await workflow(team.owner, 'conversationStar', id, { starred: true });
    await workflow(team.owner, 'conversationMarkUnread', id);
    expect(await stream.quiet()).toBe(true);
    await workflow(team.owner, 'conversationClose', id);
    expect((await stream.next()).data?.conversationEvents).toEqual({ type: 'CONVERSATION_CHANGED', conversation: { id, state: 'CLOSED' }, message: null });
    // the user's own message reopens it: the stream shows the message
    await sendDm(t.as('sub.client'), team.otherHandle, { kind: 'TEXT', text: 'Back again' });
    expect((await stream.next()).data?.conversationEvents).toMatchObject({
      type: 'MESSAGE',
      conversation: { state: 'OPEN' },
      message: { direction: 'INBOUND', text: 'Back again' },
    });
  });

  it('is refused to other users and teams, and open to the account’s team', async () => {
    const id = await startConversation(t.as('sub.private'), team.shopHandle);
    const outsiders = await dmTeam(t, 'subout2');
    for (const api of [t.as('sub.snoop'), outsiders.owner, team.as('limited')]) await expectRefusedSubscription(api, CONVERSATION_EVENTS, { id }, 'FORBIDDEN');
    const teamStream = await listen(team.as('analyst'), CONVERSATION_EVENTS, { id });
    await replyText(team.owner, id, 'Seen by the analyst');
    expect((await teamStream.next()).data?.conversationEvents.message.text).toBe('Seen by the analyst');
  });

  it('never shows a suppressed automated message: not streamed, not listed, not readable by the user', async () => {
    const id = await startConversation(t.as('sub.quiet'), team.shopHandle, 'Hi');
    const before = await conversationRow(t, id);
    const userStream = await listen(t.as('sub.quiet'), CONVERSATION_EVENTS, { id });
    const inboxStream = await listen(team.owner, INBOX_EVENTS, { accountId: team.shop });

    // an automated reply while the window is used up (through the service: inbound messages
    // always open a fresh window, so the API alone cannot exhaust it before the engine runs)
    await t.db.conversation.update({ where: { id: localId(id) }, data: { windowRepliesUsed: 10 } });
    t.clock.advance(1000);
    const events = new PendingEvents();
    const { message, sent } = await t.db.$transaction(async (tx) => {
      const conversation = await tx.conversation.findUniqueOrThrow({ where: { id: localId(id) } });
      const inbound = await tx.message.findFirstOrThrow({ where: { conversationId: conversation.id } });
      return sendAutomated(tx, { conversation, message: inbound, isFirstInbound: false, now: t.clock.now(), events }, 'Automatic answer', randomUUID());
    });
    events.publishTo(t.app.services.pubsub);
    expect([sent, message.status]).toEqual([false, 'SUPPRESSED']);
    expect(await userStream.quiet()).toBe(true);
    expect(await inboxStream.quiet()).toBe(true);
    expect(await conversationRow(t, id)).toMatchObject({ lastMessageId: before.lastMessageId, lastMessageAt: before.lastMessageAt, windowRepliesUsed: 10 });

    const seenByUser = (await t.as('sub.quiet').request(CONVERSATION, { id })).node;
    expect(seenByUser.lastMessage.text).toBe('Hi');
    expect(seenByUser.messages.edges.map((e: { node: { text: string } }) => e.node.text)).toEqual(['Hi']);
    const messageId = Buffer.from(`Message:${message.id}`).toString('base64');
    const direct = await t.as('sub.quiet').raw(`query ($id: ID!) { node(id: $id) { ... on Message { text } } }`, { id: messageId });
    expect(direct.errors?.map((e) => e.extensions?.code)).toEqual(['FORBIDDEN']);

    const seenByTeam = (await team.owner.request(CONVERSATION, { id })).node;
    expect(seenByTeam.lastMessage.text).toBe('Hi');
    expect(
      seenByTeam.messages.edges.map((e: { node: { text: string; status: string; automated: boolean } }) => [e.node.text, e.node.status, e.node.automated]),
    ).toEqual([
      ['Automatic answer', 'SUPPRESSED', true],
      ['Hi', 'SENT', false],
    ]);
  });
});

describe.runIf(onPostgres && onRedis)('across instances', () => {
  it('delivers inbox events to a subscriber on another instance', async () => {
    const peer = await t.startPeer();
    const stream = await listen(peer.as(team.handle('agent')), INBOX_EVENTS, { accountId: team.other });
    const id = await startConversation(t.as('sub.remote'), team.otherHandle, 'Via Redis');
    expect((await stream.next()).data?.inboxEvents).toMatchObject({ type: 'MESSAGE_RECEIVED', conversation: { id }, message: { text: 'Via Redis' } });
  });
});
