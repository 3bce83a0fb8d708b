// Messaging ads (PRODUCT §8): click-to-DM ads with the lead-collection objective, their
// states, creative and reply hours (with a reviewed away message), and the ad system's reports
// of clicks and spend. Clicks open the contact's conversation (origin AD) before any message.
import type { Ad, AdClick, Prisma } from '../../generated/prisma/client.ts';
import type { AdCreativeKind } from '../../generated/prisma/enums.ts';
import type { Clock } from '../../platform/clock.ts';
import type { Db, Tx } from '../../platform/db.ts';
import { PendingEvents } from '../../platform/events.ts';
import { refuse, refuseIfAny, userError, type UserError } from '../../platform/errors.ts';
import type { MediaStore } from '../../platform/media.ts';
import type { PubSub } from '../../platform/pubsub.ts';
import { adsUnavailableRegions } from '../../platform/regions.ts';
import { setAwayMessage } from '../automation/service.ts';
import { bumpAdResult, utcDay } from './results.ts';
import { checkReplyHours, sortSlots, type ReplyHourSlot } from './reply-hours.ts';

export interface Deps {
  db: Db;
  clock: Clock;
  pubsub: PubSub;
  media: MediaStore;
}

export const adLimits = {
  titleChars: 100,
  /** uploaded creative videos (the transport cap, MAX_UPLOAD_BYTES, applies first) */
  videoMaxBytes: 20 * 1024 * 1024,
  videoTypes: ['video/mp4', 'video/quicktime', 'video/webm'],
  clickIdChars: 128,
  /** a click starts a conversation when the user writes within this many days */
  conversationStartDays: 7,
} as const;

export type CreativeInput = { postId: string; video?: undefined } | { video: Uint8Array; postId?: undefined };

export interface AdInput {
  title?: string | null;
  creative?: CreativeInput | null;
  showOnlyAsAd?: boolean | null;
  currency?: string | null;
  replyHours?: ReplyHourSlot[] | null;
  awayMessage?: string | null;
}

const currencies = new Set(Intl.supportedValuesOf('currency'));

/** Why the account cannot run a messaging ad now (every reason). */
async function eligibilityRefusals(db: Db | Tx, accountId: string): Promise<UserError[]> {
  const account = await db.businessAccount.findUniqueOrThrow({
    where: { id: accountId },
    select: {
      whoCanMessage: true,
      region: true,
      autoReplySettings: { select: { welcomeEnabled: true } },
      autoMessages: { where: { kind: 'WELCOME', approvedAt: { not: null } }, select: { id: true }, take: 1 },
    },
  });
  const errors: UserError[] = [];
  if (account.whoCanMessage !== 'EVERYONE') errors.push(userError('AD_MESSAGING_NOT_OPEN', ['accountId'], `Messaging ads need “who can message” set to EVERYONE (it is ${account.whoCanMessage}).`));
  if (adsUnavailableRegions.has(account.region)) errors.push(userError('AD_REGION_UNAVAILABLE', ['accountId'], `Messaging ads are not available to accounts registered in ${account.region}.`));
  if (account.autoMessages.length === 0 || !account.autoReplySettings?.welcomeEnabled) {
    errors.push(userError('AD_WELCOME_MESSAGE_REQUIRED', ['accountId'], 'Messaging ads open with the account’s welcome message: it must be approved and switched on.'));
  }
  return errors;
}

interface CheckedCreative {
  creativeKind: AdCreativeKind;
  creativePostId: string | null;
  creativeMediaKey: string | null;
  video?: { bytes: Uint8Array; type: string };
}

async function checkCreative(deps: Deps, accountId: string, creative: CreativeInput, errors: UserError[]): Promise<CheckedCreative | null> {
  const field = ['input', 'creative'];
  if ((creative.postId ? 1 : 0) + (creative.video ? 1 : 0) !== 1) {
    errors.push(userError('AD_CREATIVE_INVALID', field, 'A creative is either an uploaded video or one of the account’s posts.'));
    return null;
  }
  if (creative.postId) {
    const post = await deps.db.post.findUnique({ where: { id: creative.postId }, select: { accountId: true } });
    if (!post || post.accountId !== accountId) {
      errors.push(userError('AD_CREATIVE_INVALID', [...field, 'postId'], 'The creative must be one of the account’s own posts.'));
      return null;
    }
    return { creativeKind: 'POST', creativePostId: creative.postId, creativeMediaKey: null };
  }
  const bytes = creative.video!;
  if (bytes.byteLength > adLimits.videoMaxBytes) {
    errors.push(userError('FILE_TOO_LARGE', [...field, 'video'], `Creative videos are at most ${adLimits.videoMaxBytes / 1024 / 1024} MB.`));
    return null;
  }
  const type = await deps.media.sniff(bytes);
  if (!type || !(adLimits.videoTypes as readonly string[]).includes(type)) {
    errors.push(userError('AD_CREATIVE_INVALID', [...field, 'video'], 'Creative videos are MP4, MOV or WebM (checked by content).'));
    return null;
  }
  return { creativeKind: 'UPLOADED_VIDEO', creativePostId: null, creativeMediaKey: null, video: { bytes, type } };
}

/** Field checks shared by create and update; returns the cleaned values to store. */
async function checkInput(deps: Deps, accountId: string, input: AdInput, errors: UserError[]) {
  const data: Prisma.AdUncheckedUpdateInput = {};
  if (input.title !== undefined && input.title !== null) {
    const title = input.title.trim();
    if (title === '') errors.push(userError('REQUIRED', ['input', 'title'], 'An ad needs a title.'));
    else if ([...title].length > adLimits.titleChars) errors.push(userError('TOO_LONG', ['input', 'title'], `Titles are at most ${adLimits.titleChars} characters.`));
    data.title = title;
  }
  if (input.currency !== undefined && input.currency !== null) {
    if (!currencies.has(input.currency)) errors.push(userError('INVALID', ['input', 'currency'], 'Currencies are ISO 4217 codes such as USD.'));
    data.currency = input.currency;
  }
  if (input.showOnlyAsAd !== undefined && input.showOnlyAsAd !== null) data.showOnlyAsAd = input.showOnlyAsAd;
  if (input.replyHours) {
    errors.push(...checkReplyHours(input.replyHours, ['input', 'replyHours']));
    data.replyHours = sortSlots(input.replyHours) as unknown as Prisma.InputJsonValue;
  }
  const creative = input.creative ? await checkCreative(deps, accountId, input.creative, errors) : null;
  return { data, creative };
}

/** Stores an uploaded creative once the rules passed (a refused ad leaves no file). */
async function storeCreative(tx: Tx, deps: Deps, creative: CheckedCreative | null, data: Prisma.AdUncheckedUpdateInput) {
  if (!creative) return;
  let key: string | null = null;
  if (creative.video) {
    const stored = await deps.media.put(creative.video.bytes, creative.video.type);
    await tx.mediaObject.createMany({ data: [stored], skipDuplicates: true });
    key = stored.key;
  }
  Object.assign(data, { creativeKind: creative.creativeKind, creativePostId: creative.creativePostId, creativeMediaKey: key });
}

/** The away message is required once reply hours exist, and reviewed like every auto-message. */
async function saveAwayMessage(tx: Tx, deps: Deps, actorId: string, ad: Ad, awayMessage: string | null | undefined) {
  if (awayMessage !== undefined && awayMessage !== null) return setAwayMessage(tx, deps, actorId, ad.accountId, ad.id, awayMessage);
  const slots = ad.replyHours as unknown as ReplyHourSlot[];
  if (slots.length > 0 && !(await tx.autoMessage.count({ where: { adId: ad.id } }))) {
    refuse('AWAY_MESSAGE_REQUIRED', ['input', 'awayMessage'], 'Reply hours need an away message for the hours the team is away.');
  }
}

export async function createAd(deps: Deps, actorId: string, accountId: string, input: AdInput & { title: string }) {
  const errors = await eligibilityRefusals(deps.db, accountId);
  if (!input.creative) errors.push(userError('AD_CREATIVE_INVALID', ['input', 'creative'], 'An ad needs a creative: an uploaded video or one of the account’s posts.'));
  const { data, creative } = await checkInput(deps, accountId, input, errors);
  refuseIfAny(errors);
  return deps.db.$transaction(async (tx) => {
    await storeCreative(tx, deps, creative, data);
    const ad = await tx.ad.create({ data: { ...(data as Prisma.AdUncheckedCreateInput), accountId } });
    await saveAwayMessage(tx, deps, actorId, ad, input.awayMessage);
    return ad;
  });
}

/** Locks an ad for a change; an ended ad is read-only. */
async function lockAd(tx: Tx, id: string): Promise<Ad> {
  const [row] = await tx.$queryRaw<{ id: string }[]>`SELECT id FROM "Ad" WHERE id = ${id}::uuid FOR UPDATE`;
  if (!row) refuse('NOT_FOUND', ['id'], 'No ad has this id.');
  const ad = await tx.ad.findUniqueOrThrow({ where: { id } });
  if (ad.state === 'ENDED') refuse('AD_ENDED', ['id']);
  return ad;
}

export async function updateAd(deps: Deps, actorId: string, id: string, input: AdInput) {
  const current = await deps.db.ad.findUnique({ where: { id }, select: { accountId: true, state: true } });
  if (!current) refuse('NOT_FOUND', ['id'], 'No ad has this id.');
  const errors: UserError[] = [];
  const { data, creative } = await checkInput(deps, current.accountId, input, errors);
  refuseIfAny(errors);
  return deps.db.$transaction(async (tx) => {
    await lockAd(tx, id);
    await storeCreative(tx, deps, creative, data);
    const ad = await tx.ad.update({ where: { id }, data });
    await saveAwayMessage(tx, deps, actorId, ad, input.awayMessage);
    return ad;
  });
}

export type AdAction = 'ACTIVATE' | 'PAUSE' | 'END';

/** DRAFT → ACTIVE ⇄ PAUSED → ENDED; activating (or resuming) re-checks the account's eligibility. */
export async function changeAdState(deps: Deps, id: string, action: AdAction) {
  return deps.db.$transaction(async (tx) => {
    const ad = await lockAd(tx, id);
    const now = deps.clock.now();
    switch (action) {
      case 'ACTIVATE': {
        if (ad.state === 'ACTIVE') refuse('AD_STATE_INVALID', ['id'], 'The ad is already active.');
        refuseIfAny(await eligibilityRefusals(tx, ad.accountId));
        return tx.ad.update({ where: { id }, data: { state: 'ACTIVE', activatedAt: ad.activatedAt ?? now } });
      }
      case 'PAUSE':
        if (ad.state !== 'ACTIVE') refuse('AD_STATE_INVALID', ['id'], 'Only an active ad can be paused.');
        return tx.ad.update({ where: { id }, data: { state: 'PAUSED' } });
      case 'END':
        return tx.ad.update({ where: { id }, data: { state: 'ENDED', endedAt: now } });
    }
  });
}

// ───────────── clicks ─────────────

export interface ClickEvent {
  conversation: { id: string; accountId: string; userId: string; origin: string };
  click: AdClick;
  ad: Ad;
  /** the conversation was opened by this click (no conversation existed before) */
  opened: boolean;
}
/** Reactions to a recorded click inside its transaction (the webhook outbox's referral event). */
export type ClickHook = (tx: Tx, event: ClickEvent) => Promise<void>;
const clickHooks: ClickHook[] = [];
export function registerClickHook(hook: ClickHook): void {
  clickHooks.push(hook);
}

export interface ClickReport {
  clickId: string;
  adId: string;
  user: { subject: string; handle: string };
  clickedAt?: Date | null;
}

/**
 * The ad system reports a click: the contact and its conversation (origin AD, no message yet)
 * exist afterwards, with the click as the conversation's referral (the first touch is kept, the
 * last updated). The click id makes a report idempotent, also under concurrent retries.
 */
export async function recordClick(deps: Deps, report: ClickReport) {
  const errors: UserError[] = [];
  if (report.clickId.length === 0 || report.clickId.length > adLimits.clickIdChars) errors.push(userError('INVALID', ['input', 'clickId'], `Click ids are 1–${adLimits.clickIdChars} characters.`));
  if (!/^[A-Za-z0-9._-]{1,64}$/.test(report.user.handle) || report.user.subject.length === 0 || report.user.subject.length > 255) {
    errors.push(userError('INVALID', ['input', 'user'], 'The user needs a subject and a handle.'));
  }
  refuseIfAny(errors);
  const previous = await deps.db.adClick.findUnique({ where: { clickId: report.clickId } });
  if (previous) return sameClick(previous, report);
  const ad = await deps.db.ad.findUnique({ where: { id: report.adId } });
  if (!ad) refuse('NOT_FOUND', ['input', 'adId'], 'No ad has this id.');
  if (ad.state === 'DRAFT') refuse('AD_NOT_RUNNING', ['input', 'adId'], 'The ad has never run: it cannot have been clicked.');
  const now = deps.clock.now();
  const clickedAt = report.clickedAt ?? now;
  if (clickedAt.getTime() > now.getTime() + 60_000) refuse('INVALID', ['input', 'clickedAt'], 'A click cannot be in the future.');
  const user = await deps.db.user.upsert({ where: { subject: report.user.subject }, create: { subject: report.user.subject, handle: report.user.handle }, update: {}, select: { id: true } });
  const events = new PendingEvents();
  const click = await deps.db.$transaction(async (tx) => {
    // the conversation is created or row-locked here: clicks of one contact are serialised
    const conversation = await tx.conversation.upsert({
      where: { accountId_userId: { accountId: ad.accountId, userId: user.id } },
      create: { accountId: ad.accountId, userId: user.id, state: 'OPEN', origin: 'AD', adId: ad.id, lastMessageAt: clickedAt },
      update: { accountId: ad.accountId },
      select: { id: true, accountId: true, userId: true, origin: true, firstAdClickId: true, lastAdClickId: true, createdAt: true },
    });
    const inserted = await tx.adClick.createManyAndReturn({
      data: [{
        clickId: report.clickId,
        adId: ad.id,
        userId: user.id,
        conversationId: conversation.id,
        clickedAt,
        adTitle: ad.title,
        creativeKind: ad.creativeKind,
        creativeMediaKey: ad.creativeMediaKey,
        creativePostId: ad.creativePostId,
      }],
      skipDuplicates: true,
    });
    // a concurrent retry of this click committed first: nothing more to record
    if (inserted.length === 0) return null;
    const created = inserted[0]!;
    const last = conversation.lastAdClickId ? await tx.adClick.findUnique({ where: { id: conversation.lastAdClickId }, select: { clickedAt: true } }) : null;
    const isLatest = !last || last.clickedAt <= clickedAt;
    await tx.conversation.update({
      where: { id: conversation.id },
      data: { firstAdClickId: conversation.firstAdClickId ?? created.id, ...(isLatest ? { lastAdClickId: created.id, adId: ad.id } : {}) },
    });
    await tx.$executeRaw`
      INSERT INTO "AdConversation" ("adId", "conversationId", "firstClickAt", "lastClickAt") VALUES (${ad.id}::uuid, ${conversation.id}::uuid, ${clickedAt}, ${clickedAt})
      ON CONFLICT ("adId", "conversationId") DO UPDATE SET "firstClickAt" = LEAST("AdConversation"."firstClickAt", EXCLUDED."firstClickAt"), "lastClickAt" = GREATEST("AdConversation"."lastClickAt", EXCLUDED."lastClickAt")`;
    await bumpAdResult(tx, ad.id, utcDay(clickedAt), 'clicks', 1);
    const opened = conversation.origin === 'AD' && conversation.firstAdClickId === null;
    for (const hook of clickHooks) await hook(tx, { conversation, click: created, ad, opened });
    events.add('inbox', ad.accountId, { type: 'CONVERSATION_CHANGED', conversationId: conversation.id, messageId: null });
    return created;
  });
  events.publishTo(deps.pubsub);
  if (click) return click;
  return sameClick(await deps.db.adClick.findUniqueOrThrow({ where: { clickId: report.clickId } }), report);
}

/** A retried report answers with the first; the same id for another ad or user is refused. */
function sameClick<T extends { adId: string }>(click: T, report: ClickReport): T {
  if (click.adId !== report.adId) refuse('IDEMPOTENCY_KEY_REUSED', ['input', 'clickId'], 'This click id was already reported for another ad.');
  return click;
}

// ───────────── spend ─────────────

/**
 * The ad system (or a platform admin) reports an ad's spend for a day (UTC): the day's total,
 * so a repeated report changes nothing. The rollup moves by the difference, under the ad's lock.
 */
export async function recordSpend(deps: Deps, adId: string, day: string, amountMinor: number, currency: string) {
  if (!Number.isSafeInteger(amountMinor) || amountMinor < 0) refuse('INVALID', ['input', 'amountMinor'], 'Spend is a non-negative integer of minor units.');
  const date = new Date(`${day}T00:00:00Z`);
  return deps.db.$transaction(async (tx) => {
    const [row] = await tx.$queryRaw<{ currency: string }[]>`SELECT currency FROM "Ad" WHERE id = ${adId}::uuid FOR UPDATE`;
    if (!row) refuse('NOT_FOUND', ['adId'], 'No ad has this id.');
    if (row.currency !== currency) refuse('CURRENCY_MISMATCH', ['input', 'currency'], `This ad’s spend is in ${row.currency}.`);
    if (date.getTime() > deps.clock.now().getTime()) refuse('INVALID', ['input', 'day'], 'Spend cannot be reported for a future day.');
    const before = await tx.adSpend.findUnique({ where: { adId_day: { adId, day: date } }, select: { amountMinor: true } });
    const spend = await tx.adSpend.upsert({
      where: { adId_day: { adId, day: date } },
      create: { adId, day: date, amountMinor, recordedAt: deps.clock.now() },
      update: { amountMinor, recordedAt: deps.clock.now() },
    });
    await bumpAdResult(tx, adId, date, 'spendMinor', amountMinor - (before?.amountMinor ?? 0));
    return spend;
  });
}
