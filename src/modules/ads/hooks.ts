// How ads react to other modules' events, inside their transactions: a user's message in an
// ad-opened conversation starts it (within 7 days of the click) and, outside the ad's reply
// hours, gets the away message once per closed period; the team's first reply and every lead
// from an ad move the ad's results.
import { Prisma } from '../../generated/prisma/client.ts';
import type { Tx } from '../../platform/db.ts';
import { assertion } from '../messaging/inbound-statement.ts';
import { sendAutoMessage } from '../automation/engine.ts';
import type { ContentOf } from '../automation/rules.ts';
import { registerLeadHook } from '../leads/service.ts';
import { autoRepliesAllowed, registerInboundHook, registerOutboundHook, type InboundEvent } from '../messaging/service.ts';
import { adLimits } from './service.ts';
import { isOpen, reopensAt, type ReplyHourSlot } from './reply-hours.ts';
import { bumpAdResult, utcDay } from './results.ts';

/** The user wrote: each ad clicked within the last 7 days whose conversation had not started, starts now. */
async function startConversations(tx: Tx, conversationId: string, now: Date) {
  const since = new Date(now.getTime() - adLimits.conversationStartDays * 86_400_000);
  const started = await tx.$queryRaw<{ adId: string }[]>`
    UPDATE "AdConversation" SET "startedAt" = ${now}
    WHERE "conversationId" = ${conversationId}::uuid AND "startedAt" IS NULL AND "lastClickAt" >= ${since} AND "lastClickAt" <= ${now}
    RETURNING "adId"`;
  for (const { adId } of started) await bumpAdResult(tx, adId, utcDay(now), 'conversationsStarted', 1);
}

/** Outside the latest ad's reply hours, the first message of a closed period gets the away message. */
async function awayMessage(tx: Tx, event: InboundEvent, lastAdClickId: string) {
  const [found] = await tx.$queryRaw<{ replyHours: ReplyHourSlot[]; timeZone: string; awayId: string | null; awayContent: ContentOf['AWAY'] | null }[]>`
    SELECT ad."replyHours", acc."timeZone", away.id AS "awayId", away."approvedContent" AS "awayContent"
    FROM "AdClick" click JOIN "Ad" ad ON ad.id = click."adId" JOIN "BusinessAccount" acc ON acc.id = ad."accountId"
    LEFT JOIN "AutoMessage" away ON away."adId" = ad.id AND away."approvedAt" IS NOT NULL
    WHERE click.id = ${lastAdClickId}::uuid`;
  if (!found || isOpen(found.replyHours, found.timeZone, event.now)) return;
  const until = reopensAt(found.replyHours, found.timeZone, event.now);
  if (!until || event.conversation.awaySentUntil?.getTime() === until.getTime()) return;
  if (!found.awayId || !found.awayContent || !(await autoRepliesAllowed(tx, event))) return;
  await tx.conversation.update({ where: { id: event.conversation.id }, data: { awaySentUntil: until } });
  await sendAutoMessage(tx, event, found.awayId, found.awayContent.text);
}

registerInboundHook(
  async (tx, event) => {
    const { lastAdClickId } = event.conversation;
    if (!lastAdClickId) return;
    await startConversations(tx, event.conversation.id, event.now);
    await awayMessage(tx, event, lastAdClickId);
  },
  {
    // conversations an ad brought take the transaction path (conversation start, away message);
    // the others assert, under the conversation's row lock, that no click arrived meanwhile
    probe: { name: 'adClicked', sql: Prisma.sql`c."lastAdClickId" IS NOT NULL` },
    inStatement: ({ probes }) => (probes.adClicked ? 'transaction' : { result: Prisma.sql`(SELECT ${assertion(Prisma.sql`"lastAdClickId" IS NULL`)} FROM conv)` }),
  },
);

// the team's first reply in a started ad conversation (automated messages are not replies)
registerOutboundHook(
  async (tx, { conversation, message, now }) => {
    if (!conversation.firstAdClickId || message.autoMessageId) return;
    const answered = await tx.$queryRaw<{ adId: string }[]>`
      UPDATE "AdConversation" SET "firstReplyAt" = ${now}
      WHERE "conversationId" = ${conversation.id}::uuid AND "startedAt" IS NOT NULL AND "firstReplyAt" IS NULL
      RETURNING "adId"`;
    for (const { adId } of answered) await bumpAdResult(tx, adId, utcDay(now), 'firstReplies', 1);
  },
  // only automated messages ride in a statement, and they are not replies
  { inStatement: ({ message }) => (message.autoMessageId ? null : 'transaction') },
);

registerLeadHook(async (tx, { lead }) => {
  if (lead.adId) await bumpAdResult(tx, lead.adId, utcDay(lead.createdAt), 'leads', 1);
});
