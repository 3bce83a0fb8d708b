// Shared setup for the live-room API tests: a team whose account may go live, sessions and
// entries through the API, the host stream (`liveEvents`) and the viewer room (`liveRoom`)
// over graphql-ws, and everything the live module (and the DMs and leads it causes) stores.
import { afterAll, beforeAll, expect } from 'vitest';
import type { Client } from 'graphql-ws';
import type { MemberRole } from '../../src/generated/prisma/enums.ts';
import { liveRuntime } from '../../src/modules/live/runtime.ts';
import type { LiveStats } from '../../src/modules/live/stats.ts';
import { startApp, type TestApp } from './app.ts';
import { subscribe, type Api } from './client.ts';
import { accepted, createTeam, localId, type Team } from './fixtures.ts';
import { answers, LEAD_SUBMIT } from './leads.ts';
import { sendDm } from './messaging.ts';

export const USER_ERRORS = /* GraphQL */ `userErrors { code field message }`;
export const SESSION_FIELDS = /* GraphQL */ `id title state scheduledFor startedAt endedAt sellsProducts allowViewerMessages autoResponsesEnabled reminderIntervalMinutes reminderText lastSeq`;
export const ENTRY_FIELDS = /* GraphQL */ `id type function label target visible position leadForm { id name }`;
export const STATS_FIELDS = /* GraphQL */ `viewers peakViewers messages leads orders units sales { currency amountMinor }`;
export const EVENT_FIELDS = /* GraphQL */ `
  seq type at sessionId
  viewerMessage { messageId conversationId viewerHandle kind text }
  lead { leadId formName viewerHandle answers { question label answer } }
  entry { entryId change reason type function label target formName visible }
  settings { title sellsProducts allowViewerMessages autoResponsesEnabled reminderIntervalMinutes reminderText }
  stats { ${STATS_FIELDS} }
  reminder`;
export const ROOM_FIELDS = /* GraphQL */ `sessionId state allowViewerMessages entries { id type function label target leadFormId leadFormName callToAction }`;

export const LIVE = {
  schedule: /* GraphQL */ `
    mutation ($accountId: ID!, $input: LiveSessionScheduleInput!) { liveSessionSchedule(accountId: $accountId, input: $input) { session { ${SESSION_FIELDS} } ${USER_ERRORS} } }`,
  start: /* GraphQL */ `mutation ($id: ID!) { liveSessionStart(id: $id) { session { ${SESSION_FIELDS} } ${USER_ERRORS} } }`,
  end: /* GraphQL */ `mutation ($id: ID!) { liveSessionEnd(id: $id) { session { ${SESSION_FIELDS} } ${USER_ERRORS} } }`,
  update: /* GraphQL */ `
    mutation ($id: ID!, $input: LiveSessionSettingsInput!) { liveSessionUpdate(id: $id, input: $input) { session { ${SESSION_FIELDS} } ${USER_ERRORS} } }`,
  entryAdd: /* GraphQL */ `
    mutation ($sessionId: ID!, $input: LiveEntryInput!) { liveEntryAdd(sessionId: $sessionId, input: $input) { entry { ${ENTRY_FIELDS} } removedEntryId ${USER_ERRORS} } }`,
  entrySetVisible: /* GraphQL */ `
    mutation ($id: ID!, $visible: Boolean!) { liveEntrySetVisible(id: $id, visible: $visible) { entry { ${ENTRY_FIELDS} } removedEntryId ${USER_ERRORS} } }`,
  entryRemove: /* GraphQL */ `mutation ($id: ID!) { liveEntryRemove(id: $id) { entry { id } removedEntryId ${USER_ERRORS} } }`,
  orderRecord: /* GraphQL */ `
    mutation ($sessionId: ID!, $input: LiveOrderInput!) { liveOrderRecord(sessionId: $sessionId, input: $input) { orderId session { id stats { ${STATS_FIELDS} } } ${USER_ERRORS} } }`,
  session: /* GraphQL */ `query ($id: ID!) { node(id: $id) { ... on LiveSession { ${SESSION_FIELDS} entries { ${ENTRY_FIELDS} } stats { ${STATS_FIELDS} } } } }`,
  events: (fields = EVENT_FIELDS) => /* GraphQL */ `
    subscription ($sessionId: ID!, $afterSeq: Int) { liveEvents(sessionId: $sessionId, afterSeq: $afterSeq) { ${fields} } }`,
  room: /* GraphQL */ `subscription ($sessionId: ID!) { liveRoom(sessionId: $sessionId) { ${ROOM_FIELDS} } }`,
};

const PLATFORM_UPDATE = /* GraphQL */ `
  mutation ($id: ID!, $input: BusinessAccountPlatformInput!) { businessAccountPlatformUpdate(id: $id, input: $input) { ${USER_ERRORS} } }`;

type Payload = { userErrors: { code: string; field?: string[] | null }[] } & Record<string, any>;

/** The live mutations as `api` runs them; each returns its payload, refusals included. */
export function liveApi(api: Api) {
  const run = async (document: string, variables: Record<string, unknown>, field: string): Promise<Payload> => (await api.request(document, variables))[field];
  return {
    schedule: (accountId: string, input: Record<string, unknown> = {}) =>
      run(LIVE.schedule, { accountId, input: { title: 'Spring launch', ...input } }, 'liveSessionSchedule'),
    start: (id: string) => run(LIVE.start, { id }, 'liveSessionStart'),
    end: (id: string) => run(LIVE.end, { id }, 'liveSessionEnd'),
    update: (id: string, input: Record<string, unknown>) => run(LIVE.update, { id, input }, 'liveSessionUpdate'),
    addEntry: (sessionId: string, input: Record<string, unknown>) => run(LIVE.entryAdd, { sessionId, input }, 'liveEntryAdd'),
    setVisible: (id: string, visible: boolean) => run(LIVE.entrySetVisible, { id, visible }, 'liveEntrySetVisible'),
    removeEntry: (id: string) => run(LIVE.entryRemove, { id }, 'liveEntryRemove'),
    recordOrder: (sessionId: string, input: Record<string, unknown>) => run(LIVE.orderRecord, { sessionId, input }, 'liveOrderRecord'),
  };
}

// ───────────── the team ─────────────

/** What the platform records about an account that may go live (and sell in it). */
export const eligible = { followerCount: 5000, ownerAge: 30, seriousViolations: 0 };

/** Sets follower count, owner age or violations as a platform admin. */
export async function setPlatform(
  t: TestApp,
  accountId: string,
  input: { followerCount?: number; ownerAge?: number | null; seriousViolations?: number },
): Promise<void> {
  const { businessAccountPlatformUpdate } = await t.as('live.platform', ['admin']).request(PLATFORM_UPDATE, { id: accountId, input });
  expect(businessAccountPlatformUpdate.userErrors).toEqual([]);
}

export interface LiveTeam extends Team {
  /** `<prefix>_<who>` */
  handle(who: string): string;
  /** a member (owner, admin, agent, analyst) or `foreign` (another organization's owner) */
  as(who: string): Api;
  owner: Api;
  /** eligible to go live */
  shop: string;
  shopHandle: string;
  /** not eligible (no followers, owner age unknown) */
  other: string;
  /** the other organization's eligible account */
  foreignShop: string;
  foreignHandle: string;
}

let teams = 0;
/**
 * An organization `<p>_owner` with accounts `<p>_shop` (eligible) and `<p>_other` (not), members
 * `admin`, `agent` and `analyst`; and another organization `<p>_foreign` with account `<p>_fshop`.
 */
export async function liveTeam(t: TestApp, prefix = `lv${++teams}`): Promise<LiveTeam> {
  const handle = (who: string) => `${prefix}_${who}`;
  const roles: Record<string, MemberRole> = { admin: 'ADMIN', agent: 'AGENT', analyst: 'ANALYST' };
  const team = await createTeam(t, {
    owner: handle('owner'),
    accounts: [handle('shop'), handle('other')],
    members: Object.fromEntries(Object.entries(roles).map(([who, role]) => [handle(who), role])),
  });
  const foreign = await createTeam(t, { owner: handle('foreign'), accounts: [handle('fshop')] });
  const live: LiveTeam = {
    ...team,
    handle,
    as: (who) => t.as(handle(who)),
    owner: t.as(handle('owner')),
    shop: team.accountIds[handle('shop')],
    shopHandle: handle('shop'),
    other: team.accountIds[handle('other')],
    foreignShop: foreign.accountIds[handle('fshop')],
    foreignHandle: handle('fshop'),
  };
  await setPlatform(t, live.shop, eligible);
  await setPlatform(t, live.foreignShop, eligible);
  return live;
}

/** The app clock's start in the live tests. */
export const LIVE_NOW = '2026-03-02T10:00:00.000Z';

/**
 * A test file's app (its clock at LIVE_NOW) and live team, handed to `ready` (which may set up
 * more) before the tests; the streams and the app are closed after them.
 */
export function liveSuite(ready: (t: TestApp, team: LiveTeam) => void | Promise<void>): void {
  let app: TestApp | undefined;
  beforeAll(async () => {
    app = await startApp({ now: LIVE_NOW });
    await ready(app, await liveTeam(app));
  });
  afterAll(async () => {
    await closeStreams();
    await app?.close();
  });
}

/** A scheduled session of the account; returns its global id. */
export async function scheduleLive(api: Api, accountId: string, input: Record<string, unknown> = {}): Promise<string> {
  return accepted(await liveApi(api).schedule(accountId, input), 'liveSessionSchedule').session.id;
}

/** A session scheduled and started (the account must be eligible); returns its global id. */
export async function startLive(api: Api, accountId: string, input: Record<string, unknown> = {}): Promise<string> {
  const id = await scheduleLive(api, accountId, input);
  accepted(await liveApi(api).start(id), 'liveSessionStart');
  return id;
}

/** An accepted entry; returns it as the API answered. */
export async function addEntry(api: Api, sessionId: string, input: Record<string, unknown>) {
  return accepted(await liveApi(api).addEntry(sessionId, input), 'liveEntryAdd').entry as {
    id: string;
    visible: boolean;
    position: number;
    label: string | null;
  };
}

export async function setVisible(api: Api, entryId: string, visible: boolean) {
  return accepted(await liveApi(api).setVisible(entryId, visible), 'liveEntrySetVisible').entry;
}

export async function updateLive(api: Api, sessionId: string, input: Record<string, unknown>) {
  return accepted(await liveApi(api).update(sessionId, input), 'liveSessionUpdate').session;
}

export async function endLive(api: Api, sessionId: string) {
  return accepted(await liveApi(api).end(sessionId), 'liveSessionEnd').session;
}

/** A viewer's DM from the live room (payload, refusals included). */
export const liveDm = (api: Api, accountHandle: string, liveSessionId: string, text: string) =>
  sendDm(api, accountHandle, { kind: 'TEXT', text }, { liveSessionId });

/** A viewer's lead from the live room (payload, refusals included). */
export async function liveLead(api: Api, formId: string, liveSessionId: string, input: Record<string, unknown> = {}) {
  return (await api.request(LEAD_SUBMIT, { formId, input: { answers: answers(), source: 'LIVE', liveSessionId, ...input } })).leadSubmit as Payload;
}

/** Switches a lead form's Get Leads switch (as a manager). */
export async function setGetLeads(api: Api, formId: string, enabled: boolean): Promise<void> {
  const { leadFormSetGetLeads } = await api.request(
    `mutation ($id: ID!, $enabled: Boolean!) { leadFormSetGetLeads(id: $id, enabled: $enabled) { ${USER_ERRORS} } }`,
    { id: formId, enabled },
  );
  expect(leadFormSetGetLeads.userErrors).toEqual([]);
}

// ───────────── streams ─────────────

export interface LiveEvent {
  seq: number;
  type: string;
  at: string;
  sessionId: string;
  viewerMessage: { messageId: string; conversationId: string; viewerHandle: string; kind: string; text: string | null } | null;
  lead: { leadId: string; formName: string; viewerHandle: string; answers: { question: string; label: string; answer: string }[] } | null;
  entry: {
    entryId: string;
    change: string;
    reason: string | null;
    type: string;
    function: string | null;
    label: string | null;
    target: string | null;
    formName: string | null;
    visible: boolean;
  } | null;
  settings: Record<string, unknown> | null;
  stats: LiveStats | null;
  reminder: string | null;
}

export interface RoomSnapshot {
  sessionId: string;
  state: string;
  allowViewerMessages: boolean;
  entries: {
    id: string;
    type: string;
    function: string | null;
    label: string | null;
    target: string | null;
    leadFormId: string | null;
    leadFormName: string | null;
    callToAction: string | null;
  }[];
}

const clients = new Set<Client>();

/** Closes every graphql-ws client the streams below opened (call in afterAll). */
export async function closeStreams(): Promise<void> {
  for (const client of clients) await client.dispose();
  clients.clear();
}

/** A subscription on its own graphql-ws client; `value()` is the next result's field, or throws with its errors. */
export function openStream<T>(api: Api, document: string, variables: Record<string, unknown>, field: string) {
  const client = api.ws();
  clients.add(client);
  const stream = subscribe(client, document, variables);
  const value = async (timeoutMs?: number): Promise<T> => {
    const result = await stream.next(timeoutMs);
    if (result.errors) throw new Error(`${field} failed: ${JSON.stringify(result.errors)}`);
    return (result.data as Record<string, T>)[field];
  };
  return {
    stream,
    client,
    value,
    /** the next `n` values */
    async take(n: number): Promise<T[]> {
      const values: T[] = [];
      while (values.length < n) values.push(await value());
      return values;
    },
    /** values up to and including the first that matches */
    async until(match: (value: T) => boolean): Promise<T[]> {
      const values: T[] = [];
      for (;;) {
        const next = await value();
        values.push(next);
        if (match(next)) return values;
      }
    },
    quiet: (ms?: number) => stream.quiet(ms),
    get completed() {
      return stream.completed;
    },
    /** leaves: the client closes its socket */
    close: async () => {
      clients.delete(client);
      await client.dispose();
    },
  };
}

/** The host stream of a session (`afterSeq` omitted: from the next event). */
export const watchHost = (api: Api, sessionId: string, afterSeq?: number | null, fields = EVENT_FIELDS) =>
  openStream<LiveEvent>(api, LIVE.events(fields), { sessionId, afterSeq }, 'liveEvents');

/** The viewer room of a session; its first value is the room on joining. */
export const watchRoom = (api: Api, sessionId: string) => openStream<RoomSnapshot>(api, LIVE.room, { sessionId }, 'liveRoom');

/** The first result of a subscription is a refusal with this code. */
export async function expectSubscriptionRefused(api: Api, document: string, variables: Record<string, unknown>, code: string): Promise<void> {
  const { stream } = openStream(api, document, variables, 'refused');
  const first = await stream.next();
  expect(first.data ?? null).toBeNull();
  expect(first.errors?.map((e) => e.extensions?.code)).toEqual([code]);
}

/** Resolves after the app's live runtime has run `n` more ticks (stats retries, reminders). */
export async function ticks(t: TestApp, n = 1): Promise<void> {
  for (let i = 0; i < n; i++) {
    await new Promise<void>((resolve) => {
      const stop = liveRuntime(t.app.services).onTick(() => {
        stop();
        resolve();
      });
    });
  }
}

// ───────────── stored state ─────────────

/** A session's stored events, in order. */
export async function storedEvents(t: TestApp, sessionId: string) {
  return t.db.liveEvent.findMany({ where: { sessionId: localId(sessionId) }, orderBy: { seq: 'asc' }, select: { seq: true, type: true, payload: true } });
}

export const sessionRow = (t: TestApp, sessionId: string) => t.db.liveSession.findUniqueOrThrow({ where: { id: localId(sessionId) } });

/** What the live module, and the DMs and leads of the account, store for an account, in a stable order. */
export async function storedLive(t: TestApp, accountGlobalId: string) {
  const accountId = localId(accountGlobalId);
  const sessions = await t.db.liveSession.findMany({ where: { accountId }, orderBy: { id: 'asc' } });
  const sessionIds = sessions.map((s) => s.id);
  const [entries, events, orders, conversations, messages, leads] = await Promise.all([
    t.db.liveEntry.findMany({ where: { sessionId: { in: sessionIds } }, orderBy: { id: 'asc' } }),
    t.db.liveEvent.findMany({ where: { sessionId: { in: sessionIds } }, orderBy: [{ sessionId: 'asc' }, { seq: 'asc' }] }),
    t.db.liveOrder.findMany({ where: { accountId }, orderBy: { id: 'asc' } }),
    t.db.conversation.findMany({ where: { accountId }, orderBy: { id: 'asc' } }),
    t.db.message.findMany({ where: { conversation: { accountId } }, orderBy: { id: 'asc' } }),
    t.db.lead.findMany({ where: { accountId }, orderBy: { id: 'asc' } }),
  ]);
  return { sessions, entries, events, orders, conversations, messages, leads };
}

/** Runs a refused operation and asserts that nothing stored for the account changed. */
export async function expectLiveUnchanged<T>(t: TestApp, accountId: string, operation: () => Promise<T>): Promise<T> {
  const before = await storedLive(t, accountId);
  const result = await operation();
  expect(await storedLive(t, accountId)).toEqual(before);
  return result;
}

/** A payload refused with exactly these user errors, and nothing stored for the account. */
export async function expectRefused(
  t: TestApp,
  accountId: string,
  operation: () => Promise<Payload>,
  ...expected: [code: string, field: string[] | null][]
): Promise<void> {
  const payload = await expectLiveUnchanged(t, accountId, operation);
  expect(payload.userErrors.map(({ code, field }) => [code, field ?? null])).toEqual(expected);
}
