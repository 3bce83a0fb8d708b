// The webhook outbox: each event is written in the transaction of the change that caused it
// (hooks of messaging, leads and reviews), with one delivery per endpoint that wants it. A
// rolled-back message never produces an event; a committed one always does. One statement:
// when no endpoint wants the event, nothing is written.
import { randomUUID } from 'node:crypto';
import { encodeGlobalID } from '@pothos/plugin-relay';
import { Prisma } from '../../generated/prisma/client.ts';
import type { Tx } from '../../platform/db.ts';
import { integrationRestrictedRegions } from '../../platform/regions.ts';
import { registerClickHook } from '../ads/service.ts';
import { registerLeadHook } from '../leads/service.ts';
import { registerInboundHook, registerOutboundHook } from '../messaging/service.ts';
import { registerDecisionHook } from '../reviews/registry.ts';
import type { Message } from '../../generated/prisma/client.ts';
import { directMessageEvents, eventScope, type WebhookEventType } from './rules.ts';

const restrictedRegions = [...integrationRestrictedRegions];

export interface OutboxEvent {
  type: WebhookEventType;
  accountId: string;
  /** events of one conversation are delivered in order */
  conversationId?: string | null;
  /** ordering key for events outside conversations (defaults to the event itself: no ordering) */
  orderingKey?: string;
  data: Record<string, unknown>;
  at: Date;
}

/** Benchmarks switch the outbox off to measure what it costs a DM (never in the app). */
export const outboxSwitch = { enabled: true };

/** The endpoints (ids) that want an event of this type about this account (an SQL expression). */
function endpointsWanting(type: WebhookEventType, accountId: Prisma.Sql): Prisma.Sql {
  const dm = directMessageEvents.has(type);
  return Prisma.sql`
    SELECT e."id" FROM "WebhookEndpoint" e JOIN "IntegrationGrant" g ON g."id" = e."grantId"
    WHERE e."disabledAt" IS NULL AND g."revokedAt" IS NULL
      AND ${type} = ANY(e."eventTypes") AND ${eventScope[type]} = ANY(g."scopes")
      AND ${accountId} = ANY(g."accountIds")
      AND NOT (${dm} AND EXISTS (SELECT 1 FROM "BusinessAccount" r WHERE r."id" = ${accountId} AND r."region" = ANY(${restrictedRegions}::text[])))`;
}

/**
 * The SQL that records an event and its deliveries: CTEs `<name>_targets` (the endpoints that
 * want it), `<name>` (the event, written only if one does and `when` holds) and
 * `<name>_deliveries` (returning one row per delivery). Shared by `recordEvent` and the
 * one-statement DM path, where `after` names an event recorded earlier in the same statement:
 * its deliveries are numbered first (reading them makes PostgreSQL complete that CTE before
 * this one inserts; CTEs otherwise run in no set order), so they go out in that order.
 */
function eventCtes(name: string, event: OutboxEvent, when: Prisma.Sql = Prisma.sql`true`, after?: string): Prisma.Sql {
  const id = randomUUID();
  const body = JSON.stringify({ type: event.type, timestamp: event.at.toISOString(), data: event.data });
  const orderingKey = event.conversationId ?? event.orderingKey ?? id;
  const [targets, recorded, deliveries] = [`"${name}_targets"`, `"${name}"`, `"${name}_deliveries"`].map((n) => Prisma.raw(n));
  return Prisma.sql`
    ${targets} AS (${endpointsWanting(event.type, Prisma.sql`${event.accountId}::uuid`)}), ${recorded} AS (
      INSERT INTO "WebhookEvent" ("id", "type", "accountId", "conversationId", "body", "createdAt")
      SELECT ${id}::uuid, ${event.type}, ${event.accountId}::uuid, ${event.conversationId ?? null}::uuid, ${body}, ${event.at}
      WHERE EXISTS (SELECT 1 FROM ${targets}) AND ${when}
      RETURNING "id"
    ), ${deliveries} AS (
      INSERT INTO "WebhookDelivery" ("id", "endpointId", "eventId", "orderingKey", "nextAttemptAt", "createdAt")
      SELECT gen_random_uuid(), t."id", r."id", ${orderingKey}::uuid, ${event.at}, ${event.at} FROM ${targets} t CROSS JOIN ${recorded} r
      ${after ? Prisma.sql`WHERE (SELECT count(*) FROM ${Prisma.raw(`"${after}_deliveries"`)}) >= 0` : Prisma.empty}
      RETURNING 1)`;
}

/** Records an event and its deliveries inside the caller's transaction; returns how many endpoints want it. */
export async function recordEvent(tx: Tx, event: OutboxEvent): Promise<number> {
  if (!outboxSwitch.enabled) return 0;
  const [{ deliveries }] = await tx.$queryRaw<{ deliveries: number }[]>`WITH ${eventCtes('outbox', event)} SELECT count(*)::int AS "deliveries" FROM "outbox_deliveries"`;
  return deliveries;
}

const gid = (type: string, id: string | null | undefined) => (id ? encodeGlobalID(type, id) : null);

/** What a tool learns about a message (it reads more through the API with its token). */
function messageData(message: Message, conversation: { id: string; accountId: string; userId: string }) {
  return {
    message: {
      id: gid('Message', message.id),
      direction: message.direction,
      kind: message.kind,
      text: message.text,
      stickerId: message.stickerId,
      postId: gid('Post', message.postId),
      automated: message.autoMessageId !== null,
      createdAt: message.createdAt.toISOString(),
    },
    conversation: { id: gid('Conversation', conversation.id), accountId: gid('BusinessAccount', conversation.accountId), contactId: gid('User', conversation.userId) },
  };
}

const messageReceived = (conversation: { id: string; accountId: string; userId: string }, message: Message, now: Date): OutboxEvent => ({
  type: 'message.received',
  accountId: conversation.accountId,
  conversationId: conversation.id,
  data: messageData(message, conversation),
  at: now,
});

// the outbox records the user's message before any auto-reply does its own (order per conversation)
registerInboundHook(
  async (tx, { conversation, message, isFirstInbound, now }) => {
    // ad referrals are sent when the click is recorded (below); a chat link shows itself on the first message
    if (isFirstInbound && conversation.origin === 'CHAT_LINK') {
      await recordEvent(tx, {
        type: 'conversation.referral',
        accountId: conversation.accountId,
        conversationId: conversation.id,
        data: { conversation: { id: gid('Conversation', conversation.id), accountId: gid('BusinessAccount', conversation.accountId), contactId: gid('User', conversation.userId), origin: conversation.origin, adId: gid('MessagingAd', conversation.adId) } },
        at: now,
      });
    }
    await recordEvent(tx, messageReceived(conversation, message, now));
  },
  {
    first: true,
    // on the one-statement path (never a first message, so never a referral) the event rides in
    // the message's statement when the pre-check saw an endpoint that wants it. An endpoint
    // committed after that read misses this message, as one committed after the outbox
    // statement of a transaction misses it there: events are promised from the endpoint's
    // commit on, to messages whose processing starts after it.
    probe: { name: 'receivedWanted', sql: Prisma.sql`EXISTS (${endpointsWanting('message.received', Prisma.sql`a."id"`)})` },
    inStatement: ({ conversation, message, now, probes }) =>
      outboxSwitch.enabled && probes.receivedWanted ? { ctes: eventCtes('outbox_dm', messageReceived(conversation, message, now)) } : null,
  },
);

// every ad click is a referral: it opens the conversation, or brings back a contact who has one
registerClickHook(async (tx, { conversation, click, ad, opened }) => {
  await recordEvent(tx, {
    type: 'conversation.referral',
    accountId: conversation.accountId,
    conversationId: conversation.id,
    data: {
      conversation: { id: gid('Conversation', conversation.id), accountId: gid('BusinessAccount', conversation.accountId), contactId: gid('User', conversation.userId), origin: conversation.origin, opened },
      referral: {
        source: 'AD',
        adId: gid('MessagingAd', ad.id),
        adTitle: click.adTitle,
        creative: { kind: click.creativeKind, postId: gid('Post', click.creativePostId) },
        clickId: click.clickId,
        clickedAt: click.clickedAt.toISOString(),
      },
    },
    at: click.clickedAt,
  });
});

const messageSent = (conversation: { id: string; accountId: string; userId: string }, message: Message, now: Date): OutboxEvent => ({
  type: 'message.sent',
  accountId: conversation.accountId,
  conversationId: conversation.id,
  data: messageData(message, conversation),
  at: now,
});

registerOutboundHook(
  async (tx, { conversation, message, now }) => {
    await recordEvent(tx, messageSent(conversation, message, now));
  },
  {
    // an automated reply riding in the inbound message's statement: its event, if the reply is
    // sent, after the message's own (above) when that one is recorded
    inStatement: ({ conversation, message, now, probes, sent }) =>
      outboxSwitch.enabled ? { ctes: eventCtes('outbox_sent', messageSent(conversation, message, now), sent, probes.receivedWanted ? 'outbox_dm' : undefined) } : null,
  },
);

registerLeadHook(async (tx, { lead, formName }) => {
  await recordEvent(tx, {
    type: 'lead.created',
    accountId: lead.accountId,
    conversationId: lead.conversationId,
    data: {
      lead: {
        id: gid('Lead', lead.id),
        accountId: gid('BusinessAccount', lead.accountId),
        form: { id: gid('LeadForm', lead.formId), name: formName },
        source: lead.source,
        answers: lead.answers,
        conversationId: gid('Conversation', lead.conversationId),
        submittedAt: lead.createdAt.toISOString(),
      },
    },
    at: lead.createdAt,
  });
});

registerDecisionHook(async (tx, decision) => {
  if (decision.kind !== 'AUTO_MESSAGE') return;
  await recordEvent(tx, {
    type: 'auto_message.review_updated',
    accountId: decision.accountId,
    orderingKey: decision.subjectId,
    data: {
      autoMessage: { id: gid('AutoMessage', decision.subjectId), accountId: gid('BusinessAccount', decision.accountId) },
      reviewState: decision.approved ? 'APPROVED' : 'REJECTED',
      reasons: decision.reasons,
      decidedAt: decision.at.toISOString(),
    },
    at: decision.at,
  });
});
