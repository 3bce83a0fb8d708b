// Conversations between business accounts and users: inbound messages (with the hooks
// that react to them in the same transaction), team replies inside the reply window,
// message requests, and the team's conversation workflow.
import { createHash } from 'node:crypto';
import { Prisma, type Conversation, type Message } from '../../generated/prisma/client.ts';
import type { ConversationOrigin, MessageKind } from '../../generated/prisma/enums.ts';
import type { Clock } from '../../platform/clock.ts';
import type { Db, Tx } from '../../platform/db.ts';
import { hotRows } from '../../platform/hot-sql.ts';
import { PendingEvents } from '../../platform/events.ts';
import { isUniqueViolation, refuse, refuseIfAny, userError, UserInputError, type UserError } from '../../platform/errors.ts';
import { checkIdempotencyKey } from '../../platform/idempotency.ts';
import type { MediaStore } from '../../platform/media.ts';
import type { PubSub } from '../../platform/pubsub.ts';
import type { Runtime } from '../../platform/runtime.ts';
import { uuid7 } from '../../platform/uuid7.ts';
import './events.ts';
import { iso, mergeParts, storeInOneStatement, type InboundPlan, type InStatement, type OutboundInStatement, type StatementPart } from './inbound-statement.ts';
import { channelRefusal, mediaRefusal, messageLimits, outboundKindRefusal, repliesLeft, replyWindow, windowRefusal, type Channel } from './policy.ts';

export interface Deps {
  db: Db;
  clock: Clock;
  pubsub: PubSub;
  media: MediaStore;
  /** the app's background machinery, for hooks that schedule follow-up work */
  runtime?: Runtime;
}

export type MessageContent =
  | { kind: 'TEXT'; text: string }
  | { kind: 'IMAGE' | 'VIDEO'; bytes: Uint8Array }
  | { kind: 'STICKER'; stickerId: string }
  | { kind: 'SHARE_POST'; postId: string };

// ───────────── hooks ─────────────

export interface InboundEvent {
  conversation: Conversation;
  message: Message;
  /** the user's first message in this conversation */
  isFirstInbound: boolean;
  now: Date;
  events: PendingEvents;
  runtime?: Runtime;
  /** the sender's handle, read with the account before the transaction */
  senderHandle?: string;
}

/** Reactions to an inbound message that run inside its transaction (auto-replies, live events). */
export type InboundHook = (tx: Tx, event: InboundEvent) => Promise<void>;

export interface InboundHookOptions {
  /** run before the hooks registered so far (the webhook outbox records the message before any auto-reply) */
  first?: boolean;
  /**
   * A column the pre-check reads for `inStatement` (an expression over the account `a` and the
   * conversation `c`, read without locks), passed as `plan.probes[name]`.
   */
  probe?: { name: string; sql: Prisma.Sql };
  /**
   * The hook's work on the one-statement path (inbound-statement.ts). A hook without it sends
   * every message through the interactive transaction, so a new hook is never skipped.
   */
  inStatement?: InStatement;
}

const inboundHooks: (InboundHookOptions & { run: InboundHook })[] = [];
export function registerInboundHook(hook: InboundHook, options: InboundHookOptions = {}): void {
  if (options.first) inboundHooks.unshift({ ...options, run: hook });
  else inboundHooks.push({ ...options, run: hook });
}

/** A business message that was sent (manual, an integration's or automated), inside its transaction. */
export interface OutboundEvent {
  conversation: Conversation;
  /** automated messages carry their rule's `autoMessageId` */
  message: Message;
  now: Date;
}
/** Reactions to a sent business message that run inside its transaction (the webhook outbox, ads' first replies). */
export type OutboundHook = (tx: Tx, event: OutboundEvent) => Promise<void>;
export interface OutboundHookOptions {
  /**
   * The hook's work for an automated message that rides in an inbound message's statement
   * (inbound-statement.ts). Without it, such a message takes the interactive transaction.
   */
  inStatement?: OutboundInStatement;
}
const outboundHooks: (OutboundHookOptions & { run: OutboundHook })[] = [];
export function registerOutboundHook(hook: OutboundHook, options: OutboundHookOptions = {}): void {
  outboundHooks.push({ ...options, run: hook });
}

/**
 * Whether automated replies may answer this inbound message. Other modules veto (a live
 * session with auto-responses off); the auto-message engine asks before replying.
 */
export type AutoReplyGuard = (tx: Tx, event: InboundEvent) => Promise<boolean>;
export interface AutoReplyGuardOptions {
  /**
   * The guard on the one-statement path: an SQL condition, true when automated replies may
   * answer (read by the statement itself, so a veto set meanwhile holds), or null when it has
   * no say for this message. Without it, a message that may get a reply takes the transaction.
   */
  inStatement?: (plan: InboundPlan) => Prisma.Sql | null;
}
const autoReplyGuards: (AutoReplyGuardOptions & { run: AutoReplyGuard })[] = [];
export function registerAutoReplyGuard(guard: AutoReplyGuard, options: AutoReplyGuardOptions = {}): void {
  autoReplyGuards.push({ ...options, run: guard });
}
export async function autoRepliesAllowed(tx: Tx, event: InboundEvent): Promise<boolean> {
  for (const guard of autoReplyGuards) if (!(await guard.run(tx, event))) return false;
  return true;
}

/** The guards as one SQL condition for the one-statement path ('transaction': a guard has no SQL form). */
export function autoRepliesAllowedInStatement(plan: InboundPlan): Prisma.Sql | 'transaction' {
  const conditions: Prisma.Sql[] = [];
  for (const guard of autoReplyGuards) {
    if (!guard.inStatement) return 'transaction';
    const condition = guard.inStatement(plan);
    if (condition) conditions.push(Prisma.sql`(${condition})`);
  }
  return conditions.length ? Prisma.join(conditions, ' AND ') : Prisma.sql`true`;
}

// ───────────── validation ─────────────

async function checkContent(deps: Deps, content: MessageContent, direction: 'INBOUND' | 'OUTBOUND', errors: UserError[]): Promise<string | null> {
  const field = ['input'];
  const kindError = direction === 'OUTBOUND' ? outboundKindRefusal(content.kind, [...field, 'kind']) : null;
  if (kindError) {
    errors.push(kindError);
    return null;
  }
  switch (content.kind) {
    case 'TEXT': {
      if (content.text.trim() === '') errors.push(userError('REQUIRED', [...field, 'text'], 'A text message cannot be blank.'));
      else if ([...content.text].length > messageLimits.textMaxChars) {
        errors.push(userError('TOO_LONG', [...field, 'text'], `Text messages are at most ${messageLimits.textMaxChars} characters.`));
      }
      return null;
    }
    case 'IMAGE':
    case 'VIDEO': {
      const limits =
        direction === 'OUTBOUND'
          ? { max: messageLimits.outboundImageMaxBytes, types: messageLimits.outboundImageTypes as readonly string[], label: 'JPEG or PNG images' }
          : content.kind === 'IMAGE'
            ? { max: messageLimits.inboundImageMaxBytes, types: messageLimits.inboundImageTypes as readonly string[], label: 'JPEG, PNG, WebP or GIF images' }
            : { max: messageLimits.inboundVideoMaxBytes, types: messageLimits.inboundVideoTypes as readonly string[], label: 'MP4 or QuickTime videos' };
      if (content.bytes.byteLength > limits.max) {
        errors.push(userError('FILE_TOO_LARGE', [...field, 'file'], `At most ${limits.max / 1024 / 1024} MB.`));
        return null;
      }
      const type = await deps.media.sniff(content.bytes);
      if (!type || !limits.types.includes(type)) {
        errors.push(userError('FILE_TYPE_NOT_ALLOWED', [...field, 'file'], `Only ${limits.label}.`));
        return null;
      }
      return type;
    }
    case 'STICKER': {
      if (!messageLimits.stickerIdPattern.test(content.stickerId)) errors.push(userError('INVALID', [...field, 'stickerId'], 'Unknown sticker.'));
      return null;
    }
    case 'SHARE_POST':
      return null;
  }
}

function messageData(content: MessageContent, mediaKey: string | null) {
  return {
    kind: content.kind as MessageKind,
    text: content.kind === 'TEXT' ? content.text : null,
    mediaKey,
    stickerId: content.kind === 'STICKER' ? content.stickerId : null,
    postId: content.kind === 'SHARE_POST' ? content.postId : null,
  };
}

/**
 * Writes a message's file and its media row inside the message's transaction, after the
 * checks made there (closed conversation, reply window), so a send they refuse leaves no
 * file behind. Another message may store the same bytes at the same moment: ON CONFLICT DO NOTHING.
 */
async function storeMedia(tx: Tx, media: MediaStore, content: MessageContent, type: string | null): Promise<string | null> {
  if (!type || !('bytes' in content)) return null;
  const stored = await media.put(content.bytes, type);
  await tx.mediaObject.createMany({ data: [stored], skipDuplicates: true });
  return stored.key;
}

async function lockConversation(tx: Tx, id: string): Promise<Conversation> {
  await tx.$queryRaw`SELECT id FROM "Conversation" WHERE id = ${id}::uuid FOR UPDATE`;
  return tx.conversation.findUniqueOrThrow({ where: { id } });
}

function changed(events: PendingEvents, conversation: { id: string; accountId: string }, type: 'inbox' | 'both' = 'both') {
  events.add('inbox', conversation.accountId, { type: 'CONVERSATION_CHANGED', conversationId: conversation.id, messageId: null });
  if (type === 'both') events.add('conversation', conversation.id, { type: 'CONVERSATION_CHANGED', conversationId: conversation.id, messageId: null });
}

// ───────────── inbound ─────────────

export interface InboundContext {
  origin?: Exclude<ConversationOrigin, 'ORGANIC' | 'AD'>;
  liveSessionId?: string | null;
}

export interface SendOptions {
  /** the sender's key for this send: a retry with it returns the message stored the first time */
  idempotencyKey?: string | null;
}

// ───────────── idempotent sends ─────────────

type StoredSend = Message & { conversation: { accountId: string; account: { handle: string } } };

/** Whether a stored message carries exactly this content (media compared by their SHA-256). */
function sameContent(message: Message, content: MessageContent): boolean {
  if (message.kind !== content.kind) return false;
  switch (content.kind) {
    case 'TEXT':
      return message.text === content.text;
    case 'STICKER':
      return message.stickerId === content.stickerId;
    case 'SHARE_POST':
      return message.postId === content.postId;
    case 'IMAGE':
    case 'VIDEO':
      return message.mediaKey?.startsWith(`${createHash('sha256').update(content.bytes).digest('hex')}.`) ?? false;
  }
}

/**
 * A send that may carry the sender's idempotency key. A retry with the key answers with the
 * message stored the first time if it went to the same place with the same content, and is
 * refused with IDEMPOTENCY_KEY_REUSED otherwise. The unique (sender, key) constraint decides
 * between concurrent retries; a retry that lost that race, or that a rule refuses because
 * of the first send itself (its reply-window slot), answers with the first message too.
 */
async function sendOnce<T>(
  db: Db,
  senderId: string,
  key: string | null | undefined,
  same: (previous: StoredSend) => boolean,
  answer: (previous: StoredSend) => T,
  send: () => Promise<T>,
): Promise<T> {
  const errors: UserError[] = [];
  checkIdempotencyKey(key, ['input', 'idempotencyKey'], errors);
  refuseIfAny(errors);
  if (!key) return send();
  const stored = () =>
    db.message.findUnique({ where: { senderId_idempotencyKey: { senderId, idempotencyKey: key } }, include: { conversation: { select: { accountId: true, account: { select: { handle: true } } } } } });
  const replay = (previous: StoredSend) => {
    if (!same(previous)) refuse('IDEMPOTENCY_KEY_REUSED', ['input', 'idempotencyKey'], 'This idempotency key was already used for another message.');
    return answer(previous);
  };
  const previous = await stored();
  if (previous) return replay(previous);
  try {
    return await send();
  } catch (error) {
    if (!(error instanceof UserInputError) && !isUniqueViolation(error)) throw error;
    const winner = await stored();
    if (!winner) throw error;
    return replay(winner);
  }
}

/** The business account a user writes to: by id, or by handle (one statement fewer than looking it up first). */
export type AccountRef = { id: string } | { handle: string };

/**
 * A user's message to a business. Creates the contact's conversation on first contact
 * (inbox or message request per `whoCanMessage`), opens a new reply window, and runs the
 * inbound hooks (auto-replies, live events) in the same transaction.
 */
export function receiveMessage(deps: Deps, userId: string, account: string | AccountRef, content: MessageContent, context: InboundContext = {}, options: SendOptions = {}) {
  const ref = typeof account === 'string' ? { id: account } : account;
  return sendOnce(
    deps.db,
    userId,
    options.idempotencyKey,
    (previous) => ('id' in ref ? previous.conversation.accountId === ref.id : previous.conversation.account.handle === ref.handle) && sameContent(previous, content),
    (previous) => ({ conversationId: previous.conversationId, accountId: previous.conversation.accountId, message: previous as Message }),
    () => storeInbound(deps, userId, ref, content, context, options.idempotencyKey ?? null),
  );
}

interface PreCheck {
  accountId: string;
  whoCanMessage: 'EVERYONE' | 'FOLLOWERS' | 'NO_ONE';
  handle: string;
  conversationId: string | null;
  conversationState: string | null;
  conversationOrigin: ConversationOrigin | null;
  conversationAdId: string | null;
  /** the user wrote in this conversation before (set once, never cleared) */
  wroteBefore: boolean;
  follows: boolean;
  senderHandle: string | null;
  [probe: string]: unknown;
}

/**
 * One round trip for everything the checks need: the account, the conversation so far, whether
 * the user follows the account, the sender's handle, and the hooks' probe columns.
 */
async function preCheck(db: Db, userId: string, account: AccountRef): Promise<PreCheck | undefined> {
  const probes = inboundHooks.flatMap((hook) => (hook.probe ? [Prisma.sql`, ${hook.probe.sql} AS ${Prisma.raw(JSON.stringify(hook.probe.name))}`] : []));
  const where = 'id' in account ? Prisma.sql`a."id" = ${account.id}::uuid` : Prisma.sql`a."handle" = ${account.handle}`;
  const [found] = await hotRows<PreCheck>(
    db,
    Prisma.sql`
    SELECT a."id"::text AS "accountId", a."whoCanMessage"::text AS "whoCanMessage", a."handle",
           c."id"::text AS "conversationId", c."state"::text AS "conversationState", c."origin"::text AS "conversationOrigin", c."adId"::text AS "conversationAdId",
           c."lastUserMessageAt" IS NOT NULL AS "wroteBefore",
           EXISTS (SELECT 1 FROM "Follow" f WHERE f."userId" = ${userId}::uuid AND f."accountId" = a."id") AS "follows",
           (SELECT u."handle" FROM "User" u WHERE u."id" = ${userId}::uuid) AS "senderHandle"
           ${Prisma.join(probes, '')}
    FROM "BusinessAccount" a LEFT JOIN "Conversation" c ON c."accountId" = a."id" AND c."userId" = ${userId}::uuid
    WHERE ${where}`,
  );
  return found;
}

async function storeInbound(deps: Deps, userId: string, account: AccountRef, content: MessageContent, context: InboundContext, idempotencyKey: string | null) {
  const errors: UserError[] = [];
  const found = await preCheck(deps.db, userId, account);
  if (!found) refuse('NOT_FOUND', ['accountId'], 'id' in account ? 'No business account has this id.' : `No business account @${account.handle}.`);
  const accountId = found.accountId;
  if (content.kind === 'SHARE_POST') {
    const post = await deps.db.post.findUnique({ where: { id: content.postId }, select: { id: true } });
    if (!post) errors.push(userError('NOT_FOUND', ['input', 'postId'], 'No post has this id.'));
  }
  const mediaType = await checkContent(deps, content, 'INBOUND', errors);
  refuseIfAny(errors);
  if (found.whoCanMessage === 'NO_ONE' && (!found.conversationState || found.conversationState === 'REQUEST')) {
    refuse('MESSAGING_NOT_ALLOWED', ['accountId'], `@${found.handle} does not accept direct messages.`);
  }
  const fast = mediaType ? null : await storeFast(deps, userId, found, content, context, idempotencyKey);
  if (fast) return fast;
  const events = new PendingEvents();
  const result = await deps.db.$transaction(async (tx) => {
    const now = deps.clock.now();
    const state = found.whoCanMessage === 'FOLLOWERS' && !found.follows ? 'REQUEST' : 'OPEN';
    // create or lock in one statement (the unique (account, user) pair decides who creates it
    // under concurrency; the no-op update takes the row lock); before = the row as it was
    const before = await tx.conversation.upsert({
      where: { accountId_userId: { accountId, userId } },
      create: { accountId, userId, state, origin: context.origin ?? 'ORGANIC', liveSessionId: context.liveSessionId ?? null, lastMessageAt: now },
      update: { accountId },
      select: { id: true, state: true, lastUserMessageAt: true },
    });
    const id = before.id;
    // only the user's messages set lastUserMessageAt
    const isFirstInbound = before.lastUserMessageAt === null;
    const mediaKey = await storeMedia(tx, deps.media, content, mediaType);
    const message = await tx.message.create({
      data: { conversationId: id, direction: 'INBOUND', senderId: userId, liveSessionId: context.liveSessionId ?? null, idempotencyKey, createdAt: now, ...messageData(content, mediaKey) },
    });
    const conversation = await tx.conversation.update({
      where: { id },
      data: {
        lastUserMessageAt: now,
        windowRepliesUsed: 0,
        unread: true,
        lastMessageAt: now,
        lastMessageId: message.id,
        state: before.state === 'CLOSED' ? 'OPEN' : undefined,
        closedAt: before.state === 'CLOSED' ? null : undefined,
        liveSessionId: context.liveSessionId ?? undefined,
      },
    });
    announceInbound(events, accountId, id, message.id);
    for (const hook of inboundHooks) await hook.run(tx, { conversation, message, isFirstInbound, now, events, runtime: deps.runtime, senderHandle: found.senderHandle ?? undefined });
    return { conversationId: id, accountId, message };
  });
  events.publishTo(deps.pubsub);
  return result;
}

function announceInbound(events: PendingEvents, accountId: string, conversationId: string, messageId: string) {
  events.add('inbox', accountId, { type: 'MESSAGE_RECEIVED', conversationId, messageId });
  events.add('conversation', conversationId, { type: 'MESSAGE', conversationId, messageId });
}

/**
 * The one-statement path (inbound-statement.ts), for a user who wrote in this conversation
 * before, when every hook can do its work inside the statement. Null: take the transaction.
 */
async function storeFast(deps: Deps, userId: string, found: PreCheck, content: MessageContent, context: InboundContext, idempotencyKey: string | null) {
  if (!found.conversationId || !found.wroteBefore) return null;
  const now = deps.clock.now();
  const message: Message = {
    id: uuid7(),
    conversationId: found.conversationId,
    direction: 'INBOUND',
    senderId: userId,
    liveSessionId: context.liveSessionId ?? null,
    idempotencyKey,
    createdAt: now,
    status: 'SENT',
    autoMessageId: null,
    suggestedQuestionIds: [],
    ...messageData(content, null),
  };
  const events = new PendingEvents();
  const plan: InboundPlan = {
    conversation: { id: found.conversationId, accountId: found.accountId, userId, origin: found.conversationOrigin!, adId: found.conversationAdId },
    message,
    senderHandle: found.senderHandle ?? '',
    now,
    events,
    runtime: deps.runtime,
    probes: found,
  };
  const parts: StatementPart[] = [];
  for (const hook of inboundHooks) {
    const part = hook.inStatement ? hook.inStatement(plan) : 'transaction';
    if (part === 'transaction') return null;
    if (part) parts.push(part);
  }
  announceInbound(events, found.accountId, found.conversationId, message.id);
  if (!(await storeInOneStatement(deps.db, plan, parts))) return null;
  events.publishTo(deps.pubsub);
  return { conversationId: found.conversationId, accountId: found.accountId, message };
}

// ───────────── outbound ─────────────

/**
 * Takes one message from the reply window, atomically: two senders racing for the last
 * slot cannot both get it. Returns false when the window is closed or used up.
 */
export async function takeReplySlot(tx: Tx, conversationId: string, now: Date): Promise<boolean> {
  const since = new Date(now.getTime() - replyWindow.hours * 3600_000);
  const taken = await tx.conversation.updateMany({
    where: { id: conversationId, lastUserMessageAt: { gt: since }, windowRepliesUsed: { lt: replyWindow.maxMessages } },
    data: { windowRepliesUsed: { increment: 1 } },
  });
  return taken.count === 1;
}

/** An automated message (auto-reply) inside an inbound transaction: sent if the window allows, else recorded as suppressed. */
export async function sendAutomated(tx: Tx, event: InboundEvent, text: string, autoMessageId: string, extra: { suggestedQuestionIds?: string[] } = {}) {
  const sent = await takeReplySlot(tx, event.conversation.id, event.now);
  const message = await tx.message.create({
    data: {
      conversationId: event.conversation.id,
      direction: 'OUTBOUND',
      kind: 'TEXT',
      text,
      status: sent ? 'SENT' : 'SUPPRESSED',
      autoMessageId,
      suggestedQuestionIds: extra.suggestedQuestionIds ?? [],
      createdAt: event.now,
    },
  });
  if (sent) {
    await tx.conversation.update({ where: { id: event.conversation.id }, data: { lastMessageAt: event.now, lastMessageId: message.id } });
    event.events.add('inbox', event.conversation.accountId, { type: 'MESSAGE_SENT', conversationId: event.conversation.id, messageId: message.id });
    event.events.add('conversation', event.conversation.id, { type: 'MESSAGE', conversationId: event.conversation.id, messageId: message.id });
    for (const hook of outboundHooks) await hook.run(tx, { conversation: event.conversation, message, now: event.now });
  }
  return { message, sent };
}

/** An automated message riding in an inbound message's statement: its part, and whether and when it is sent. */
export interface AutomatedInStatement {
  part: StatementPart;
  /** whether the reply window takes it (else it is stored as SUPPRESSED), as sendAutomated decides */
  sent: boolean;
  /** true (in SQL) when the message was stored: the guards let it through */
  stored: Prisma.Sql;
}

/**
 * sendAutomated on the one-statement path (inbound-statement.ts): the same message row, reply
 * window count, last message, events and outbound hooks' work, in the inbound message's
 * statement. That message opens a new window in the same statement, so whether the window
 * takes this one is known now. `allowed` (the auto-reply guards, in SQL) decides, in the
 * statement, whether it is stored at all. The message is named `name` there (a CTE returning
 * its id when stored); 'transaction' when an outbound hook needs the interactive path.
 */
export function sendAutomatedInStatement(plan: InboundPlan, name: string, text: string, autoMessageId: string, allowed: Prisma.Sql): AutomatedInStatement | 'transaction' {
  const { conversation, now, events } = plan;
  const sent = repliesLeft({ lastUserMessageAt: now, windowRepliesUsed: 0 }, now) > 0;
  // named after the inbound message: the same time, and an id that sorts after it
  const message: Message = {
    id: uuid7(),
    conversationId: conversation.id,
    direction: 'OUTBOUND',
    senderId: null,
    liveSessionId: null,
    idempotencyKey: null,
    createdAt: now,
    status: sent ? 'SENT' : 'SUPPRESSED',
    autoMessageId,
    suggestedQuestionIds: [],
    ...messageData({ kind: 'TEXT', text }, null),
  };
  const table = Prisma.raw(JSON.stringify(name));
  const stored = Prisma.sql`EXISTS (SELECT 1 FROM ${table})`;
  const outbound: StatementPart[] = [];
  if (sent) {
    for (const hook of outboundHooks) {
      const part = hook.inStatement ? hook.inStatement({ conversation, message, now, probes: plan.probes, sent: stored }) : 'transaction';
      if (part === 'transaction') return 'transaction';
      if (part) outbound.push(part);
    }
  }
  let delivered = false;
  const insert: StatementPart = {
    ctes: Prisma.sql`${table} AS (
      INSERT INTO "Message" ("id", "conversationId", "direction", "kind", "text", "senderId", "status", "autoMessageId", "suggestedQuestionIds", "createdAt")
      SELECT ${message.id}::uuid, conv."id", 'OUTBOUND', 'TEXT', ${text}, NULL, ${message.status}::"MessageStatus", ${autoMessageId}::uuid, '{}', ${iso(now)}
      FROM conv WHERE ${allowed}
      RETURNING "id")`,
    result: Prisma.sql`(SELECT count(*)::int FROM ${table})`,
    after: (count) => {
      delivered = sent && Number(count) === 1;
      if (!delivered) return;
      events.add('inbox', conversation.accountId, { type: 'MESSAGE_SENT', conversationId: conversation.id, messageId: message.id });
      events.add('conversation', conversation.id, { type: 'MESSAGE', conversationId: conversation.id, messageId: message.id });
    },
    // the window's first slot and the last message (the conversation's update is the statement's own)
    conversation: sent
      ? {
          windowRepliesUsed: Prisma.sql`CASE WHEN ${allowed} THEN 1 ELSE 0 END`,
          lastMessageId: Prisma.sql`CASE WHEN ${allowed} THEN ${message.id}::uuid ELSE ${plan.message.id}::uuid END`,
        }
      : undefined,
  };
  // the outbound hooks' after-commit work happens only for a message that went out
  const hooks = outbound.map((part) => ({ ...part, after: part.after && ((value: unknown) => delivered && part.after!(value)) }));
  return { part: mergeParts([insert, ...hooks]), sent, stored };
}

/**
 * A team member's (or, with channel INTEGRATION and no sender, an integration's) message to
 * the user, within the reply window. Replying to a request accepts it. A retry with the same
 * idempotency key (people only: an integration has no sender to scope keys by) returns the
 * first message.
 */
export function sendMessage(deps: Deps, senderId: string | null, conversationId: string, content: MessageContent, channel: Channel = 'APP', options: SendOptions = {}) {
  if (!senderId) return storeOutbound(deps, null, conversationId, content, channel, null);
  return sendOnce(
    deps.db,
    senderId,
    options.idempotencyKey,
    (previous) => previous.conversationId === conversationId && sameContent(previous, content),
    (previous) => previous as Message,
    () => storeOutbound(deps, senderId, conversationId, content, channel, options.idempotencyKey ?? null),
  );
}

async function storeOutbound(deps: Deps, senderId: string | null, conversationId: string, content: MessageContent, channel: Channel, idempotencyKey: string | null) {
  const conversation = await deps.db.conversation.findUniqueOrThrow({
    where: { id: conversationId },
    include: { account: { select: { region: true } }, user: { select: { region: true, riskFlagged: true } } },
  });
  const errors: UserError[] = [];
  const regionError = channelRefusal(conversation.account.region, channel);
  if (regionError) refuseIfAny([regionError]);
  if (content.kind === 'SHARE_POST') {
    const post = await deps.db.post.findUnique({ where: { id: content.postId }, select: { accountId: true } });
    if (!post) errors.push(userError('NOT_FOUND', ['input', 'postId'], 'No post has this id.'));
    else if (post.accountId !== conversation.accountId) errors.push(userError('NOT_OWN_POST', ['input', 'postId']));
  }
  const mediaType = await checkContent(deps, content, 'OUTBOUND', errors);
  if (content.kind === 'IMAGE' && mediaType) {
    const refusal = mediaRefusal(conversation.user, ['input', 'file']);
    if (refusal) errors.push(refusal);
  }
  refuseIfAny(errors);
  const events = new PendingEvents();
  const message = await deps.db.$transaction(async (tx) => {
    const now = deps.clock.now();
    const current = await lockConversation(tx, conversationId);
    if (current.state === 'CLOSED') refuse('CONVERSATION_CLOSED', ['id']);
    if (!(await takeReplySlot(tx, conversationId, now))) {
      refuseIfAny([windowRefusal(current, now, ['id'])!]);
    }
    const created = await tx.message.create({
      data: { conversationId, direction: 'OUTBOUND', senderId, idempotencyKey, createdAt: now, ...messageData(content, await storeMedia(tx, deps.media, content, mediaType)) },
    });
    await tx.conversation.update({
      where: { id: conversationId },
      data: {
        lastMessageAt: now,
        lastMessageId: created.id,
        unread: false,
        ...(current.state === 'REQUEST' ? { state: 'OPEN', acceptedAt: now } : {}),
      },
    });
    for (const hook of outboundHooks) await hook.run(tx, { conversation: current, message: created, now });
    events.add('inbox', current.accountId, { type: 'MESSAGE_SENT', conversationId, messageId: created.id });
    events.add('conversation', conversationId, { type: 'MESSAGE', conversationId, messageId: created.id });
    return created;
  });
  events.publishTo(deps.pubsub);
  return message;
}

// ───────────── workflow ─────────────

type ConversationChange = (current: Conversation, now: Date) => Partial<Conversation> | UserError;

async function changeConversation(deps: Pick<Deps, 'db' | 'clock' | 'pubsub'>, id: string, change: ConversationChange, audience: 'inbox' | 'both' = 'inbox') {
  const events = new PendingEvents();
  const updated = await deps.db.$transaction(async (tx) => {
    const current = await lockConversation(tx, id);
    const data = change(current, deps.clock.now());
    if ('code' in data) refuseIfAny([data as UserError]);
    const next = await tx.conversation.update({ where: { id }, data: data as object });
    changed(events, next, audience);
    return next;
  });
  events.publishTo(deps.pubsub);
  return updated;
}

export const acceptRequest = (deps: Deps, id: string) =>
  changeConversation(deps, id, (c, now) => (c.state === 'REQUEST' ? { state: 'OPEN', acceptedAt: now } : userError('INVALID', ['id'], 'Only message requests can be accepted.')), 'both');
export const markUnread = (deps: Deps, id: string, unread: boolean) => changeConversation(deps, id, () => ({ unread }));
export const setStarred = (deps: Deps, id: string, starred: boolean) => changeConversation(deps, id, () => ({ starred }));
export const closeConversation = (deps: Deps, id: string) =>
  changeConversation(deps, id, (c, now) => (c.state === 'CLOSED' ? userError('INVALID', ['id'], 'The conversation is already closed.') : { state: 'CLOSED', closedAt: now }), 'both');
export const reopenConversation = (deps: Deps, id: string) =>
  changeConversation(deps, id, (c) => (c.state !== 'CLOSED' ? userError('INVALID', ['id'], 'Only closed conversations can be reopened.') : { state: 'OPEN', closedAt: null }), 'both');

export async function assignConversation(deps: Deps, id: string, assigneeId: string | null) {
  if (assigneeId) {
    const conversation = await deps.db.conversation.findUniqueOrThrow({ where: { id }, select: { accountId: true, account: { select: { organizationId: true } } } });
    const member = await deps.db.membership.findFirst({
      where: {
        userId: assigneeId,
        organizationId: conversation.account.organizationId,
        role: { in: ['OWNER', 'ADMIN', 'AGENT'] },
        OR: [{ restricted: false }, { accounts: { some: { accountId: conversation.accountId } } }],
      },
      select: { id: true },
    });
    if (!member) refuse('ASSIGNEE_NOT_MEMBER', ['assigneeId']);
  }
  return changeConversation(deps, id, () => ({ assigneeId }));
}

export async function follow(db: Db, userId: string, accountId: string, following: boolean) {
  if (following) await db.follow.createMany({ data: [{ userId, accountId }], skipDuplicates: true });
  else await db.follow.deleteMany({ where: { userId, accountId } });
}

/** Whether the conversation is this user's own with this business account. */
export async function isConversationBetween(db: Db, conversationId: string, userId: string, accountId: string): Promise<boolean> {
  return (await db.conversation.count({ where: { id: conversationId, userId, accountId } })) > 0;
}
