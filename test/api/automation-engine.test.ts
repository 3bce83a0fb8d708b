// The auto-reply engine end to end: viewers write to a business through the API and the
// welcome message, suggested questions and keyword replies arrive (or not) per toggles,
// review state, rule order and the reply window, with the per-rule counters.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { autoReply } from '../../src/modules/automation/engine.ts';
import { PendingEvents } from '../../src/platform/events.ts';
import {
  AutomationMyConversationsDocument,
  AutomationTeamReplyDocument,
  AutoMessageNodeDocument,
  AutoMessagesReorderDocument,
  KeywordReplyUpdateDocument,
  SuggestedQuestionChooseDocument,
  WelcomeMessageSetDocument,
} from '../generated/graphql.ts';
import { startApp, type TestApp } from '../support/app.ts';
import {
  allOn,
  approveAuto,
  approved,
  autoMessageRow,
  createQuestion,
  createRule,
  dm,
  rejectAuto,
  setToggles,
  setWelcome,
  storedMessages,
} from '../support/automation.ts';
import { expectTopLevelError, expectUserErrors, localId } from '../support/fixtures.ts';
import { leadTeam, type LeadTeam } from '../support/lead-forms.ts';

let t: TestApp;
beforeAll(async () => {
  t = await startApp({ now: '2026-03-02T09:00:00.000Z' });
});
afterAll(() => t?.close());

let users = 0;
/** a new viewer handle */
const newUser = () => `viewer${++users}`;
/** a DM one second after the previous message, so stored messages sort by time */
const send = async (user: string, handle: string, text: string) => {
  t.clock.advance(1000);
  return dm(t, user, handle, text);
};
const inbound = (text: string) => ({ direction: 'INBOUND', text, status: 'SENT', autoMessageId: null, suggestedQuestionIds: [] });
const automated = (autoMessageId: string, text: string, suggestedQuestionIds: string[] = [], status = 'SENT') => ({ direction: 'OUTBOUND', text, status, autoMessageId, suggestedQuestionIds });

describe('toggles and review', () => {
  let team: LeadTeam;
  let welcome: string;
  let rule: string;
  beforeAll(async () => {
    team = await leadTeam(t);
    welcome = await approved(t, setWelcome(team.owner, team.account('shop'), 'Welcome!'));
    rule = await approved(t, createRule(team.owner, team.account('shop'), ['price'], 'From 10 €.'));
  });

  it('sends nothing while the features are switched off, approved content included', async () => {
    const conversation = await send(newUser(), team.handle('shop'), 'price?');
    expect(await storedMessages(t, conversation)).toEqual([inbound('price?')]);
  });

  it('sends nothing that is not approved', async () => {
    await setToggles(team.owner, team.account('other'), allOn);
    await setWelcome(team.owner, team.account('other'), 'Not yet reviewed');
    await createRule(team.owner, team.account('other'), ['price'], 'Not yet reviewed');
    const conversation = await send(newUser(), team.handle('other'), 'price?');
    expect(await storedMessages(t, conversation)).toEqual([inbound('price?')]);
  });

  it('sends each feature only while its own toggle is on', async () => {
    await setToggles(team.owner, team.account('shop'), { welcomeEnabled: true });
    const first = await send(newUser(), team.handle('shop'), 'price?');
    expect(await storedMessages(t, first)).toEqual([inbound('price?'), automated(welcome, 'Welcome!')]);

    await setToggles(team.owner, team.account('shop'), { welcomeEnabled: false, keywordRepliesEnabled: true });
    const second = await send(newUser(), team.handle('shop'), 'price?');
    expect(await storedMessages(t, second)).toEqual([inbound('price?'), automated(rule, 'From 10 €.')]);
  });

  it('keeps serving the approved version while an edit is under review, and after its rejection', async () => {
    await setToggles(team.owner, team.account('shop'), { welcomeEnabled: true, keywordRepliesEnabled: true });
    await team.owner.request(WelcomeMessageSetDocument, { accountId: team.account('shop'), input: { text: 'Welcome, v2!' } });
    await team.owner.request(KeywordReplyUpdateDocument, { id: rule, input: { reply: 'Free!' } });
    const underReview = await send(newUser(), team.handle('shop'), 'price?');
    expect(await storedMessages(t, underReview)).toEqual([inbound('price?'), automated(welcome, 'Welcome!'), automated(rule, 'From 10 €.')]);

    await rejectAuto(t, welcome);
    await rejectAuto(t, rule);
    const rejected = await send(newUser(), team.handle('shop'), 'price?');
    expect(await storedMessages(t, rejected)).toEqual([inbound('price?'), automated(welcome, 'Welcome!'), automated(rule, 'From 10 €.')]);

    await team.owner.request(WelcomeMessageSetDocument, { accountId: team.account('shop'), input: { text: 'Welcome, v3!' } });
    await approveAuto(t, welcome);
    const newer = await send(newUser(), team.handle('shop'), 'price?');
    expect((await storedMessages(t, newer))[1]).toEqual(automated(welcome, 'Welcome, v3!'));
  });
});

describe('welcome message and suggested questions', () => {
  let team: LeadTeam;
  let welcome: string;
  let questions: { first: string; pending: string; third: string };
  beforeAll(async () => {
    team = await leadTeam(t);
    const account = team.account('shop');
    welcome = await approved(t, setWelcome(team.owner, account, 'Hi! How can we help?'));
    questions = {
      first: await approved(t, createQuestion(team.owner, account, 'What is the price?', 'From 10 €.')),
      pending: await createQuestion(team.owner, account, 'Do you deliver?', 'Yes.'),
      third: await approved(t, createQuestion(team.owner, account, 'Opening hours?', '9 to 5, Monday to Friday.')),
    };
    await team.owner.request(AutoMessagesReorderDocument, { accountId: account, kind: 'SUGGESTED_QUESTION', ids: [questions.third, questions.pending, questions.first] });
    await setToggles(team.owner, account, { welcomeEnabled: true, suggestedQuestionsEnabled: true });
  });

  it('welcomes a user’s first message with the approved questions in order, and only the first', async () => {
    const user = newUser();
    const conversation = await send(user, team.handle('shop'), 'hello');
    await send(user, team.handle('shop'), 'anyone there?');
    expect(await storedMessages(t, conversation)).toEqual([
      inbound('hello'),
      automated(welcome, 'Hi! How can we help?', [questions.third, questions.first]),
      inbound('anyone there?'),
    ]);
    const other = await send(newUser(), team.handle('shop'), 'hi');
    expect((await storedMessages(t, other)).map((m) => m.autoMessageId)).toEqual([null, welcome]);
  });

  it('shows the user the questions with the welcome message', async () => {
    const user = newUser();
    await send(user, team.handle('shop'), 'hello');
    const { myConversations } = await t.as(user).request(AutomationMyConversationsDocument);
    const messages = myConversations.edges[0]!.node.messages.edges.map((e) => e.node);
    expect(messages.find((m) => m.automated)).toMatchObject({
      text: 'Hi! How can we help?',
      autoMessageId: welcome,
      suggestedQuestions: [
        { id: questions.third, question: 'Opening hours?' },
        { id: questions.first, question: 'What is the price?' },
      ],
    });
  });

  it('counts every welcome sent', async () => {
    const row = await autoMessageRow(t, welcome);
    expect(row).toMatchObject({ firedCount: 3, suppressedCount: 0, lastFiredAt: t.clock.now() });
  });

  it('sends the welcome without questions while they are switched off', async () => {
    await setToggles(team.owner, team.account('shop'), { suggestedQuestionsEnabled: false });
    const conversation = await send(newUser(), team.handle('shop'), 'hello');
    expect((await storedMessages(t, conversation))[1]).toEqual(automated(welcome, 'Hi! How can we help?', []));
    await setToggles(team.owner, team.account('shop'), { suggestedQuestionsEnabled: true });
  });

  it('shows no questions without a welcome message', async () => {
    const team2 = await leadTeam(t);
    await approved(t, createQuestion(team2.owner, team2.account('shop'), 'Price?', '10 €'));
    await setToggles(team2.owner, team2.account('shop'), { suggestedQuestionsEnabled: true, welcomeEnabled: true });
    const conversation = await send(newUser(), team2.handle('shop'), 'hello');
    expect(await storedMessages(t, conversation)).toEqual([inbound('hello')]);
  });
});

describe('suggestedQuestionChoose', () => {
  let team: LeadTeam;
  let welcome: string;
  let question: string;
  let rule: string;
  let user: string;
  let conversation: string;
  beforeAll(async () => {
    team = await leadTeam(t);
    const account = team.account('shop');
    welcome = await approved(t, setWelcome(team.owner, account, 'Hi!'));
    question = await approved(t, createQuestion(team.owner, account, 'What is the price?', 'From 10 €.'));
    rule = await approved(t, createRule(team.owner, account, ['price'], 'Prices are on our site.'));
    await setToggles(team.owner, account, allOn);
    user = newUser();
    conversation = await send(user, team.handle('shop'), 'hello');
  });
  const choose = (questionId: string, who = user, conversationId = conversation) => {
    t.clock.advance(1000);
    return t.as(who).raw(SuggestedQuestionChooseDocument, { conversationId, questionId });
  };

  it('records the question as the user’s message and sends its answer, and no keyword reply', async () => {
    const { data } = await choose(question);
    expectUserErrors(data!.suggestedQuestionChoose);
    expect(data!.suggestedQuestionChoose).toMatchObject({
      message: { direction: 'INBOUND', text: 'What is the price?', automated: false },
      reply: { direction: 'OUTBOUND', text: 'From 10 €.', automated: true, autoMessageId: question },
      conversation: { id: conversation, repliesLeft: 9 },
    });
    expect(await storedMessages(t, conversation)).toEqual([
      inbound('hello'),
      automated(welcome, 'Hi!', [question]),
      inbound('What is the price?'),
      automated(question, 'From 10 €.'),
    ]);
    expect(await autoMessageRow(t, question)).toMatchObject({ firedCount: 1, lastFiredAt: t.clock.now() });
    expect(await autoMessageRow(t, rule)).toMatchObject({ firedCount: 0 });
  });

  it('leaves the keyword rules to the user’s own messages', async () => {
    await send(user, team.handle('shop'), 'What is the price?');
    expect((await storedMessages(t, conversation)).at(-1)).toEqual(automated(rule, 'Prices are on our site.'));
  });

  it('refuses questions not offered in the conversation', async () => {
    const later = await approved(t, createQuestion(team.owner, team.account('shop'), 'Delivery?', 'Yes.'));
    const pending = await createQuestion(team.owner, team.account('shop'), 'Parking?', 'Yes.');
    const elsewhere = await approved(t, createQuestion(team.owner, team.account('other'), 'Hours?', '9–5'));
    for (const id of [later, pending, elsewhere, welcome, rule]) {
      const { data } = await choose(id);
      expectUserErrors(data!.suggestedQuestionChoose, ['NOT_FOUND', ['questionId']]);
    }
    await setToggles(team.owner, team.account('shop'), { suggestedQuestionsEnabled: false });
    const { data } = await choose(question);
    expectUserErrors(data!.suggestedQuestionChoose, ['NOT_FOUND', ['questionId']]);
    await setToggles(team.owner, team.account('shop'), { suggestedQuestionsEnabled: true });
    expect(await storedMessages(t, conversation)).toHaveLength(6);
  });

  it('is for the conversation’s own user only', async () => {
    for (const who of [newUser(), team.handle('owner')]) expectTopLevelError(await choose(question, who), 'FORBIDDEN');
    expectTopLevelError(await t.anonymous().raw(SuggestedQuestionChooseDocument, { conversationId: conversation, questionId: question }), 'UNAUTHENTICATED');
    expect(await storedMessages(t, conversation)).toHaveLength(6);
  });
});

describe('keyword replies', () => {
  let team: LeadTeam;
  let rules: Record<'hours' | 'priceExact' | 'price' | 'menu', string>;
  let user: string;
  let conversation: string;
  beforeAll(async () => {
    team = await leadTeam(t);
    const account = team.account('shop');
    rules = {
      hours: await approved(t, createRule(team.owner, account, ['open', 'opening hours'], 'We open at 9.')),
      price: await approved(t, createRule(team.owner, account, ['price', '价格', '多少钱'], 'From 10 €.')),
      priceExact: await approved(t, createRule(team.owner, account, ['ＰＲＩＣＥ'], 'Exactly: 10 €.', 'EXACT')),
      menu: await createRule(team.owner, account, ['menu'], 'Our menu: …'),
    };
    await setToggles(team.owner, account, { keywordRepliesEnabled: true });
    user = newUser();
    conversation = await send(user, team.handle('shop'), 'hello');
  });
  const replyTo = async (text: string) => {
    await send(user, team.handle('shop'), text);
    const messages = await storedMessages(t, conversation);
    const index = messages.findLastIndex((m) => m.direction === 'INBOUND');
    return messages.slice(index + 1);
  };

  it('answers with the first matching rule in the account’s order, once per message', async () => {
    expect(await replyTo('What is the price? And when do you open?')).toEqual([automated(rules.hours, 'We open at 9.')]);
    expect(await replyTo('price')).toEqual([automated(rules.price, 'From 10 €.')]);
    expect(await replyTo('请问这个价格是多少')).toEqual([automated(rules.price, 'From 10 €.')]);
    expect(await replyTo('这件衣服多少钱？')).toEqual([automated(rules.price, 'From 10 €.')]);
  });

  it('follows a new order', async () => {
    await team.owner.request(AutoMessagesReorderDocument, { accountId: team.account('shop'), kind: 'KEYWORD_REPLY', ids: [rules.priceExact, rules.menu, rules.price, rules.hours] });
    expect(await replyTo('Price')).toEqual([automated(rules.priceExact, 'Exactly: 10 €.')]);
    expect(await replyTo('price and opening hours?')).toEqual([automated(rules.price, 'From 10 €.')]);
  });

  it('stays silent when nothing matches, for unapproved rules and for non-text messages', async () => {
    expect(await replyTo('priceless opener')).toEqual([]);
    expect(await replyTo('the menu please')).toEqual([]);
    t.clock.advance(1000);
    const sticker = await t.as(user).request(`mutation { businessMessageSend(handle: "${team.handle('shop')}", input: { kind: STICKER, stickerId: "price" }) { userErrors { code } } }`);
    expect(sticker.businessMessageSend.userErrors).toEqual([]);
    expect((await storedMessages(t, conversation)).at(-1)?.direction).toBe('INBOUND');
  });

  it('counts how often each rule fired, and when last', async () => {
    const read = async (id: string) => {
      const { node } = await team.owner.request(AutoMessageNodeDocument, { id });
      return node && 'firedCount' in node ? [node.firedCount, node.lastFiredAt, node.suppressedCount] : null;
    };
    const last = await t.db.message.findFirstOrThrow({ where: { autoMessageId: localId(rules.price) }, orderBy: { createdAt: 'desc' } });
    expect(await read(rules.hours)).toEqual([1, expect.any(String), 0]);
    expect(await read(rules.price)).toEqual([4, last.createdAt.toISOString(), 0]);
    expect(await read(rules.priceExact)).toEqual([1, expect.any(String), 0]);
    expect(await read(rules.menu)).toEqual([0, null, 0]);
  });
});

describe('the reply window', () => {
  let team: LeadTeam;
  let welcome: string;
  let rule: string;
  beforeAll(async () => {
    team = await leadTeam(t, { agent: 'AGENT' });
    welcome = await approved(t, setWelcome(team.owner, team.account('shop'), 'Welcome!'));
    rule = await approved(t, createRule(team.owner, team.account('shop'), ['price'], 'From 10 €.'));
    await setToggles(team.owner, team.account('shop'), allOn);
  });

  it('counts automated messages: with the welcome and a keyword reply sent, the team has 8 left', async () => {
    const user = newUser();
    const conversation = await send(user, team.handle('shop'), 'price?');
    const reply = (n: number) => team.as('agent').request(AutomationTeamReplyDocument, { conversationId: conversation, text: `Reply ${n}` });
    for (let n = 1; n <= 8; n++) expectUserErrors((await reply(n)).conversationMessageSend);
    expect((await reply(9)).conversationMessageSend.userErrors.map((e) => e.code)).toEqual(['WINDOW_QUOTA_EXCEEDED']);
    const sent = (await storedMessages(t, conversation)).filter((m) => m.direction === 'OUTBOUND' && m.status === 'SENT');
    expect(sent).toHaveLength(10);
    // the user's next message opens a new window
    await send(user, team.handle('shop'), 'price again?');
    expect((await storedMessages(t, conversation)).at(-1)).toEqual(automated(rule, 'From 10 €.'));
  });

  it('records an automated message the window does not allow as suppressed, never sent, and counts it apart', async () => {
    const user = newUser();
    const conversation = await send(user, team.handle('shop'), 'hi');
    const before = await Promise.all([autoMessageRow(t, welcome), autoMessageRow(t, rule)]);
    // an exhausted window at the moment the engine runs (e.g. other automated sends in the same transaction)
    const row = await t.db.conversation.update({ where: { id: localId(conversation) }, data: { windowRepliesUsed: 10 } });
    const message = await t.db.message.findFirstOrThrow({ where: { conversationId: row.id, direction: 'INBOUND' } });
    t.clock.advance(1000);
    const now = t.clock.now();
    await t.db.$transaction((tx) => autoReply(tx, { conversation: row, message: { ...message, text: 'price?' }, isFirstInbound: true, now, events: new PendingEvents() }));

    expect((await storedMessages(t, conversation)).slice(2)).toEqual([automated(welcome, 'Welcome!', [], 'SUPPRESSED'), automated(rule, 'From 10 €.', [], 'SUPPRESSED')]);
    const after = await Promise.all([autoMessageRow(t, welcome), autoMessageRow(t, rule)]);
    expect(after.map((r, i) => [r.firedCount - before[i]!.firedCount, r.suppressedCount - before[i]!.suppressedCount])).toEqual([
      [0, 1],
      [0, 1],
    ]);
    expect((await t.db.conversation.findUniqueOrThrow({ where: { id: row.id } })).windowRepliesUsed).toBe(10);
    // the user never sees them
    const { myConversations } = await t.as(user).request(AutomationMyConversationsDocument);
    expect(myConversations.edges[0]!.node.messages.edges.map((e) => e.node.status)).toEqual(['SENT', 'SENT']);
  });
});
