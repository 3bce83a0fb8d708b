// GraphQL surface of messaging ads: the team's ads (owners and admins manage them), the ad
// system's reports of clicks and spend, ad referrals on conversations, and per-ad results.
import { encodeGlobalID } from '@pothos/plugin-relay';
import { AdCreativeKind, AdState } from '../../generated/prisma/enums.ts';
import type { MemberRole } from '../../generated/prisma/enums.ts';
import { allRoles, managerRoles } from '../../platform/access.ts';
import { builder } from '../../platform/builder.ts';
import type { Context } from '../../platform/context.ts';
import { attempt, payloadType } from '../../platform/payload.ts';
import { accountScope, byAccountIdArg } from '../../platform/scopes.ts';
import { BusinessAccountRef } from '../accounts/schema.ts';
import { MoneyRef } from '../live/schema.ts';
import './hooks.ts';
import { replyHourLimits, weekdays, type ReplyHourSlot } from './reply-hours.ts';
import { adResults, MAX_RESULT_DAYS, type AdDayResult, type AdResults } from './results.ts';
import * as ads from './service.ts';

/** Who reads an ad's results: its analysts, owners and admins (not agents). */
const resultRoles: readonly MemberRole[] = ['OWNER', 'ADMIN', 'ANALYST'];
const team = (accountId: string, roles: readonly MemberRole[] = allRoles) => ({ account: { id: accountId, roles } });
const reporters = { $any: { adSystem: true, platformAdmin: true } };

const AdStateEnum = builder.enumType(AdState, {
  name: 'AdState',
  description: 'DRAFT → ACTIVE ⇄ PAUSED → ENDED; an ended ad is read-only.',
  values: {
    DRAFT: { description: 'Being prepared; never shown.' },
    ACTIVE: { description: 'Running: shown to users, clicks open conversations.' },
    PAUSED: { description: 'Stopped for now; can be activated again.' },
    ENDED: { description: 'Over for good; read-only.' },
  },
});
const AdCreativeKindEnum = builder.enumType(AdCreativeKind, {
  name: 'AdCreativeKind',
  description: 'What kind of creative an ad shows.',
  values: { UPLOADED_VIDEO: { description: 'A video uploaded for the ad (MP4, MOV or WebM).' }, POST: { description: 'One of the account’s own posts.' } },
});
const WeekdayEnum = builder.enumType('Weekday', {
  description: 'A day of the week, in the account’s time zone.',
  values: Object.fromEntries(weekdays.map((day) => [day, { description: `${day[0]}${day.slice(1).toLowerCase()}.` }])) as Record<(typeof weekdays)[number], { description: string }>,
});

const ReplyHourSlotRef = builder.objectRef<ReplyHourSlot>('ReplyHourSlot').implement({
  description: 'A weekly period when the team answers, in the account’s time zone.',
  fields: (t) => ({
    day: t.field({ type: WeekdayEnum, description: 'The local day.', resolve: (s) => s.day }),
    start: t.exposeString('start', { description: 'Local time HH:MM.' }),
    end: t.exposeString('end', { description: 'Local time HH:MM, after start (24:00 = midnight).' }),
  }),
});
const ReplyHourSlotInput = builder.inputType('ReplyHourSlotInput', {
  description: `A weekly reply-hour slot. Slots of one day may not overlap; at most ${replyHourLimits.slotsPerDay} a day.`,
  fields: (t) => ({
    day: t.field({ type: WeekdayEnum, required: true, description: 'The local day.' }),
    start: t.string({ required: true, description: 'Local time HH:MM (00:00–23:59).' }),
    end: t.string({ required: true, description: 'Local time HH:MM after start (up to 24:00).' }),
  }),
});

interface Creative {
  kind: AdCreativeKind;
  mediaKey: string | null;
  postId: string | null;
}
const AdCreativeRef = builder.objectRef<Creative>('AdCreative').implement({
  description: 'What the ad shows: an uploaded video or one of the account’s posts.',
  fields: (t) => ({
    kind: t.field({ type: AdCreativeKindEnum, description: 'A video or a post.', resolve: (c) => c.kind }),
    videoUrl: t.string({ nullable: true, description: 'UPLOADED_VIDEO: where the video is served.', resolve: (c, _a, ctx) => (c.mediaKey ? ctx.media.url(c.mediaKey) : null) }),
    post: t.prismaField({ type: 'Post', nullable: true, description: 'POST: the post.', resolve: (q, c, _a, ctx) => (c.postId ? ctx.db.post.findUnique({ ...q, where: { id: c.postId } }) : null) }),
  }),
});

const AdDayResultRef = builder.objectRef<AdDayResult & { currency: string }>('AdDayResult').implement({
  description: 'An ad’s figures for one UTC day.',
  fields: (t) => ({
    day: t.field({ type: 'Date', description: 'The UTC day.', resolve: (d) => d.day }),
    clicks: t.exposeInt('clicks', { description: 'Clicks reported that day.' }),
    conversationsStarted: t.exposeInt('conversationsStarted', { description: 'Conversations whose user wrote within 7 days of clicking the ad (counted on the day of that message).' }),
    firstReplies: t.exposeInt('firstReplies', { description: 'Started conversations the team answered for the first time (automated messages excluded).' }),
    leads: t.exposeInt('leads', { description: 'Leads with source AD naming this ad.' }),
    spend: t.field({ type: MoneyRef, description: 'Spend reported for that day.', resolve: (d) => ({ amountMinor: d.spendMinor, currency: d.currency }) }),
  }),
});
const AdResultsRef = builder.objectRef<AdResults>('AdResults').implement({
  description: 'An ad’s figures over a range of UTC days, read from rollups kept exact in the transaction of every event.',
  fields: (t) => ({
    from: t.field({ type: 'Date', description: 'First UTC day of the range.', resolve: (r) => r.from }),
    to: t.field({ type: 'Date', description: 'Last UTC day of the range (included).', resolve: (r) => r.to }),
    clicks: t.exposeInt('clicks', { description: 'Clicks reported by the ad system.' }),
    conversationsStarted: t.exposeInt('conversationsStarted', { description: 'Conversations whose user wrote within 7 days of clicking the ad.' }),
    firstReplies: t.exposeInt('firstReplies', { description: 'Started conversations the team has answered (first manual reply).' }),
    leads: t.exposeInt('leads', { description: 'Leads with source AD naming this ad.' }),
    spend: t.field({ type: MoneyRef, description: 'As reported by the ad system.', resolve: (r) => ({ amountMinor: r.spendMinor, currency: r.currency }) }),
    costPerConversation: t.field({
      type: MoneyRef,
      nullable: true,
      description: 'Spend ÷ conversations started, rounded to a minor unit; null when none started.',
      resolve: (r) => (r.costPerConversationMinor === null ? null : { amountMinor: r.costPerConversationMinor, currency: r.currency }),
    }),
    days: t.field({ type: [AdDayResultRef], description: 'Every day of the range, days without activity as zeros.', resolve: (r) => r.days.map((d) => ({ ...d, currency: r.currency })) }),
  }),
});

export const AdRef = builder.prismaNode('Ad', {
  name: 'MessagingAd',
  id: { field: 'id' },
  description: 'A click-to-DM ad with the lead-collection objective: a click opens a conversation with the account. Visible to the account’s team.',
  authScopes: (ad) => team(ad.accountId),
  loadableBy: (ad) => team(ad.accountId),
  fields: (t) => ({
    account: t.relation('account', { description: 'The business account the ad sends users to.' }),
    title: t.exposeString('title', { description: `At most ${ads.adLimits.titleChars} characters.` }),
    state: t.expose('state', { type: AdStateEnum, description: 'Where the ad is in its life.' }),
    objective: t.string({ description: 'Always LEAD_COLLECTION: messaging ads collect leads in DMs.', resolve: () => 'LEAD_COLLECTION' }),
    destination: t.string({ description: 'Always DIRECT_MESSAGE: a click opens a conversation.', resolve: () => 'DIRECT_MESSAGE' }),
    creative: t.field({ type: AdCreativeRef, description: 'What the ad shows.', resolve: (ad) => ({ kind: ad.creativeKind, mediaKey: ad.creativeMediaKey, postId: ad.creativePostId }) }),
    showOnlyAsAd: t.exposeBoolean('showOnlyAsAd', { description: 'The creative post is not listed on the profile while the ad is active or paused.' }),
    replyHours: t.field({ type: [ReplyHourSlotRef], description: 'When the team answers, in the account’s time zone; empty = always.', resolve: (ad) => ad.replyHours as unknown as ReplyHourSlot[] }),
    awayMessage: t.prismaField({
      type: 'AutoMessage',
      nullable: true,
      description: 'Sent outside reply hours, once per closed period, after review.',
      resolve: (q, ad, _a, ctx) => ctx.db.autoMessage.findUnique({ ...q, where: { adId: ad.id } }),
    }),
    currency: t.exposeString('currency', { description: 'ISO 4217 currency of its spend.' }),
    activatedAt: t.expose('activatedAt', { type: 'DateTime', nullable: true, description: 'First activation.' }),
    endedAt: t.expose('endedAt', { type: 'DateTime', nullable: true, description: 'When it ended.' }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When it was created.' }),
    results: t.field({
      type: AdResultsRef,
      description: `Clicks, conversations started, first replies, leads, spend and cost per conversation over UTC days [from, to] (at most ${MAX_RESULT_DAYS}). Owners, admins and analysts.`,
      authScopes: (ad) => team(ad.accountId, resultRoles),
      args: { from: t.arg({ type: 'Date', required: true, description: 'First UTC day.' }), to: t.arg({ type: 'Date', required: true, description: 'Last UTC day (included).' }) },
      resolve: (ad, args, ctx) => adResults(ctx.db, ad.id, args.from, args.to),
    }),
  }),
});

// ───────────── referrals on conversations ─────────────

const AdReferralRef = builder.prismaObject('AdClick', {
  name: 'AdReferral',
  description: 'An ad click that brought the user to the conversation, as the ad was at that moment.',
  fields: (t) => ({
    ad: t.relation('ad', { description: 'The ad now (the team only).' , authScopes: (click, _args, ctx) => adTeamOfClick(click, ctx) }),
    adTitle: t.exposeString('adTitle', { description: 'The ad’s title at click time.' }),
    creative: t.field({ type: AdCreativeRef, description: 'The creative at click time.', resolve: (c) => ({ kind: c.creativeKind, mediaKey: c.creativeMediaKey, postId: c.creativePostId }) }),
    clickedAt: t.expose('clickedAt', { type: 'DateTime', description: 'When the user clicked.' }),
  }),
});
const adTeamOfClick = async (click: { adId: string }, ctx: Context) => {
  const ad = await ctx.db.ad.findUnique({ where: { id: click.adId }, select: { accountId: true } });
  return ad ? ctx.access.hasAccountRole(ad.accountId, allRoles) : false;
};

builder.prismaObjectFields('Conversation', (t) => ({
  firstAdReferral: t.prismaField({
    type: AdReferralRef,
    nullable: true,
    description: 'The first ad click that brought the user here (first touch).',
    resolve: (q, c, _a, ctx) => (c.firstAdClickId ? ctx.db.adClick.findUnique({ ...q, where: { id: c.firstAdClickId } }) : null),
  }),
  lastAdReferral: t.prismaField({
    type: AdReferralRef,
    nullable: true,
    description: 'The latest ad click that brought the user here (last touch).',
    resolve: (q, c, _a, ctx) => (c.lastAdClickId ? ctx.db.adClick.findUnique({ ...q, where: { id: c.lastAdClickId } }) : null),
  }),
}));

builder.prismaObjectField('BusinessAccount', 'ads', (t) =>
  t.relatedConnection('ads', {
    cursor: 'id',
    description: 'The account’s messaging ads, newest first (the team).',
    authScopes: (a) => team(a.id),
    query: { orderBy: [{ createdAt: 'desc' }, { id: 'desc' }] },
  }),
);

// ───────────── mutations ─────────────

const creativeFields = (t: PothosSchemaTypes.InputFieldBuilder<typeof builder.$inferSchemaTypes, 'InputObject'>) => ({
  creativePostId: t.globalID({ description: 'The creative: one of the account’s posts…' }),
  creativeVideo: t.field({ type: 'File', description: `…or an uploaded MP4, MOV or WebM video (at most ${ads.adLimits.videoMaxBytes / 1024 / 1024} MB, checked by content).` }),
  showOnlyAsAd: t.boolean({ description: 'Keep the creative post off the profile while the ad runs (default false).' }),
  replyHours: t.field({ type: [ReplyHourSlotInput], description: 'Weekly reply hours in the account’s time zone; [] = always open.' }),
  awayMessage: t.string({ description: `Sent outside reply hours (at most ${replyHourLimits.awayMessageChars} characters; reviewed before use). Required with reply hours.` }),
});
const AdCreateInput = builder.inputType('AdCreateInput', {
  description: 'A new messaging ad.',
  fields: (t) => ({
    title: t.string({ required: true, description: `At most ${ads.adLimits.titleChars} characters.` }),
    currency: t.string({ description: 'ISO 4217 currency of its spend (default USD).' }),
    ...creativeFields(t),
  }),
});
const AdUpdateInput = builder.inputType('AdUpdateInput', {
  description: 'Omitted fields stay as they are.',
  fields: (t) => ({ title: t.string({ description: `At most ${ads.adLimits.titleChars} characters.` }), ...creativeFields(t) }),
});
const AdClickInput = builder.inputType('AdClickInput', {
  description: 'A click the ad system reports.',
  fields: (t) => ({
    clickId: t.string({ required: true, description: `The ad system’s id of the click (1–${ads.adLimits.clickIdChars} characters): reporting it again records nothing more.` }),
    adId: t.globalID({ required: true, for: AdRef, description: 'The clicked ad.' }),
    userSubject: t.string({ required: true, description: 'The user’s identity-provider subject (`sub`).' }),
    userHandle: t.string({ required: true, description: 'The user’s handle, used when the user has not signed in yet.' }),
    clickedAt: t.field({ type: 'DateTime', description: 'When the user clicked (default: now).' }),
  }),
});
const AdSpendInput = builder.inputType('AdSpendInput', {
  description: 'An ad’s spend for one UTC day.',
  fields: (t) => ({
    day: t.field({ type: 'Date', required: true, description: 'The UTC day the spend belongs to.' }),
    amountMinor: t.int({ required: true, description: 'The day’s total spend in minor units; a new report replaces the previous one.' }),
    currency: t.string({ required: true, description: 'Must be the ad’s currency.' }),
  }),
});

const AdPayload = payloadType<{ adId: string }>('AdPayload', (t) => ({
  ad: t.prismaField({ type: AdRef, nullable: true, description: 'The ad as it is now; null when refused.', resolve: (q, p, _a, ctx) => (p.adId ? ctx.db.ad.findUnique({ ...q, where: { id: p.adId } }) : null) }),
}));
const AdClickPayload = payloadType<{ clickId: string; conversationId: string }>('AdClickPayload', (t) => ({
  clickId: t.string({ nullable: true, description: 'The recorded click id.', resolve: (p) => p.clickId ?? null }),
  conversationId: t.id({ nullable: true, description: 'The conversation the click opened or continued.', resolve: (p) => (p.conversationId ? encodeGlobalID('Conversation', p.conversationId) : null) }),
}));
const AdSpendPayload = payloadType<{ adId: string; day: string; amountMinor: number; currency: string }>('AdSpendPayload', (t) => ({
  spend: t.field({ type: MoneyRef, nullable: true, description: 'The day’s recorded spend.', resolve: (p) => (p.adId ? { amountMinor: p.amountMinor!, currency: p.currency! } : null) }),
}));

const adAccount = async (args: { id: { id: string } }, ctx: Context) => (await ctx.db.ad.findUnique({ where: { id: args.id.id }, select: { accountId: true } }))?.accountId;
const managerOfAd = accountScope(managerRoles, adAccount);

type CreativeArgs = { creativePostId?: { id: string } | null; creativeVideo?: File | null };
async function creativeOf(input: CreativeArgs): Promise<ads.CreativeInput | null> {
  if (!input.creativePostId && !input.creativeVideo) return null;
  return {
    postId: input.creativePostId?.id,
    video: input.creativeVideo ? new Uint8Array(await input.creativeVideo.arrayBuffer()) : undefined,
  } as ads.CreativeInput;
}

const stateChange = (action: ads.AdAction, description: string) =>
  builder.mutationField(`ad${action[0]}${action.slice(1).toLowerCase()}`, (t) =>
    t.field({
      type: AdPayload,
      description,
      authScopes: managerOfAd,
      args: { id: t.arg.globalID({ required: true, for: AdRef, description: 'The ad.' }) },
      resolve: (_r, { id }, ctx) => attempt(async () => ({ adId: (await ads.changeAdState(ctx, id.id, action)).id })),
    }),
  );
stateChange('ACTIVATE', 'DRAFT or PAUSED → ACTIVE. Refused unless “who can message” is EVERYONE, the account’s region allows messaging ads and its welcome message is approved and on.');
stateChange('PAUSE', 'ACTIVE → PAUSED.');
stateChange('END', 'Ends the ad for good (read-only afterwards).');

builder.mutationFields((t) => ({
  adCreate: t.field({
    type: AdPayload,
    description: 'A messaging ad (DRAFT) for an account. Owners and admins; refused with the same eligibility rules as adActivate and when the creative is not a valid video or an own post.',
    authScopes: accountScope(managerRoles, byAccountIdArg),
    args: { accountId: t.arg.globalID({ required: true, for: BusinessAccountRef, description: 'The account the ad sends users to.' }), input: t.arg({ type: AdCreateInput, required: true, description: 'The ad.' }) },
    resolve: (_r, { accountId, input }, ctx) =>
      attempt(async () => ({ adId: (await ads.createAd(ctx, ctx.viewer!.userId, accountId.id, { ...input, creative: await creativeOf(input) })).id })),
  }),
  adUpdate: t.field({
    type: AdPayload,
    description: 'Edits an ad that has not ended. Owners and admins.',
    authScopes: managerOfAd,
    args: { id: t.arg.globalID({ required: true, for: AdRef, description: 'The ad.' }), input: t.arg({ type: AdUpdateInput, required: true, description: 'The changes.' }) },
    resolve: (_r, { id, input }, ctx) => attempt(async () => ({ adId: (await ads.updateAd(ctx, ctx.viewer!.userId, id.id, { ...input, creative: await creativeOf(input) })).id })),
  }),
  adClickRecord: t.field({
    type: AdClickPayload,
    description: 'The ad system reports a click (a token with platform role `ads`, or a platform admin): the contact and an AD conversation exist afterwards. Idempotent by click id.',
    authScopes: reporters,
    args: { input: t.arg({ type: AdClickInput, required: true, description: 'The click.' }) },
    resolve: (_r, { input }, ctx) =>
      attempt(async () => {
        const click = await ads.recordClick(ctx, { clickId: input.clickId, adId: input.adId.id, user: { subject: input.userSubject, handle: input.userHandle }, clickedAt: input.clickedAt });
        return { clickId: click.clickId, conversationId: click.conversationId };
      }),
  }),
  adSpendRecord: t.field({
    type: AdSpendPayload,
    description: 'The ad system (or a platform admin) reports an ad’s total spend for a UTC day.',
    authScopes: reporters,
    args: { adId: t.arg.globalID({ required: true, for: AdRef, description: 'The ad.' }), input: t.arg({ type: AdSpendInput, required: true, description: 'The day’s spend.' }) },
    resolve: (_r, { adId, input }, ctx) =>
      attempt(async () => {
        const spend = await ads.recordSpend(ctx, adId.id, input.day, input.amountMinor, input.currency);
        return { adId: spend.adId, day: input.day, amountMinor: spend.amountMinor, currency: input.currency };
      }),
  }),
}));
