// GraphQL surface of live rooms: sessions and their settings and entries for the host's
// team, the host stream (`liveEvents`), the viewer stream (`liveRoom`) and sales.
import { encodeGlobalID } from '@pothos/plugin-relay';
import { LiveEntryType, LiveEventType, LiveFunction, LiveSessionState } from '../../generated/prisma/enums.ts';
import { allRoles, operatorRoles } from '../../platform/access.ts';
import { builder } from '../../platform/builder.ts';
import type { Context } from '../../platform/context.ts';
import { pageSizeLimit } from '../../platform/limits.ts';
import { attempt, payloadType } from '../../platform/payload.ts';
import { accountScope, byAccountIdArg, whileMember } from '../../platform/scopes.ts';
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

export const LiveSessionStateEnum = builder.enumType(LiveSessionState, { name: 'LiveSessionState' });
const LiveEntryTypeEnum = builder.enumType(LiveEntryType, { name: 'LiveEntryType', description: 'GET_LEADS shows one lead form; BUSINESS entries open functions.' });
const LiveFunctionEnum = builder.enumType(LiveFunction, { name: 'LiveFunction' });
const LiveEventTypeEnum = builder.enumType(LiveEventType, { name: 'LiveEventType' });

const team = (accountId: string) => ({ account: { id: accountId, roles: allRoles } });

/** LiveSession.events reads the log in pages of at most this many events. */
const EVENTS_PAGE_MAX = 500;

const MoneyRef = builder.objectRef<{ currency: string; amountMinor: number }>('Money').implement({
  description: 'An amount in minor units (cents) of an ISO 4217 currency.',
  fields: (t) => ({ amountMinor: t.exposeInt('amountMinor'), currency: t.exposeString('currency') }),
});

const LiveStatsRef = builder.objectRef<LiveStats>('LiveStats').implement({
  fields: (t) => ({
    viewers: t.exposeInt('viewers', {
      description: 'Watching now, counted through the API instances that reported within the last 30 seconds (a crashed instance’s viewers drop out after that); 0 once the live has ended.',
    }),
    peakViewers: t.exposeInt('peakViewers'),
    messages: t.exposeInt('messages', { description: 'Viewer DMs sent from this live.' }),
    leads: t.exposeInt('leads'),
    orders: t.exposeInt('orders'),
    units: t.exposeInt('units'),
    sales: t.field({ type: [MoneyRef], description: 'One total per currency.', resolve: (s) => s.sales }),
  }),
});

export const LiveEntryRef = builder.prismaNode('LiveEntry', {
  id: { field: 'id' },
  fields: (t) => ({
    type: t.expose('type', { type: LiveEntryTypeEnum }),
    function: t.expose('function', { type: LiveFunctionEnum, nullable: true }),
    label: t.exposeString('label', { nullable: true }),
    target: t.exposeString('target', { nullable: true }),
    visible: t.exposeBoolean('visible'),
    position: t.exposeInt('position'),
    leadForm: t.prismaField({ type: 'LeadForm', nullable: true, resolve: (q, e, _a, ctx) => (e.leadFormId ? ctx.db.leadForm.findUnique({ ...q, where: { id: e.leadFormId } }) : null) }),
    preview: t.field({
      type: PublicLeadFormRef,
      nullable: true,
      description: 'For GET_LEADS: the form exactly as viewers will see it.',
      resolve: async (e, _a, ctx) => (e.leadFormId ? ctx.db.leadForm.findUnique({ where: { id: e.leadFormId } }) : null),
    }),
  }),
});

export const LiveSessionRef = builder.prismaNode('LiveSession', {
  id: { field: 'id' },
  authScopes: (s) => team(s.accountId),
  fields: (t) => ({
    account: t.relation('account'),
    title: t.exposeString('title'),
    state: t.expose('state', { type: LiveSessionStateEnum }),
    scheduledFor: t.expose('scheduledFor', { type: 'DateTime', nullable: true }),
    startedAt: t.expose('startedAt', { type: 'DateTime', nullable: true }),
    endedAt: t.expose('endedAt', { type: 'DateTime', nullable: true }),
    sellsProducts: t.exposeBoolean('sellsProducts'),
    allowViewerMessages: t.exposeBoolean('allowViewerMessages', { description: 'Customer DMs from the live room.' }),
    autoResponsesEnabled: t.exposeBoolean('autoResponsesEnabled'),
    reminderIntervalMinutes: t.exposeInt('reminderIntervalMinutes', { nullable: true }),
    reminderText: t.exposeString('reminderText', { nullable: true }),
    lastSeq: t.exposeInt('lastSeq', { description: 'Sequence number of the latest event.' }),
    entries: t.relation('entries', { query: { orderBy: [{ position: 'asc' }, { id: 'asc' }] } }),
    stats: t.field({ type: LiveStatsRef, resolve: (s, _a, ctx) => computeStats(ctx.db, s.id, ctx.clock.now()) }),
    events: t.field({
      type: [LiveEventRef],
      description: `The event log after a sequence number, in order (at most ${EVENTS_PAGE_MAX} per call).`,
      extensions: pageSizeLimit(EVENTS_PAGE_MAX),
      args: {
        afterSeq: t.arg.int({ defaultValue: 0, description: 'Events with a greater seq are returned; 0 for the whole log.' }),
        first: t.arg.int({ defaultValue: 100, description: `How many events, 0 to ${EVENTS_PAGE_MAX}; more is refused (BAD_USER_INPUT).` }),
      },
      resolve: (s, args, ctx) => loadEvents(ctx.db, s.id, args.afterSeq ?? 0, undefined, args.first ?? 100),
    }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
  }),
});

// ───────────── event payloads (read from the stored JSON: no queries) ─────────────

type P = Record<string, unknown>;
const ViewerMessageEventRef = builder.objectRef<P>('LiveViewerMessage').implement({
  fields: (t) => ({
    messageId: t.id({ resolve: (p) => encodeGlobalID('Message', String(p.messageId)) }),
    conversationId: t.id({ resolve: (p) => encodeGlobalID('Conversation', String(p.conversationId)) }),
    viewerHandle: t.string({ resolve: (p) => String(p.viewerHandle) }),
    kind: t.string({ resolve: (p) => String(p.kind) }),
    text: t.string({ nullable: true, resolve: (p) => (p.text as string | null) ?? null }),
  }),
});
const LiveLeadAnswerRef = builder.objectRef<{ question: 'ENQUIRY'; label: string; answer: string }>('LiveLeadAnswer').implement({
  fields: (t) => ({
    question: t.field({ type: LeadQuestionEnum, resolve: (a) => a.question }),
    label: t.exposeString('label'),
    answer: t.exposeString('answer'),
  }),
});
const LeadSubmittedEventRef = builder.objectRef<P>('LiveLeadSubmitted').implement({
  fields: (t) => ({
    leadId: t.id({ resolve: (p) => encodeGlobalID('Lead', String(p.leadId)) }),
    formName: t.string({ resolve: (p) => String(p.formName) }),
    viewerHandle: t.string({ resolve: (p) => String(p.viewerHandle) }),
    answers: t.field({ type: [LiveLeadAnswerRef], resolve: (p) => p.answers as never }),
  }),
});
const EntryChangedEventRef = builder.objectRef<P>('LiveEntryChanged').implement({
  fields: (t) => ({
    entryId: t.id({ resolve: (p) => encodeGlobalID('LiveEntry', String(p.entryId)) }),
    change: t.string({ description: 'ADDED, SHOWN, HIDDEN or REMOVED.', resolve: (p) => String(p.change) }),
    reason: t.string({
      nullable: true,
      description: 'Why the entry changed when no one of the team changed it: GET_LEADS_OFF (its lead form’s Get Leads switch was turned off, so it was hidden). Null for the team’s own changes.',
      resolve: (p) => (p.reason as string | null) ?? null,
    }),
    type: t.field({ type: LiveEntryTypeEnum, resolve: (p) => p.type as never }),
    function: t.field({ type: LiveFunctionEnum, nullable: true, resolve: (p) => (p.function as never) ?? null }),
    label: t.string({ nullable: true, resolve: (p) => (p.label as string | null) ?? null }),
    target: t.string({ nullable: true, resolve: (p) => (p.target as string | null) ?? null }),
    formName: t.string({ nullable: true, resolve: (p) => (p.formName as string | null) ?? null }),
    visible: t.boolean({ resolve: (p) => Boolean(p.visible) }),
  }),
});
const SettingsEventRef = builder.objectRef<P>('LiveSettings').implement({
  fields: (t) => ({
    title: t.string({ resolve: (p) => String(p.title) }),
    sellsProducts: t.boolean({ resolve: (p) => Boolean(p.sellsProducts) }),
    allowViewerMessages: t.boolean({ resolve: (p) => Boolean(p.allowViewerMessages) }),
    autoResponsesEnabled: t.boolean({ resolve: (p) => Boolean(p.autoResponsesEnabled) }),
    reminderIntervalMinutes: t.int({ nullable: true, resolve: (p) => (p.reminderIntervalMinutes as number | null) ?? null }),
    reminderText: t.string({ nullable: true, resolve: (p) => (p.reminderText as string | null) ?? null }),
  }),
});

export const LiveEventRef = builder.objectRef<StreamedEvent>('LiveEvent').implement({
  description: 'One in-live event. The field named after its type is set; the others are null.',
  fields: (t) => {
    const part = <T,>(type: string, pick: (p: P) => T) => (e: StreamedEvent) => (e.type === type ? pick(e.payload as P) : null);
    return {
      seq: t.exposeInt('seq', { description: 'Per-session, gap-free, increasing.' }),
      type: t.field({ type: LiveEventTypeEnum, resolve: (e) => e.type }),
      at: t.field({ type: 'DateTime', resolve: (e) => e.createdAt }),
      sessionId: t.id({ resolve: (e) => encodeGlobalID('LiveSession', e.sessionId) }),
      viewerMessage: t.field({ type: ViewerMessageEventRef, nullable: true, resolve: part('VIEWER_MESSAGE', (p) => p) }),
      lead: t.field({ type: LeadSubmittedEventRef, nullable: true, resolve: part('LEAD_SUBMITTED', (p) => p) }),
      entry: t.field({ type: EntryChangedEventRef, nullable: true, resolve: part('ENTRY_CHANGED', (p) => p) }),
      settings: t.field({ type: SettingsEventRef, nullable: true, resolve: part('SETTINGS_CHANGED', (p) => p) }),
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
  fields: (t) => ({
    id: t.id({ resolve: (e) => encodeGlobalID('LiveEntry', e.id) }),
    type: t.field({ type: LiveEntryTypeEnum, resolve: (e) => e.type }),
    function: t.field({ type: LiveFunctionEnum, nullable: true, resolve: (e) => e.function as never }),
    label: t.exposeString('label', { nullable: true }),
    target: t.exposeString('target', { nullable: true }),
    leadFormId: t.id({ nullable: true, description: 'Open it with publicLeadForm(id:).', resolve: (e) => (e.leadForm ? encodeGlobalID('LeadForm', e.leadForm.id) : null) }),
    leadFormName: t.string({ nullable: true, resolve: (e) => e.leadForm?.name ?? null }),
    callToAction: t.string({ nullable: true, resolve: (e) => e.leadForm?.callToAction ?? null }),
  }),
});

// LiveRoom and LiveRoomEntry must never read the context: `liveRoom` shares one execution of a
// snapshot among all its viewers (platform/shared-results.ts)
const LiveRoomRef = builder.objectRef<RoomSnapshot>('LiveRoom').implement({
  description: 'What a viewer of the live sees: never other viewers’ messages or personal data.',
  fields: (t) => ({
    sessionId: t.id({ resolve: (r) => encodeGlobalID('LiveSession', r.sessionId) }),
    state: t.field({ type: LiveSessionStateEnum, resolve: (r) => r.state }),
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
  t.relatedConnection('liveSessions', { cursor: 'id', authScopes: (a) => team(a.id), query: { orderBy: [{ createdAt: 'desc' }, { id: 'desc' }] } }),
);

builder.queryField('liveRoomSnapshot', (t) =>
  t.field({
    type: LiveRoomRef,
    nullable: true,
    description: 'The live room as a viewer sees it now.',
    args: { sessionId: t.arg.globalID({ required: true, for: LiveSessionRef }) },
    resolve: async (_r, args, ctx) => ((await ctx.db.liveSession.count({ where: { id: args.sessionId.id } })) ? roomSnapshot(ctx.db, args.sessionId.id) : null),
  }),
);

const SessionInput = builder.inputType('LiveSessionScheduleInput', {
  fields: (t) => ({
    title: t.string({ required: true }),
    scheduledFor: t.field({ type: 'DateTime' }),
    sellsProducts: t.boolean({ description: 'Selling in the live needs an owner aged 18 or over.' }),
  }),
});
const SettingsInput = builder.inputType('LiveSessionSettingsInput', {
  fields: (t) => ({
    title: t.string(),
    sellsProducts: t.boolean(),
    allowViewerMessages: t.boolean(),
    autoResponsesEnabled: t.boolean(),
    reminderIntervalMinutes: t.int({ description: '1–120; null turns reminders off.' }),
    reminderText: t.string(),
  }),
});
const EntryInput = builder.inputType('LiveEntryInput', {
  fields: (t) => ({
    type: t.field({ type: LiveEntryTypeEnum, required: true }),
    leadFormId: t.globalID({ for: LeadFormRef, description: 'GET_LEADS: an approved form with Get Leads on.' }),
    function: t.field({ type: LiveFunctionEnum, description: 'BUSINESS: what the entry opens.' }),
    label: t.string({ description: 'BUSINESS: at most 20 characters.' }),
    target: t.string({ description: 'BUSINESS: URL for WEBSITE/APP_DOWNLOAD, phone for PHONE.' }),
  }),
});
const OrderInput = builder.inputType('LiveOrderInput', {
  fields: (t) => ({
    amountMinor: t.int({ required: true }),
    currency: t.string({ required: true }),
    units: t.int({ required: true }),
    externalId: t.string({ description: 'The shop’s order id: recording it twice stores one order.' }),
  }),
});

const LiveSessionPayload = payloadType<{ sessionId: string }>('LiveSessionPayload', (t) => ({
  session: t.prismaField({ type: 'LiveSession', nullable: true, resolve: (q, p, _a, ctx) => (p.sessionId ? ctx.db.liveSession.findUnique({ ...q, where: { id: p.sessionId } }) : null) }),
}));
const LiveEntryPayload = payloadType<{ entryId: string; sessionId: string; removed: boolean }>('LiveEntryPayload', (t) => ({
  entry: t.prismaField({
    type: 'LiveEntry',
    nullable: true,
    resolve: (q, p, _a, ctx) => (p.entryId && !p.removed ? ctx.db.liveEntry.findUnique({ ...q, where: { id: p.entryId } }) : null),
  }),
  removedEntryId: t.id({ nullable: true, resolve: (p) => (p.removed && p.entryId ? encodeGlobalID('LiveEntry', p.entryId) : null) }),
  session: t.prismaField({ type: 'LiveSession', nullable: true, resolve: (q, p, _a, ctx) => (p.sessionId ? ctx.db.liveSession.findUnique({ ...q, where: { id: p.sessionId } }) : null) }),
}));
const LiveOrderPayload = payloadType<{ orderId: string; sessionId: string }>('LiveOrderPayload', (t) => ({
  orderId: t.id({ nullable: true, resolve: (p) => (p.orderId ? encodeGlobalID('LiveOrder', p.orderId) : null) }),
  session: t.prismaField({ type: 'LiveSession', nullable: true, resolve: (q, p, _a, ctx) => (p.sessionId ? ctx.db.liveSession.findUnique({ ...q, where: { id: p.sessionId } }) : null) }),
}));

const hostOf = accountScope(operatorRoles, sessionAccount);

builder.mutationFields((t) => ({
  liveSessionSchedule: t.field({
    type: LiveSessionPayload,
    authScopes: accountScope(operatorRoles, byAccountIdArg),
    args: { accountId: t.arg.globalID({ required: true, for: BusinessAccountRef }), input: t.arg({ type: SessionInput, required: true }) },
    resolve: (_r, { accountId, input }, ctx) =>
      attempt(async () => ({ sessionId: (await live.scheduleSession(ctx, accountId.id, { title: input.title, scheduledFor: input.scheduledFor, sellsProducts: input.sellsProducts ?? false })).id })),
  }),
  liveSessionStart: t.field({
    type: LiveSessionPayload,
    description: 'Goes live. Refused, naming each failed rule, below 1,000 followers, with an owner under 16 (18 to sell) or a serious violation.',
    authScopes: hostOf,
    args: { id: t.arg.globalID({ required: true, for: LiveSessionRef }) },
    resolve: (_r, { id }, ctx) => attempt(async () => ({ sessionId: (await live.startSession(ctx, id.id)).id })),
  }),
  liveSessionEnd: t.field({
    type: LiveSessionPayload,
    authScopes: hostOf,
    args: { id: t.arg.globalID({ required: true, for: LiveSessionRef }) },
    resolve: (_r, { id }, ctx) => attempt(async () => ({ sessionId: (await live.endSession(ctx, id.id)).id })),
  }),
  liveSessionUpdate: t.field({
    type: LiveSessionPayload,
    description: 'Settings: viewer DMs, auto-responses, reminders, title.',
    authScopes: hostOf,
    args: { id: t.arg.globalID({ required: true, for: LiveSessionRef }), input: t.arg({ type: SettingsInput, required: true }) },
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
    description: 'Adds an entry, hidden until shown (preview it first).',
    authScopes: accountScope(operatorRoles, (args: { sessionId: { id: string } }, ctx) => sessionAccount(args, ctx)),
    args: { sessionId: t.arg.globalID({ required: true, for: LiveSessionRef }), input: t.arg({ type: EntryInput, required: true }) },
    resolve: (_r, { sessionId, input }, ctx) =>
      attempt(async () => {
        const entry = await live.addEntry(ctx, sessionId.id, { ...input, leadFormId: input.leadFormId?.id });
        return { entryId: entry.id, sessionId: entry.sessionId, removed: false };
      }),
  }),
  liveEntrySetVisible: t.field({
    type: LiveEntryPayload,
    description: 'Shows or hides an entry in the live room.',
    authScopes: accountScope(operatorRoles, entryAccount),
    args: { id: t.arg.globalID({ required: true, for: LiveEntryRef }), visible: t.arg.boolean({ required: true }) },
    resolve: (_r, { id, visible }, ctx) =>
      attempt(async () => {
        const entry = await live.setEntryVisible(ctx, id.id, visible);
        return { entryId: entry.id, sessionId: entry.sessionId, removed: false };
      }),
  }),
  liveEntryRemove: t.field({
    type: LiveEntryPayload,
    authScopes: accountScope(operatorRoles, entryAccount),
    args: { id: t.arg.globalID({ required: true, for: LiveEntryRef }) },
    resolve: (_r, { id }, ctx) =>
      attempt(async () => {
        const entry = await live.removeEntry(ctx, id.id);
        return { entryId: entry.id, sessionId: entry.sessionId, removed: true };
      }),
  }),
  liveOrderRecord: t.field({
    type: LiveOrderPayload,
    description: 'Records a sale made during the live (amount in minor units).',
    authScopes: accountScope(operatorRoles, (args: { sessionId: { id: string } }, ctx) => sessionAccount(args, ctx)),
    args: { sessionId: t.arg.globalID({ required: true, for: LiveSessionRef }), input: t.arg({ type: OrderInput, required: true }) },
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
      'The host console stream: every in-live event in sequence order. Pass the last seq you saw to receive exactly what you missed, then live events. Ends after LIVE_ENDED.',
    authScopes: accountScope(allRoles, (args: { sessionId: { id: string } }, ctx) => sessionAccount(args, ctx)),
    args: { sessionId: t.arg.globalID({ required: true, for: LiveSessionRef }), afterSeq: t.arg.int({ description: 'Omit to start with the next event.' }) },
    subscribe: async (_r, args, ctx) => {
      const accountId = (await sessionAccount(args, ctx))!;
      return whileMember(ctx, accountId, allRoles, hostStream(ctx, args.sessionId.id, args.afterSeq ?? null));
    },
    resolve: (event) => event,
  }),
  liveRoom: t.field({
    type: LiveRoomRef,
    description: 'For viewers: the room now, then each change (entries, whether you can DM, the end). Joining counts you as a viewer.',
    authScopes: { authenticated: true },
    args: { sessionId: t.arg.globalID({ required: true, for: LiveSessionRef }) },
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
