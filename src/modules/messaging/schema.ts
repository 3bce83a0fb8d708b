// GraphQL surface of direct messages: the team's inbox and replies, the user's own
// conversations and sends, follows, chat links, and the realtime streams.
import { encodeGlobalID } from '@pothos/plugin-relay';
import type { Message } from '../../generated/prisma/client.ts';
import { ConversationOrigin, ConversationState, MessageDirection, MessageKind, MessageStatus } from '../../generated/prisma/enums.ts';
import { allRoles, operatorRoles, managerRoles } from '../../platform/access.ts';
import { builder } from '../../platform/builder.ts';
import type { Context } from '../../platform/context.ts';
import { refuse, refuseIfAny, userError, UserInputError } from '../../platform/errors.ts';
import { isRegionCode } from '../../platform/regions.ts';
import { attempt, payloadType } from '../../platform/payload.ts';
import { accountScope, byAccountIdArg, whileMember } from '../../platform/scopes.ts';
import { BusinessAccountRef, UserRef } from '../accounts/schema.ts';
import { PostRef } from '../leads/schema.ts';
import { registerReviewSubject } from '../reviews/schema.ts';
import { chatLinkUrl, PREFILL_MAX_CHARS, qrCodes, setPrefill } from './chat-link.ts';
import { outboundKindRefusal, repliesLeft, windowEndsAt } from './policy.ts';
import * as messaging from './service.ts';

export const ConversationStateEnum = builder.enumType(ConversationState, { name: 'ConversationState', description: 'REQUEST: waiting in message requests.' });
export const ConversationOriginEnum = builder.enumType(ConversationOrigin, { name: 'ConversationOrigin' });
const MessageDirectionEnum = builder.enumType(MessageDirection, { name: 'MessageDirection' });
const MessageKindEnum = builder.enumType(MessageKind, { name: 'MessageKind' });
const MessageStatusEnum = builder.enumType(MessageStatus, { name: 'MessageStatus', description: 'SUPPRESSED: an automated message the reply window did not allow (never delivered; team only).' });

/** The conversation's owner pair, loaded once per operation for authorization. */
function conversationParties(ctx: Context) {
  return ctx.loader<string, { accountId: string; userId: string } | null>('conversationParties', async (ids) => {
    const rows = await ctx.db.conversation.findMany({ where: { id: { in: [...ids] } }, select: { id: true, accountId: true, userId: true } });
    const byId = new Map(rows.map((r) => [r.id, r]));
    return ids.map((id) => byId.get(id) ?? null);
  });
}

/** Messages by id, loaded once per operation. */
function messagesById(ctx: Context) {
  return ctx.loader<string, Message | null>('messagesById', async (ids) => {
    const rows = await ctx.db.message.findMany({ where: { id: { in: [...ids] } } });
    const byId = new Map(rows.map((r) => [r.id, r]));
    return ids.map((id) => byId.get(id) ?? null);
  });
}

const team = (accountId: string) => ({ account: { id: accountId, roles: allRoles } });
const partyOrTeam = (conversation: { accountId: string; userId: string }, ctx: Context) => (conversation.userId === ctx.viewer?.userId ? true : team(conversation.accountId));

/** Suppressed automated messages are the team's business only (checked in SQL, so lists stay one query). */
const visibleMessages = (ctx: Context) => ({
  OR: [{ status: 'SENT' as const }, { conversation: { account: { organization: { members: { some: { userId: ctx.viewer?.userId ?? '00000000-0000-0000-0000-000000000000' } } } } } }],
});

export const MessageRef = builder.prismaNode('Message', {
  id: { field: 'id' },
  // node(id:) of a message that does not exist is null, not an internal error
  nullable: true,
  authScopes: async (message, ctx) => {
    const parties = await conversationParties(ctx).load(message.conversationId);
    if (!parties) return false;
    if (parties.userId === ctx.viewer?.userId) return message.status === 'SENT';
    return team(parties.accountId);
  },
  fields: (t) => ({
    direction: t.expose('direction', { type: MessageDirectionEnum }),
    kind: t.expose('kind', { type: MessageKindEnum }),
    text: t.exposeString('text', { nullable: true }),
    mediaUrl: t.string({ nullable: true, resolve: (m, _a, ctx) => (m.mediaKey ? ctx.media.url(m.mediaKey) : null) }),
    stickerId: t.exposeString('stickerId', { nullable: true }),
    post: t.prismaField({ type: 'Post', nullable: true, resolve: (q, m, _a, ctx) => (m.postId ? ctx.db.post.findUnique({ ...q, where: { id: m.postId } }) : null) }),
    sender: t.prismaField({
      type: 'User',
      nullable: true,
      description: 'The user for inbound messages, the team member for manual replies; null for automated ones.',
      resolve: (q, m, _a, ctx) => (m.senderId ? ctx.db.user.findUnique({ ...q, where: { id: m.senderId } }) : null),
    }),
    automated: t.boolean({ resolve: (m) => m.autoMessageId !== null }),
    autoMessageId: t.id({ nullable: true, description: 'The auto-message rule that sent it.', resolve: (m) => (m.autoMessageId ? encodeGlobalID('AutoMessage', m.autoMessageId) : null) }),
    suggestedQuestionIds: t.idList({ description: 'For a welcome message: the suggested questions shown with it.', resolve: (m) => m.suggestedQuestionIds.map((id) => encodeGlobalID('AutoMessage', id)) }),
    status: t.expose('status', { type: MessageStatusEnum }),
    liveSessionId: t.id({ nullable: true, resolve: (m) => (m.liveSessionId ? encodeGlobalID('LiveSession', m.liveSessionId) : null) }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
  }),
});

const lastMessageOrder = [{ createdAt: 'desc' as const }, { id: 'desc' as const }];

export const ConversationRef = builder.prismaNode('Conversation', {
  id: { field: 'id' },
  nullable: true,
  authScopes: partyOrTeam,
  fields: (t) => ({
    account: t.relation('account'),
    contact: t.relation('user', { description: 'The user the business talks to.' }),
    state: t.expose('state', { type: ConversationStateEnum }),
    origin: t.expose('origin', { type: ConversationOriginEnum }),
    liveSessionId: t.id({ nullable: true, description: 'The live room it started from or last continued in.', resolve: (c) => (c.liveSessionId ? encodeGlobalID('LiveSession', c.liveSessionId) : null) }),
    adId: t.id({ nullable: true, resolve: (c) => (c.adId ? encodeGlobalID('MessagingAd', c.adId) : null) }),
    unread: t.exposeBoolean('unread', { authScopes: (c) => team(c.accountId) }),
    starred: t.exposeBoolean('starred', { authScopes: (c) => team(c.accountId) }),
    assignee: t.prismaField({
      type: 'User',
      nullable: true,
      authScopes: (c) => team(c.accountId),
      resolve: (q, c, _a, ctx) => (c.assigneeId ? ctx.db.user.findUnique({ ...q, where: { id: c.assigneeId } }) : null),
    }),
    lastMessage: t.field({
      type: MessageRef,
      nullable: true,
      description: 'The latest message sent in it (suppressed automated messages never are).',
      // by the conversation's lastMessageId, one query per page: a nested `take: 1` per
      // conversation would read every message of the page's conversations
      resolve: (c, _a, ctx) => {
        if (!c.lastMessageId) return null;
        conversationParties(ctx).prime(c.id, { accountId: c.accountId, userId: c.userId });
        return messagesById(ctx).load(c.lastMessageId);
      },
    }),
    lastMessageAt: t.expose('lastMessageAt', { type: 'DateTime' }),
    replyWindowEndsAt: t.field({
      type: 'DateTime',
      nullable: true,
      description: 'The business may send until then (48 hours after the user’s latest message).',
      resolve: (c) => windowEndsAt(c),
    }),
    repliesLeft: t.int({ description: 'Business messages still allowed in the current window (10 per window).', resolve: (c, _a, ctx) => repliesLeft(c, ctx.clock.now()) }),
    messages: t.relatedConnection('messages', {
      cursor: 'id',
      description: 'Newest first.',
      query: (_args, ctx) => ({ where: visibleMessages(ctx), orderBy: lastMessageOrder }),
    }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    acceptedAt: t.expose('acceptedAt', { type: 'DateTime', nullable: true }),
    closedAt: t.expose('closedAt', { type: 'DateTime', nullable: true }),
  }),
});

// ───────────── queries ─────────────

const InboxFilter = builder.inputType('InboxFilter', {
  fields: (t) => ({
    requests: t.boolean({ description: 'true: message requests only; default: the inbox (requests excluded).' }),
    states: t.field({ type: [ConversationStateEnum] }),
    unread: t.boolean(),
    starred: t.boolean(),
    assigneeId: t.globalID({ for: UserRef }),
    unassigned: t.boolean(),
    origins: t.field({ type: [ConversationOriginEnum] }),
  }),
});

builder.queryFields((t) => ({
  inbox: t.prismaConnection({
    type: 'Conversation',
    cursor: 'id',
    description: 'The account’s conversations, newest activity first.',
    authScopes: accountScope(allRoles, byAccountIdArg),
    args: { accountId: t.arg.globalID({ required: true, for: BusinessAccountRef }), filter: t.arg({ type: InboxFilter }) },
    resolve: (query, _root, { accountId, filter }, ctx) =>
      ctx.db.conversation.findMany({
        ...query,
        where: {
          accountId: accountId.id,
          state: filter?.states?.length ? { in: filter.states } : filter?.requests ? 'REQUEST' : { not: 'REQUEST' },
          unread: filter?.unread ?? undefined,
          starred: filter?.starred ?? undefined,
          assigneeId: filter?.unassigned ? null : (filter?.assigneeId?.id ?? undefined),
          origin: filter?.origins?.length ? { in: filter.origins } : undefined,
        },
        orderBy: [{ lastMessageAt: 'desc' }, { id: 'desc' }],
      }),
  }),
  myConversations: t.prismaConnection({
    type: 'Conversation',
    cursor: 'id',
    description: 'Your conversations with businesses, newest activity first.',
    authScopes: { authenticated: true },
    resolve: (query, _root, _args, ctx) =>
      ctx.db.conversation.findMany({ ...query, where: { userId: ctx.viewer!.userId }, orderBy: [{ lastMessageAt: 'desc' }, { id: 'desc' }] }),
  }),
}));

const ChatLinkRef = builder.objectRef<{ url: string; prefill: string | null; pendingPrefill: string | null; prefillState: string }>('ChatLink').implement({
  description: 'A link (and QR code) that opens a chat with the account.',
  fields: (t) => ({
    url: t.exposeString('url', { description: 'Carries the approved prefilled message, if any.' }),
    prefill: t.exposeString('prefill', { nullable: true, description: 'The approved prefilled message in use.' }),
    pendingPrefill: t.exposeString('pendingPrefill', { nullable: true, description: 'The latest requested prefill, while in review or rejected.' }),
    prefillState: t.exposeString('prefillState', { description: 'NONE, REVIEWING, APPROVED or REJECTED.' }),
    qrSvg: t.string({ description: 'The QR code as an SVG document.', resolve: async (link) => (await qrCodes(link.url)).svg }),
    qrPng: t.string({ description: 'The QR code as a PNG data URL (data:image/png;base64,…).', resolve: async (link) => (await qrCodes(link.url)).pngDataUrl }),
  }),
});

builder.prismaObjectFields('BusinessAccount', (t) => ({
  chatLink: t.field({
    type: ChatLinkRef,
    authScopes: (account) => team(account.id),
    resolve: async (account, _args, ctx) => {
      const link = await ctx.db.chatLink.findUnique({ where: { accountId: account.id } });
      return {
        url: chatLinkUrl(ctx.config.chatLinkBase, account.handle, link?.approvedPrefill ?? null),
        prefill: link?.approvedPrefill ?? null,
        pendingPrefill: link && link.prefillState !== 'APPROVED' ? link.prefill : null,
        prefillState: link?.prefillState ?? 'NONE',
      };
    },
  }),
  viewerFollows: t.boolean({
    description: 'Whether you follow this account.',
    authScopes: { authenticated: true },
    resolve: async (account, _args, ctx) => (await ctx.db.follow.count({ where: { accountId: account.id, userId: ctx.viewer!.userId } })) > 0,
  }),
}));

registerReviewSubject({ kind: 'CHAT_LINK_PREFILL', ref: BusinessAccountRef, load: (ctx, id) => ctx.db.businessAccount.findUnique({ where: { id } }) });

// ───────────── mutations ─────────────

const InboundMessageInput = builder.inputType('InboundMessageInput', {
  description: 'TEXT (emoji welcome), IMAGE, VIDEO (file), STICKER (stickerId) or SHARE_POST (postId). Text and media are separate messages.',
  fields: (t) => ({
    kind: t.field({ type: MessageKindEnum, required: true }),
    text: t.string(),
    file: t.field({ type: 'File' }),
    stickerId: t.string(),
    postId: t.globalID({ for: PostRef }),
    idempotencyKey: t.string({
      description:
        'Your key for this send (1–128 characters, unique per sender): a retry with the same key stores nothing new and returns the message stored the first time; the same key with another conversation or content is refused with IDEMPOTENCY_KEY_REUSED.',
    }),
  }),
});
const OutboundMessageInput = builder.inputType('OutboundMessageInput', {
  description: 'TEXT (≤ 6000 characters), IMAGE (JPEG/PNG ≤ 3 MB, file) or SHARE_POST (one of the account’s posts).',
  fields: (t) => ({
    kind: t.field({ type: MessageKindEnum, required: true }),
    text: t.string(),
    file: t.field({ type: 'File' }),
    postId: t.globalID({ for: PostRef }),
    idempotencyKey: t.string({
      description:
        'Your key for this send (1–128 characters, unique per sender): a retry with the same key stores nothing new and returns the message stored the first time; the same key with another conversation or content is refused with IDEMPOTENCY_KEY_REUSED.',
    }),
  }),
});
const SendContextInput = builder.inputType('MessageSendContext', {
  description: 'Where the message was sent from, when it starts or continues a conversation.',
  fields: (t) => ({
    liveSessionId: t.id({ description: 'Sent from this live room (origin LIVE).' }),
    viaChatLink: t.boolean({ description: 'Opened from the account’s chat link (origin CHAT_LINK).' }),
  }),
});

type MessageInput = { kind: 'TEXT' | 'IMAGE' | 'VIDEO' | 'STICKER' | 'SHARE_POST'; text?: string | null; file?: File | null; stickerId?: string | null; postId?: { id: string } | null };

/** The input field that carries each kind's content. */
const contentField = { TEXT: 'text', IMAGE: 'file', VIDEO: 'file', STICKER: 'stickerId', SHARE_POST: 'postId' } as const;

/**
 * Turns the input into message content. Refuses kinds a business may not send, a missing
 * content field, and content fields of another kind (text and media are separate messages).
 */
async function toContent(input: MessageInput, direction: 'INBOUND' | 'OUTBOUND'): Promise<messaging.MessageContent> {
  const kindError = direction === 'OUTBOUND' ? outboundKindRefusal(input.kind, ['input', 'kind']) : null;
  const own = contentField[input.kind];
  refuseIfAny([
    ...(kindError ? [kindError] : []),
    ...(['text', 'file', 'stickerId', 'postId'] as const)
      .filter((name) => name !== own && input[name] !== null && input[name] !== undefined)
      .map((name) => userError('INVALID', ['input', name], `A ${input.kind} message carries only its ${own}: text and media are separate messages.`)),
  ]);
  switch (input.kind) {
    case 'TEXT':
      if (input.text === null || input.text === undefined) refuse('REQUIRED', ['input', 'text'], 'A TEXT message needs text.');
      return { kind: 'TEXT', text: input.text };
    case 'IMAGE':
    case 'VIDEO':
      if (!input.file) refuse('REQUIRED', ['input', 'file'], `An ${input.kind} message needs a file.`);
      return { kind: input.kind, bytes: new Uint8Array(await input.file.arrayBuffer()) };
    case 'STICKER':
      if (!input.stickerId) refuse('REQUIRED', ['input', 'stickerId'], 'A STICKER message needs stickerId.');
      return { kind: 'STICKER', stickerId: input.stickerId };
    case 'SHARE_POST':
      if (!input.postId) refuse('REQUIRED', ['input', 'postId'], 'A SHARE_POST message needs postId.');
      return { kind: 'SHARE_POST', postId: input.postId.id };
  }
}

function decodeLiveSession(id: string | null | undefined): string | null {
  if (!id) return null;
  const decoded = Buffer.from(id, 'base64').toString('utf8');
  const raw = decoded.startsWith('LiveSession:') ? decoded.slice('LiveSession:'.length) : id;
  if (!/^[0-9a-f-]{36}$/i.test(raw)) refuse('INVALID', ['context', 'liveSessionId'], 'Not a live session id.');
  return raw;
}

const MessageSendPayload = payloadType<{ conversationId: string; messageId: string }>('MessageSendPayload', (t) => ({
  message: t.prismaField({ type: 'Message', nullable: true, resolve: (q, p, _a, ctx) => (p.messageId ? ctx.db.message.findUnique({ ...q, where: { id: p.messageId } }) : null) }),
  conversation: t.prismaField({
    type: 'Conversation',
    nullable: true,
    resolve: (q, p, _a, ctx) => (p.conversationId ? ctx.db.conversation.findUnique({ ...q, where: { id: p.conversationId } }) : null),
  }),
}));
const ConversationPayload = payloadType<{ conversationId: string }>('ConversationPayload', (t) => ({
  conversation: t.prismaField({
    type: 'Conversation',
    nullable: true,
    resolve: (q, p, _a, ctx) => (p.conversationId ? ctx.db.conversation.findUnique({ ...q, where: { id: p.conversationId } }) : null),
  }),
}));
const FollowPayload = payloadType<{ accountId: string; following: boolean }>('FollowPayload', (t) => ({
  account: t.prismaField({ type: 'BusinessAccount', nullable: true, resolve: (q, p, _a, ctx) => (p.accountId ? ctx.db.businessAccount.findUnique({ ...q, where: { id: p.accountId } }) : null) }),
  following: t.boolean({ nullable: true, resolve: (p) => p.following ?? null }),
}));
const ChatLinkPayload = payloadType<{ accountId: string }>('ChatLinkPayload', (t) => ({
  account: t.prismaField({ type: 'BusinessAccount', nullable: true, resolve: (q, p, _a, ctx) => (p.accountId ? ctx.db.businessAccount.findUnique({ ...q, where: { id: p.accountId } }) : null) }),
}));
const UserPlatformPayload = payloadType<{ userId: string }>('UserPlatformPayload', (t) => ({
  user: t.prismaField({ type: 'User', nullable: true, resolve: (q, p, _a, ctx) => (p.userId ? ctx.db.user.findUnique({ ...q, where: { id: p.userId } }) : null) }),
}));

const conversationAccount = async (args: { id: { id: string } }, ctx: Context) => (await conversationParties(ctx).load(args.id.id))?.accountId;
const operate = accountScope(operatorRoles, conversationAccount);

/** The service names the account by id (`accountId`); businessMessageSend names it by `handle`. */
async function refusalsOnHandle<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof UserInputError) throw new UserInputError(error.errors.map((e) => (e.field?.[0] === 'accountId' ? { ...e, field: ['handle'] } : e)));
    throw error;
  }
}

async function accountByHandle(ctx: Context, handle: string) {
  const account = await ctx.db.businessAccount.findUnique({ where: { handle }, select: { id: true } });
  if (!account) refuse('NOT_FOUND', ['handle'], `No business account @${handle}.`);
  return account.id;
}

builder.mutationFields((t) => ({
  businessMessageSend: t.field({
    type: MessageSendPayload,
    description: 'A user writes to a business account (by handle). Starts or continues the conversation.',
    authScopes: { authenticated: true },
    args: { handle: t.arg.string({ required: true }), input: t.arg({ type: InboundMessageInput, required: true }), context: t.arg({ type: SendContextInput }) },
    resolve: (_root, { handle, input, context }, ctx) =>
      attempt(async () => {
        const accountId = await accountByHandle(ctx, handle);
        const liveSessionId = decodeLiveSession(context?.liveSessionId);
        const origin = liveSessionId ? 'LIVE' : context?.viaChatLink ? 'CHAT_LINK' : undefined;
        const content = await toContent(input, 'INBOUND');
        const result = await refusalsOnHandle(() =>
          messaging.receiveMessage(ctx, ctx.viewer!.userId, accountId, content, { origin, liveSessionId }, { idempotencyKey: input.idempotencyKey }),
        );
        return { conversationId: result.conversationId, messageId: result.message.id };
      }),
  }),
  conversationMessageSend: t.field({
    type: MessageSendPayload,
    description: 'A team member replies, within the reply window (WINDOW_EXPIRED, WINDOW_QUOTA_EXCEEDED). Replying to a request accepts it.',
    authScopes: operate,
    args: { id: t.arg.globalID({ required: true, for: ConversationRef }), input: t.arg({ type: OutboundMessageInput, required: true }) },
    resolve: (_root, { id, input }, ctx) =>
      attempt(async () => {
        const message = await messaging.sendMessage(ctx, ctx.viewer!.userId, id.id, await toContent(input, 'OUTBOUND'), 'APP', { idempotencyKey: input.idempotencyKey });
        return { conversationId: id.id, messageId: message.id };
      }),
  }),
  conversationAccept: t.field({
    type: ConversationPayload,
    description: 'Moves a message request to the inbox.',
    authScopes: operate,
    args: { id: t.arg.globalID({ required: true, for: ConversationRef }) },
    resolve: (_root, { id }, ctx) => attempt(async () => ({ conversationId: (await messaging.acceptRequest(ctx, id.id)).id })),
  }),
  conversationMarkUnread: t.field({
    type: ConversationPayload,
    authScopes: operate,
    args: { id: t.arg.globalID({ required: true, for: ConversationRef }) },
    resolve: (_root, { id }, ctx) => attempt(async () => ({ conversationId: (await messaging.markUnread(ctx, id.id, true)).id })),
  }),
  conversationMarkRead: t.field({
    type: ConversationPayload,
    authScopes: operate,
    args: { id: t.arg.globalID({ required: true, for: ConversationRef }) },
    resolve: (_root, { id }, ctx) => attempt(async () => ({ conversationId: (await messaging.markUnread(ctx, id.id, false)).id })),
  }),
  conversationStar: t.field({
    type: ConversationPayload,
    authScopes: operate,
    args: { id: t.arg.globalID({ required: true, for: ConversationRef }), starred: t.arg.boolean({ required: true }) },
    resolve: (_root, { id, starred }, ctx) => attempt(async () => ({ conversationId: (await messaging.setStarred(ctx, id.id, starred)).id })),
  }),
  conversationAssign: t.field({
    type: ConversationPayload,
    description: 'Assigns to an owner, admin or agent who works on the account; null unassigns.',
    authScopes: operate,
    args: { id: t.arg.globalID({ required: true, for: ConversationRef }), assigneeId: t.arg.globalID({ for: UserRef }) },
    resolve: (_root, { id, assigneeId }, ctx) => attempt(async () => ({ conversationId: (await messaging.assignConversation(ctx, id.id, assigneeId?.id ?? null)).id })),
  }),
  conversationClose: t.field({
    type: ConversationPayload,
    authScopes: operate,
    args: { id: t.arg.globalID({ required: true, for: ConversationRef }) },
    resolve: (_root, { id }, ctx) => attempt(async () => ({ conversationId: (await messaging.closeConversation(ctx, id.id)).id })),
  }),
  conversationReopen: t.field({
    type: ConversationPayload,
    authScopes: operate,
    args: { id: t.arg.globalID({ required: true, for: ConversationRef }) },
    resolve: (_root, { id }, ctx) => attempt(async () => ({ conversationId: (await messaging.reopenConversation(ctx, id.id)).id })),
  }),
  businessAccountFollow: t.field({
    type: FollowPayload,
    description: 'Follow (or unfollow) a business account; FOLLOWERS-only DMs land in the inbox for followers.',
    authScopes: { authenticated: true },
    args: { handle: t.arg.string({ required: true }), following: t.arg.boolean({ defaultValue: true }) },
    resolve: (_root, { handle, following }, ctx) =>
      attempt(async () => {
        const accountId = await accountByHandle(ctx, handle);
        await messaging.follow(ctx.db, ctx.viewer!.userId, accountId, following ?? true);
        return { accountId, following: following ?? true };
      }),
  }),
  chatLinkSetPrefill: t.field({
    type: ChatLinkPayload,
    description: `Requests a prefilled message for the chat link (≤ ${PREFILL_MAX_CHARS} characters); it is used once approved. null removes it.`,
    authScopes: accountScope(managerRoles, byAccountIdArg),
    args: { accountId: t.arg.globalID({ required: true, for: BusinessAccountRef }), prefill: t.arg.string() },
    resolve: (_root, { accountId, prefill }, ctx) =>
      attempt(async () => ({ accountId: (await setPrefill(ctx.db, ctx.clock, accountId.id, prefill ?? null, ctx.viewer!.userId)).accountId })),
  }),
  userPlatformUpdate: t.field({
    type: UserPlatformPayload,
    description: 'Platform admins set where a user is and the risk-control flag.',
    authScopes: { platformAdmin: true },
    args: { id: t.arg.globalID({ required: true, for: UserRef }), region: t.arg.string(), riskFlagged: t.arg.boolean() },
    resolve: (_root, { id, region, riskFlagged }, ctx) =>
      attempt(async () => {
        if (region !== null && region !== undefined && !isRegionCode(region)) refuse('REGION_INVALID', ['region']);
        const exists = await ctx.db.user.findUnique({ where: { id: id.id }, select: { id: true } });
        if (!exists) refuse('NOT_FOUND', ['id'], 'No user has this id.');
        await ctx.db.user.update({ where: { id: id.id }, data: { region: region ?? undefined, riskFlagged: riskFlagged ?? undefined } });
        return { userId: id.id };
      }),
  }),
}));

// ───────────── subscriptions ─────────────

const InboxEventTypeEnum = builder.enumType('InboxEventType', { values: ['MESSAGE_RECEIVED', 'MESSAGE_SENT', 'CONVERSATION_CHANGED'] as const });
const ConversationEventTypeEnum = builder.enumType('ConversationEventType', { values: ['MESSAGE', 'CONVERSATION_CHANGED'] as const });

const InboxEventRef = builder.objectRef<{ type: 'MESSAGE_RECEIVED' | 'MESSAGE_SENT' | 'CONVERSATION_CHANGED'; conversationId: string; messageId: string | null }>('InboxEvent').implement({
  fields: (t) => ({
    type: t.field({ type: InboxEventTypeEnum, resolve: (e) => e.type }),
    conversation: t.prismaField({ type: 'Conversation', resolve: (q, e, _a, ctx) => ctx.db.conversation.findUniqueOrThrow({ ...q, where: { id: e.conversationId } }) }),
    message: t.prismaField({ type: 'Message', nullable: true, resolve: (q, e, _a, ctx) => (e.messageId ? ctx.db.message.findUnique({ ...q, where: { id: e.messageId } }) : null) }),
  }),
});
const ConversationEventRef = builder.objectRef<{ type: 'MESSAGE' | 'CONVERSATION_CHANGED'; conversationId: string; messageId: string | null }>('ConversationEvent').implement({
  fields: (t) => ({
    type: t.field({ type: ConversationEventTypeEnum, resolve: (e) => e.type }),
    conversation: t.prismaField({ type: 'Conversation', resolve: (q, e, _a, ctx) => ctx.db.conversation.findUniqueOrThrow({ ...q, where: { id: e.conversationId } }) }),
    message: t.prismaField({ type: 'Message', nullable: true, resolve: (q, e, _a, ctx) => (e.messageId ? ctx.db.message.findUnique({ ...q, where: { id: e.messageId } }) : null) }),
  }),
});

builder.subscriptionFields((t) => ({
  inboxEvents: t.field({
    type: InboxEventRef,
    description: 'For the account’s team: messages received and sent, conversations changed.',
    authScopes: accountScope(allRoles, byAccountIdArg),
    args: { accountId: t.arg.globalID({ required: true, for: BusinessAccountRef }) },
    subscribe: (_root, args, ctx) => whileMember(ctx, args.accountId.id, allRoles, ctx.pubsub.subscribe('inbox', args.accountId.id)),
    resolve: (event) => event,
  }),
  conversationEvents: t.field({
    type: ConversationEventRef,
    description: 'For the user of a conversation (and its team): new messages and changes.',
    authScopes: async (_root, args, ctx) => {
      const parties = await conversationParties(ctx).load(args.id.id);
      return parties ? partyOrTeam(parties, ctx) : false;
    },
    args: { id: t.arg.globalID({ required: true, for: ConversationRef }) },
    subscribe: (_root, args, ctx) => ctx.pubsub.subscribe('conversation', args.id.id),
    resolve: (event) => event,
  }),
}));
