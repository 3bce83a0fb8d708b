// GraphQL surface of live rooms: sessions and their settings and entries for the host's
// team, the host stream (`liveEvents`), the viewer stream (`liveRoom`) and sales.
import { encodeGlobalID } from '@pothos/plugin-relay';
import { LiveEntryType, LiveEventType, LiveFunction, LiveSessionState } from '../../generated/prisma/enums.ts';
import { allRoles, operatorRoles } from '../../platform/access.ts';
import { builder } from '../../platform/builder.ts';
import type { Context } from '../../platform/context.ts';
import { pageSizeLimit } from '../../platform/limits.ts';
import { attempt, payloadType } from '../../platform/payload.ts';
import { accountScope, byAccountIdArg } from '../../platform/scopes.ts';
import { relay } from '../../platform/streams.ts';
import { BusinessAccountRef } from '../accounts/schema.ts';
import { LeadFormRef, LeadQuestionEnum, PublicLeadFormRef } from '../leads/schema.ts';
import type { LiveStats } from './stats.ts';
import { computeStats } from './stats.ts';
import { loadEvents } from './event-log.ts';
import './hooks.ts';
import { roomSnapshot, type RoomEntry, type RoomSnapshot } from './room.ts';
import { roomStream } from './room-stream.ts';
import * as live from './service.ts';
import { hostStream, type StreamedEvent } from './stream.ts';

export const LiveSessionStateEnum = builder.enumType(LiveSessionState, {
  name: 'LiveSessionState',
  description: 'The lifecycle of a live session: SCHEDULED → LIVE → ENDED.',
  values: {
    SCHEDULED: { description: 'Created, not started; settings and entries can be prepared.' },
    LIVE: { description: 'Broadcasting now.' },
    ENDED: { description: 'Over; nothing about it can change any more.' },
  },
});
const LiveEntryTypeEnum = builder.enumType(LiveEntryType, {
  name: 'LiveEntryType',
  description: 'GET_LEADS shows one lead form; BUSINESS entries open functions.',
  values: {
    GET_LEADS: { description: 'Shows one approved lead form with Get Leads on; at most one per live.' },
    BUSINESS: { description: 'Opens a business function; up to 6 per live, never with a GET_LEADS entry.' },
  },
});
const LiveFunctionEnum = builder.enumType(LiveFunction, {
  name: 'LiveFunction',
  description: 'What a BUSINESS entry of a live room opens.',
  values: {
    BUSINESS_PAGE: { description: 'The account’s business page (default label "Our page").' },
    WEBSITE: { description: 'A website: `target` is an http(s) URL (default label "Website").' },
    PHONE: { description: 'A phone call: `target` is a phone number (default label "Call us").' },
    DIRECT_MESSAGE: { description: 'A direct message to the account (default label "Message us").' },
    APP_DOWNLOAD: { description: 'An app download: `target` is an http(s) URL (default label "Get the app").' },
  },
});
const LiveEventTypeEnum = builder.enumType(LiveEventType, {
  name: 'LiveEventType',
  description: 'The kinds of event in a live session’s host stream; the LiveEvent field of the same name carries its content.',
  values: {
    VIEWER_MESSAGE: { description: 'A viewer sent a DM from the live room (`viewerMessage`).' },
    LEAD_SUBMITTED: { description: 'A viewer submitted a lead from the live (`lead`).' },
    ENTRY_CHANGED: { description: 'An entry was added, shown, hidden or removed (`entry`).' },
    SETTINGS_CHANGED: { description: 'The session’s settings changed (`settings`).' },
    STATS: { description: 'Viewers, messages, leads and sales so far (`stats`); at most one per second.' },
    REMINDER: { description: 'Time to remind viewers to send a DM (`reminder`), every N minutes when set.' },
    LIVE_ENDED: { description: 'The live ended (`stats` holds the final figures); always the last event.' },
  },
});

const team = (accountId: string) => ({ account: { id: accountId, roles: allRoles } });

/** LiveSession.events reads the log in pages of at most this many events. */
const EVENTS_PAGE_MAX = 500;

export const MoneyRef = builder.objectRef<{ currency: string; amountMinor: number }>('Money').implement({
  description: 'An amount in minor units (cents) of an ISO 4217 currency.',
  fields: (t) => ({
    amountMinor: t.exposeInt('amountMinor', { description: 'The amount in minor units (e.g. cents), 0 or more.' }),
    currency: t.exposeString('currency', { description: 'ISO 4217 currency code, e.g. EUR.' }),
  }),
});

const LiveStatsRef = builder.objectRef<LiveStats>('LiveStats').implement({
  description: 'A live session’s figures so far.',
  fields: (t) => ({
    viewers: t.exposeInt('viewers', {
      description: 'Watching now, counted through the API instances that reported within the last 30 seconds (a crashed instance’s viewers drop out after that); 0 once the live has ended.',
    }),
    peakViewers: t.exposeInt('peakViewers', { description: 'The most viewers watching at once so far.' }),
    messages: t.exposeInt('messages', { description: 'Viewer DMs sent from this live.' }),
    leads: t.exposeInt('leads', { description: 'Leads submitted from this live.' }),
    orders: t.exposeInt('orders', { description: 'Orders recorded during this live.' }),
    units: t.exposeInt('units', { description: 'Units sold in those orders.' }),
    sales: t.field({ type: [MoneyRef], description: 'One total per currency.', resolve: (s) => s.sales }),
  }),
});

export const LiveEntryRef = builder.prismaNode('LiveEntry', {
  description: 'An entry of a live session (a Get Leads form or a business function), as the host’s team manages it. Viewers see visible entries through `LiveRoom`.',
  id: { field: 'id' },
  // the host's setup, shown or not: viewers see the visible entries through liveRoom
  loadableBy: async (entry, ctx) => {
    const accountId = await sessionAccount({ sessionId: { id: entry.sessionId } }, ctx);
    return accountId ? team(accountId) : false;
  },
  fields: (t) => ({
    type: t.expose('type', { type: LiveEntryTypeEnum, description: 'GET_LEADS or BUSINESS.' }),
    function: t.expose('function', { type: LiveFunctionEnum, nullable: true, description: 'For BUSINESS: what it opens; null for GET_LEADS.' }),
    label: t.exposeString('label', { nullable: true, description: 'For BUSINESS: the button label, at most 20 characters; null for GET_LEADS.' }),
    target: t.exposeString('target', { nullable: true, description: 'For WEBSITE and APP_DOWNLOAD a URL, for PHONE a phone number; null otherwise.' }),
    visible: t.exposeBoolean('visible', { description: 'Shown to viewers now (entries start hidden).' }),
    position: t.exposeInt('position', { description: 'Order in the room, from 1.' }),
    leadForm: t.prismaField({ type: 'LeadForm', nullable: true, description: 'For GET_LEADS: the lead form.', resolve: (q, e, _a, ctx) => (e.leadFormId ? ctx.db.leadForm.findUnique({ ...q, where: { id: e.leadFormId } }) : null) }),
    preview: t.field({
      type: PublicLeadFormRef,
      nullable: true,
      description: 'For GET_LEADS: the form exactly as viewers will see it.',
      resolve: async (e, _a, ctx) => (e.leadFormId ? ctx.db.leadForm.findUnique({ where: { id: e.leadFormId } }) : null),
    }),
  }),
});

export const LiveSessionRef = builder.prismaNode('LiveSession', {
  description: 'A live broadcast of a business account, with its settings, entries and event log. Any member who works on the account may see it.',
  id: { field: 'id' },
  authScopes: (s) => team(s.accountId),
  loadableBy: (s) => team(s.accountId),
  fields: (t) => ({
    account: t.relation('account', { description: 'The business account going live.' }),
    title: t.exposeString('title', { description: 'The live’s title, 1–100 characters.' }),
    state: t.expose('state', { type: LiveSessionStateEnum, description: 'SCHEDULED, LIVE or ENDED.' }),
    scheduledFor: t.expose('scheduledFor', { type: 'DateTime', nullable: true, description: 'When it is planned to start; null if not given.' }),
    startedAt: t.expose('startedAt', { type: 'DateTime', nullable: true, description: 'When it went live; null before.' }),
    endedAt: t.expose('endedAt', { type: 'DateTime', nullable: true, description: 'When it ended; null before.' }),
    sellsProducts: t.exposeBoolean('sellsProducts', { description: 'Products are sold in the live (needs an owner aged 18 or over).' }),
    allowViewerMessages: t.exposeBoolean('allowViewerMessages', { description: 'Customer DMs from the live room.' }),
    autoResponsesEnabled: t.exposeBoolean('autoResponsesEnabled', { description: 'Auto-messages answer viewer DMs sent from this live.' }),
    reminderIntervalMinutes: t.exposeInt('reminderIntervalMinutes', { nullable: true, description: 'A REMINDER event every this many minutes (1–120) while live; null for none.' }),
    reminderText: t.exposeString('reminderText', { nullable: true, description: 'The reminder’s prompt (at most 150 characters); null uses a default prompt to send a DM.' }),
    lastSeq: t.exposeInt('lastSeq', { description: 'Sequence number of the latest event.' }),
    entries: t.relation('entries', { description: 'Every entry, hidden or visible, in room order.', query: { orderBy: [{ position: 'asc' }, { id: 'asc' }] } }),
    stats: t.field({ type: LiveStatsRef, description: 'The figures now.', resolve: (s, _a, ctx) => computeStats(ctx.db, s.id, ctx.clock.now()) }),
    events: t.field({
      type: [LiveEventRef],
      description: `The event log after a sequence number, in order (at most ${EVENTS_PAGE_MAX} per call).`,
      extensions: pageSizeLimit(EVENTS_PAGE_MAX),
      args: {
        afterSeq: t.arg.int({ defaultValue: 0, description: 'Events with a greater seq are returned; 0 for the whole log.' }),
        first: t.arg.int({ defaultValue: 100, description: `How many events, 0 to ${EVENTS_PAGE_MAX}; more is refused (PAGE_SIZE_EXCEEDED).` }),
      },
      resolve: (s, args, ctx) => loadEvents(ctx.db, s.id, args.afterSeq ?? 0, undefined, args.first ?? 100),
    }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When it was scheduled.' }),
  }),
});

// ───────────── event payloads (read from the stored JSON: no queries) ─────────────

type P = Record<string, unknown>;
const ViewerMessageEventRef = builder.objectRef<P>('LiveViewerMessage').implement({
  description: 'A viewer’s DM sent from the live room, as the host console shows it.',
  fields: (t) => ({
    messageId: t.id({ description: 'Global id of the Message.', resolve: (p) => encodeGlobalID('Message', String(p.messageId)) }),
    conversationId: t.id({ description: 'Global id of the Conversation, to reply in.', resolve: (p) => encodeGlobalID('Conversation', String(p.conversationId)) }),
    viewerHandle: t.string({ description: 'The viewer’s handle.', resolve: (p) => String(p.viewerHandle) }),
    kind: t.string({ description: 'The message kind (a MessageKind name, e.g. TEXT).', resolve: (p) => String(p.kind) }),
    text: t.string({ nullable: true, description: 'For TEXT messages: the text.', resolve: (p) => (p.text as string | null) ?? null }),
  }),
});
const LiveLeadAnswerRef = builder.objectRef<{ question: 'ENQUIRY'; label: string; answer: string }>('LiveLeadAnswer').implement({
  description: 'One answer of a lead submitted during the live.',
  fields: (t) => ({
    question: t.field({ type: LeadQuestionEnum, description: 'Which question.', resolve: (a) => a.question }),
    label: t.exposeString('label', { description: 'The question as the viewer read it.' }),
    answer: t.exposeString('answer', { description: 'The viewer’s answer.' }),
  }),
});
const LeadSubmittedEventRef = builder.objectRef<P>('LiveLeadSubmitted').implement({
  description: 'A lead submitted from the live room, as the host console shows it.',
  fields: (t) => ({
    leadId: t.id({ description: 'Global id of the Lead.', resolve: (p) => encodeGlobalID('Lead', String(p.leadId)) }),
    formName: t.string({ description: 'The lead form’s name.', resolve: (p) => String(p.formName) }),
    viewerHandle: t.string({ description: 'The viewer’s handle.', resolve: (p) => String(p.viewerHandle) }),
    answers: t.field({ type: [LiveLeadAnswerRef], description: 'The answers, in the form’s order.', resolve: (p) => p.answers as never }),
  }),
});
const EntryChangedEventRef = builder.objectRef<P>('LiveEntryChanged').implement({
  description: 'An entry of the live as it was after a change.',
  fields: (t) => ({
    entryId: t.id({ description: 'Global id of the LiveEntry.', resolve: (p) => encodeGlobalID('LiveEntry', String(p.entryId)) }),
    change: t.string({ description: 'ADDED, SHOWN, HIDDEN or REMOVED.', resolve: (p) => String(p.change) }),
    reason: t.string({
      nullable: true,
      description: 'Why the entry changed when no one of the team changed it: GET_LEADS_OFF (its lead form’s Get Leads switch was turned off, so it was hidden). Null for the team’s own changes.',
      resolve: (p) => (p.reason as string | null) ?? null,
    }),
    type: t.field({ type: LiveEntryTypeEnum, description: 'GET_LEADS or BUSINESS.', resolve: (p) => p.type as never }),
    function: t.field({ type: LiveFunctionEnum, nullable: true, description: 'For BUSINESS: what it opens.', resolve: (p) => (p.function as never) ?? null }),
    label: t.string({ nullable: true, description: 'For BUSINESS: the label.', resolve: (p) => (p.label as string | null) ?? null }),
    target: t.string({ nullable: true, description: 'For WEBSITE, APP_DOWNLOAD and PHONE: the URL or number.', resolve: (p) => (p.target as string | null) ?? null }),
    formName: t.string({ nullable: true, description: 'For GET_LEADS: the lead form’s name.', resolve: (p) => (p.formName as string | null) ?? null }),
    visible: t.boolean({ description: 'Shown to viewers after the change.', resolve: (p) => Boolean(p.visible) }),
  }),
});
const SettingsEventRef = builder.objectRef<P>('LiveSettings').implement({
  description: 'A live session’s settings after a change.',
  fields: (t) => ({
    title: t.string({ description: 'The title.', resolve: (p) => String(p.title) }),
    sellsProducts: t.boolean({ description: 'Products are sold in the live.', resolve: (p) => Boolean(p.sellsProducts) }),
    allowViewerMessages: t.boolean({ description: 'Viewers may DM from the room.', resolve: (p) => Boolean(p.allowViewerMessages) }),
    autoResponsesEnabled: t.boolean({ description: 'Auto-messages answer viewer DMs.', resolve: (p) => Boolean(p.autoResponsesEnabled) }),
    reminderIntervalMinutes: t.int({ nullable: true, description: 'Minutes between reminders; null for none.', resolve: (p) => (p.reminderIntervalMinutes as number | null) ?? null }),
    reminderText: t.string({ nullable: true, description: 'The reminder’s prompt; null for the default.', resolve: (p) => (p.reminderText as string | null) ?? null }),
  }),
});

export const LiveEventRef = builder.objectRef<StreamedEvent>('LiveEvent').implement({
  description: 'One in-live event. The field named after its type is set; the others are null.',
  fields: (t) => {
    const part = <T,>(type: string, pick: (p: P) => T) => (e: StreamedEvent) => (e.type === type ? pick(e.payload as P) : null);
    return {
      seq: t.exposeInt('seq', { description: 'Per-session, gap-free, increasing.' }),
      type: t.field({ type: LiveEventTypeEnum, description: 'What happened; names the field that carries it.', resolve: (e) => e.type }),
      at: t.field({ type: 'DateTime', description: 'When it happened.', resolve: (e) => e.createdAt }),
      sessionId: t.id({ description: 'Global id of the live session.', resolve: (e) => encodeGlobalID('LiveSession', e.sessionId) }),
      viewerMessage: t.field({ type: ViewerMessageEventRef, nullable: true, description: 'For VIEWER_MESSAGE.', resolve: part('VIEWER_MESSAGE', (p) => p) }),
      lead: t.field({ type: LeadSubmittedEventRef, nullable: true, description: 'For LEAD_SUBMITTED.', resolve: part('LEAD_SUBMITTED', (p) => p) }),
      entry: t.field({ type: EntryChangedEventRef, nullable: true, description: 'For ENTRY_CHANGED.', resolve: part('ENTRY_CHANGED', (p) => p) }),
      settings: t.field({ type: SettingsEventRef, nullable: true, description: 'For SETTINGS_CHANGED.', resolve: part('SETTINGS_CHANGED', (p) => p) }),
      stats: t.field({
        type: LiveStatsRef,
        nullable: true,
        description: 'For STATS and LIVE_ENDED.',
        resolve: (e) => (e.type === 'STATS' ? (e.payload as unknown as LiveStats) : e.type === 'LIVE_ENDED' ? ((e.payload as P).stats as LiveStats) : null),
      }),
      reminder: t.string({ nullable: true, description: 'For REMINDER: the prompt to show viewers.', resolve: part('REMINDER', (p) => String(p.text)) }),
    };
  },
});

// ───────────── the viewer room ─────────────

const RoomEntryRef = builder.objectRef<RoomEntry>('LiveRoomEntry').implement({
  description: 'A visible entry of a live room, as viewers see it.',
  fields: (t) => ({
    id: t.id({ description: 'Global id of the LiveEntry.', resolve: (e) => encodeGlobalID('LiveEntry', e.id) }),
    type: t.field({ type: LiveEntryTypeEnum, description: 'GET_LEADS or BUSINESS.', resolve: (e) => e.type }),
    function: t.field({ type: LiveFunctionEnum, nullable: true, description: 'For BUSINESS: what it opens.', resolve: (e) => e.function as never }),
    label: t.exposeString('label', { nullable: true, description: 'For BUSINESS: the button label.' }),
    target: t.exposeString('target', { nullable: true, description: 'For WEBSITE, APP_DOWNLOAD and PHONE: the URL or number to open.' }),
    leadFormId: t.id({ nullable: true, description: 'Open it with publicLeadForm(id:).', resolve: (e) => (e.leadForm ? encodeGlobalID('LeadForm', e.leadForm.id) : null) }),
    leadFormName: t.string({ nullable: true, description: 'For GET_LEADS: the form’s name.', resolve: (e) => e.leadForm?.name ?? null }),
    callToAction: t.string({ nullable: true, description: 'For GET_LEADS: the button label (a LeadFormCallToAction name).', resolve: (e) => e.leadForm?.callToAction ?? null }),
  }),
});

// LiveRoom and LiveRoomEntry must never read the context: `liveRoom` shares one execution of a
// snapshot among all its viewers (platform/shared-results.ts)
const LiveRoomRef = builder.objectRef<RoomSnapshot>('LiveRoom').implement({
  description: 'What a viewer of the live sees: never other viewers’ messages or personal data.',
  fields: (t) => ({
    sessionId: t.id({ description: 'Global id of the live session.', resolve: (r) => encodeGlobalID('LiveSession', r.sessionId) }),
    state: t.field({ type: LiveSessionStateEnum, description: 'SCHEDULED, LIVE or ENDED.', resolve: (r) => r.state }),
    allowViewerMessages: t.exposeBoolean('allowViewerMessages', { description: 'Whether you can DM the host from the room.' }),
    entries: t.field({ type: [RoomEntryRef], description: 'Visible entries, in order.', resolve: (r) => r.entries }),
  }),
});

// ───────────── queries, mutations, subscriptions ─────────────

const sessionAccount = async (args: { id: { id: string } } | { sessionId: { id: string } }, ctx: Context) => {
  const id = 'id' in args ? args.id.id : args.sessionId.id;
  return (await ctx.db.liveSession.findUnique({ where: { id }, select: { accountId: true } }))?.accountId;
};
const entryAccount = async (args: { id: { id: string } }, ctx: Context) =>
  (await ctx.db.liveEntry.findUnique({ where: { id: args.id.id }, select: { session: { select: { accountId: true } } } }))?.session.accountId;

builder.prismaObjectField('BusinessAccount', 'liveSessions', (t) =>
  t.relatedConnection('liveSessions', { cursor: 'id', description: 'The account’s live sessions, newest first. Any member who works on the account.', authScopes: (a) => team(a.id), query: { orderBy: [{ createdAt: 'desc' }, { id: 'desc' }] } }),
);

builder.queryField('liveRoomSnapshot', (t) =>
  t.field({
    type: LiveRoomRef,
    nullable: true,
    description: 'The live room as a viewer sees it now; null for an unknown session. No token needed.',
    args: { sessionId: t.arg.globalID({ required: true, for: LiveSessionRef, description: 'The live session.' }) },
    resolve: async (_r, args, ctx) => ((await ctx.db.liveSession.count({ where: { id: args.sessionId.id } })) ? roomSnapshot(ctx.db, args.sessionId.id) : null),
  }),
);

const SessionInput = builder.inputType('LiveSessionScheduleInput', {
  description: 'A new live session.',
  fields: (t) => ({
    title: t.string({ required: true, description: '1–100 characters.' }),
    scheduledFor: t.field({ type: 'DateTime', description: 'When it is planned to start; in the future.' }),
    sellsProducts: t.boolean({ description: 'Selling in the live needs an owner aged 18 or over.' }),
  }),
});
const SettingsInput = builder.inputType('LiveSessionSettingsInput', {
  description: 'Changes to a live session’s settings; omitted fields stay.',
  fields: (t) => ({
    title: t.string({ description: '1–100 characters.' }),
    sellsProducts: t.boolean({ description: 'Sell products in the live (needs an owner aged 18 or over).' }),
    allowViewerMessages: t.boolean({ description: 'Let viewers send DMs from the room.' }),
    autoResponsesEnabled: t.boolean({ description: 'Let auto-messages answer viewer DMs from the live.' }),
    reminderIntervalMinutes: t.int({ description: '1–120; null turns reminders off.' }),
    reminderText: t.string({ description: 'The reminder prompt, at most 150 characters; null for the default prompt.' }),
  }),
});
const EntryInput = builder.inputType('LiveEntryInput', {
  description: 'A new live entry: a GET_LEADS entry names a lead form; a BUSINESS entry a function (and its target).',
  fields: (t) => ({
    type: t.field({ type: LiveEntryTypeEnum, required: true, description: 'GET_LEADS or BUSINESS (a live cannot mix them).' }),
    leadFormId: t.globalID({ for: LeadFormRef, description: 'GET_LEADS: an approved form with Get Leads on.' }),
    function: t.field({ type: LiveFunctionEnum, description: 'BUSINESS: what the entry opens.' }),
    label: t.string({ description: 'BUSINESS: at most 20 characters; defaults to a label for the function.' }),
    target: t.string({ description: 'BUSINESS: URL for WEBSITE/APP_DOWNLOAD, phone for PHONE.' }),
  }),
});
const OrderInput = builder.inputType('LiveOrderInput', {
  description: 'A sale made during the live.',
  fields: (t) => ({
    amountMinor: t.int({ required: true, description: 'The amount in minor units (e.g. cents), 0 or more.' }),
    currency: t.string({ required: true, description: 'ISO 4217 code in capitals, e.g. EUR.' }),
    units: t.int({ required: true, description: 'Units sold, at least 1.' }),
    externalId: t.string({ description: 'The shop’s order id: recording it twice stores one order.' }),
  }),
});

const LiveSessionPayload = payloadType<{ sessionId: string }>('LiveSessionPayload', (t) => ({
  session: t.prismaField({ type: 'LiveSession', nullable: true, description: 'The session after the change.', resolve: (q, p, _a, ctx) => (p.sessionId ? ctx.db.liveSession.findUnique({ ...q, where: { id: p.sessionId } }) : null) }),
}));
const LiveEntryPayload = payloadType<{ entryId: string; sessionId: string; removed: boolean }>('LiveEntryPayload', (t) => ({
  entry: t.prismaField({
    type: 'LiveEntry',
    nullable: true,
    description: 'The entry added or changed; null after a removal.',
    resolve: (q, p, _a, ctx) => (p.entryId && !p.removed ? ctx.db.liveEntry.findUnique({ ...q, where: { id: p.entryId } }) : null),
  }),
  removedEntryId: t.id({ nullable: true, description: 'Global id of the removed entry.', resolve: (p) => (p.removed && p.entryId ? encodeGlobalID('LiveEntry', p.entryId) : null) }),
  session: t.prismaField({ type: 'LiveSession', nullable: true, description: 'The session the entry belongs to.', resolve: (q, p, _a, ctx) => (p.sessionId ? ctx.db.liveSession.findUnique({ ...q, where: { id: p.sessionId } }) : null) }),
}));
const LiveOrderPayload = payloadType<{ orderId: string; sessionId: string }>('LiveOrderPayload', (t) => ({
  orderId: t.id({ nullable: true, description: 'Global id of the recorded order (the first one for a repeated externalId).', resolve: (p) => (p.orderId ? encodeGlobalID('LiveOrder', p.orderId) : null) }),
  session: t.prismaField({ type: 'LiveSession', nullable: true, description: 'The session; read its `stats`.', resolve: (q, p, _a, ctx) => (p.sessionId ? ctx.db.liveSession.findUnique({ ...q, where: { id: p.sessionId } }) : null) }),
}));

const hostOf = accountScope(operatorRoles, sessionAccount);

builder.mutationFields((t) => ({
  liveSessionSchedule: t.field({
    type: LiveSessionPayload,
    description: 'Creates a SCHEDULED live session. Owners, admins and agents who work on the account.',
    authScopes: accountScope(operatorRoles, byAccountIdArg),
    args: { accountId: t.arg.globalID({ required: true, for: BusinessAccountRef, description: 'The account going live.' }), input: t.arg({ type: SessionInput, required: true, description: 'The session.' }) },
    resolve: (_r, { accountId, input }, ctx) =>
      attempt(async () => ({ sessionId: (await live.scheduleSession(ctx, accountId.id, { title: input.title, scheduledFor: input.scheduledFor, sellsProducts: input.sellsProducts ?? false })).id })),
  }),
  liveSessionStart: t.field({
    type: LiveSessionPayload,
    description: 'Goes live. Refused, naming each failed rule, below 1,000 followers, with an owner under 16 (18 to sell) or a serious violation, and while the account has another live running. Owners, admins and agents who work on the account.',
    authScopes: hostOf,
    args: { id: t.arg.globalID({ required: true, for: LiveSessionRef, description: 'A SCHEDULED session.' }) },
    resolve: (_r, { id }, ctx) => attempt(async () => ({ sessionId: (await live.startSession(ctx, id.id)).id })),
  }),
  liveSessionEnd: t.field({
    type: LiveSessionPayload,
    description: 'Ends the live: LIVE_ENDED closes the host stream and viewers see the end. Owners, admins and agents who work on the account.',
    authScopes: hostOf,
    args: { id: t.arg.globalID({ required: true, for: LiveSessionRef, description: 'The session.' }) },
    resolve: (_r, { id }, ctx) => attempt(async () => ({ sessionId: (await live.endSession(ctx, id.id)).id })),
  }),
  liveSessionUpdate: t.field({
    type: LiveSessionPayload,
    description: 'Settings: viewer DMs, auto-responses, reminders, title, selling; before or during the live. Owners, admins and agents who work on the account.',
    authScopes: hostOf,
    args: { id: t.arg.globalID({ required: true, for: LiveSessionRef, description: 'A session that has not ended.' }), input: t.arg({ type: SettingsInput, required: true, description: 'The changes.' }) },
    resolve: (_r, { id, input }, ctx) =>
      attempt(async () => ({
        sessionId: (
          await live.updateSettings(ctx, id.id, {
            title: input.title ?? undefined,
            sellsProducts: input.sellsProducts ?? undefined,
            allowViewerMessages: input.allowViewerMessages ?? undefined,
            autoResponsesEnabled: input.autoResponsesEnabled ?? undefined,
            reminderIntervalMinutes: input.reminderIntervalMinutes,
            reminderText: input.reminderText,
          })
        ).id,
      })),
  }),
  liveEntryAdd: t.field({
    type: LiveEntryPayload,
    description: 'Adds an entry, hidden until shown (preview it first): one GET_LEADS entry or up to 6 BUSINESS entries. Owners, admins and agents who work on the account.',
    authScopes: accountScope(operatorRoles, (args: { sessionId: { id: string } }, ctx) => sessionAccount(args, ctx)),
    args: { sessionId: t.arg.globalID({ required: true, for: LiveSessionRef, description: 'A session that has not ended.' }), input: t.arg({ type: EntryInput, required: true, description: 'The entry.' }) },
    resolve: (_r, { sessionId, input }, ctx) =>
      attempt(async () => {
        const entry = await live.addEntry(ctx, sessionId.id, { ...input, leadFormId: input.leadFormId?.id });
        return { entryId: entry.id, sessionId: entry.sessionId, removed: false };
      }),
  }),
  liveEntrySetVisible: t.field({
    type: LiveEntryPayload,
    description: 'Shows or hides an entry in the live room (a GET_LEADS entry shows only while its form accepts leads). Owners, admins and agents who work on the account.',
    authScopes: accountScope(operatorRoles, entryAccount),
    args: { id: t.arg.globalID({ required: true, for: LiveEntryRef, description: 'The entry.' }), visible: t.arg.boolean({ required: true, description: 'true shows, false hides.' }) },
    resolve: (_r, { id, visible }, ctx) =>
      attempt(async () => {
        const entry = await live.setEntryVisible(ctx, id.id, visible);
        return { entryId: entry.id, sessionId: entry.sessionId, removed: false };
      }),
  }),
  liveEntryRemove: t.field({
    type: LiveEntryPayload,
    description: 'Removes an entry from a session that has not ended. Owners, admins and agents who work on the account.',
    authScopes: accountScope(operatorRoles, entryAccount),
    args: { id: t.arg.globalID({ required: true, for: LiveEntryRef, description: 'The entry.' }) },
    resolve: (_r, { id }, ctx) =>
      attempt(async () => {
        const entry = await live.removeEntry(ctx, id.id);
        return { entryId: entry.id, sessionId: entry.sessionId, removed: true };
      }),
  }),
  liveOrderRecord: t.field({
    type: LiveOrderPayload,
    description: 'Records a sale made during the live (amount in minor units); only while LIVE. Owners, admins and agents who work on the account.',
    authScopes: accountScope(operatorRoles, (args: { sessionId: { id: string } }, ctx) => sessionAccount(args, ctx)),
    args: { sessionId: t.arg.globalID({ required: true, for: LiveSessionRef, description: 'The running session.' }), input: t.arg({ type: OrderInput, required: true, description: 'The sale.' }) },
    resolve: (_r, { sessionId, input }, ctx) =>
      attempt(async () => {
        const order = await live.recordOrder(ctx, sessionId.id, input);
        return { orderId: order.id, sessionId: sessionId.id };
      }),
  }),
}));

builder.subscriptionFields((t) => ({
  liveEvents: t.field({
    type: LiveEventRef,
    description:
      'The host console stream: every in-live event in sequence order. Pass the last seq you saw to receive exactly what you missed, then live events. Ends after LIVE_ENDED. Any member who works on the account; ends when they lose access.',
    authScopes: accountScope(allRoles, (args: { sessionId: { id: string } }, ctx) => sessionAccount(args, ctx)),
    args: { sessionId: t.arg.globalID({ required: true, for: LiveSessionRef, description: 'The live session.' }), afterSeq: t.arg.int({ description: 'Omit to start with the next event.' }) },
    subscribe: (_r, args, ctx) => hostStream(ctx, args.sessionId.id, args.afterSeq ?? null),
    resolve: (event) => event,
  }),
  liveRoom: t.field({
    type: LiveRoomRef,
    description: 'For viewers: the room now, then each change (entries, whether you can DM, the end). Joining counts you as a viewer. Any signed-in user.',
    authScopes: { authenticated: true },
    args: { sessionId: t.arg.globalID({ required: true, for: LiveSessionRef, description: 'The live session to watch.' }) },
    subscribe: (_r, args, ctx) => viewerRoom(ctx, args.sessionId.id),
    resolve: (snapshot) => snapshot,
  }),
}));

async function viewerRoom(ctx: Context, sessionId: string): Promise<AsyncIterable<RoomSnapshot>> {
  if (!(await ctx.db.liveSession.count({ where: { id: sessionId } }))) return relay((async function* (): AsyncGenerator<RoomSnapshot> {})());
  const updates = ctx.pubsub.subscribe('liveRoom', sessionId);
  let counted = false;
  // leaving (or the end) uncounts the viewer at once, not at the next room change
  const leave = async () => {
    if (counted) await live.countViewer(ctx, sessionId, -1).catch(() => {});
  };
  let first: RoomSnapshot;
  try {
    counted = await live.countViewer(ctx, sessionId, 1);
    first = await roomSnapshot(ctx.db, sessionId);
  } catch (error) {
    await updates.return?.();
    await leave();
    throw error;
  }
  return roomStream(first, updates, leave);
}
