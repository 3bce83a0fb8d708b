// Shared setup for the direct-message API tests: a team with one member per role (and an
// agent limited to one account), viewers writing to its accounts, team replies, and
// everything the messaging module stores.
import { expect } from 'vitest';
import { startApp, type TestApp } from './app.ts';
import type { Api } from './client.ts';
import { createTeam, localId, mediaFiles, type Team } from './fixtures.ts';

export const USER_ERRORS = /* GraphQL */ `userErrors { code field message }`;
const CONVERSATION_FIELDS = /* GraphQL */ `
  id state origin liveSessionId contact { handle } account { handle }
  lastMessage { id direction kind text } lastMessageAt replyWindowEndsAt repliesLeft acceptedAt closedAt`;
/** fields only the account's team may read */
const TEAM_FIELDS = /* GraphQL */ `unread starred assignee { handle }`;
const MESSAGE_FIELDS = /* GraphQL */ `id direction kind text mediaUrl stickerId post { id } sender { handle } automated status liveSessionId createdAt`;

export const MESSAGE_SEND = /* GraphQL */ `
  mutation BusinessMessageSend($handle: String!, $input: InboundMessageInput!, $context: MessageSendContext) {
    businessMessageSend(handle: $handle, input: $input, context: $context) {
      conversation { ${CONVERSATION_FIELDS} } message { ${MESSAGE_FIELDS} } ${USER_ERRORS}
    }
  }`;

export const REPLY = /* GraphQL */ `
  mutation ConversationMessageSend($id: ID!, $input: OutboundMessageInput!) {
    conversationMessageSend(id: $id, input: $input) {
      conversation { ${CONVERSATION_FIELDS} ${TEAM_FIELDS} } message { ${MESSAGE_FIELDS} } ${USER_ERRORS}
    }
  }`;

export const INBOX = /* GraphQL */ `
  query Inbox($accountId: ID!, $filter: InboxFilter, $first: Int, $after: String) {
    inbox(accountId: $accountId, filter: $filter, first: $first, after: $after) {
      edges { node { ${CONVERSATION_FIELDS} ${TEAM_FIELDS} } }
      pageInfo { hasNextPage endCursor }
    }
  }`;

export const CONVERSATION = /* GraphQL */ `
  query Conversation($id: ID!) { node(id: $id) { ... on Conversation { ${CONVERSATION_FIELDS} messages(first: 50) { edges { node { ${MESSAGE_FIELDS} } } } } } }`;

/** The conversation workflow mutations; each takes the conversation `id` (and its own extra argument). */
export type WorkflowMutation =
  | 'conversationAccept'
  | 'conversationMarkUnread'
  | 'conversationMarkRead'
  | 'conversationStar'
  | 'conversationAssign'
  | 'conversationClose'
  | 'conversationReopen';

const workflowArgs: Record<WorkflowMutation, [declaration: string, argument: string]> = {
  conversationAccept: ['', ''],
  conversationMarkUnread: ['', ''],
  conversationMarkRead: ['', ''],
  conversationStar: [', $starred: Boolean!', ', starred: $starred'],
  conversationAssign: [', $assigneeId: ID', ', assigneeId: $assigneeId'],
  conversationClose: ['', ''],
  conversationReopen: ['', ''],
};

export const workflowDocument = (mutation: WorkflowMutation) => /* GraphQL */ `
  mutation ($id: ID!${workflowArgs[mutation][0]}) {
    ${mutation}(id: $id${workflowArgs[mutation][1]}) { conversation { ${CONVERSATION_FIELDS} ${TEAM_FIELDS} } ${USER_ERRORS} }
  }`;

/** Runs a workflow mutation; `extra` carries `starred` or `assigneeId`. */
export async function workflow(api: Api, mutation: WorkflowMutation, id: string, extra: Record<string, unknown> = {}) {
  return (await api.request(workflowDocument(mutation), { id, ...extra }))[mutation];
}

// ───────────── the team ─────────────

export interface DmTeam extends Team {
  /** `<prefix>_<who>` */
  handle(who: string): string;
  /** a member (owner, admin, agent, analyst, limited) by short name */
  as(who: string): Api;
  owner: Api;
  /** global ids and handles of the two accounts */
  shop: string;
  other: string;
  shopHandle: string;
  otherHandle: string;
}

let teams = 0;
/**
 * An organization `<p>_owner` with accounts `<p>_shop` and `<p>_other`; members `admin`,
 * `agent`, `analyst`, and `limited`, an agent restricted to `<p>_other`.
 */
export async function dmTeam(t: TestApp, prefix = `dm${++teams}`): Promise<DmTeam> {
  const handle = (who: string) => `${prefix}_${who}`;
  const team = await createTeam(t, {
    owner: handle('owner'),
    accounts: [handle('shop'), handle('other')],
    members: { [handle('admin')]: 'ADMIN', [handle('agent')]: 'AGENT', [handle('analyst')]: 'ANALYST', [handle('limited')]: 'AGENT' },
    restrictedTo: { [handle('limited')]: [handle('other')] },
  });
  return {
    ...team,
    handle,
    as: (who) => t.as(handle(who)),
    owner: t.as(handle('owner')),
    shop: team.accountIds[handle('shop')],
    other: team.accountIds[handle('other')],
    shopHandle: handle('shop'),
    otherHandle: handle('other'),
  };
}

/** A fresh app (optionally at a set time) with a DM team on it; close `t` in afterAll. */
export async function startWithDmTeam(options: { now?: string; env?: Record<string, string> } = {}): Promise<{ t: TestApp; team: DmTeam }> {
  const t = await startApp(options);
  return { t, team: await dmTeam(t) };
}

/** Sets who may message an account (as its owner). */
export async function setWhoCanMessage(team: DmTeam, accountId: string, whoCanMessage: 'EVERYONE' | 'FOLLOWERS' | 'NO_ONE'): Promise<void> {
  const { businessAccountUpdate } = await team.owner.request(
    `mutation ($id: ID!, $input: BusinessAccountUpdateInput!) { businessAccountUpdate(id: $id, input: $input) { ${USER_ERRORS} } }`,
    {
      id: accountId,
      input: { whoCanMessage },
    },
  );
  expect(businessAccountUpdate.userErrors).toEqual([]);
}

// ───────────── sending ─────────────

interface InboundInput {
  kind: 'TEXT' | 'IMAGE' | 'VIDEO' | 'STICKER' | 'SHARE_POST';
  text?: string | null;
  stickerId?: string | null;
  postId?: string | null;
}

/** A viewer's businessMessageSend payload (refusals included). */
export async function sendDm(api: Api, accountHandle: string, input: InboundInput, context?: { liveSessionId?: string; viaChatLink?: boolean }) {
  return (await api.request(MESSAGE_SEND, { handle: accountHandle, input, context })).businessMessageSend;
}

/** A viewer writes a text; returns the conversation's global id. */
export async function startConversation(api: Api, accountHandle: string, text = 'Hello! 👋'): Promise<string> {
  const payload = await sendDm(api, accountHandle, { kind: 'TEXT', text });
  expect(payload.userErrors).toEqual([]);
  return payload.conversation.id;
}

/** A team member's conversationMessageSend payload (refusals included). */
export async function reply(
  api: Api,
  conversationId: string,
  input: { kind: 'TEXT' | 'IMAGE' | 'VIDEO' | 'STICKER' | 'SHARE_POST'; text?: string; postId?: string },
) {
  return (await api.request(REPLY, { id: conversationId, input })).conversationMessageSend;
}

export async function replyText(api: Api, conversationId: string, text = 'Thanks for writing!') {
  const payload = await reply(api, conversationId, { kind: 'TEXT', text });
  expect(payload.userErrors).toEqual([]);
  return payload;
}

/** businessMessageSend with a media file, as a GraphQL multipart request. */
export async function sendDmFile(api: Api, accountHandle: string, kind: InboundInput['kind'], bytes: Uint8Array, extra: Omit<InboundInput, 'kind'> = {}) {
  const response = await api.upload(MESSAGE_SEND, { handle: accountHandle, input: { kind, file: null, ...extra } }, { 'input.file': { bytes } });
  expect(response.errors).toBeUndefined();
  return response.data!.businessMessageSend;
}

/** conversationMessageSend with a media file, as a GraphQL multipart request. */
export async function replyFile(
  api: Api,
  conversationId: string,
  kind: InboundInput['kind'],
  bytes: Uint8Array,
  extra: { text?: string; postId?: string } = {},
) {
  const response = await api.upload(REPLY, { id: conversationId, input: { kind, file: null, ...extra } }, { 'input.file': { bytes } });
  expect(response.errors).toBeUndefined();
  return response.data!.conversationMessageSend;
}

export async function inbox(api: Api, accountId: string, filter: Record<string, unknown> = {}, first = 50) {
  return (await api.request(INBOX, { accountId, filter, first })).inbox;
}

/** The contacts' handles of an inbox page, in order. */
export async function inboxContacts(api: Api, accountId: string, filter: Record<string, unknown> = {}): Promise<string[]> {
  return (await inbox(api, accountId, filter)).edges.map((edge: { node: { contact: { handle: string } } }) => edge.node.contact.handle);
}

// ───────────── stored state ─────────────

export const conversationRow = (t: TestApp, conversationId: string) => t.db.conversation.findUniqueOrThrow({ where: { id: localId(conversationId) } });

export const messageRows = (t: TestApp, conversationId: string) =>
  t.db.message.findMany({ where: { conversationId: localId(conversationId) }, orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] });

/** Everything messaging stores (conversations, messages, follows, chat links, media), in a stable order. */
export async function storedMessaging(t: TestApp) {
  const [conversations, messages, follows, chatLinks, media, files] = await Promise.all([
    t.db.conversation.findMany({ orderBy: { id: 'asc' } }),
    t.db.message.findMany({ orderBy: { id: 'asc' } }),
    t.db.follow.findMany({ orderBy: [{ userId: 'asc' }, { accountId: 'asc' }] }),
    t.db.chatLink.findMany({ orderBy: { accountId: 'asc' } }),
    t.db.mediaObject.findMany({ orderBy: { key: 'asc' } }),
    mediaFiles(t),
  ]);
  return { conversations, messages, follows, chatLinks, media, files };
}

/** Runs a refused operation and asserts that nothing messaging stores changed. */
export async function expectNoMessagingChange<T>(t: TestApp, operation: () => Promise<T>): Promise<T> {
  const before = await storedMessaging(t);
  const result = await operation();
  expect(await storedMessaging(t)).toEqual(before);
  return result;
}

const HOUR = 3600_000;
export const hours = (n: number) => n * HOUR;
