// Auto-messages (PRODUCT §5): welcome message, suggested questions, chat prompts and keyword
// replies, their order and on/off toggles. Every create or edit goes to platform review;
// `approvedContent` (what the engine serves) changes only when a review approves a version,
// so an edit under review, or rejected, leaves the last approved version serving.
import type { AutoMessage, Prisma } from '../../generated/prisma/client.ts';
import type { AutoMessageKind } from '../../generated/prisma/enums.ts';
import type { Clock } from '../../platform/clock.ts';
import type { Db, Tx } from '../../platform/db.ts';
import { refuse, refuseIfAny } from '../../platform/errors.ts';
import { registerReviewable } from '../reviews/registry.ts';
import { submitForReview, withdrawReview } from '../reviews/service.ts';
import { checkContent, checkReorder, checkRoom, cleanContent, describeContent, kindLabels, sameContent, type AnyContent, type ContentOf } from './rules.ts';

export interface Deps {
  db: Db;
  clock: Clock;
}

const pendingReviews = (tx: Tx, subjectId: string) => tx.reviewItem.count({ where: { kind: 'AUTO_MESSAGE', subjectId, state: 'PENDING' } });

/**
 * The version a decision just approved. Normally the current content; when a newer edit was
 * queued meanwhile (a pending review remains), the snapshot of the item decided at `at`.
 */
async function approvedVersion(tx: Tx, subjectId: string, at: Date, content: object): Promise<object> {
  if ((await pendingReviews(tx, subjectId)) === 0) return content;
  const item = await tx.reviewItem.findFirstOrThrow({ where: { kind: 'AUTO_MESSAGE', subjectId, state: 'APPROVED', decidedAt: at }, orderBy: [{ submittedAt: 'desc' }, { id: 'desc' }], select: { snapshot: true } });
  return item.snapshot as object;
}

registerReviewable({
  kind: 'AUTO_MESSAGE',
  subjectType: 'AutoMessage',
  label: 'auto-message',
  dueWithinHours: 24,
  areas: ['CONTENT'],
  describe: async (tx, id) => {
    const row = await tx.autoMessage.findUniqueOrThrow({ where: { id }, select: { kind: true, content: true } });
    return describeContent(row.kind, row.content as unknown as AnyContent);
  },
  // serve exactly the version that was reviewed; a newer edit (already queued) stays under review
  onApproved: async (tx, id, at) => {
    const { content } = await tx.autoMessage.findUniqueOrThrow({ where: { id }, select: { content: true } });
    const approved = await approvedVersion(tx, id, at, content as object);
    await tx.autoMessage.update({
      where: { id },
      data: { approvedContent: approved as Prisma.InputJsonValue, approvedAt: at, reviewState: sameContent(content as object, approved) ? 'APPROVED' : undefined },
    });
  },
  // the previously approved version, if any, keeps serving; a newer edit stays under review
  onRejected: async (tx, id) => {
    if ((await pendingReviews(tx, id)) === 0) await tx.autoMessage.update({ where: { id }, data: { reviewState: 'REJECTED' } });
  },
});

/** Serialises changes to an account's auto-messages (counts and positions are read-then-write). */
async function lockAccount(tx: Tx, accountId: string) {
  await tx.$queryRaw`SELECT id FROM "BusinessAccount" WHERE id = ${accountId}::uuid FOR UPDATE`;
}

/** The account's order of its auto-messages of a kind. */
export const order = [{ position: 'asc' as const }, { id: 'asc' as const }];

function checked<K extends AutoMessageKind>(kind: K, content: ContentOf[K]): ContentOf[K] {
  refuseIfAny(checkContent(kind, content));
  return cleanContent(kind, content);
}

/** Queues a version of an auto-message for review, in the caller's transaction (an older pending review is withdrawn). */
const queueReview = (tx: Tx, deps: Deps, row: Pick<AutoMessage, 'id' | 'accountId'>, content: AnyContent, actorId: string) =>
  submitForReview(tx, deps.clock, { kind: 'AUTO_MESSAGE', subjectId: row.id, accountId: row.accountId, snapshot: content as unknown as Prisma.InputJsonValue, submittedById: actorId });

/** Stores new content of an existing auto-message and queues it for review. */
async function submitContent(tx: Tx, deps: Deps, row: Pick<AutoMessage, 'id' | 'accountId'>, content: AnyContent, actorId: string) {
  // the review first, then the row: the order a review decision takes, so the two never deadlock
  await queueReview(tx, deps, row, content, actorId);
  return tx.autoMessage.update({ where: { id: row.id }, data: { content: content as unknown as Prisma.InputJsonValue, reviewState: 'REVIEWING' } });
}

/** Creates an auto-message (under review) at `position` and queues it for review. */
async function createUnderReview(tx: Tx, deps: Deps, accountId: string, kind: AutoMessageKind, position: number, content: AnyContent, actorId: string) {
  const row = await tx.autoMessage.create({ data: { accountId, kind, position, content: content as unknown as Prisma.InputJsonValue } });
  await queueReview(tx, deps, row, content, actorId);
  return row;
}

/** A new suggested question, chat prompt or keyword rule, last in the account's order, under review. */
export async function createAutoMessage<K extends AutoMessageKind>(deps: Deps, actorId: string, accountId: string, kind: K, content: ContentOf[K]) {
  const clean = checked(kind, content);
  return deps.db.$transaction(async (tx) => {
    await lockAccount(tx, accountId);
    const existing = await tx.autoMessage.aggregate({ where: { accountId, kind }, _count: true, _max: { position: true } });
    const full = checkRoom(kind, existing._count, ['accountId']);
    if (full) refuseIfAny([full]);
    return createUnderReview(tx, deps, accountId, kind, (existing._max.position ?? 0) + 1, clean, actorId);
  });
}

/** The account's one welcome message: created, or its text replaced (and reviewed again). */
export async function setWelcome(deps: Deps, actorId: string, accountId: string, text: string) {
  const clean = checked('WELCOME', { text });
  return deps.db.$transaction(async (tx) => {
    await lockAccount(tx, accountId);
    const current = await tx.autoMessage.findFirst({ where: { accountId, kind: 'WELCOME' }, orderBy: order });
    if (!current) return createUnderReview(tx, deps, accountId, 'WELCOME', 1, clean, actorId);
    return unchanged(current, clean) ? current : submitContent(tx, deps, current, clean, actorId);
  });
}

/**
 * A messaging ad's away message, in the caller's transaction: created for the ad, or its text
 * replaced; either way reviewed before it is ever sent.
 */
export async function setAwayMessage(tx: Tx, deps: Deps, actorId: string, accountId: string, adId: string, text: string) {
  const clean = checked('AWAY', { text });
  const current = await tx.autoMessage.findUnique({ where: { adId } });
  if (!current) {
    const row = await tx.autoMessage.create({ data: { accountId, adId, kind: 'AWAY', position: 1, content: clean as unknown as Prisma.InputJsonValue } });
    await queueReview(tx, deps, row, clean, actorId);
    return row;
  }
  return unchanged(current, clean) ? current : submitContent(tx, deps, current, clean, actorId);
}

/** Saving the same content again (an editor saved without changes) is not a new version, unless it was rejected. */
const unchanged = (row: AutoMessage, content: AnyContent) => row.reviewState !== 'REJECTED' && sameContent(row.content as object, content);

function noSuch(kind: AutoMessageKind): never {
  refuse('NOT_FOUND', ['id'], `No ${kindLabels[kind]} has this id.`);
}

/** Edits the content of an auto-message of `kind`; omitted fields stay. The edit goes to review. */
export async function updateAutoMessage<K extends AutoMessageKind>(deps: Deps, actorId: string, id: string, kind: K, patch: Partial<ContentOf[K]>) {
  const current = await deps.db.autoMessage.findUnique({ where: { id } });
  if (!current || current.kind !== kind) noSuch(kind);
  const defined = Object.fromEntries(Object.entries(patch).filter(([, value]) => value !== undefined && value !== null));
  const clean = checked(kind, { ...(current.content as object), ...defined } as unknown as ContentOf[K]);
  if (unchanged(current, clean)) return current;
  return deps.db.$transaction(async (tx) => {
    const row = await tx.autoMessage.findUnique({ where: { id }, select: { id: true, accountId: true } });
    if (!row) noSuch(kind);
    return submitContent(tx, deps, row, clean, actorId);
  });
}

/** Deletes an auto-message (its pending review is withdrawn); the ones after it move up. */
export async function deleteAutoMessage(deps: Deps, id: string) {
  const current = await deps.db.autoMessage.findUnique({ where: { id }, select: { accountId: true } });
  if (!current) refuse('NOT_FOUND', ['id'], 'No auto-message has this id.');
  return deps.db.$transaction(async (tx) => {
    await lockAccount(tx, current.accountId);
    const row = await tx.autoMessage.findUnique({ where: { id } });
    if (!row) refuse('NOT_FOUND', ['id'], 'No auto-message has this id.');
    await withdrawReview(tx, deps.clock, 'AUTO_MESSAGE', id);
    await tx.autoMessage.delete({ where: { id } });
    await tx.autoMessage.updateMany({ where: { accountId: row.accountId, kind: row.kind, position: { gt: row.position } }, data: { position: { decrement: 1 } } });
    return row;
  });
}

/** Puts the account's auto-messages of `kind` in the order of `ids` (each named exactly once). */
export async function reorderAutoMessages(deps: Deps, accountId: string, kind: AutoMessageKind, ids: string[]) {
  return deps.db.$transaction(async (tx) => {
    await lockAccount(tx, accountId);
    const existing = await tx.autoMessage.findMany({ where: { accountId, kind }, select: { id: true } });
    const refusal = checkReorder(kind, existing.map((row) => row.id), ids);
    if (refusal) refuseIfAny([refusal]);
    for (const [index, id] of ids.entries()) await tx.autoMessage.update({ where: { id }, data: { position: index + 1 } });
    return tx.autoMessage.findMany({ where: { accountId, kind }, orderBy: order });
  });
}

// ───────────── toggles ─────────────

export interface AutoReplyToggles {
  welcomeEnabled?: boolean;
  suggestedQuestionsEnabled?: boolean;
  chatPromptsEnabled?: boolean;
  keywordRepliesEnabled?: boolean;
}

/** The account's toggles (every feature is off until switched on). */
export async function getSettings(db: Db | Tx, accountId: string) {
  const row = await db.autoReplySettings.findUnique({ where: { accountId } });
  return row ?? { accountId, welcomeEnabled: false, suggestedQuestionsEnabled: false, chatPromptsEnabled: false, keywordRepliesEnabled: false };
}

export async function updateSettings(db: Db, accountId: string, toggles: AutoReplyToggles) {
  return db.autoReplySettings.upsert({ where: { accountId }, create: { accountId, ...toggles }, update: toggles });
}

/** Suggested questions among `ids` a user can choose now: approved, with the account's toggle on. */
export async function offeredSuggestedQuestions(db: Db | Tx, ids: string[]) {
  const rows = await db.autoMessage.findMany({
    where: { id: { in: ids }, kind: 'SUGGESTED_QUESTION', approvedAt: { not: null }, account: { autoReplySettings: { is: { suggestedQuestionsEnabled: true } } } },
    select: { id: true, accountId: true, approvedContent: true },
  });
  return rows.map((row) => ({ id: row.id, accountId: row.accountId, ...(row.approvedContent as unknown as ContentOf['SUGGESTED_QUESTION']) }));
}

/** Approved chat prompts of an account whose prompts are switched on, in order (for viewers). */
export async function servedChatPrompts(db: Db, accountId: string) {
  const settings = await getSettings(db, accountId);
  if (!settings.chatPromptsEnabled) return [];
  const rows = await db.autoMessage.findMany({ where: { accountId, kind: 'CHAT_PROMPT', approvedAt: { not: null } }, orderBy: order });
  return rows.map((row) => ({ id: row.id, ...(row.approvedContent as unknown as ContentOf['CHAT_PROMPT']) }));
}
