// Auto-messages through the API, as the team edits them: create, edit, delete and reorder
// each kind with every limit of PRODUCT §5, toggles, review gating of what is served, and
// who may do what.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AccountAutoMessagesDocument,
  AccountAutoReplySettingsDocument,
  AutoMessageDeleteDocument,
  AutoMessageNodeDocument,
  AutoMessagesReorderDocument,
  AutoReplySettingsUpdateDocument,
  ChatPromptCreateDocument,
  ChatPromptsDocument,
  ChatPromptUpdateDocument,
  KeywordReplyCreateDocument,
  KeywordReplyUpdateDocument,
  ReviewRejectDocument,
  SuggestedQuestionCreateDocument,
  SuggestedQuestionUpdateDocument,
  WelcomeMessageSetDocument,
} from '../generated/graphql.ts';
import { startApp, type TestApp } from '../support/app.ts';
import {
  approveAuto,
  approved,
  autoMessageRow,
  createPrompt,
  createQuestion,
  createRule,
  expectAutomationUnchanged,
  pendingReviewOf,
  rejectAuto,
  setToggles,
  setWelcome,
} from '../support/automation.ts';
import { expectTopLevelError, expectUserErrors, localId, signIn } from '../support/fixtures.ts';
import { leadTeam, reviewer, type LeadTeam } from '../support/lead-forms.ts';

let t: TestApp;
let org: LeadTeam;
let foreign: LeadTeam;
beforeAll(async () => {
  t = await startApp({ now: '2026-03-02T09:00:00.000Z' });
  org = await leadTeam(t);
  foreign = await leadTeam(t, {});
  await signIn(t, 'stranger');
});
afterAll(() => t?.close());

const chars = (n: number, char = 'a') => char.repeat(n);
const emoji = (n: number) => '👩🏽‍💻'.repeat(n);
const list = async (accountId: string, kind?: 'WELCOME' | 'SUGGESTED_QUESTION' | 'CHAT_PROMPT' | 'KEYWORD_REPLY', api = org.owner) => {
  const { node } = await api.request(AccountAutoMessagesDocument, { accountId, kind });
  return node && 'autoMessages' in node ? node.autoMessages.edges.map((e) => e.node) : [];
};
const read = async (id: string, api = org.owner) => {
  const { node } = await api.request(AutoMessageNodeDocument, { id });
  return node && 'kind' in node ? node : undefined;
};

describe('welcome message', () => {
  it('is created under review, with its text trimmed and a review queued', async () => {
    const account = org.account('shop');
    const { welcomeMessageSet } = await org.owner.request(WelcomeMessageSetDocument, { accountId: account, input: { text: '  Hi 👋 thanks for writing!  ' } });
    expectUserErrors(welcomeMessageSet);
    expect(welcomeMessageSet.autoMessage).toMatchObject({
      kind: 'WELCOME',
      position: 1,
      reviewState: 'REVIEWING',
      approvedAt: null,
      approvedContent: null,
      content: { __typename: 'WelcomeMessageContent', text: 'Hi 👋 thanks for writing!' },
      firedCount: 0,
      suppressedCount: 0,
    });
    const id = welcomeMessageSet.autoMessage!.id;
    const node = await read(id);
    expect(node?.reviews).toEqual([expect.objectContaining({ state: 'PENDING', snapshot: { text: 'Hi 👋 thanks for writing!' } })]);
    expect(await pendingReviewOf(t, id)).toBe(node!.reviews[0]!.id);
  });

  it('stays one per account: setting it again replaces the text and the pending review', async () => {
    const account = org.account('other');
    const first = await setWelcome(org.owner, account, 'Hello');
    const second = await setWelcome(org.owner, account, 'Hello again');
    expect(second).toBe(first);
    expect((await list(account, 'WELCOME')).map((m) => m.content)).toEqual([{ __typename: 'WelcomeMessageContent', text: 'Hello again' }]);
    expect((await read(first))?.reviews.map((r) => [r.state, r.snapshot])).toEqual([
      ['PENDING', { text: 'Hello again' }],
      ['WITHDRAWN', { text: 'Hello' }],
    ]);
  });

  it('accepts 250 characters, emoji counted as one each', async () => {
    const id = await setWelcome(org.owner, org.account('other'), emoji(250));
    expect((await autoMessageRow(t, id)).content).toEqual({ text: emoji(250) });
  });

  it.each([
    ['over 250 characters', chars(251), 'TOO_LONG'],
    ['over 250 emoji', emoji(251), 'TOO_LONG'],
    ['blank', ' \n ', 'REQUIRED'],
  ])('refuses a text %s and stores nothing', async (_name, text, code) => {
    const { welcomeMessageSet } = await expectAutomationUnchanged(t, () => org.owner.request(WelcomeMessageSetDocument, { accountId: org.account('shop'), input: { text } }));
    expectUserErrors(welcomeMessageSet, [code, ['input', 'text']]);
    expect(welcomeMessageSet.autoMessage).toBeNull();
  });
});

describe('suggested questions', () => {
  let team: LeadTeam;
  beforeAll(async () => {
    team = await leadTeam(t);
  });

  it('are at most 3 per account, in creation order', async () => {
    const account = team.account('shop');
    for (const n of [1, 2, 3]) await createQuestion(team.owner, account, `Question ${n}?`, `Answer ${n}.`);
    const { suggestedQuestionCreate } = await expectAutomationUnchanged(t, () => team.owner.request(SuggestedQuestionCreateDocument, { accountId: account, input: { question: 'Fourth?', answer: 'No.' } }));
    expectUserErrors(suggestedQuestionCreate, ['LIMIT_REACHED', ['accountId']]);
    expect((await list(account, 'SUGGESTED_QUESTION', team.owner)).map((m) => [m.position, m.content])).toEqual([
      [1, { __typename: 'SuggestedQuestionContent', question: 'Question 1?', answer: 'Answer 1.' }],
      [2, { __typename: 'SuggestedQuestionContent', question: 'Question 2?', answer: 'Answer 2.' }],
      [3, { __typename: 'SuggestedQuestionContent', question: 'Question 3?', answer: 'Answer 3.' }],
    ]);
  });

  it('accept a question of 80 and an answer of 200 characters', async () => {
    const id = await createQuestion(team.owner, team.account('other'), emoji(80), chars(200, '价'));
    expect((await autoMessageRow(t, id)).content).toEqual({ question: emoji(80), answer: chars(200, '价') });
  });

  it('refuse a question over 80 and an answer over 200 characters, both reported', async () => {
    const { suggestedQuestionCreate } = await expectAutomationUnchanged(t, () =>
      team.owner.request(SuggestedQuestionCreateDocument, { accountId: team.account('other'), input: { question: chars(81), answer: chars(201) } }),
    );
    expectUserErrors(suggestedQuestionCreate, ['TOO_LONG', ['input', 'question']], ['TOO_LONG', ['input', 'answer']]);
  });

  it('are edited field by field, the edit going back to review', async () => {
    const id = await approved(t, createQuestion(team.owner, team.account('other'), 'Opening hours?', '9 to 5.'));
    const { suggestedQuestionUpdate } = await team.owner.request(SuggestedQuestionUpdateDocument, { id, input: { answer: ' 9 to 6. ' } });
    expectUserErrors(suggestedQuestionUpdate);
    expect(suggestedQuestionUpdate.autoMessage).toMatchObject({
      reviewState: 'REVIEWING',
      content: { question: 'Opening hours?', answer: '9 to 6.' },
      approvedContent: { question: 'Opening hours?', answer: '9 to 5.' },
    });
  });

  it('refuse an edit over the limit, and an id of another kind', async () => {
    const id = (await list(team.account('shop'), 'SUGGESTED_QUESTION', team.owner))[0]!.id;
    const tooLong = await expectAutomationUnchanged(t, () => team.owner.request(SuggestedQuestionUpdateDocument, { id, input: { question: chars(81) } }));
    expectUserErrors(tooLong.suggestedQuestionUpdate, ['TOO_LONG', ['input', 'question']]);
    const promptId = await createPrompt(team.owner, team.account('shop'), 'Menu', 'Show me the menu');
    const wrongKind = await expectAutomationUnchanged(t, () => team.owner.request(SuggestedQuestionUpdateDocument, { id: promptId, input: { question: 'Menu?' } }));
    expectUserErrors(wrongKind.suggestedQuestionUpdate, ['NOT_FOUND', ['id']]);
  });
});

describe('chat prompts', () => {
  let team: LeadTeam;
  let ids: string[];
  beforeAll(async () => {
    team = await leadTeam(t);
    ids = [];
    for (const n of [1, 2, 3, 4, 5, 6]) ids.push(await createPrompt(team.owner, team.account('shop'), `Prompt ${n}`, `Content ${n}`));
  });

  it('are at most 6 per account', async () => {
    const { chatPromptCreate } = await expectAutomationUnchanged(t, () => team.owner.request(ChatPromptCreateDocument, { accountId: team.account('shop'), input: { title: 'Seventh', content: 'x' } }));
    expectUserErrors(chatPromptCreate, ['LIMIT_REACHED', ['accountId']]);
    expect((await list(team.account('shop'), 'CHAT_PROMPT', team.owner)).map((m) => m.position)).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('take a title of 18 and content of 150 characters, and no more', async () => {
    await createPrompt(team.owner, team.account('other'), chars(18, 'é'), emoji(150));
    const { chatPromptCreate } = await expectAutomationUnchanged(t, () =>
      team.owner.request(ChatPromptCreateDocument, { accountId: team.account('other'), input: { title: chars(19), content: chars(151) } }),
    );
    expectUserErrors(chatPromptCreate, ['TOO_LONG', ['input', 'title']], ['TOO_LONG', ['input', 'content']]);
    const update = await expectAutomationUnchanged(t, () => team.owner.request(ChatPromptUpdateDocument, { id: ids[0]!, input: { title: '  ' } }));
    expectUserErrors(update.chatPromptUpdate, ['REQUIRED', ['input', 'title']]);
  });

  it('are re-ordered by listing every id once', async () => {
    const order = [ids[5]!, ids[0]!, ids[4]!, ids[1]!, ids[3]!, ids[2]!];
    const { autoMessagesReorder } = await team.owner.request(AutoMessagesReorderDocument, { accountId: team.account('shop'), kind: 'CHAT_PROMPT', ids: order });
    expectUserErrors(autoMessagesReorder);
    expect(autoMessagesReorder.autoMessages?.map((m) => [m.id, m.position])).toEqual(order.map((id, i) => [id, i + 1]));
    expect((await list(team.account('shop'), 'CHAT_PROMPT', team.owner)).map((m) => m.id)).toEqual(order);
  });

  it('refuse a reorder that misses, repeats or borrows an id, or of the welcome message', async () => {
    const account = team.account('shop');
    const otherAccountPrompt = (await list(team.account('other'), 'CHAT_PROMPT', team.owner))[0]!.id;
    for (const bad of [ids.slice(1), [...ids.slice(1), ids[1]!], [...ids.slice(1), otherAccountPrompt]]) {
      const { autoMessagesReorder } = await expectAutomationUnchanged(t, () => team.owner.request(AutoMessagesReorderDocument, { accountId: account, kind: 'CHAT_PROMPT', ids: bad }));
      expectUserErrors(autoMessagesReorder, ['INVALID', ['ids']]);
    }
    const welcome = await setWelcome(team.owner, account, 'Hi');
    const { autoMessagesReorder } = await expectAutomationUnchanged(t, () => team.owner.request(AutoMessagesReorderDocument, { accountId: account, kind: 'WELCOME', ids: [welcome] }));
    expectUserErrors(autoMessagesReorder, ['INVALID', ['kind']]);
  });

  it('are shown to viewers only once approved and while switched on, in order', async () => {
    const handle = team.handle('shop');
    const viewer = t.as('stranger');
    await setToggles(team.owner, team.account('shop'), { chatPromptsEnabled: true });
    expect((await viewer.request(ChatPromptsDocument, { handle })).chatPrompts).toEqual([]);
    await approveAuto(t, ids[2]!);
    await approveAuto(t, ids[5]!);
    expect((await t.anonymous().request(ChatPromptsDocument, { handle })).chatPrompts).toEqual([
      { id: ids[5], title: 'Prompt 6', content: 'Content 6' },
      { id: ids[2], title: 'Prompt 3', content: 'Content 3' },
    ]);
    await setToggles(team.owner, team.account('shop'), { chatPromptsEnabled: false });
    expect((await viewer.request(ChatPromptsDocument, { handle })).chatPrompts).toEqual([]);
    expect((await viewer.request(ChatPromptsDocument, { handle: 'nobody_here' })).chatPrompts).toEqual([]);
  });
});

describe('keyword replies', () => {
  let team: LeadTeam;
  beforeAll(async () => {
    team = await leadTeam(t);
  });

  it('store 1–4 keywords (trimmed), the match mode (CONTAINS by default) and the reply', async () => {
    const { keywordReplyCreate } = await team.owner.request(KeywordReplyCreateDocument, {
      accountId: team.account('shop'),
      input: { keywords: [' price ', 'how   much', '价格', chars(40)], reply: ' From 10 €. ' },
    });
    expectUserErrors(keywordReplyCreate);
    expect(keywordReplyCreate.autoMessage).toMatchObject({
      kind: 'KEYWORD_REPLY',
      position: 1,
      reviewState: 'REVIEWING',
      content: { __typename: 'KeywordReplyContent', keywords: ['price', 'how much', '价格', chars(40)], matchMode: 'CONTAINS', reply: 'From 10 €.' },
    });
    const exact = await createRule(team.owner, team.account('shop'), ['hi'], chars(500), 'EXACT');
    expect((await autoMessageRow(t, exact)).content).toEqual({ keywords: ['hi'], matchMode: 'EXACT', reply: chars(500) });
  });

  it.each([
    ['no keyword', { keywords: [] as string[] }, [['REQUIRED', ['input', 'keywords']]]],
    ['5 keywords', { keywords: ['a', 'b', 'c', 'd', 'e'] }, [['LIMIT_REACHED', ['input', 'keywords']]]],
    ['a blank keyword', { keywords: ['a', ' '] }, [['REQUIRED', ['input', 'keywords', '1']]]],
    ['a keyword over 40 characters', { keywords: [chars(41)] }, [['TOO_LONG', ['input', 'keywords', '0']]]],
    ['the same keyword twice (case and width folded)', { keywords: ['Price', 'ＰＲＩＣＥ'] }, [['DUPLICATE_KEYWORD', ['input', 'keywords', '1']]]],
    ['a reply over 500 characters', { reply: chars(501) }, [['TOO_LONG', ['input', 'reply']]]],
    ['a blank reply', { reply: '' }, [['REQUIRED', ['input', 'reply']]]],
  ])('refuse %s and store nothing', async (_name, input, expected) => {
    const { keywordReplyCreate } = await expectAutomationUnchanged(t, () =>
      team.owner.request(KeywordReplyCreateDocument, { accountId: team.account('other'), input: { keywords: ['price'], reply: 'From 10 €.', ...input } }),
    );
    expectUserErrors(keywordReplyCreate, ...(expected as [string, string[]][]));
  });

  it('are edited (keywords, mode, reply) and refused over the limits', async () => {
    const id = await createRule(team.owner, team.account('other'), ['open'], 'We open at 9.');
    const { keywordReplyUpdate } = await team.owner.request(KeywordReplyUpdateDocument, { id, input: { keywords: ['open', 'hours'], matchMode: 'EXACT' } });
    expectUserErrors(keywordReplyUpdate);
    expect(keywordReplyUpdate.autoMessage?.content).toEqual({ __typename: 'KeywordReplyContent', keywords: ['open', 'hours'], matchMode: 'EXACT', reply: 'We open at 9.' });
    const refused = await expectAutomationUnchanged(t, () => team.owner.request(KeywordReplyUpdateDocument, { id, input: { keywords: ['open', 'OPEN', chars(41)], reply: chars(501) } }));
    expectUserErrors(refused.keywordReplyUpdate, ['DUPLICATE_KEYWORD', ['input', 'keywords', '1']], ['TOO_LONG', ['input', 'keywords', '2']], ['TOO_LONG', ['input', 'reply']]);
  });

  it('are deleted: the pending review is withdrawn and the rules after move up', async () => {
    const account = team.account('other');
    const [a, b, c] = [await createRule(team.owner, account, ['x1'], 'r'), await createRule(team.owner, account, ['x2'], 'r'), await createRule(team.owner, account, ['x3'], 'r')];
    const before = (await list(account, 'KEYWORD_REPLY', team.owner)).map((m) => m.id);
    const { autoMessageDelete } = await team.owner.request(AutoMessageDeleteDocument, { id: b });
    expectUserErrors(autoMessageDelete);
    expect(autoMessageDelete).toMatchObject({ deletedAutoMessageId: b, account: { handle: team.handle('other') } });
    expect(await t.db.autoMessage.findUnique({ where: { id: localId(b) } })).toBeNull();
    expect(await t.db.reviewItem.findMany({ where: { subjectId: localId(b) }, select: { state: true } })).toEqual([{ state: 'WITHDRAWN' }]);
    const after = await list(account, 'KEYWORD_REPLY', team.owner);
    expect(after.map((m) => m.id)).toEqual(before.filter((id) => id !== b));
    expect(after.map((m) => m.position)).toEqual(after.map((_, i) => i + 1));
    expect([a, c].every((id) => after.some((m) => m.id === id))).toBe(true);
  });

  it('have no count limit', async () => {
    const account = team.account('shop');
    for (let n = 0; n < 8; n++) await createRule(team.owner, account, [`kw${n}`], 'r');
    expect((await list(account, 'KEYWORD_REPLY', team.owner)).length).toBe(10);
  });
});

describe('concurrent edits', () => {
  it('never exceed a limit, nor make a second welcome message', async () => {
    const team = await leadTeam(t);
    const account = team.account('shop');
    const creates = await Promise.all(
      Array.from({ length: 6 }, (_, n) => team.owner.request(SuggestedQuestionCreateDocument, { accountId: account, input: { question: `Q${n}?`, answer: 'A.' } })),
    );
    expect(creates.filter((r) => r.suggestedQuestionCreate.userErrors.length === 0)).toHaveLength(3);
    expect(creates.flatMap((r) => r.suggestedQuestionCreate.userErrors.map((e) => e.code))).toEqual(['LIMIT_REACHED', 'LIMIT_REACHED', 'LIMIT_REACHED']);
    expect((await list(account, 'SUGGESTED_QUESTION', team.owner)).map((m) => m.position)).toEqual([1, 2, 3]);

    await Promise.all(['one', 'two', 'three'].map((text) => team.owner.request(WelcomeMessageSetDocument, { accountId: account, input: { text } })));
    expect(await t.db.autoMessage.count({ where: { accountId: localId(account), kind: 'WELCOME' } })).toBe(1);
    const welcome = (await list(account, 'WELCOME', team.owner))[0]!;
    expect(await t.db.reviewItem.count({ where: { subjectId: localId(welcome.id), state: 'PENDING' } })).toBe(1);
  });
});

describe('review gating', () => {
  let team: LeadTeam;
  beforeAll(async () => {
    team = await leadTeam(t);
  });

  it('approval serves the reviewed version; an edit keeps it serving while under review; a rejection too', async () => {
    const id = await createRule(team.owner, team.account('shop'), ['price'], 'From 10 €.');
    expect(await read(id, team.owner)).toMatchObject({ reviewState: 'REVIEWING', approvedContent: null });

    await approveAuto(t, id);
    const v1 = { __typename: 'KeywordReplyContent', keywords: ['price'], matchMode: 'CONTAINS', reply: 'From 10 €.' };
    expect(await read(id, team.owner)).toMatchObject({ reviewState: 'APPROVED', approvedAt: '2026-03-02T09:00:00.000Z', content: v1, approvedContent: v1 });

    await team.owner.request(KeywordReplyUpdateDocument, { id, input: { reply: 'Free!' } });
    expect(await read(id, team.owner)).toMatchObject({ reviewState: 'REVIEWING', content: { ...v1, reply: 'Free!' }, approvedContent: v1 });

    await rejectAuto(t, id, 'Not free.');
    const node = await read(id, team.owner);
    expect(node).toMatchObject({ reviewState: 'REJECTED', content: { ...v1, reply: 'Free!' }, approvedContent: v1 });
    expect(node?.reviews.map((r) => [r.state, r.snapshot, r.reasons])).toEqual([
      ['REJECTED', { keywords: ['price'], matchMode: 'CONTAINS', reply: 'Free!' }, [{ area: 'CONTENT', message: 'Not free.' }]],
      ['APPROVED', { keywords: ['price'], matchMode: 'CONTAINS', reply: 'From 10 €.' }, []],
    ]);

    await team.owner.request(KeywordReplyUpdateDocument, { id, input: { reply: 'From 12 €.' } });
    await approveAuto(t, id);
    expect(await read(id, team.owner)).toMatchObject({ reviewState: 'APPROVED', approvedContent: { ...v1, reply: 'From 12 €.' } });
  });

  it('tells the team of each decision', async () => {
    const id = await setWelcome(team.owner, team.account('other'), 'Welcome!');
    await rejectAuto(t, id, 'Too short.');
    const mail = await t.db.notification.findMany({ where: { subjectId: localId(id) }, select: { title: true, body: true, subjectType: true }, distinct: ['title'] });
    expect(mail).toEqual([{ title: 'Your auto-message “Welcome message” was not approved', body: 'Please edit and resubmit. CONTENT: Too short.', subjectType: 'AutoMessage' }]);
  });

  it('saving unchanged content queues no new review; saving rejected content again does', async () => {
    const id = await approved(t, createQuestion(team.owner, team.account('other'), 'Delivery?', 'Yes.'));
    const { suggestedQuestionUpdate } = await team.owner.request(SuggestedQuestionUpdateDocument, { id, input: { question: ' Delivery? ', answer: 'Yes.' } });
    expect(suggestedQuestionUpdate.autoMessage?.reviewState).toBe('APPROVED');
    expect(await t.db.reviewItem.count({ where: { subjectId: localId(id) } })).toBe(1);

    await team.owner.request(SuggestedQuestionUpdateDocument, { id, input: { answer: 'Yes, free.' } });
    await rejectAuto(t, id);
    await team.owner.request(SuggestedQuestionUpdateDocument, { id, input: { answer: 'Yes, free.' } });
    expect((await read(id, team.owner))?.reviews.map((r) => r.state)).toEqual(['PENDING', 'REJECTED', 'APPROVED']);
  });

  it('rejections highlight the CONTENT area only', async () => {
    const id = await createPrompt(team.owner, team.account('other'), 'Menu', 'Show me the menu');
    const { reviewReject } = await reviewer(t).request(ReviewRejectDocument, { id: await pendingReviewOf(t, id), reasons: [{ area: 'QUESTIONS', message: 'x' }] });
    expectUserErrors(reviewReject, ['INVALID', ['reasons', '0', 'area']]);
    expect((await autoMessageRow(t, id)).reviewState).toBe('REVIEWING');
  });

  it('reviewers see the subject in the queue and read it', async () => {
    const id = await createPrompt(team.owner, team.account('other'), 'Hours', 'When are you open?');
    expect(await pendingReviewOf(t, id)).toBeTruthy();
    expect(await read(id, reviewer(t))).toMatchObject({ kind: 'CHAT_PROMPT', account: { handle: team.handle('other') } });
  });
});

describe('toggles', () => {
  it('are all off until switched on, and change one at a time', async () => {
    const team = await leadTeam(t);
    const account = team.account('shop');
    const settings = async (api = team.owner) => {
      const { node } = await api.request(AccountAutoReplySettingsDocument, { accountId: account });
      return node && 'autoReplySettings' in node ? node.autoReplySettings : undefined;
    };
    expect(await settings()).toEqual({ welcomeEnabled: false, suggestedQuestionsEnabled: false, chatPromptsEnabled: false, keywordRepliesEnabled: false });
    const { autoReplySettingsUpdate } = await team.owner.request(AutoReplySettingsUpdateDocument, { accountId: account, input: { welcomeEnabled: true, keywordRepliesEnabled: true } });
    expectUserErrors(autoReplySettingsUpdate);
    await team.as('admin').request(AutoReplySettingsUpdateDocument, { accountId: account, input: { keywordRepliesEnabled: false, chatPromptsEnabled: true } });
    expect(await settings(team.as('analyst'))).toEqual({ welcomeEnabled: true, suggestedQuestionsEnabled: false, chatPromptsEnabled: true, keywordRepliesEnabled: false });
  });
});

describe('permissions', () => {
  let ids: Record<string, string>;
  beforeAll(async () => {
    ids = {
      welcome: await setWelcome(org.owner, org.account('shop'), 'Hi there'),
      question: await createQuestion(org.owner, org.account('shop'), 'Hours?', '9–5'),
      prompt: await createPrompt(org.owner, org.account('shop'), 'Menu', 'The menu please'),
      rule: await createRule(org.owner, org.account('shop'), ['menu'], 'Here it is.'),
    };
  });

  const mutations = () => {
    const accountId = org.account('shop');
    return {
      welcomeMessageSet: [WelcomeMessageSetDocument, { accountId, input: { text: 'Hey' } }],
      suggestedQuestionCreate: [SuggestedQuestionCreateDocument, { accountId: org.account('other'), input: { question: 'Q?', answer: 'A.' } }],
      suggestedQuestionUpdate: [SuggestedQuestionUpdateDocument, { id: ids.question, input: { answer: '9–6' } }],
      chatPromptCreate: [ChatPromptCreateDocument, { accountId: org.account('other'), input: { title: 'T', content: 'C' } }],
      chatPromptUpdate: [ChatPromptUpdateDocument, { id: ids.prompt, input: { title: 'Our menu' } }],
      keywordReplyCreate: [KeywordReplyCreateDocument, { accountId, input: { keywords: ['k'], reply: 'r' } }],
      keywordReplyUpdate: [KeywordReplyUpdateDocument, { id: ids.rule, input: { reply: 'Here you go.' } }],
      autoMessagesReorder: [AutoMessagesReorderDocument, { accountId, kind: 'CHAT_PROMPT', ids: [ids.prompt] }],
      autoReplySettingsUpdate: [AutoReplySettingsUpdateDocument, { accountId, input: { welcomeEnabled: true } }],
      autoMessageDelete: [AutoMessageDeleteDocument, { id: ids.welcome }],
    } as const;
  };

  it.each(['agent', 'analyst'])('%s: FORBIDDEN on every mutation, nothing changed', async (who) => {
    for (const [name, [document, variables]] of Object.entries(mutations())) {
      const response = await expectAutomationUnchanged(t, () => org.as(who).raw(document, variables as never));
      expect([name, response.errors?.map((e) => e.extensions?.code)]).toEqual([name, ['FORBIDDEN']]);
    }
  });

  it('another organization’s owner and a stranger: FORBIDDEN; no token: UNAUTHENTICATED', async () => {
    for (const [document, variables] of Object.values(mutations())) {
      for (const api of [foreign.owner, t.as('stranger')]) expectTopLevelError(await expectAutomationUnchanged(t, () => api.raw(document, variables as never)), 'FORBIDDEN');
      expectTopLevelError(await t.anonymous().raw(document, variables as never), 'UNAUTHENTICATED');
    }
  });

  it('admins manage everything (the owner too)', async () => {
    for (const [name, [document, variables]] of Object.entries(mutations())) {
      const response = await org.as('admin').raw(document, variables as never);
      expect([name, response.errors]).toEqual([name, undefined]);
      expect([name, (response.data as Record<string, { userErrors: unknown[] }>)[name]!.userErrors]).toEqual([name, []]);
    }
  });

  it('a manager restricted to other accounts: FORBIDDEN', async () => {
    const team = await leadTeam(t, { admin: 'ADMIN' }, { admin: ['other'] });
    await signIn(t, team.handle('admin'));
    const response = await expectAutomationUnchanged(t, () => team.as('admin').raw(WelcomeMessageSetDocument, { accountId: team.account('shop'), input: { text: 'Hi' } }));
    expectTopLevelError(response, 'FORBIDDEN');
    const allowed = await team.as('admin').request(WelcomeMessageSetDocument, { accountId: team.account('other'), input: { text: 'Hi' } });
    expectUserErrors(allowed.welcomeMessageSet);
  });

  it('every role reads the auto-messages and toggles; outsiders do not', async () => {
    for (const who of ['admin', 'agent', 'analyst']) {
      expect((await list(org.account('shop'), undefined, org.as(who))).map((m) => m.kind)).toEqual(['SUGGESTED_QUESTION', 'CHAT_PROMPT', 'KEYWORD_REPLY', 'KEYWORD_REPLY']);
    }
    for (const api of [foreign.owner, t.as('stranger')]) {
      const response = await api.raw(AccountAutoMessagesDocument, { accountId: org.account('shop') });
      expect(response.errors?.map((e) => e.extensions?.code)).toEqual(['FORBIDDEN']);
      const node = await api.raw(AutoMessageNodeDocument, { id: ids.rule });
      expect(node.data?.node ?? null).toBeNull();
      const settings = await api.raw(AccountAutoReplySettingsDocument, { accountId: org.account('shop') });
      expect(settings.errors?.map((e) => e.extensions?.code)).toEqual(['FORBIDDEN']);
    }
  });
});
