// A returning user's DM that a keyword rule answers, on the one-statement write path: the
// reply rides in the DM's own statement (2 round trips: the pre-check and the statement,
// counted at the driver) and leaves exactly what the transaction path leaves: the automated
// message, the rule's counters, the conversation's reply window and last message, the events
// a console or agent sees (inbox, conversation, live) in the same order, the webhook rows in
// order. A live session's veto holds, also when set while the DM is under way; a rule
// deleted, re-approved or switched off meanwhile sends the DM through the transaction path,
// which decides afresh; an idempotent retry answers with the first message.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AutoMessageDeleteDocument, KeywordReplyUpdateDocument } from '../generated/graphql.ts';
import { onPostgres, startApp, type TestApp } from '../support/app.ts';
import { approveAuto, approved, autoMessageRow, createRule, setToggles } from '../support/automation.ts';
import { accepted, localId } from '../support/fixtures.ts';
import { connect, integrationTeam, registerEndpoint, type IntegrationTeam } from '../support/integrations.ts';
import { closeStreams, eligible, openStream, setPlatform, startLive, updateLive, watchHost, type LiveEvent } from '../support/live.ts';
import { conversationRow, sendDm } from '../support/messaging.ts';
import { watchStatements, type StatementWatch } from '../support/statements.ts';

let t: TestApp;
let team: IntegrationTeam;
let sql: StatementWatch;
let rule: string;
beforeAll(async () => {
  // background work (webhook polling, the live tick) stays out of the counted statements
  t = await startApp({ now: '2026-03-02T10:00:00.000Z', env: { WEBHOOK_POLL_MS: '60000', LIVE_TICK_MS: '60000' } });
  team = await integrationTeam(t, 'ars');
  await setPlatform(t, team.us, eligible);
  rule = await approved(t, createRule(team.owner, team.us, ['price'], 'From 10 €.'));
  await setToggles(team.owner, team.us, { keywordRepliesEnabled: true });
  sql = watchStatements(t);
});
afterAll(async () => {
  await closeStreams();
  await t?.close();
});

let users = 0;
/**
 * A user who wrote to the account before (their next DM takes the one-statement path); from a
 * live room, that first DM also has the room's stats written (the next wait a second).
 */
async function returningUser(context?: { liveSessionId: string }): Promise<{ user: string; conversation: string }> {
  const user = `ars.user${++users}`;
  const first = await sendDm(t.as(user), team.usHandle, { kind: 'TEXT', text: 'hello' }, context);
  expect(first.userErrors).toEqual([]);
  t.clock.advance(100);
  return { user, conversation: first.conversation.id };
}

/** the DM alone: its payload's fields are resolved from what the write returned (no reads of their own) */
const DM = /* GraphQL */ `
  mutation ($handle: String!, $input: InboundMessageInput!, $context: MessageSendContext) {
    businessMessageSend(handle: $handle, input: $input, context: $context) { message { id } userErrors { code field } }
  }`;
const dm = async (user: string, text: string, context?: { liveSessionId: string }, idempotencyKey?: string) =>
  (await t.as(user).request(DM, { handle: team.usHandle, input: { kind: 'TEXT', text, idempotencyKey }, context })).businessMessageSend as { message: { id: string }; userErrors: unknown[] };

const EVENT = 'type conversation { id } message { id text automated }';
const watchInbox = () => openStream<any>(team.owner, `subscription ($a: ID!) { inboxEvents(accountId: $a) { ${EVENT} } }`, { a: team.us }, 'inboxEvents');
const watchConversation = (user: string, id: string) => openStream<any>(t.as(user), `subscription ($id: ID!) { conversationEvents(id: $id) { ${EVENT} } }`, { id }, 'conversationEvents');
/** the streams have subscribed, earlier work after commits is done: a quiet period */
const settle = () => new Promise((resolve) => setTimeout(resolve, 300));
/** an operation and the statements it sent, nothing else running */
const counted = async <T>(operation: () => Promise<T>) => {
  await settle();
  return sql.during(operation);
};

const ruleCounters = async () => {
  const row = await autoMessageRow(t, rule);
  return { firedCount: row.firedCount, suppressedCount: row.suppressedCount, lastFiredAt: row.lastFiredAt };
};
const messagesOf = (conversation: string) => t.db.message.findMany({ where: { conversationId: localId(conversation) }, orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] });
/** the interactive path's writes of a DM (never on the one-statement path) */
const TRANSACTION_PATH = /INSERT INTO "public"."(Conversation|Message)"|UPDATE "public"."AutoMessage"|FOR UPDATE/;

/**
 * The DM took the one-statement path: its pre-check and its statement, and none of the
 * interactive path's writes. `exact`: nothing else ran meanwhile (no subscriber open, no live
 * room whose stats or streams have work of their own after the commit), so the count is the
 * DM's round trips.
 */
const expectOneStatementPath = (statements: string[], exact = false) => {
  const sent = statements.map((s) => s.slice(0, 160)).join('\n');
  expect(statements.filter((s) => /"wroteBefore"/.test(s)), sent).toHaveLength(1);
  expect(statements.filter((s) => /^WITH conv AS/.test(s)), sent).toHaveLength(1);
  if (!exact) {
    expect(statements.filter((s) => TRANSACTION_PATH.test(s)), sent).toEqual([]);
    return;
  }
  expect(statements.length, sent).toBeLessThanOrEqual(5);
  expect(statements, sent).toHaveLength(2);
};

describe('a keyword reply in the DM’s statement', () => {
  it('stores the reply, its rule’s counts and the conversation’s window in 2 statements', async () => {
    const { user, conversation } = await returningUser();
    const tool = await connect(t, team, [team.us], ['messages:read', 'webhooks:manage']);
    const endpoint = await registerEndpoint(tool.api, 'http://127.0.0.1:9/hook', ['message.received', 'message.sent']);
    const before = await ruleCounters();

    const { result, statements } = await counted(() => dm(user, 'What is the price?'));
    expect(result.userErrors).toEqual([]);
    expectOneStatementPath(statements, true);

    const now = t.clock.now();
    const [, inbound, reply] = await messagesOf(conversation);
    expect(inbound).toMatchObject({ id: localId(result.message.id), direction: 'INBOUND', text: 'What is the price?', createdAt: now });
    expect(reply).toMatchObject({
      direction: 'OUTBOUND',
      kind: 'TEXT',
      text: 'From 10 €.',
      status: 'SENT',
      autoMessageId: localId(rule),
      senderId: null,
      liveSessionId: null,
      idempotencyKey: null,
      suggestedQuestionIds: [],
      createdAt: now,
    });
    expect(await ruleCounters()).toEqual({ firedCount: before.firedCount + 1, suppressedCount: before.suppressedCount, lastFiredAt: now });
    expect(await conversationRow(t, conversation)).toMatchObject({ windowRepliesUsed: 1, lastMessageId: reply!.id, lastMessageAt: now, lastUserMessageAt: now, unread: true });
    // what the team sees: the reply is the last message, 9 replies are left in the window
    const node = await team.owner.request(`query ($id: ID!) { node(id: $id) { ... on Conversation { repliesLeft lastMessage { text automated } } } }`, { id: conversation });
    expect(node.node).toEqual({ repliesLeft: 9, lastMessage: { text: 'From 10 €.', automated: true } });
    // the webhook rows: the message, then the reply (per-conversation delivery order)
    const deliveries = await t.db.webhookDelivery.findMany({ where: { endpointId: localId(endpoint.id) }, orderBy: { seq: 'asc' }, include: { event: true } });
    expect(deliveries.map((d) => [d.event.type, JSON.parse(d.event.body).data.message])).toEqual([
      ['message.received', expect.objectContaining({ direction: 'INBOUND', text: 'What is the price?', automated: false })],
      ['message.sent', expect.objectContaining({ id: expect.any(String), direction: 'OUTBOUND', text: 'From 10 €.', automated: true, createdAt: now.toISOString() })],
    ]);
    await t.db.webhookEndpoint.deleteMany({});
  });

  it('publishes the message, then the reply, to the inbox and the conversation', async () => {
    const { user, conversation } = await returningUser();
    const inbox = watchInbox();
    const thread = watchConversation(user, conversation);
    await settle();
    const { result, statements } = await sql.during(() => dm(user, 'price?'));
    expect(result.userErrors).toEqual([]);
    expectOneStatementPath(statements);
    const received = { id: result.message.id, text: 'price?', automated: false };
    const sent = { id: expect.any(String), text: 'From 10 €.', automated: true };
    expect(await inbox.take(2)).toEqual([
      { type: 'MESSAGE_RECEIVED', conversation: { id: conversation }, message: received },
      { type: 'MESSAGE_SENT', conversation: { id: conversation }, message: sent },
    ]);
    expect(await thread.take(2)).toEqual([
      { type: 'MESSAGE', conversation: { id: conversation }, message: received },
      { type: 'MESSAGE', conversation: { id: conversation }, message: sent },
    ]);
    expect(await inbox.quiet()).toBe(true);
    expect(await thread.quiet()).toBe(true);
    await inbox.close();
    await thread.close();
  });

  describe('from a live room', () => {
    let session: string;
    beforeAll(async () => {
      session = await startLive(team.owner, team.us);
    });

    it('takes 2 statements (on PGlite, nothing else running), with the viewer message on the host stream and the reply in the inbox', async () => {
      const { user, conversation } = await returningUser({ liveSessionId: session });
      const alone = await counted(() => dm(user, 'price please', { liveSessionId: session }));
      expect(alone.result.userErrors).toEqual([]);
      // (on PostgreSQL the room's stats and stream lookups, after an earlier DM's commit, may land in the window)
      expectOneStatementPath(alone.statements, !onPostgres);

      t.clock.advance(1000);
      const host = watchHost(team.owner, session);
      const inbox = watchInbox();
      await settle();
      const { result, statements } = await sql.during(() => dm(user, 'price please', { liveSessionId: session }));
      expect(result.userErrors).toEqual([]);
      expectOneStatementPath(statements);

      const hostEvents: LiveEvent[] = await host.until((event) => event.type === 'VIEWER_MESSAGE');
      expect(hostEvents.at(-1)).toMatchObject({ type: 'VIEWER_MESSAGE', viewerMessage: { messageId: result.message.id, text: 'price please', viewerHandle: user } });
      const [, reply] = await inbox.take(2).then((events) => events.map((e) => e.message));
      expect(reply).toMatchObject({ text: 'From 10 €.', automated: true });
      expect((await messagesOf(conversation)).at(-1)).toMatchObject({ id: localId(reply.id), autoMessageId: localId(rule), liveSessionId: null });
      expect(await conversationRow(t, conversation)).toMatchObject({ windowRepliesUsed: 1, lastMessageId: localId(reply.id), liveSessionId: localId(session) });
      await host.close();
      await inbox.close();
    });

    it('sends no reply while the host has auto-responses off, on the same path', async () => {
      const { user, conversation } = await returningUser();
      await updateLive(team.owner, session, { autoResponsesEnabled: false });
      const before = await ruleCounters();
      const inbox = watchInbox();
      await settle();
      const { result, statements } = await sql.during(() => dm(user, 'price please', { liveSessionId: session }));
      expect(result.userErrors).toEqual([]);
      expectOneStatementPath(statements);
      expect((await messagesOf(conversation)).map((m) => m.direction)).toEqual(['INBOUND', 'INBOUND']);
      expect(await ruleCounters()).toEqual(before);
      expect(await conversationRow(t, conversation)).toMatchObject({ windowRepliesUsed: 0, lastMessageId: localId(result.message.id) });
      expect((await inbox.value()).type).toBe('MESSAGE_RECEIVED');
      expect(await inbox.quiet()).toBe(true);
      await inbox.close();
      await updateLive(team.owner, session, { autoResponsesEnabled: true });
    });

    it('obeys auto-responses switched off while the DM is under way', async () => {
      const { user, conversation } = await returningUser();
      const before = await ruleCounters();
      sql.holdAfter(/"keywordRules"/, () => updateLive(team.owner, session, { autoResponsesEnabled: false }));
      const { result } = await sql.during(() => dm(user, 'price please', { liveSessionId: session }));
      expect(result.userErrors).toEqual([]);
      expect((await messagesOf(conversation)).map((m) => m.direction)).toEqual(['INBOUND', 'INBOUND']);
      expect(await ruleCounters()).toEqual(before);
      await updateLive(team.owner, session, { autoResponsesEnabled: true });
    });
  });

  describe('a rule changed while the DM is under way', () => {
    const sendHeld = async (change: () => Promise<unknown>) => {
      const { user, conversation } = await returningUser();
      sql.holdAfter(/"keywordRules"/, change);
      const { result } = await sql.during(() => dm(user, 'price?'));
      expect(result.userErrors).toEqual([]);
      return messagesOf(conversation);
    };

    it('answers with the version approved meanwhile', async () => {
      const before = await ruleCounters();
      const messages = await sendHeld(async () => {
        accepted((await team.owner.request(KeywordReplyUpdateDocument, { id: rule, input: { reply: 'From 12 €.' } })).keywordReplyUpdate, 'keywordReplyUpdate');
        await approveAuto(t, rule);
      });
      expect(messages.slice(1).map((m) => [m.direction, m.text, m.autoMessageId])).toEqual([
        ['INBOUND', 'price?', null],
        ['OUTBOUND', 'From 12 €.', localId(rule)],
      ]);
      expect((await ruleCounters()).firedCount).toBe(before.firedCount + 1);
    });

    it('sends nothing once keyword replies are switched off meanwhile', async () => {
      const before = await ruleCounters();
      const messages = await sendHeld(() => setToggles(team.owner, team.us, { keywordRepliesEnabled: false }));
      expect(messages.map((m) => m.direction)).toEqual(['INBOUND', 'INBOUND']);
      expect(await ruleCounters()).toEqual(before);
      await setToggles(team.owner, team.us, { keywordRepliesEnabled: true });
    });

    it('sends nothing for a rule deleted meanwhile', async () => {
      const doomed = await approved(t, createRule(team.owner, team.us, ['refund'], 'Within 5 days.'));
      const { user, conversation } = await returningUser();
      sql.holdAfter(/"keywordRules"/, async () => accepted((await team.owner.request(AutoMessageDeleteDocument, { id: doomed })).autoMessageDelete, 'autoMessageDelete'));
      const { result } = await sql.during(() => dm(user, 'refund?'));
      expect(result.userErrors).toEqual([]);
      expect((await messagesOf(conversation)).map((m) => m.direction)).toEqual(['INBOUND', 'INBOUND']);
      expect(await t.db.message.count({ where: { autoMessageId: localId(doomed) } })).toBe(0);
    });
  });

  it('answers an idempotent retry with the first message, and replies once', async () => {
    const { user, conversation } = await returningUser();
    const send = () => dm(user, 'price?', undefined, 'ars-1');
    const first = await counted(send);
    // the key is looked up first, then the one-statement path
    expect(first.statements[0]).toMatch(/"idempotencyKey"/);
    expectOneStatementPath(first.statements.slice(1));
    const counters = await ruleCounters();
    t.clock.advance(1000);
    const again = await send();
    expect(again.userErrors).toEqual([]);
    expect(again.message.id).toBe(first.result.message.id);
    expect((await messagesOf(conversation)).map((m) => [m.direction, m.autoMessageId])).toEqual([
      ['INBOUND', null],
      ['INBOUND', null],
      ['OUTBOUND', localId(rule)],
    ]);
    expect(await ruleCounters()).toEqual(counters);
  });
});
