// GraphQL surface of auto-messages: the team's editor (welcome message, suggested questions,
// chat prompts, keyword replies, order, toggles), their review, and what viewers see of them.
import { encodeGlobalID } from '@pothos/plugin-relay';
import type { AutoMessage } from '../../generated/prisma/client.ts';
import { AutoMessageKind, AutoMessageReviewState } from '../../generated/prisma/enums.ts';
import { allRoles, managerRoles } from '../../platform/access.ts';
import { builder } from '../../platform/builder.ts';
import type { Context } from '../../platform/context.ts';
import { attempt, payloadType } from '../../platform/payload.ts';
import { accountScope, byAccountIdArg } from '../../platform/scopes.ts';
import { BusinessAccountRef } from '../accounts/schema.ts';
import { ConversationRef } from '../messaging/schema.ts';
import { registerReviewSubject } from '../reviews/schema.ts';
import { chooseSuggestedQuestion } from './engine.ts';
import { autoMessageLimits as limits, type AnyContent, type ChatPromptContent, type ContentOf, type KeywordReplyContent, type SuggestedQuestionContent, type WelcomeContent } from './rules.ts';
import * as automation from './service.ts';

export const AutoMessageKindEnum = builder.enumType(AutoMessageKind, {
  name: 'AutoMessageKind',
  description: 'The kinds of automated message a business account can set up.',
  values: {
    WELCOME: { description: 'Sent on a user’s first message in a conversation; one per account, at most 250 characters.' },
    SUGGESTED_QUESTION: { description: 'A question shown with the welcome message; choosing it sends its answer. At most 3 per account.' },
    CHAT_PROMPT: { description: 'A prompt shown to users in a chat with the account. At most 6 per account, ordered.' },
    KEYWORD_REPLY: { description: 'A rule that answers a text message matching one of its keywords; the first matching rule in order wins.' },
    AWAY: { description: 'A messaging ad’s answer outside its reply hours, once per closed period; one per ad, at most 250 characters.' },
  },
});
const AutoMessageReviewStateEnum = builder.enumType(AutoMessageReviewState, {
  name: 'AutoMessageReviewState',
  description: 'The review of the latest edit. Whatever it is, `approvedContent` (the last approved version) is what is sent.',
  values: {
    REVIEWING: { description: 'The latest edit waits for a platform reviewer.' },
    APPROVED: { description: 'The latest edit is approved and is what is sent.' },
    REJECTED: { description: 'The latest edit was rejected (see `reviews` for the reasons); edit it to resubmit.' },
  },
});
const KeywordMatchModeEnum = builder.enumType('KeywordMatchMode', {
  description: 'How a keyword rule’s keywords match a message; case, width and compatibility forms are ignored.',
  values: { EXACT: { description: 'The whole message is the keyword.' }, CONTAINS: { description: 'The message contains the keyword: as a whole word, or anywhere for Chinese/Japanese keywords.' } },
});

const team = (accountId: string) => ({ account: { id: accountId, roles: allRoles } });

// ───────────── content ─────────────

type Tagged = AnyContent & { kind: AutoMessageKind };
const tagged = (kind: AutoMessageKind, content: unknown): Tagged | null => (content ? { ...(content as AnyContent), kind } : null);

const WelcomeMessageContentRef = builder.objectRef<WelcomeContent>('WelcomeMessageContent').implement({
  description: 'The content of a welcome message.',
  fields: (t) => ({ text: t.exposeString('text', { description: `At most ${limits.welcomeText} characters.` }) }),
});
const SuggestedQuestionContentRef = builder.objectRef<SuggestedQuestionContent>('SuggestedQuestionContent').implement({
  description: 'The content of a suggested question.',
  fields: (t) => ({
    question: t.exposeString('question', { description: `At most ${limits.question} characters.` }),
    answer: t.exposeString('answer', { description: `At most ${limits.answer} characters.` }),
  }),
});
const ChatPromptContentRef = builder.objectRef<ChatPromptContent>('ChatPromptContent').implement({
  description: 'The content of a chat prompt.',
  fields: (t) => ({
    title: t.exposeString('title', { description: `At most ${limits.promptTitle} characters.` }),
    content: t.exposeString('content', { description: `At most ${limits.promptContent} characters.` }),
  }),
});
const KeywordReplyContentRef = builder.objectRef<KeywordReplyContent>('KeywordReplyContent').implement({
  description: 'The content of a keyword rule.',
  fields: (t) => ({
    keywords: t.exposeStringList('keywords', { description: `${limits.keywordsPerRule.min}–${limits.keywordsPerRule.max} keywords of at most ${limits.keyword} characters; any one matching triggers the reply.` }),
    matchMode: t.field({ type: KeywordMatchModeEnum, description: 'How the keywords match.', resolve: (c) => c.matchMode }),
    reply: t.exposeString('reply', { description: `At most ${limits.reply} characters.` }),
  }),
});
const AwayMessageContentRef = builder.objectRef<WelcomeContent>('AwayMessageContent').implement({
  description: 'What a messaging ad answers outside its reply hours.',
  fields: (t) => ({ text: t.exposeString('text', { description: `At most ${limits.awayText} characters.` }) }),
});
const contentRefs = { AWAY: AwayMessageContentRef, WELCOME: WelcomeMessageContentRef, SUGGESTED_QUESTION: SuggestedQuestionContentRef, CHAT_PROMPT: ChatPromptContentRef, KEYWORD_REPLY: KeywordReplyContentRef };
const AutoMessageContentRef = builder.unionType('AutoMessageContent', {
  description: 'The content of an auto-message; its type follows the kind.',
  types: Object.values(contentRefs),
  resolveType: (content) => contentRefs[(content as Tagged).kind],
});

export const AutoMessageRef = builder.prismaNode('AutoMessage', {
  id: { field: 'id' },
  description: 'A welcome message, suggested question, chat prompt, keyword reply or messaging-ad away message, as its team edits it. The account’s team and platform reviewers may see it.',
  authScopes: (row) => ({ $any: { ...team(row.accountId), reviewer: true } }),
  loadableBy: (row) => ({ $any: { ...team(row.accountId), reviewer: true } }),
  fields: (t) => ({
    kind: t.expose('kind', { type: AutoMessageKindEnum, description: 'Which kind of auto-message it is.' }),
    position: t.exposeInt('position', { description: 'Place in the account’s order of this kind (from 1).' }),
    content: t.field({ type: AutoMessageContentRef, description: 'The latest edit.', resolve: (row) => tagged(row.kind, row.content)! }),
    approvedContent: t.field({
      type: AutoMessageContentRef,
      nullable: true,
      description: 'The last approved version: the only one ever sent. null until a version is approved.',
      resolve: (row) => tagged(row.kind, row.approvedContent),
    }),
    reviewState: t.expose('reviewState', { type: AutoMessageReviewStateEnum, description: 'The review of the latest edit.' }),
    approvedAt: t.expose('approvedAt', { type: 'DateTime', nullable: true, description: 'When a version was last approved; null if never.' }),
    reviews: t.prismaField({
      type: ['ReviewItem'],
      description: 'Every submission and decision, newest first.',
      resolve: (q, row, _a, ctx) => ctx.db.reviewItem.findMany({ ...q, where: { kind: 'AUTO_MESSAGE', subjectId: row.id }, orderBy: [{ submittedAt: 'desc' }, { id: 'desc' }] }),
    }),
    firedCount: t.exposeInt('firedCount', { description: 'Times it was sent (FAQ analysis).' }),
    lastFiredAt: t.expose('lastFiredAt', { type: 'DateTime', nullable: true, description: 'When it was last sent; null if never.' }),
    suppressedCount: t.exposeInt('suppressedCount', { description: 'Times it applied but the reply window did not allow sending it.' }),
    account: t.relation('account', { description: 'The business account it belongs to.' }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When it was created.' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime', description: 'When it last changed.' }),
  }),
});

registerReviewSubject({ kind: 'AUTO_MESSAGE', ref: AutoMessageRef, load: (ctx, id) => ctx.db.autoMessage.findUnique({ where: { id } }) });

const AutoReplySettingsRef = builder.objectRef<Required<automation.AutoReplyToggles>>('AutoReplySettings').implement({
  description: 'The on/off toggle of each auto-message feature. All are off until switched on.',
  fields: (t) => ({
    welcomeEnabled: t.exposeBoolean('welcomeEnabled', { description: 'The welcome message is sent.' }),
    suggestedQuestionsEnabled: t.exposeBoolean('suggestedQuestionsEnabled', { description: 'Shown with the welcome message, so only while it is on too.' }),
    chatPromptsEnabled: t.exposeBoolean('chatPromptsEnabled', { description: 'Chat prompts are shown to users.' }),
    keywordRepliesEnabled: t.exposeBoolean('keywordRepliesEnabled', { description: 'Keyword rules answer matching messages.' }),
  }),
});

/** What a viewer sees of a chat prompt or a suggested question: its approved version. */
const ChatPromptRef = builder.objectRef<{ id: string } & ChatPromptContent>('ChatPrompt').implement({
  description: 'A chat prompt as users see it: its approved version.',
  fields: (t) => ({
    id: t.id({ description: 'Global id of the AutoMessage.', resolve: (p) => encodeGlobalID('AutoMessage', p.id) }),
    title: t.exposeString('title', { description: `At most ${limits.promptTitle} characters.` }),
    content: t.exposeString('content', { description: `At most ${limits.promptContent} characters.` }),
  }),
});
const SuggestedQuestionRef = builder.objectRef<{ id: string } & SuggestedQuestionContent>('SuggestedQuestion').implement({
  description: 'A question the user can choose (suggestedQuestionChoose) to get its answer.',
  fields: (t) => ({
    id: t.id({ description: 'Global id of the AutoMessage: pass it to `suggestedQuestionChoose(questionId:)`.', resolve: (q) => encodeGlobalID('AutoMessage', q.id) }),
    question: t.exposeString('question', { description: `The approved question, at most ${limits.question} characters.` }),
  }),
});

builder.prismaObjectFields('BusinessAccount', (t) => ({
  autoMessages: t.relatedConnection('autoMessages', {
    cursor: 'id',
    description: 'The account’s auto-messages of a kind (or all, by kind), in the account’s order. Any member who works on the account.',
    authScopes: (account) => team(account.id),
    args: { kind: t.arg({ type: AutoMessageKindEnum, description: 'Only this kind; omit for all.' }) },
    totalCount: true,
    query: (args) => ({ where: { kind: args.kind ?? undefined }, orderBy: [{ kind: 'asc' as const }, ...automation.order] }),
  }),
  autoReplySettings: t.field({ type: AutoReplySettingsRef, description: 'The on/off toggles of the auto-message features. Any member who works on the account.', authScopes: (account) => team(account.id), resolve: (account, _a, ctx) => automation.getSettings(ctx.db, account.id) }),
}));

builder.prismaObjectFields('Message', (t) => ({
  suggestedQuestions: t.field({
    type: [SuggestedQuestionRef],
    description: 'For a welcome message: the suggested questions shown with it that can still be chosen.',
    resolve: async (message, _a, ctx) => {
      if (message.suggestedQuestionIds.length === 0) return [];
      const loader = ctx.loader<string, ({ id: string } & SuggestedQuestionContent) | null>('offeredSuggestedQuestions', async (ids) => {
        const rows = await automation.offeredSuggestedQuestions(ctx.db, [...ids]);
        return ids.map((id) => rows.find((row) => row.id === id) ?? null);
      });
      return (await loader.loadMany(message.suggestedQuestionIds)).filter((q): q is { id: string } & SuggestedQuestionContent => q !== null && !(q instanceof Error));
    },
  }),
}));

builder.queryFields((t) => ({
  chatPrompts: t.field({
    type: [ChatPromptRef],
    description: 'The chat prompts a viewer sees in a chat with the account: approved ones, in order, while switched on. Public.',
    args: { handle: t.arg.string({ required: true, description: 'The account’s handle; an unknown handle gives an empty list.' }) },
    resolve: async (_root, { handle }, ctx) => {
      const account = await ctx.db.businessAccount.findUnique({ where: { handle }, select: { id: true } });
      return account ? automation.servedChatPrompts(ctx.db, account.id) : [];
    },
  }),
}));

// ───────────── mutations ─────────────

const AutoMessagePayload = payloadType<{ autoMessageId: string }>('AutoMessagePayload', (t) => ({
  autoMessage: t.prismaField({
    type: 'AutoMessage',
    nullable: true,
    description: 'The auto-message created or changed.',
    resolve: (q, p, _a, ctx) => (p.autoMessageId ? ctx.db.autoMessage.findUnique({ ...q, where: { id: p.autoMessageId } }) : null),
  }),
}));
const AutoMessageDeletePayload = payloadType<{ deletedId: string; accountId: string }>('AutoMessageDeletePayload', (t) => ({
  deletedAutoMessageId: t.id({ nullable: true, description: 'Global id of the deleted auto-message.', resolve: (p) => (p.deletedId ? encodeGlobalID('AutoMessage', p.deletedId) : null) }),
  account: t.prismaField({ type: 'BusinessAccount', nullable: true, description: 'The account it belonged to.', resolve: (q, p, _a, ctx) => (p.accountId ? ctx.db.businessAccount.findUnique({ ...q, where: { id: p.accountId } }) : null) }),
}));
const AutoMessagesReorderPayload = payloadType<{ rows: AutoMessage[] }>('AutoMessagesReorderPayload', (t) => ({
  autoMessages: t.field({ type: [AutoMessageRef], nullable: true, description: 'In their new order.', resolve: (p) => p.rows ?? null }),
}));
const AutoReplySettingsPayload = payloadType<{ settings: Required<automation.AutoReplyToggles> }>('AutoReplySettingsPayload', (t) => ({
  autoReplySettings: t.field({ type: AutoReplySettingsRef, nullable: true, description: 'The toggles after the change.', resolve: (p) => p.settings ?? null }),
}));
const SuggestedQuestionChoosePayload = payloadType<{ conversationId: string; messageId: string; replyId: string | null }>('SuggestedQuestionChoosePayload', (t) => ({
  message: t.prismaField({ type: 'Message', nullable: true, description: 'Your message: the question.', resolve: (q, p, _a, ctx) => (p.messageId ? ctx.db.message.findUnique({ ...q, where: { id: p.messageId } }) : null) }),
  reply: t.prismaField({
    type: 'Message',
    nullable: true,
    description: 'The answer; null when the reply window did not allow it.',
    resolve: (q, p, _a, ctx) => (p.replyId ? ctx.db.message.findFirst({ ...q, where: { id: p.replyId, status: 'SENT' } }) : null),
  }),
  conversation: t.prismaField({
    type: 'Conversation',
    nullable: true,
    description: 'The conversation.',
    resolve: (q, p, _a, ctx) => (p.conversationId ? ctx.db.conversation.findUnique({ ...q, where: { id: p.conversationId } }) : null),
  }),
}));

const WelcomeMessageInput = builder.inputType('WelcomeMessageInput', {
  description: 'A welcome message.',
  fields: (t) => ({ text: t.string({ required: true, description: `At most ${limits.welcomeText} characters.` }) }),
});
const suggestedQuestionFields = (required: boolean) => (t: PothosSchemaTypes.InputFieldBuilder<typeof builder.$inferSchemaTypes, 'InputObject'>) => ({
  question: t.string({ required, description: `At most ${limits.question} characters.` }),
  answer: t.string({ required, description: `At most ${limits.answer} characters; sent when the question is chosen.` }),
});
const chatPromptFields = (required: boolean) => (t: PothosSchemaTypes.InputFieldBuilder<typeof builder.$inferSchemaTypes, 'InputObject'>) => ({
  title: t.string({ required, description: `At most ${limits.promptTitle} characters.` }),
  content: t.string({ required, description: `At most ${limits.promptContent} characters.` }),
});
const keywordReplyFields = (required: boolean) => (t: PothosSchemaTypes.InputFieldBuilder<typeof builder.$inferSchemaTypes, 'InputObject'>) => ({
  keywords: t.stringList({ required, description: `${limits.keywordsPerRule.min}–${limits.keywordsPerRule.max} keywords of at most ${limits.keyword} characters, no repeats.` }),
  matchMode: t.field({ type: KeywordMatchModeEnum, description: required ? 'How the keywords match; defaults to CONTAINS.' : 'How the keywords match.' }),
  reply: t.string({ required, description: `At most ${limits.reply} characters.` }),
});
const SuggestedQuestionCreateInput = builder.inputType('SuggestedQuestionCreateInput', { description: 'A new suggested question.', fields: suggestedQuestionFields(true) });
const SuggestedQuestionUpdateInput = builder.inputType('SuggestedQuestionUpdateInput', { description: 'Omitted fields stay.', fields: suggestedQuestionFields(false) });
const ChatPromptCreateInput = builder.inputType('ChatPromptCreateInput', { description: 'A new chat prompt.', fields: chatPromptFields(true) });
const ChatPromptUpdateInput = builder.inputType('ChatPromptUpdateInput', { description: 'Omitted fields stay.', fields: chatPromptFields(false) });
const KeywordReplyCreateInput = builder.inputType('KeywordReplyCreateInput', { description: 'A new keyword rule.', fields: keywordReplyFields(true) });
const KeywordReplyUpdateInput = builder.inputType('KeywordReplyUpdateInput', { description: 'Omitted fields stay.', fields: keywordReplyFields(false) });
const AutoReplySettingsInput = builder.inputType('AutoReplySettingsInput', {
  description: 'Omitted toggles stay.',
  fields: (t) => ({
    welcomeEnabled: t.boolean({ description: 'Send the welcome message.' }),
    suggestedQuestionsEnabled: t.boolean({ description: 'Show suggested questions with the welcome message.' }),
    chatPromptsEnabled: t.boolean({ description: 'Show chat prompts.' }),
    keywordRepliesEnabled: t.boolean({ description: 'Answer messages matching keyword rules.' }),
  }),
});

const rowAccount = async (args: { id: { id: string } }, ctx: Context) => (await ctx.db.autoMessage.findUnique({ where: { id: args.id.id }, select: { accountId: true } }))?.accountId;
const manageAccount = accountScope(managerRoles, byAccountIdArg);
const manageRow = accountScope(managerRoles, rowAccount);
const onward = <T extends object>(input: T) => Object.fromEntries(Object.entries(input).filter(([, v]) => v !== null && v !== undefined)) as { [K in keyof T]?: Exclude<T[K], null> };

builder.mutationFields((t) => {
  const create = <K extends 'SUGGESTED_QUESTION' | 'CHAT_PROMPT' | 'KEYWORD_REPLY'>(kind: K, description: string, input: typeof SuggestedQuestionCreateInput | typeof ChatPromptCreateInput | typeof KeywordReplyCreateInput) =>
    t.field({
      type: AutoMessagePayload,
      description: `${description} Added last in the account’s order; sent only once approved. Owners and admins who work on the account.`,
      authScopes: manageAccount,
      args: { accountId: t.arg.globalID({ required: true, for: BusinessAccountRef, description: 'The business account.' }), input: t.arg({ type: input, required: true, description: 'The content, submitted for review.' }) },
      resolve: (_root, args, ctx) =>
        attempt(async () => ({
          autoMessageId: (await automation.createAutoMessage(ctx, ctx.viewer!.userId, args.accountId.id, kind, { ...(kind === 'KEYWORD_REPLY' ? { matchMode: 'CONTAINS' } : {}), ...onward(args.input as object) } as unknown as ContentOf[K])).id,
        })),
    });
  const update = <K extends 'SUGGESTED_QUESTION' | 'CHAT_PROMPT' | 'KEYWORD_REPLY'>(kind: K, input: typeof SuggestedQuestionUpdateInput | typeof ChatPromptUpdateInput | typeof KeywordReplyUpdateInput) =>
    t.field({
      type: AutoMessagePayload,
      description: 'Edits it; the edit goes to review while the last approved version keeps being sent. Owners and admins who work on the account.',
      authScopes: manageRow,
      args: { id: t.arg.globalID({ required: true, for: AutoMessageRef, description: 'The auto-message, of this mutation’s kind.' }), input: t.arg({ type: input, required: true, description: 'The changes.' }) },
      resolve: (_root, args, ctx) =>
        attempt(async () => ({ autoMessageId: (await automation.updateAutoMessage(ctx, ctx.viewer!.userId, args.id.id, kind, onward(args.input as object) as Partial<ContentOf[K]>)).id })),
    });
  return {
    welcomeMessageSet: t.field({
      type: AutoMessagePayload,
      description: 'Creates or replaces the account’s welcome message (sent on a user’s first message once approved). Owners and admins who work on the account.',
      authScopes: manageAccount,
      args: { accountId: t.arg.globalID({ required: true, for: BusinessAccountRef, description: 'The business account.' }), input: t.arg({ type: WelcomeMessageInput, required: true, description: 'The text, submitted for review.' }) },
      resolve: (_root, args, ctx) => attempt(async () => ({ autoMessageId: (await automation.setWelcome(ctx, ctx.viewer!.userId, args.accountId.id, args.input.text)).id })),
    }),
    suggestedQuestionCreate: create('SUGGESTED_QUESTION', `At most ${limits.perAccount.SUGGESTED_QUESTION} per account.`, SuggestedQuestionCreateInput),
    suggestedQuestionUpdate: update('SUGGESTED_QUESTION', SuggestedQuestionUpdateInput),
    chatPromptCreate: create('CHAT_PROMPT', `At most ${limits.perAccount.CHAT_PROMPT} per account.`, ChatPromptCreateInput),
    chatPromptUpdate: update('CHAT_PROMPT', ChatPromptUpdateInput),
    keywordReplyCreate: create('KEYWORD_REPLY', 'A keyword rule: the first rule in the account’s order that matches a message answers it.', KeywordReplyCreateInput),
    keywordReplyUpdate: update('KEYWORD_REPLY', KeywordReplyUpdateInput),
    autoMessageDelete: t.field({
      type: AutoMessageDeletePayload,
      description: 'Deletes an auto-message of any kind (its pending review is withdrawn). Owners and admins who work on the account.',
      authScopes: manageRow,
      args: { id: t.arg.globalID({ required: true, for: AutoMessageRef, description: 'The auto-message.' }) },
      resolve: (_root, args, ctx) =>
        attempt(async () => {
          const row = await automation.deleteAutoMessage(ctx, args.id.id);
          return { deletedId: row.id, accountId: row.accountId };
        }),
    }),
    autoMessagesReorder: t.field({
      type: AutoMessagesReorderPayload,
      description: 'Orders the suggested questions, chat prompts or keyword rules: `ids` lists every one of the kind once. Owners and admins who work on the account.',
      authScopes: manageAccount,
      args: {
        accountId: t.arg.globalID({ required: true, for: BusinessAccountRef, description: 'The business account.' }),
        kind: t.arg({ type: AutoMessageKindEnum, required: true, description: 'The kind to order.' }),
        ids: t.arg.globalIDList({ required: true, for: AutoMessageRef, description: 'Every auto-message of the kind, once each, in the new order.' }),
      },
      resolve: (_root, args, ctx) => attempt(async () => ({ rows: await automation.reorderAutoMessages(ctx, args.accountId.id, args.kind, args.ids.map((id) => id.id)) })),
    }),
    autoReplySettingsUpdate: t.field({
      type: AutoReplySettingsPayload,
      description: 'Switches auto-message features on or off. Owners and admins who work on the account.',
      authScopes: manageAccount,
      args: { accountId: t.arg.globalID({ required: true, for: BusinessAccountRef, description: 'The business account.' }), input: t.arg({ type: AutoReplySettingsInput, required: true, description: 'The toggles to change.' }) },
      resolve: (_root, args, ctx) => attempt(async () => ({ settings: await automation.updateSettings(ctx.db, args.accountId.id, onward(args.input)) })),
    }),
    suggestedQuestionChoose: t.field({
      type: SuggestedQuestionChoosePayload,
      description: 'The user of a conversation chooses a suggested question shown with its welcome message: it becomes their message and its answer is sent (within the reply window). That user only.',
      authScopes: async (_root, args, ctx) => {
        const conversation = await ctx.db.conversation.findUnique({ where: { id: args.conversationId.id }, select: { userId: true } });
        return conversation !== null && conversation.userId === ctx.viewer?.userId;
      },
      args: {
        conversationId: t.arg.globalID({ required: true, for: ConversationRef, description: 'Your conversation.' }),
        questionId: t.arg.globalID({ required: true, for: AutoMessageRef, description: 'A question offered in it (SuggestedQuestion.id).' }),
      },
      resolve: (_root, args, ctx) =>
        attempt(async () => {
          const result = await chooseSuggestedQuestion(ctx, ctx.viewer!.userId, args.conversationId.id, args.questionId.id);
          return { conversationId: result.conversationId, messageId: result.message.id, replyId: result.reply?.id ?? null };
        }),
    }),
  };
});
