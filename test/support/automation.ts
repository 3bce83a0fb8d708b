// Shared setup for the auto-message API tests: auto-messages created and taken through
// review, toggles, viewers' direct messages, and what the automation module stores.
import { expect } from 'vitest';
import {
  AutoMessageReviewQueueDocument,
  AutomationDirectMessageDocument,
  AutoReplySettingsUpdateDocument,
  ChatPromptCreateDocument,
  KeywordReplyCreateDocument,
  ReviewApproveDocument,
  ReviewRejectDocument,
  SuggestedQuestionCreateDocument,
  WelcomeMessageSetDocument,
  type AutoReplySettingsInput,
  type KeywordMatchMode,
} from '../generated/graphql.ts';
import type { TestApp } from './app.ts';
import type { Api } from './client.ts';
import { accepted, localId } from './fixtures.ts';
import { reviewer } from './lead-forms.ts';

type Created = { autoMessage?: { id: string } | null; userErrors: { code: string; field?: string[] | null }[] };
const createdId = (payload: Created, what: string) => accepted(payload, what).autoMessage!.id;

export const setWelcome = async (api: Api, accountId: string, text: string) =>
  createdId((await api.request(WelcomeMessageSetDocument, { accountId, input: { text } })).welcomeMessageSet, 'welcomeMessageSet');

export const createQuestion = async (api: Api, accountId: string, question: string, answer: string) =>
  createdId((await api.request(SuggestedQuestionCreateDocument, { accountId, input: { question, answer } })).suggestedQuestionCreate, 'suggestedQuestionCreate');

export const createPrompt = async (api: Api, accountId: string, title: string, content: string) =>
  createdId((await api.request(ChatPromptCreateDocument, { accountId, input: { title, content } })).chatPromptCreate, 'chatPromptCreate');

export const createRule = async (api: Api, accountId: string, keywords: string[], reply: string, matchMode: KeywordMatchMode = 'CONTAINS') =>
  createdId((await api.request(KeywordReplyCreateDocument, { accountId, input: { keywords, reply, matchMode } })).keywordReplyCreate, 'keywordReplyCreate');

export async function setToggles(api: Api, accountId: string, input: AutoReplySettingsInput) {
  accepted((await api.request(AutoReplySettingsUpdateDocument, { accountId, input })).autoReplySettingsUpdate, 'autoReplySettingsUpdate');
}

export const allOn = { welcomeEnabled: true, suggestedQuestionsEnabled: true, chatPromptsEnabled: true, keywordRepliesEnabled: true };

/** The pending review of an auto-message, as a reviewer finds it in the AUTO_MESSAGE queue. */
export async function pendingReviewOf(t: TestApp, autoMessageId: string): Promise<string> {
  const { reviewQueue } = await reviewer(t).request(AutoMessageReviewQueueDocument);
  const item = reviewQueue.edges.find((edge) => edge.node.subject?.__typename === 'AutoMessage' && edge.node.subject.id === autoMessageId);
  if (!item) throw new Error(`no pending review for ${autoMessageId}`);
  return item.node.id;
}

export async function approveAuto(t: TestApp, autoMessageId: string): Promise<void> {
  accepted((await reviewer(t).request(ReviewApproveDocument, { id: await pendingReviewOf(t, autoMessageId) })).reviewApprove, 'reviewApprove');
}

export async function rejectAuto(t: TestApp, autoMessageId: string, message = 'Misleading claim.'): Promise<void> {
  const reasons = [{ area: 'CONTENT' as const, message }];
  accepted((await reviewer(t).request(ReviewRejectDocument, { id: await pendingReviewOf(t, autoMessageId), reasons })).reviewReject, 'reviewReject');
}

/** Creates, then approves. */
export async function approved(t: TestApp, create: Promise<string>): Promise<string> {
  const id = await create;
  await approveAuto(t, id);
  return id;
}

/** A viewer's text DM to an account; returns the conversation's global id. */
export async function dm(t: TestApp, user: string, handle: string, text: string): Promise<string> {
  const { businessMessageSend } = await t.as(user).request(AutomationDirectMessageDocument, { handle, text });
  return accepted(businessMessageSend, 'businessMessageSend').conversation!.id;
}

export interface StoredMessage {
  direction: string;
  text: string | null;
  status: string;
  /** the global id of the auto-message that sent it */
  autoMessageId: string | null;
  suggestedQuestionIds: string[];
}

const global = (id: string | null) => (id ? Buffer.from(`AutoMessage:${id}`).toString('base64') : null);

const kindRank = { WELCOME: 0, SUGGESTED_QUESTION: 1, CHAT_PROMPT: 2, KEYWORD_REPLY: 3, AWAY: 4 };

/**
 * A conversation's messages as stored, in the order written: by time (tests advance the clock
 * between messages), then the user's message before the replies to it, the welcome first.
 */
export async function storedMessages(t: TestApp, conversationId: string): Promise<StoredMessage[]> {
  const rows = await t.db.message.findMany({ where: { conversationId: localId(conversationId) } });
  const ids = rows.flatMap((row) => (row.autoMessageId ? [row.autoMessageId] : []));
  const kinds = new Map((await t.db.autoMessage.findMany({ where: { id: { in: ids } }, select: { id: true, kind: true } })).map((row) => [row.id, kindRank[row.kind]]));
  const key = (row: (typeof rows)[number]) => [row.createdAt.getTime(), row.direction === 'INBOUND' ? 0 : 1, row.autoMessageId ? (kinds.get(row.autoMessageId) ?? 9) : -1];
  rows.sort((a, b) => {
    const [x, y] = [key(a), key(b)];
    const i = x.findIndex((v, j) => v !== y[j]);
    return i === -1 ? 0 : x[i]! - y[i]!;
  });
  return rows.map((row) => ({
    direction: row.direction,
    text: row.text,
    status: row.status,
    autoMessageId: global(row.autoMessageId),
    suggestedQuestionIds: row.suggestedQuestionIds.map((id) => global(id)!),
  }));
}

/** What the automation module stores, in a stable order. */
export async function storedAutomation(t: TestApp) {
  const [autoMessages, settings, reviews] = await Promise.all([
    t.db.autoMessage.findMany({ orderBy: { id: 'asc' } }),
    t.db.autoReplySettings.findMany({ orderBy: { accountId: 'asc' } }),
    t.db.reviewItem.findMany({ where: { kind: 'AUTO_MESSAGE' }, orderBy: { id: 'asc' } }),
  ]);
  return { autoMessages, settings, reviews };
}

/** Runs a refused operation and asserts that nothing the automation module stores changed. */
export async function expectAutomationUnchanged<T>(t: TestApp, operation: () => Promise<T>): Promise<T> {
  const before = await storedAutomation(t);
  const result = await operation();
  expect(await storedAutomation(t)).toEqual(before);
  return result;
}

export const autoMessageRow = (t: TestApp, id: string) => t.db.autoMessage.findUniqueOrThrow({ where: { id: localId(id) } });
