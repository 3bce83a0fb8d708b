// Live sessions (PRODUCT §6): schedule, start (eligibility), settings, entries, viewers,
// orders, end. Every change that the host console shows appends to the session's event log
// in the same transaction; changes viewers see also publish the room's new snapshot.
import type { LiveFunction, LiveEntryType } from '../../generated/prisma/enums.ts';
import type { AppServices } from '../../platform/context.ts';
import type { Tx } from '../../platform/db.ts';
import { PendingEvents } from '../../platform/events.ts';
import { refuse, refuseIfAny, userError, type UserError } from '../../platform/errors.ts';
import { isHttpUrl, isPhoneNumber } from '../business-page/rules.ts';
import { checkAttachableForm, holdGetLeadsSwitch } from '../leads/forms.ts';
import { eligibilityRefusals } from './eligibility.ts';
import { runLiveStartHooks, runOrderHooks } from './lifecycle-hooks.ts';
import { appendEvent } from './event-log.ts';
import { announceRoom } from './room.ts';
import { liveRuntime } from './runtime.ts';
import { computeStats } from './stats.ts';

export const MAX_BUSINESS_ENTRIES = 6;
export const ENTRY_LABEL_MAX = 20;
export const TITLE_MAX = 100;
export const REMINDER_TEXT_MAX = 150;

type Deps = Pick<AppServices, 'db' | 'clock' | 'pubsub' | 'runtime' | 'config'>;

async function lockSession(tx: Tx, id: string) {
  await tx.$queryRaw`SELECT id FROM "LiveSession" WHERE id = ${id}::uuid FOR UPDATE`;
  return tx.liveSession.findUniqueOrThrow({ where: { id } });
}

/** Runs a change in one transaction, then publishes what it raised. */
async function change<T>(deps: Deps, work: (tx: Tx, events: PendingEvents, now: Date) => Promise<T>): Promise<T> {
  const events = new PendingEvents();
  const result = await deps.db.$transaction((tx) => work(tx, events, deps.clock.now()));
  events.publishTo(deps.pubsub);
  return result;
}

export interface SessionInput {
  title?: string;
  scheduledFor?: Date | null;
  sellsProducts?: boolean;
}

function checkTitle(title: string | undefined, errors: UserError[]) {
  if (title === undefined) return;
  if (title.trim() === '') errors.push(userError('REQUIRED', ['input', 'title'], 'Give the live a title.'));
  else if ([...title].length > TITLE_MAX) errors.push(userError('TOO_LONG', ['input', 'title'], `At most ${TITLE_MAX} characters.`));
}

export async function scheduleSession(deps: Deps, accountId: string, input: SessionInput & { title: string }) {
  const errors: UserError[] = [];
  checkTitle(input.title, errors);
  if (input.scheduledFor && input.scheduledFor < deps.clock.now()) errors.push(userError('INVALID', ['input', 'scheduledFor'], 'Schedule the live in the future.'));
  refuseIfAny(errors);
  return deps.db.liveSession.create({
    data: { accountId, title: input.title.trim(), scheduledFor: input.scheduledFor ?? null, sellsProducts: input.sellsProducts ?? false },
  });
}

/** Goes live, if the account is eligible (every failed rule is named) and not live already. */
export async function startSession(deps: Deps, sessionId: string) {
  const started = await change(deps, async (tx, events, now) => {
    const session = await lockSession(tx, sessionId);
    if (session.state === 'LIVE') refuse('LIVE_ALREADY_RUNNING', ['id'], 'This live is already running.');
    if (session.state === 'ENDED') refuse('LIVE_ENDED', ['id']);
    // starts of one account's sessions take turns, or two could each see no other live running
    await tx.$queryRaw`SELECT id FROM "BusinessAccount" WHERE id = ${session.accountId}::uuid FOR NO KEY UPDATE`;
    const account = await tx.businessAccount.findUniqueOrThrow({ where: { id: session.accountId } });
    refuseIfAny(eligibilityRefusals(account, session.sellsProducts));
    const running = await tx.liveSession.count({ where: { accountId: session.accountId, state: 'LIVE' } });
    if (running > 0) refuse('LIVE_ALREADY_RUNNING', ['id']);
    // reminders count their interval from the start, not from when they were set up
    const updated = await tx.liveSession.update({ where: { id: sessionId }, data: { state: 'LIVE', startedAt: now, lastReminderAt: now } });
    await runLiveStartHooks(tx, { session: updated, now, events });
    await announceRoom(tx, events, sessionId);
    return updated;
  });
  await liveRuntime(deps as AppServices).statsChanged(sessionId);
  return started;
}

export async function endSession(deps: Deps, sessionId: string) {
  return change(deps, async (tx, events, now) => {
    const session = await lockSession(tx, sessionId);
    if (session.state === 'ENDED') refuse('LIVE_ENDED', ['id'], 'This live has already ended.');
    // under the row lock every event numbered so far is committed or waits behind this one,
    // which the new state then refuses: LIVE_ENDED is the last event (taken while not ENDED)
    await tx.liveViewerPresence.deleteMany({ where: { sessionId } });
    await appendEvent(tx, events, sessionId, 'LIVE_ENDED', { endedAt: now.toISOString(), stats: { ...(await computeStats(tx, sessionId, now)) } }, now, ['id']);
    const updated = await tx.liveSession.update({ where: { id: sessionId }, data: { state: 'ENDED', endedAt: now } });
    await announceRoom(tx, events, sessionId);
    return updated;
  });
}

export interface SettingsInput {
  title?: string;
  sellsProducts?: boolean;
  allowViewerMessages?: boolean;
  autoResponsesEnabled?: boolean;
  reminderIntervalMinutes?: number | null;
  reminderText?: string | null;
}

export async function updateSettings(deps: Deps, sessionId: string, input: SettingsInput) {
  const errors: UserError[] = [];
  checkTitle(input.title, errors);
  if (input.reminderIntervalMinutes !== undefined && input.reminderIntervalMinutes !== null && (input.reminderIntervalMinutes < 1 || input.reminderIntervalMinutes > 120)) {
    errors.push(userError('INVALID', ['input', 'reminderIntervalMinutes'], 'Remind every 1 to 120 minutes, or null for never.'));
  }
  if (input.reminderText && [...input.reminderText].length > REMINDER_TEXT_MAX) errors.push(userError('TOO_LONG', ['input', 'reminderText'], `At most ${REMINDER_TEXT_MAX} characters.`));
  refuseIfAny(errors);
  return change(deps, async (tx, events, now) => {
    const session = await lockSession(tx, sessionId);
    if (session.state === 'ENDED') refuse('LIVE_ENDED', ['id']);
    if (input.sellsProducts && session.state === 'LIVE') {
      const account = await tx.businessAccount.findUniqueOrThrow({ where: { id: session.accountId } });
      refuseIfAny(eligibilityRefusals(account, true).map((e) => (e.code === 'LIVE_SELLER_TOO_YOUNG' ? { ...e, field: ['input', 'sellsProducts'] } : e)));
    }
    const updated = await tx.liveSession.update({
      where: { id: sessionId },
      data: {
        title: input.title?.trim(),
        sellsProducts: input.sellsProducts,
        allowViewerMessages: input.allowViewerMessages,
        autoResponsesEnabled: input.autoResponsesEnabled,
        reminderIntervalMinutes: input.reminderIntervalMinutes,
        reminderText: input.reminderText === undefined ? undefined : input.reminderText?.trim() || null,
        // a newly enabled reminder counts its interval from now
        ...(input.reminderIntervalMinutes && !session.reminderIntervalMinutes ? { lastReminderAt: now } : {}),
      },
    });
    await appendEvent(tx, events, sessionId, 'SETTINGS_CHANGED', settingsPayload(updated), now, ['id']);
    if (input.allowViewerMessages !== undefined) await announceRoom(tx, events, sessionId);
    return updated;
  });
}

export function settingsPayload(s: { allowViewerMessages: boolean; autoResponsesEnabled: boolean; reminderIntervalMinutes: number | null; reminderText: string | null; sellsProducts: boolean; title: string }) {
  return {
    title: s.title,
    sellsProducts: s.sellsProducts,
    allowViewerMessages: s.allowViewerMessages,
    autoResponsesEnabled: s.autoResponsesEnabled,
    reminderIntervalMinutes: s.reminderIntervalMinutes,
    reminderText: s.reminderText,
  };
}

// ───────────── entries ─────────────

export interface EntryInput {
  type: LiveEntryType;
  leadFormId?: string | null;
  function?: LiveFunction | null;
  label?: string | null;
  target?: string | null;
}

const defaultLabels: Record<LiveFunction, string> = {
  BUSINESS_PAGE: 'Our page',
  WEBSITE: 'Website',
  PHONE: 'Call us',
  DIRECT_MESSAGE: 'Message us',
  APP_DOWNLOAD: 'Get the app',
};

function checkBusinessEntry(input: EntryInput, errors: UserError[]) {
  if (!input.function) {
    errors.push(userError('REQUIRED', ['input', 'function'], 'A BUSINESS entry names the function it opens.'));
    return;
  }
  if (input.label && [...input.label].length > ENTRY_LABEL_MAX) errors.push(userError('TOO_LONG', ['input', 'label'], `Labels are at most ${ENTRY_LABEL_MAX} characters.`));
  const needsUrl = input.function === 'WEBSITE' || input.function === 'APP_DOWNLOAD';
  if (needsUrl && (!input.target || !isHttpUrl(input.target))) errors.push(userError('URL_INVALID', ['input', 'target'], `A ${input.function} entry needs an http(s) URL.`));
  if (input.function === 'PHONE' && (!input.target || !isPhoneNumber(input.target))) errors.push(userError('PHONE_INVALID', ['input', 'target']));
  if (!needsUrl && input.function !== 'PHONE' && input.target) errors.push(userError('INVALID', ['input', 'target'], `A ${input.function} entry has no target.`));
}

function entryPayload(
  entry: { id: string; type: string; leadFormId: string | null; function: string | null; label: string | null; target: string | null; visible: boolean; position: number },
  changeKind: string,
  formName: string | null,
  reason: string | null = null,
) {
  return { entryId: entry.id, change: changeKind, reason, type: entry.type, leadFormId: entry.leadFormId, formName, function: entry.function, label: entry.label, target: entry.target, visible: entry.visible, position: entry.position };
}

async function formNameOf(tx: Tx, leadFormId: string | null) {
  return leadFormId ? ((await tx.leadForm.findUnique({ where: { id: leadFormId }, select: { name: true } }))?.name ?? null) : null;
}

/** Adds an entry (hidden until shown). A live has one GET_LEADS entry, or up to six BUSINESS entries. */
export async function addEntry(deps: Deps, sessionId: string, input: EntryInput) {
  return change(deps, async (tx, events, now) => {
    const session = await lockSession(tx, sessionId);
    if (session.state === 'ENDED') refuse('LIVE_ENDED', ['sessionId']);
    const existing = await tx.liveEntry.findMany({ where: { sessionId }, select: { type: true, position: true } });
    const errors: UserError[] = [];
    if (existing.some((e) => e.type !== input.type)) errors.push(userError('ENTRY_MODE_CONFLICT', ['input', 'type']));
    if (input.type === 'GET_LEADS') {
      if (!input.leadFormId) errors.push(userError('REQUIRED', ['input', 'leadFormId'], 'A GET_LEADS entry shows one lead form.'));
      else errors.push(...(await checkAttachableForm(tx, session.accountId, input.leadFormId, ['input', 'leadFormId'])));
      if (existing.some((e) => e.type === 'GET_LEADS')) errors.push(userError('LIMIT_REACHED', ['input', 'type'], 'A live has only one Get Leads entry.'));
      if (input.function || input.target) errors.push(userError('INVALID', ['input', 'function'], 'A GET_LEADS entry has no function or target.'));
    } else {
      checkBusinessEntry(input, errors);
      if (input.leadFormId) errors.push(userError('INVALID', ['input', 'leadFormId'], 'BUSINESS entries do not show a lead form.'));
      if (existing.filter((e) => e.type === 'BUSINESS').length >= MAX_BUSINESS_ENTRIES) {
        errors.push(userError('LIMIT_REACHED', ['input', 'type'], `A live has at most ${MAX_BUSINESS_ENTRIES} business entries.`));
      }
    }
    refuseIfAny(errors);
    const entry = await tx.liveEntry.create({
      data: {
        sessionId,
        type: input.type,
        leadFormId: input.type === 'GET_LEADS' ? input.leadFormId! : null,
        function: input.type === 'BUSINESS' ? input.function! : null,
        label: input.type === 'BUSINESS' ? input.label?.trim() || defaultLabels[input.function!] : null,
        target: input.type === 'BUSINESS' ? (input.target?.trim() ?? null) : null,
        position: Math.max(0, ...existing.map((e) => e.position)) + 1,
      },
    });
    await appendEvent(tx, events, sessionId, 'ENTRY_CHANGED', entryPayload(entry, 'ADDED', await formNameOf(tx, entry.leadFormId)), now, ['sessionId']);
    return entry;
  });
}

async function lockEntry(tx: Tx, entryId: string, showing = false) {
  const entry = await tx.liveEntry.findUniqueOrThrow({ where: { id: entryId } });
  // showing a form: its switch cannot turn off until this commits (form first, then session,
  // the order in which switching it off hides its entries)
  if (showing && entry.leadFormId) await holdGetLeadsSwitch(tx, entry.leadFormId);
  const session = await lockSession(tx, entry.sessionId);
  if (session.state === 'ENDED') refuse('LIVE_ENDED', ['id']);
  return { entry, session };
}

export async function setEntryVisible(deps: Deps, entryId: string, visible: boolean) {
  return change(deps, async (tx, events, now) => {
    const { entry, session } = await lockEntry(tx, entryId, visible);
    // a form may have been switched off since it was added
    if (visible && entry.leadFormId) refuseIfAny(await checkAttachableForm(tx, session.accountId, entry.leadFormId, ['id']));
    const updated = await tx.liveEntry.update({ where: { id: entryId }, data: { visible } });
    await appendEvent(tx, events, entry.sessionId, 'ENTRY_CHANGED', entryPayload(updated, visible ? 'SHOWN' : 'HIDDEN', await formNameOf(tx, updated.leadFormId)), now, ['id']);
    await announceRoom(tx, events, entry.sessionId);
    return updated;
  });
}

/**
 * A lead form's Get Leads switch turned off (inside that transaction, the form locked): its
 * visible entries in lives that have not ended are hidden, the host hears why, and viewers
 * see them vanish.
 */
export async function hideEntriesOfSwitchedOffForm(tx: Tx, events: PendingEvents, formId: string, formName: string, now: Date): Promise<void> {
  const entries = await tx.liveEntry.findMany({ where: { leadFormId: formId, visible: true, session: { state: { not: 'ENDED' } } }, select: { id: true, sessionId: true } });
  for (const { id, sessionId } of entries) {
    const session = await lockSession(tx, sessionId);
    if (session.state === 'ENDED') continue;
    const hidden = await tx.liveEntry.update({ where: { id }, data: { visible: false } });
    await appendEvent(tx, events, sessionId, 'ENTRY_CHANGED', entryPayload(hidden, 'HIDDEN', formName, 'GET_LEADS_OFF'), now);
    await announceRoom(tx, events, sessionId);
  }
}

export async function removeEntry(deps: Deps, entryId: string) {
  return change(deps, async (tx, events, now) => {
    const { entry } = await lockEntry(tx, entryId);
    await tx.liveEntry.delete({ where: { id: entryId } });
    await appendEvent(tx, events, entry.sessionId, 'ENTRY_CHANGED', entryPayload({ ...entry, visible: false }, 'REMOVED', await formNameOf(tx, entry.leadFormId)), now, ['id']);
    if (entry.visible) await announceRoom(tx, events, entry.sessionId);
    return entry;
  });
}

// ───────────── viewers and orders ─────────────

/**
 * A viewer joins (+1) or leaves (-1) the room; the count never goes below zero. Viewers who
 * wait in the room before the start count too: they are watching once it starts.
 */
export function countViewer(deps: Deps, sessionId: string, delta: 1 | -1): Promise<boolean> {
  return liveRuntime(deps as AppServices).viewers.add(sessionId, delta);
}

export interface OrderInput {
  amountMinor: number;
  currency: string;
  units: number;
  externalId?: string | null;
}

/** Records a sale made during the live (idempotent by externalId). */
export async function recordOrder(deps: Deps, sessionId: string, input: OrderInput) {
  const errors: UserError[] = [];
  if (!Number.isInteger(input.amountMinor) || input.amountMinor < 0) errors.push(userError('INVALID', ['input', 'amountMinor'], 'Amounts are non-negative integers in minor units.'));
  if (!/^[A-Z]{3}$/.test(input.currency)) errors.push(userError('INVALID', ['input', 'currency'], 'Currencies are ISO 4217 codes such as EUR.'));
  if (!Number.isInteger(input.units) || input.units < 1) errors.push(userError('INVALID', ['input', 'units'], 'At least one unit.'));
  refuseIfAny(errors);
  // the order and what other modules keep about it (campaign rollups) commit together
  const order = await change(deps, async (tx, events) => {
    // the key-share lock keeps the live from ending until the order is stored (the end's
    // final stats count it) without queueing behind DMs, and an order that waited for an end
    // reads the row as the end left it: ENDED
    const [session] = await tx.$queryRaw<{ accountId: string; state: string }[]>`
      SELECT "accountId", state::text FROM "LiveSession" WHERE id = ${sessionId}::uuid FOR KEY SHARE`;
    if (session?.state !== 'LIVE') refuse('LIVE_NOT_RUNNING', ['sessionId'], 'Sales are recorded during the live.');
    const data = { sessionId, accountId: session.accountId, amountMinor: input.amountMinor, currency: input.currency, units: input.units, externalId: input.externalId ?? null, createdAt: deps.clock.now() };
    if (input.externalId) {
      const stored = await tx.liveOrder.createMany({ data: [data], skipDuplicates: true });
      const order = await tx.liveOrder.findUniqueOrThrow({ where: { sessionId_externalId: { sessionId, externalId: input.externalId } } });
      if (stored.count === 1) await runOrderHooks(tx, { order, events });
      return order;
    }
    const order = await tx.liveOrder.create({ data });
    await runOrderHooks(tx, { order, events });
    return order;
  });
  await liveRuntime(deps as AppServices).statsChanged(sessionId);
  return order;
}

