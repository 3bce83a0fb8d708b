// The auto-reply engine: runs with every inbound message, inside its transaction (autoReply)
// or, for a returning user's message, as part of its one statement (replyInStatement). The first
// message of a conversation gets the welcome message (with the suggested questions); a text
// message gets the reply of the first keyword rule, in the account's order, that matches it.
// Only approved content is sent; every send takes a reply-window slot or is recorded as
// suppressed, and the rule's counters follow.
import { AsyncLocalStorage } from 'node:async_hooks';
import { Prisma, type Message } from '../../generated/prisma/client.ts';
import type { Tx } from '../../platform/db.ts';
import { refuse } from '../../platform/errors.ts';
import { assertion, iso, mergeParts, type InboundPlan, type StatementPart } from '../messaging/inbound-statement.ts';
import {
  autoRepliesAllowed,
  autoRepliesAllowedInStatement,
  receiveMessage,
  registerInboundHook,
  sendAutomated,
  sendAutomatedInStatement,
  type Deps,
  type InboundEvent,
} from '../messaging/service.ts';
import { firstMatchingRule } from './matcher.ts';
import type { ContentOf } from './rules.ts';
import { getSettings, offeredSuggestedQuestions, order } from './service.ts';

const served = { approvedAt: { not: null } };

/** Sends one auto-message and counts it on its rule: fired when sent, suppressed when the window refused it. */
async function send(tx: Tx, event: InboundEvent, autoMessageId: string, text: string, extra: { suggestedQuestionIds?: string[] } = {}) {
  const result = await sendAutomated(tx, event, text, autoMessageId, extra);
  await tx.autoMessage.update({
    where: { id: autoMessageId },
    data: result.sent ? { firedCount: { increment: 1 }, lastFiredAt: event.now } : { suppressedCount: { increment: 1 } },
  });
  return result;
}

/** For other modules' automated messages (an ad's away message): sent and counted like any auto-message. */
export { send as sendAutoMessage };

/** A suggested question being chosen: its inbound message gets the answer, nothing else. */
interface Choice {
  conversationId: string;
  userId: string;
  questionId: string;
  handled: boolean;
  reply: Message | null;
}
const choosing = new AsyncLocalStorage<Choice>();

async function answerChoice(tx: Tx, event: InboundEvent, choice: Choice) {
  choice.handled = true;
  const question = await tx.autoMessage.findFirst({ where: { id: choice.questionId, ...served } });
  if (!question) return;
  const { answer } = question.approvedContent as unknown as ContentOf['SUGGESTED_QUESTION'];
  choice.reply = (await send(tx, event, question.id, answer)).message;
}

/** The inbound hook (exported for tests that need a reply window in a given state). */
export async function autoReply(tx: Tx, event: InboundEvent) {
  // other modules may veto (a live session with auto-responses off)
  if (!(await autoRepliesAllowed(tx, event))) return;
  const choice = choosing.getStore();
  if (choice && !choice.handled && choice.conversationId === event.conversation.id && event.message.senderId === choice.userId) {
    return answerChoice(tx, event, choice);
  }
  const accountId = event.conversation.accountId;
  const settings = await getSettings(tx, accountId);
  if (event.isFirstInbound && settings.welcomeEnabled) {
    const welcome = await tx.autoMessage.findFirst({ where: { accountId, kind: 'WELCOME', ...served }, orderBy: order });
    if (welcome) {
      const questions = settings.suggestedQuestionsEnabled
        ? await tx.autoMessage.findMany({ where: { accountId, kind: 'SUGGESTED_QUESTION', ...served }, orderBy: order, select: { id: true } })
        : [];
      const { text } = welcome.approvedContent as unknown as ContentOf['WELCOME'];
      await send(tx, event, welcome.id, text, { suggestedQuestionIds: questions.map((q) => q.id) });
    }
  }
  if (event.message.kind === 'TEXT' && event.message.text && settings.keywordRepliesEnabled) {
    const rules = await tx.autoMessage.findMany({ where: { accountId, kind: 'KEYWORD_REPLY', ...served }, orderBy: order, select: { id: true, approvedContent: true } });
    const matched = firstMatchingRule(
      rules.map((rule) => ({ id: rule.id, ...(rule.approvedContent as unknown as ContentOf['KEYWORD_REPLY']) })),
      event.message.text,
    );
    if (matched) await send(tx, event, matched.id, matched.reply);
  }
}

/**
 * The keyword rules that could answer a message (approved, in the account's order, while keyword
 * replies are on; null when none), as JSON: read by the pre-check for the one-statement path,
 * and again by the statement to check that they did not change in between.
 */
const keywordRules = (accountId: Prisma.Sql) => Prisma.sql`(
  SELECT json_agg(json_build_object('id', m."id", 'content', m."approvedContent") ORDER BY m."position", m."id")
  FROM "AutoMessage" m JOIN "AutoReplySettings" s ON s."accountId" = m."accountId" AND s."keywordRepliesEnabled"
  WHERE m."accountId" = ${accountId} AND m."kind" = 'KEYWORD_REPLY' AND m."approvedAt" IS NOT NULL)`;

type ProbedRule = { id: string; content: ContentOf['KEYWORD_REPLY'] };

/**
 * The auto-reply on the one-statement path. That path never carries a user's first message
 * (no welcome), so only a keyword rule matching the text can answer (a suggested question
 * being chosen takes the transaction). The reply rides in the statement: sent as
 * sendAutomated would (unless a guard vetoes it there), counted on its rule. The statement
 * asserts that the rules it was matched against are still the account's (none edited,
 * approved, reordered, deleted or switched off since the pre-check read them) and that the
 * rule was counted: otherwise nothing is written and the transaction path decides afresh.
 */
function replyInStatement(plan: InboundPlan): StatementPart | 'transaction' | null {
  if (choosing.getStore()) return 'transaction';
  const { text, kind } = plan.message;
  const value = plan.probes.keywordRules;
  const rules = (typeof value === 'string' ? JSON.parse(value) : value) as ProbedRule[] | null;
  if (kind !== 'TEXT' || !text || !rules) return null;
  const matched = firstMatchingRule(rules.map((rule) => ({ id: rule.id, ...rule.content })), text);
  if (!matched) return null;
  const allowed = autoRepliesAllowedInStatement(plan);
  if (allowed === 'transaction') return 'transaction';
  const reply = sendAutomatedInStatement(plan, 'auto_reply', matched.reply, matched.id, allowed);
  if (reply === 'transaction') return 'transaction';
  const counted = reply.sent ? Prisma.sql`"firedCount" = "firedCount" + 1, "lastFiredAt" = ${iso(plan.now)}` : Prisma.sql`"suppressedCount" = "suppressedCount" + 1`;
  const counter: StatementPart = {
    // (updatedAt: Prisma's @updatedAt would set the time of the write)
    ctes: Prisma.sql`"auto_rule" AS (
      UPDATE "AutoMessage" SET ${counted}, "updatedAt" = ${iso(new Date())}
      WHERE "id" = ${matched.id}::uuid AND ${reply.stored}
      RETURNING 1)`,
    result: assertion(Prisma.sql`
      ${keywordRules(Prisma.sql`${plan.conversation.accountId}::uuid`)}::jsonb IS NOT DISTINCT FROM ${JSON.stringify(rules)}::jsonb
      AND (SELECT count(*) FROM "auto_rule") = CASE WHEN ${reply.stored} THEN 1 ELSE 0 END`),
  };
  return mergeParts([reply.part, counter]);
}

registerInboundHook(autoReply, { probe: { name: 'keywordRules', sql: keywordRules(Prisma.sql`a."id"`) }, inStatement: replyInStatement });

/**
 * A user chooses one of the suggested questions shown with the welcome message of their
 * conversation: the question is recorded as their message (opening a new reply window, as any
 * message does) and its approved answer is sent automatically, counted against that window. The
 * keyword rules do not also answer it.
 */
export async function chooseSuggestedQuestion(deps: Deps, userId: string, conversationId: string, questionId: string) {
  const conversation = await deps.db.conversation.findUnique({ where: { id: conversationId }, select: { accountId: true, userId: true } });
  if (!conversation || conversation.userId !== userId) refuse('NOT_FOUND', ['conversationId'], 'You have no conversation with this id.');
  const [[question], shown] = await Promise.all([
    offeredSuggestedQuestions(deps.db, [questionId]),
    deps.db.message.findFirst({ where: { conversationId, direction: 'OUTBOUND', status: 'SENT', suggestedQuestionIds: { has: questionId } }, select: { id: true } }),
  ]);
  if (!question || question.accountId !== conversation.accountId || !shown) refuse('NOT_FOUND', ['questionId'], 'This question is not offered in this conversation.');
  const text = question.question;
  const choice: Choice = { conversationId, userId, questionId, handled: false, reply: null };
  const received = await choosing.run(choice, () => receiveMessage(deps, userId, conversation.accountId, { kind: 'TEXT', text }));
  return { conversationId, message: received.message, reply: choice.reply };
}
