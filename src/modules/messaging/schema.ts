// GraphQL surface of direct messages: the team's inbox and replies, the user's own
// conversations and sends, follows, chat links, and the realtime streams.
import { encodeGlobalID } from '@pothos/plugin-relay';
import type { GraphQLResolveInfo } from 'graphql';
import type { Message } from '../../generated/prisma/client.ts';
import { ConversationOrigin, ConversationState, MessageDirection, MessageKind, MessageStatus } from '../../generated/prisma/enums.ts';
import { allRoles, operatorRoles, managerRoles } from '../../platform/access.ts';
import { builder, MAX_PAGE_SIZE } from '../../platform/builder.ts';
import type { Context } from '../../platform/context.ts';
import { refuse, refuseIfAny, userError, UserInputError } from '../../platform/errors.ts';
import { isRegionCode } from '../../platform/regions.ts';
import { attempt, payloadType } from '../../platform/payload.ts';
import { accountScope, byAccountIdArg } from '../../platform/scopes.ts';
import { BusinessAccountRef, UserRef } from '../accounts/schema.ts';
import { PostRef } from '../leads/schema.ts';
import { registerReviewSubject } from '../reviews/schema.ts';
import { chatLinkUrl, PREFILL_MAX_CHARS, qrCodes, setPrefill } from './chat-link.ts';
import { outboundKindRefusal, repliesLeft, windowEndsAt } from './policy.ts';
import { inboxPage, inboxPageWithAccess, type InboxFilterValues, type InboxRow, type PageWindow } from './inbox-page.ts';
import * as messaging from './service.ts';

export const ConversationStateEnum = builder.enumType(ConversationState, {
  name: 'ConversationState',
  description: 'Where a conversation is in the team’s workflow.',
  values: {
    OPEN: { description: 'In the inbox.' },
    REQUEST: { description: 'Waiting in message requests (the user may not message the account directly); accepting or replying moves it to the inbox.' },
    CLOSED: { description: 'Closed by the team; replies are refused (CONVERSATION_CLOSED) until it is reopened.' },
  },
});
export const ConversationOriginEnum = builder.enumType(ConversationOrigin, {
  name: 'ConversationOrigin',
  description: 'How a conversation started.',
  values: {
    ORGANIC: { description: 'The user wrote from the account’s profile or elsewhere in the app.' },
    LIVE: { description: 'From a live room (the conversation names the live session).' },
    AD: { description: 'From a messaging ad click (the conversation names the ad).' },
    CHAT_LINK: { description: 'From the account’s chat link or its QR code.' },
  },
});
const MessageDirectionEnum = builder.enumType(MessageDirection, {
  name: 'MessageDirection',
  description: 'Who sent a message.',
  values: { INBOUND: { description: 'From the user to the business.' }, OUTBOUND: { description: 'From the business (a team member or an auto-message) to the user.' } },
});
const MessageKindEnum = builder.enumType(MessageKind, {
  name: 'MessageKind',
  description: 'What a message carries. Users send any kind; businesses send TEXT, IMAGE and SHARE_POST. Text and media are separate messages.',
  values: {
    TEXT: { description: 'Text (emoji included), 1–6000 characters, in `text`.' },
    IMAGE: { description: 'An image in `file`: from users JPEG, PNG, WebP or GIF up to 20 MB; from businesses JPEG or PNG up to 3 MB.' },
    VIDEO: { description: 'A video in `file` (MP4 or QuickTime, up to 25 MB); users only.' },
    STICKER: { description: 'A sticker named by `stickerId`; users only.' },
    SHARE_POST: { description: 'A shared short video named by `postId`; a business shares only its own posts.' },
  },
});
const MessageStatusEnum = builder.enumType(MessageStatus, {
  name: 'MessageStatus',
  description: 'SUPPRESSED: an automated message the reply window did not allow (never delivered; team only).',
  values: { SENT: { description: 'Delivered to the conversation.' }, SUPPRESSED: { description: 'An automated message the reply window did not allow; never delivered, seen by the team only.' } },
});

/** The conversation's owner pair, loaded once per operation for authorization. */
function conversationParties(ctx: Context) {
  return ctx.loader<string, { accountId: string; userId: string } | null>('conversationParties', async (ids) => {
    const rows = await ctx.db.conversation.findMany({ where: { id: { in: [...ids] } }, select: { id: true, accountId: true, userId: true } });
    const byId = new Map(rows.map((r) => [r.id, r]));
    return ids.map((id) => byId.get(id) ?? null);
  });
}

/** Parties already known in this operation (primed from loaded conversations): read without a promise. */
const knownParties = new WeakMap<Context, Map<string, { accountId: string; userId: string }>>();
function primeParties(ctx: Context, conversation: { id: string; accountId: string; userId: string }) {
  const parties = { accountId: conversation.accountId, userId: conversation.userId };
  conversationParties(ctx).prime(conversation.id, parties);
  if (!knownParties.has(ctx)) knownParties.set(ctx, new Map());
  knownParties.get(ctx)!.set(conversation.id, parties);
}

/** Messages by id, loaded once per operation. */
function messagesById(ctx: Context) {
  return ctx.loader<string, Message | null>('messagesById', async (ids) => {
    const rows = await ctx.db.message.findMany({ where: { id: { in: [...ids] } } });
    const byId = new Map(rows.map((r) => [r.id, r]));
    return ids.map((id) => byId.get(id) ?? null);
  });
}

/** The account's team; true at once when this operation already proved it (the rows of an inbox page). */
const team = (accountId: string, ctx: Context) => ctx.access.knownAccountRole(accountId, allRoles) ?? { account: { id: accountId, roles: allRoles } };
const partyOrTeam = (conversation: { accountId: string; userId: string }, ctx: Context) => (conversation.userId === ctx.viewer?.userId ? true : team(conversation.accountId, ctx));

/** Suppressed automated messages are the team's business only (checked in SQL, so lists stay one query). */
const visibleMessages = (ctx: Context) => ({
  OR: [{ status: 'SENT' as const }, { conversation: { account: { organization: { members: { some: { userId: ctx.viewer?.userId ?? '00000000-0000-0000-0000-000000000000' } } } } } }],
});

/** The conversation's team; its user, for messages actually sent. */
function messageReaders(message: Message, ctx: Context) {
  const readers = (parties: { accountId: string; userId: string } | null) => {
    if (!parties) return false;
    if (parties.userId === ctx.viewer?.userId) return message.status === 'SENT';
    return team(parties.accountId, ctx);
  };
  const known = knownParties.get(ctx)?.get(message.conversationId);
  return known ? readers(known) : conversationParties(ctx).load(message.conversationId).then(readers);
}

export const MessageRef = builder.prismaNode('Message', {
  description: 'A direct message in a conversation. The conversation’s user sees its sent messages; the account’s team sees all of them.',
  id: { field: 'id' },
  // node(id:) of a message that does not exist is null, not an internal error
  nullable: true,
  authScopes: messageReaders,
  loadableBy: messageReaders,
  fields: (t) => ({
    direction: t.expose('direction', { type: MessageDirectionEnum, description: 'From the user (INBOUND) or from the business (OUTBOUND).' }),
    kind: t.expose('kind', { type: MessageKindEnum, description: 'What the message carries.' }),
    text: t.exposeString('text', { nullable: true, description: 'For TEXT: the text (at most 6000 characters).' }),
    mediaUrl: t.string({ nullable: true, description: 'For IMAGE and VIDEO: the file’s URL.', resolve: (m, _a, ctx) => (m.mediaKey ? ctx.media.url(m.mediaKey) : null) }),
    stickerId: t.exposeString('stickerId', { nullable: true, description: 'For STICKER: the sticker.' }),
    post: t.prismaField({ type: 'Post', nullable: true, description: 'For SHARE_POST: the shared short video.', resolve: (q, m, _a, ctx) => (m.postId ? ctx.db.post.findUnique({ ...q, where: { id: m.postId } }) : null) }),
    sender: t.prismaField({
      type: 'User',
      nullable: true,
      description: 'The user for inbound messages, the team member for manual replies; null for automated ones.',
      resolve: (q, m, _a, ctx) => (m.senderId ? ctx.db.user.findUnique({ ...q, where: { id: m.senderId } }) : null),
    }),
    automated: t.boolean({ description: 'Sent by an auto-message (welcome, suggested answer, keyword reply).', resolve: (m) => m.autoMessageId !== null }),
    autoMessageId: t.id({ nullable: true, description: 'The auto-message rule that sent it.', resolve: (m) => (m.autoMessageId ? encodeGlobalID('AutoMessage', m.autoMessageId) : null) }),
    suggestedQuestionIds: t.idList({ description: 'For a welcome message: the suggested questions shown with it.', resolve: (m) => m.suggestedQuestionIds.map((id) => encodeGlobalID('AutoMessage', id)) }),
    status: t.expose('status', { type: MessageStatusEnum, description: 'SENT, or SUPPRESSED by the reply window (team only).' }),
    liveSessionId: t.id({ nullable: true, description: 'Global id of the live session it was sent from, if any.', resolve: (m) => (m.liveSessionId ? encodeGlobalID('LiveSession', m.liveSessionId) : null) }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When it was sent.' }),
  }),
});

/** The page's Prisma query includes at most the contact (inboxPage joins it) and the account (one for the page). */
function loadsOnlyJoined(query: { include?: Record<string, unknown>; select?: unknown }) {
  if (query.select) return false;
  return Object.entries(query.include ?? {}).every(([relation, nested]) => (relation === 'user' || relation === 'account') && nested === true);
}

const lastMessageOrder = [{ createdAt: 'desc' as const }, { id: 'desc' as const }];

export const ConversationRef = builder.prismaNode('Conversation', {
  description: 'The direct-message thread between a business account and one user. That user and the account’s team may see it; workflow fields are for the team only.',
  id: { field: 'id' },
  nullable: true,
  authScopes: partyOrTeam,
  loadableBy: partyOrTeam,
  fields: (t) => ({
    account: t.relation('account', { description: 'The business account.' }),
    contact: t.relation('user', { description: 'The user the business talks to.' }),
    state: t.expose('state', { type: ConversationStateEnum, description: 'Inbox, message request or closed.' }),
    origin: t.expose('origin', { type: ConversationOriginEnum, description: 'How the conversation started.' }),
    liveSessionId: t.id({ nullable: true, description: 'The live room it started from or last continued in.', resolve: (c) => (c.liveSessionId ? encodeGlobalID('LiveSession', c.liveSessionId) : null) }),
    adId: t.id({ nullable: true, description: 'For origin AD: global id of the ad.', resolve: (c) => (c.adId ? encodeGlobalID('MessagingAd', c.adId) : null) }),
    unread: t.exposeBoolean('unread', { authScopes: (c, _a, ctx) => team(c.accountId, ctx), description: 'Has messages the team has not read (or was marked unread). Team only.' }),
    starred: t.exposeBoolean('starred', { authScopes: (c, _a, ctx) => team(c.accountId, ctx), description: 'Starred by the team. Team only.' }),
    assignee: t.prismaField({
      type: 'User',
      nullable: true,
      description: 'The team member handling it; null when unassigned. Team only.',
      authScopes: (c, _a, ctx) => team(c.accountId, ctx),
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
        primeParties(ctx, c);
        // an inbox page joined it already (inbox-page.ts): no loader round through promises
        const joined = (c as { lastMessage?: Message | null }).lastMessage;
        return joined?.id === c.lastMessageId ? joined : messagesById(ctx).load(c.lastMessageId);
      },
    }),
    lastMessageAt: t.expose('lastMessageAt', { type: 'DateTime', description: 'When the latest message was sent (the inbox’s order).' }),
    replyWindowEndsAt: t.field({
      type: 'DateTime',
      nullable: true,
      description: 'The business may send until then (48 hours after the user’s latest message); null before the user has written.',
      resolve: (c) => windowEndsAt(c),
    }),
    repliesLeft: t.int({ description: 'Business messages still allowed in the current window (10 per window).', resolve: (c, _a, ctx) => repliesLeft(c, ctx.clock.now()) }),
    messages: t.relatedConnection('messages', {
      cursor: 'id',
      description: 'The messages, newest first. The user does not see suppressed automated messages.',
      query: (_args, ctx) => ({ where: visibleMessages(ctx), orderBy: lastMessageOrder }),
    }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When the conversation started.' }),
    acceptedAt: t.expose('acceptedAt', { type: 'DateTime', nullable: true, description: 'When a message request was accepted; null if it never was one or is still waiting.' }),
    closedAt: t.expose('closedAt', { type: 'DateTime', nullable: true, description: 'When it was closed; null while not closed.' }),
  }),
});

// ───────────── queries ─────────────

const InboxFilter = builder.inputType('InboxFilter', {
  description: 'Narrows the inbox; every given condition must hold.',
  fields: (t) => ({
    requests: t.boolean({ description: 'true: message requests only; default: the inbox (requests excluded).' }),
    states: t.field({ type: [ConversationStateEnum], description: 'Only these states (overrides `requests`).' }),
    unread: t.boolean({ description: 'Only unread (true) or read (false) conversations.' }),
    starred: t.boolean({ description: 'Only starred (true) or unstarred (false) conversations.' }),
    assigneeId: t.globalID({ for: UserRef, description: 'Only conversations assigned to this user.' }),
    unassigned: t.boolean({ description: 'true: only unassigned conversations (overrides `assigneeId`).' }),
    origins: t.field({ type: [ConversationOriginEnum], description: 'Only conversations with one of these origins.' }),
    adId: t.globalID({ description: 'Only conversations a click on this messaging ad brought (any touch).' }),
  }),
});

type InboxArgs = {
  accountId: { id: string };
  filter?: {
    states?: ConversationState[] | null;
    requests?: boolean | null;
    unread?: boolean | null;
    starred?: boolean | null;
    assigneeId?: { id: string } | null;
    unassigned?: boolean | null;
    origins?: ConversationOrigin[] | null;
    adId?: { id: string; typename: string } | null;
  } | null;
  first?: number | null;
  after?: string | null;
  last?: number | null;
  before?: string | null;
};

const inboxFilterValues = ({ accountId, filter }: InboxArgs): InboxFilterValues => ({
  accountId: accountId.id,
  states: filter?.states,
  requests: filter?.requests,
  unread: filter?.unread,
  starred: filter?.starred,
  assigneeId: filter?.assigneeId?.id,
  unassigned: filter?.unassigned,
  origins: filter?.origins,
  adId: filter?.adId?.id,
});

/** The window Pothos asks for a first page (`first` alone, no cursor): the page plus one row. */
function firstPageWindow(args: InboxArgs): PageWindow | null {
  if (args.after != null || args.before != null || args.last != null) return null;
  const first = args.first ?? 20;
  return Number.isInteger(first) && first >= 0 && first <= MAX_PAGE_SIZE ? { take: first + 1, skip: 0 } : null;
}

/** First pages read in the authorization's statement, for the resolver of the same field (by response path). */
const prefetchedPages = new WeakMap<Context, Map<string, { window: PageWindow; rows: Promise<InboxRow[]> }>>();
const pathKey = (path: GraphQLResolveInfo['path']): string => (path.prev ? `${pathKey(path.prev)}.${path.key}` : String(path.key));
const inboxScope = accountScope(allRoles, byAccountIdArg);

builder.queryFields((t) => ({
  inbox: t.prismaConnection({
    type: 'Conversation',
    cursor: 'id',
    description: 'The account’s conversations, newest activity first. Any member who works on the account (analysts read only).',
    // a member's first page is read in the statement that reads their access (inbox-page.ts),
    // then the usual scope decides from the primed access; the rows are dropped if it refuses
    authScopes: (root, args, ctx, info) => {
      const window = firstPageWindow(args);
      if (!ctx.viewer || ctx.integration || !window || (args.filter?.adId && args.filter.adId.typename !== 'MessagingAd')) return inboxScope(root, args, ctx);
      const rows = inboxPageWithAccess(ctx.db, ctx.viewer.userId, inboxFilterValues(args), window).then(({ access, rows }) => {
        ctx.access.primeAccount(args.accountId.id, access);
        return rows;
      });
      if (!prefetchedPages.has(ctx)) prefetchedPages.set(ctx, new Map());
      prefetchedPages.get(ctx)!.set(pathKey(info.path), { window, rows });
      return rows.then(() => inboxScope(root, args, ctx));
    },
    args: { accountId: t.arg.globalID({ required: true, for: BusinessAccountRef, description: 'The account.' }), filter: t.arg({ type: InboxFilter, description: 'Which conversations; by default the inbox without message requests.' }) },
    // one statement for the page, its contacts and last messages (inbox-page.ts), handed to
    // Pothos as loaded; other relations asked of the page's rows are loaded by Prisma
    resolve: async (query, _root, args, ctx, info) => {
      // an id of another type names no ad: nothing matches
      if (args.filter?.adId && args.filter.adId.typename !== 'MessagingAd') return [];
      const window = query as PageWindow;
      const prefetched = prefetchedPages.get(ctx)?.get(pathKey(info.path));
      const rows =
        prefetched && prefetched.window.take === window.take && !window.skip && !window.cursor
          ? await prefetched.rows
          : await inboxPage(ctx.db, inboxFilterValues(args), window);
      const include = (query as { include?: Record<string, unknown> }).include ?? {};
      if (loadsOnlyJoined(query)) {
        // every row is the named account's: read it once for the page
        if (include.account && rows.length) {
          const account = await ctx.db.businessAccount.findUnique({ where: { id: args.accountId.id } });
          for (const row of rows) Object.assign(row, { account });
        }
        return rows;
      }
      for (const row of rows) if (row.lastMessage) messagesById(ctx).prime(row.lastMessage.id, row.lastMessage);
      const loaded = new Map((await ctx.db.conversation.findMany({ ...query, take: undefined, skip: undefined, cursor: undefined, where: { id: { in: rows.map((row) => row.id) } } })).map((row) => [row.id, row]));
      return rows.map((row) => loaded.get(row.id)!).filter(Boolean);
    },
  }),
  myConversations: t.prismaConnection({
    type: 'Conversation',
    cursor: 'id',
    description: 'Your conversations with businesses, newest activity first. Needs a token.',
    authScopes: { authenticated: true },
    resolve: (query, _root, _args, ctx) =>
      ctx.db.conversation.findMany({ ...query, where: { userId: ctx.viewer!.userId }, orderBy: [{ lastMessageAt: 'desc' }, { id: 'desc' }] }),
  }),
}));

const ChatLinkRef = builder.objectRef<{ url: string; prefill: string | null; pendingPrefill: string | null; prefillState: string }>('ChatLink').implement({
  description: 'A link (and QR code) that opens a chat with the account: `<base>/<handle>`, with the approved prefilled message if any.',
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
    description: 'The account’s chat link and QR code. Any member who works on the account.',
    authScopes: (account, _a, ctx) => team(account.id, ctx),
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
    kind: t.field({ type: MessageKindEnum, required: true, description: 'What the message carries; give only the field of that kind.' }),
    text: t.string({ description: 'For TEXT: 1–6000 characters.' }),
    file: t.field({ type: 'File', description: 'For IMAGE (JPEG, PNG, WebP or GIF, ≤ 20 MB) or VIDEO (MP4 or QuickTime, ≤ 25 MB), checked by content.' }),
    stickerId: t.string({ description: 'For STICKER: 1–64 characters of letters, digits and _ . : -.' }),
    postId: t.globalID({ for: PostRef, description: 'For SHARE_POST: the short video to share.' }),
    idempotencyKey: t.string({
      description:
        'Your key for this send (1–128 characters, unique per sender): a retry with the same key stores nothing new and returns the message stored the first time; the same key with another conversation or content is refused with IDEMPOTENCY_KEY_REUSED.',
    }),
  }),
});
const OutboundMessageInput = builder.inputType('OutboundMessageInput', {
  description: 'TEXT (≤ 6000 characters), IMAGE (JPEG/PNG ≤ 3 MB, file) or SHARE_POST (one of the account’s posts).',
  fields: (t) => ({
    kind: t.field({ type: MessageKindEnum, required: true, description: 'TEXT, IMAGE or SHARE_POST; give only the field of that kind.' }),
    text: t.string({ description: 'For TEXT: 1–6000 characters.' }),
    file: t.field({ type: 'File', description: 'For IMAGE: JPEG or PNG by content, at most 3 MB.' }),
    postId: t.globalID({ for: PostRef, description: 'For SHARE_POST: one of the account’s own short videos.' }),
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

/** `message`: the row the send just stored, answered without reading it back when no relation is selected. */
const MessageSendPayload = payloadType<{ conversationId: string; messageId: string; message?: Message }>('MessageSendPayload', (t) => ({
  message: t.prismaField({
    type: 'Message',
    nullable: true,
    description: 'The message stored.',
    resolve: (q, p, _a, ctx) => (p.message && Object.keys(q).length === 0 ? p.message : p.messageId ? ctx.db.message.findUnique({ ...q, where: { id: p.messageId } }) : null),
  }),
  conversation: t.prismaField({
    type: 'Conversation',
    nullable: true,
    description: 'The conversation it belongs to (created by a user’s first message).',
    resolve: (q, p, _a, ctx) => (p.conversationId ? ctx.db.conversation.findUnique({ ...q, where: { id: p.conversationId } }) : null),
  }),
}));
const ConversationPayload = payloadType<{ conversationId: string }>('ConversationPayload', (t) => ({
  conversation: t.prismaField({
    type: 'Conversation',
    nullable: true,
    description: 'The conversation after the change.',
    resolve: (q, p, _a, ctx) => (p.conversationId ? ctx.db.conversation.findUnique({ ...q, where: { id: p.conversationId } }) : null),
  }),
}));
const FollowPayload = payloadType<{ accountId: string; following: boolean }>('FollowPayload', (t) => ({
  account: t.prismaField({ type: 'BusinessAccount', nullable: true, description: 'The account followed or unfollowed.', resolve: (q, p, _a, ctx) => (p.accountId ? ctx.db.businessAccount.findUnique({ ...q, where: { id: p.accountId } }) : null) }),
  following: t.boolean({ nullable: true, description: 'Whether you now follow it.', resolve: (p) => p.following ?? null }),
}));
const ChatLinkPayload = payloadType<{ accountId: string }>('ChatLinkPayload', (t) => ({
  account: t.prismaField({ type: 'BusinessAccount', nullable: true, description: 'The account; read its `chatLink`.', resolve: (q, p, _a, ctx) => (p.accountId ? ctx.db.businessAccount.findUnique({ ...q, where: { id: p.accountId } }) : null) }),
}));
const UserPlatformPayload = payloadType<{ userId: string }>('UserPlatformPayload', (t) => ({
  user: t.prismaField({ type: 'User', nullable: true, description: 'The user changed.', resolve: (q, p, _a, ctx) => (p.userId ? ctx.db.user.findUnique({ ...q, where: { id: p.userId } }) : null) }),
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
    description: 'A user writes to a business account (by handle). Starts or continues the conversation (in message requests when `whoCanMessage` says so) and opens a new reply window. Any signed-in user.',
    authScopes: { authenticated: true },
    args: {
      handle: t.arg.string({ required: true, description: 'The business account’s handle.' }),
      input: t.arg({ type: InboundMessageInput, required: true, description: 'The message.' }),
      context: t.arg({ type: SendContextInput, description: 'Where it was sent from; omit for ORGANIC.' }),
    },
    resolve: (_root, { handle, input, context }, ctx) =>
      attempt(async () => {
        const liveSessionId = decodeLiveSession(context?.liveSessionId);
        const origin = liveSessionId ? 'LIVE' : context?.viaChatLink ? 'CHAT_LINK' : undefined;
        const content = await toContent(input, 'INBOUND');
        // the account is found by handle in the service's first statement
        const result = await refusalsOnHandle(() =>
          messaging.receiveMessage(ctx, ctx.viewer!.userId, { handle }, content, { origin, liveSessionId }, { idempotencyKey: input.idempotencyKey }),
        );
        // the payload's message is authorized without reading its conversation back
        conversationParties(ctx).prime(result.conversationId, { accountId: result.accountId, userId: ctx.viewer!.userId });
        return { conversationId: result.conversationId, messageId: result.message.id, message: result.message };
      }),
  }),
  conversationMessageSend: t.field({
    type: MessageSendPayload,
    description: 'A team member replies, within the reply window (WINDOW_EXPIRED, WINDOW_QUOTA_EXCEEDED). Replying to a request accepts it. Owners, admins and agents who work on the account.',
    authScopes: operate,
    args: { id: t.arg.globalID({ required: true, for: ConversationRef, description: 'The conversation (not closed).' }), input: t.arg({ type: OutboundMessageInput, required: true, description: 'The message.' }) },
    resolve: (_root, { id, input }, ctx) =>
      attempt(async () => {
        // an integration sends as itself (no team member), under the integration channel's rules
        const message = await messaging.sendMessage(ctx, ctx.viewer?.userId ?? null, id.id, await toContent(input, 'OUTBOUND'), ctx.integration ? 'INTEGRATION' : 'APP', { idempotencyKey: input.idempotencyKey });
        return { conversationId: id.id, messageId: message.id };
      }),
  }),
  conversationAccept: t.field({
    type: ConversationPayload,
    description: 'Moves a message request to the inbox. Owners, admins and agents who work on the account.',
    authScopes: operate,
    args: { id: t.arg.globalID({ required: true, for: ConversationRef, description: 'A conversation in REQUEST state.' }) },
    resolve: (_root, { id }, ctx) => attempt(async () => ({ conversationId: (await messaging.acceptRequest(ctx, id.id)).id })),
  }),
  conversationMarkUnread: t.field({
    type: ConversationPayload,
    description: 'Marks a conversation unread for the team. Owners, admins and agents who work on the account.',
    authScopes: operate,
    args: { id: t.arg.globalID({ required: true, for: ConversationRef, description: 'The conversation.' }) },
    resolve: (_root, { id }, ctx) => attempt(async () => ({ conversationId: (await messaging.markUnread(ctx, id.id, true)).id })),
  }),
  conversationMarkRead: t.field({
    type: ConversationPayload,
    description: 'Marks a conversation read for the team. Owners, admins and agents who work on the account.',
    authScopes: operate,
    args: { id: t.arg.globalID({ required: true, for: ConversationRef, description: 'The conversation.' }) },
    resolve: (_root, { id }, ctx) => attempt(async () => ({ conversationId: (await messaging.markUnread(ctx, id.id, false)).id })),
  }),
  conversationStar: t.field({
    type: ConversationPayload,
    description: 'Stars or unstars a conversation. Owners, admins and agents who work on the account.',
    authScopes: operate,
    args: { id: t.arg.globalID({ required: true, for: ConversationRef, description: 'The conversation.' }), starred: t.arg.boolean({ required: true, description: 'true stars, false unstars.' }) },
    resolve: (_root, { id, starred }, ctx) => attempt(async () => ({ conversationId: (await messaging.setStarred(ctx, id.id, starred)).id })),
  }),
  conversationAssign: t.field({
    type: ConversationPayload,
    description: 'Assigns to an owner, admin or agent who works on the account; null unassigns. Owners, admins and agents who work on the account.',
    authScopes: operate,
    args: { id: t.arg.globalID({ required: true, for: ConversationRef, description: 'The conversation.' }), assigneeId: t.arg.globalID({ for: UserRef, description: 'The team member’s user id; omit or null to unassign.' }) },
    resolve: (_root, { id, assigneeId }, ctx) => attempt(async () => ({ conversationId: (await messaging.assignConversation(ctx, id.id, assigneeId?.id ?? null)).id })),
  }),
  conversationClose: t.field({
    type: ConversationPayload,
    description: 'Closes a conversation (replies are refused until it is reopened). Owners, admins and agents who work on the account.',
    authScopes: operate,
    args: { id: t.arg.globalID({ required: true, for: ConversationRef, description: 'A conversation that is not closed.' }) },
    resolve: (_root, { id }, ctx) => attempt(async () => ({ conversationId: (await messaging.closeConversation(ctx, id.id)).id })),
  }),
  conversationReopen: t.field({
    type: ConversationPayload,
    description: 'Reopens a closed conversation into the inbox. Owners, admins and agents who work on the account.',
    authScopes: operate,
    args: { id: t.arg.globalID({ required: true, for: ConversationRef, description: 'A closed conversation.' }) },
    resolve: (_root, { id }, ctx) => attempt(async () => ({ conversationId: (await messaging.reopenConversation(ctx, id.id)).id })),
  }),
  businessAccountFollow: t.field({
    type: FollowPayload,
    description: 'Follow (or unfollow) a business account; FOLLOWERS-only DMs land in the inbox for followers. Any signed-in user.',
    authScopes: { authenticated: true },
    args: { handle: t.arg.string({ required: true, description: 'The account’s handle.' }), following: t.arg.boolean({ defaultValue: true, description: 'true follows, false unfollows.' }) },
    resolve: (_root, { handle, following }, ctx) =>
      attempt(async () => {
        const accountId = await accountByHandle(ctx, handle);
        await messaging.follow(ctx.db, ctx.viewer!.userId, accountId, following ?? true);
        return { accountId, following: following ?? true };
      }),
  }),
  chatLinkSetPrefill: t.field({
    type: ChatLinkPayload,
    description: `Requests a prefilled message for the chat link (≤ ${PREFILL_MAX_CHARS} characters); it is used once approved. null removes it. Owners and admins who work on the account.`,
    authScopes: accountScope(managerRoles, byAccountIdArg),
    args: {
      accountId: t.arg.globalID({ required: true, for: BusinessAccountRef, description: 'The account.' }),
      prefill: t.arg.string({ description: `The message, 1–${PREFILL_MAX_CHARS} characters, submitted for review; omit or null to remove the prefill at once.` }),
    },
    resolve: (_root, { accountId, prefill }, ctx) =>
      attempt(async () => ({ accountId: (await setPrefill(ctx.db, ctx.clock, accountId.id, prefill ?? null, ctx.viewer!.userId)).accountId })),
  }),
  userPlatformUpdate: t.field({
    type: UserPlatformPayload,
    description: 'Platform admins set where a user is and the risk-control flag (both decide whether businesses may send them media).',
    authScopes: { platformAdmin: true },
    args: {
      id: t.arg.globalID({ required: true, for: UserRef, description: 'The user.' }),
      region: t.arg.string({ description: 'ISO 3166-1 alpha-2 country code; omit to keep.' }),
      riskFlagged: t.arg.boolean({ description: 'Flagged by risk control (businesses cannot send them media); omit to keep.' }),
    },
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

const InboxEventTypeEnum = builder.enumType('InboxEventType', {
  description: 'What happened in an account’s inbox.',
  values: {
    MESSAGE_RECEIVED: { description: 'A user sent a message (`message` is set).' },
    MESSAGE_SENT: { description: 'The business sent a message, by hand or automatically (`message` is set).' },
    CONVERSATION_CHANGED: { description: 'The conversation’s state, read state, star or assignee changed.' },
  },
});
const ConversationEventTypeEnum = builder.enumType('ConversationEventType', {
  description: 'What happened in a conversation.',
  values: { MESSAGE: { description: 'A message was sent in it (`message` is set).' }, CONVERSATION_CHANGED: { description: 'It was accepted, closed or reopened.' } },
});

const InboxEventRef = builder.objectRef<{ type: 'MESSAGE_RECEIVED' | 'MESSAGE_SENT' | 'CONVERSATION_CHANGED'; conversationId: string; messageId: string | null }>('InboxEvent').implement({
  description: 'A change in an account’s inbox.',
  fields: (t) => ({
    type: t.field({ type: InboxEventTypeEnum, description: 'What happened.', resolve: (e) => e.type }),
    conversation: t.prismaField({ type: 'Conversation', description: 'The conversation, as it is now.', resolve: (q, e, _a, ctx) => ctx.db.conversation.findUniqueOrThrow({ ...q, where: { id: e.conversationId } }) }),
    message: t.prismaField({ type: 'Message', nullable: true, description: 'The message received or sent; null for CONVERSATION_CHANGED.', resolve: (q, e, _a, ctx) => (e.messageId ? ctx.db.message.findUnique({ ...q, where: { id: e.messageId } }) : null) }),
  }),
});
const ConversationEventRef = builder.objectRef<{ type: 'MESSAGE' | 'CONVERSATION_CHANGED'; conversationId: string; messageId: string | null }>('ConversationEvent').implement({
  description: 'A change in one conversation.',
  fields: (t) => ({
    type: t.field({ type: ConversationEventTypeEnum, description: 'What happened.', resolve: (e) => e.type }),
    conversation: t.prismaField({ type: 'Conversation', description: 'The conversation, as it is now.', resolve: (q, e, _a, ctx) => ctx.db.conversation.findUniqueOrThrow({ ...q, where: { id: e.conversationId } }) }),
    message: t.prismaField({ type: 'Message', nullable: true, description: 'The new message; null for CONVERSATION_CHANGED.', resolve: (q, e, _a, ctx) => (e.messageId ? ctx.db.message.findUnique({ ...q, where: { id: e.messageId } }) : null) }),
  }),
});

builder.subscriptionFields((t) => ({
  inboxEvents: t.field({
    type: InboxEventRef,
    description: 'For the account’s team: messages received and sent, conversations changed. Any member who works on the account; ends when they lose access.',
    authScopes: accountScope(allRoles, byAccountIdArg),
    args: { accountId: t.arg.globalID({ required: true, for: BusinessAccountRef, description: 'The account whose inbox to follow.' }) },
    subscribe: (_root, args, ctx) => ctx.pubsub.subscribe('inbox', args.accountId.id),
    resolve: (event) => event,
  }),
  conversationEvents: t.field({
    type: ConversationEventRef,
    description: 'For the user of a conversation (and its team): new messages and changes.',
    authScopes: async (_root, args, ctx) => {
      const parties = await conversationParties(ctx).load(args.id.id);
      return parties ? partyOrTeam(parties, ctx) : false;
    },
    args: { id: t.arg.globalID({ required: true, for: ConversationRef, description: 'The conversation.' }) },
    subscribe: (_root, args, ctx) => ctx.pubsub.subscribe('conversation', args.id.id),
    resolve: (event) => event,
  }),
}));
