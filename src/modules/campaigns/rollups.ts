// Attribution and rollups, run inside other modules' transactions so they commit or roll back
// with their cause.
// - A live that starts inside an APPROVED registered session period of its account (half-open:
//   [startsAt, endsAt)) is attributed to that campaign and session, once, when it starts. With
//   no such session, an APPROVED registration to an AUTO_APPROVED campaign running at that
//   instant takes it (the campaign started last, then the earliest registration). The
//   attribution is never rewritten: later edits, withdrawals or cancellations change only lives
//   that start afterwards, and the whole live counts (orders after the period end included).
// - Each order, viewer DM and lead of an attributed live adds to its rollup row with one
//   `INSERT … ON CONFLICT DO UPDATE SET x = x + …` / `UPDATE … SET x = x + 1` statement, so a
//   committed event is counted exactly once whatever the concurrency or instance count.
import { Prisma } from '../../generated/prisma/client.ts';
import type { Tx } from '../../platform/db.ts';
import type { PendingEvents } from '../../platform/events.ts';
import { registerLeadHook } from '../leads/service.ts';
import { registerLiveStartHook, registerOrderHook } from '../live/lifecycle-hooks.ts';
import { registerInboundHook } from '../messaging/service.ts';
import { performanceChanged } from './events.ts';

/** The campaign a live starting now counts for, if any. */
async function attributionAt(tx: Tx, accountId: string, now: Date) {
  const session = await tx.campaignSession.findFirst({
    where: { accountId, active: true, startsAt: { lte: now }, endsAt: { gt: now }, registration: { status: 'APPROVED' }, campaign: { cancelledAt: null } },
    select: { id: true, campaignId: true, registrationId: true },
  });
  if (session) return { campaignId: session.campaignId, registrationId: session.registrationId, registeredSessionId: session.id };
  const registration = await tx.campaignRegistration.findFirst({
    where: { accountId, status: 'APPROVED', campaign: { registrationType: 'AUTO_APPROVED', cancelledAt: null, startsAt: { lte: now }, endsAt: { gt: now } } },
    orderBy: [{ campaign: { startsAt: 'desc' } }, { submittedAt: 'asc' }, { id: 'asc' }],
    select: { id: true, campaignId: true },
  });
  return registration ? { campaignId: registration.campaignId, registrationId: registration.id, registeredSessionId: null } : null;
}

registerLiveStartHook(async (tx, { session, now, events }) => {
  const attribution = await attributionAt(tx, session.accountId, now);
  if (!attribution) return;
  const account = await tx.businessAccount.findUniqueOrThrow({ where: { id: session.accountId }, select: { organizationId: true } });
  await tx.campaignLive.create({ data: { liveSessionId: session.id, ...attribution, organizationId: account.organizationId, accountId: session.accountId, startedAt: now } });
  performanceChanged(events, attribution.campaignId, account.organizationId);
});

/** The first day (UTC) of the month of an instant, as a date. */
export const monthOf = (at: Date) => `${at.toISOString().slice(0, 7)}-01`;

type Touched = { campaignId: string; organizationId: string }[];
const announce = (events: PendingEvents, rows: Touched) => rows.forEach((row) => performanceChanged(events, row.campaignId, row.organizationId));

registerOrderHook(async (tx, { order, events }) => {
  const touched = await tx.$queryRaw<Touched>`
    INSERT INTO "CampaignLiveSales" ("liveSessionId", "month", "currency", "campaignId", "organizationId", "registeredSessionId", "gmvMinor", "orders", "itemsSold")
    SELECT l."liveSessionId", ${monthOf(order.createdAt)}::date, ${order.currency}, l."campaignId", l."organizationId", l."registeredSessionId", ${order.amountMinor}, 1, ${order.units}
    FROM "CampaignLive" l WHERE l."liveSessionId" = ${order.sessionId}::uuid
    ON CONFLICT ("liveSessionId", "month", "currency") DO UPDATE SET
      "gmvMinor" = "CampaignLiveSales"."gmvMinor" + EXCLUDED."gmvMinor",
      "orders" = "CampaignLiveSales"."orders" + 1,
      "itemsSold" = "CampaignLiveSales"."itemsSold" + EXCLUDED."itemsSold"
    RETURNING "campaignId"::text AS "campaignId", "organizationId"::text AS "organizationId"`;
  announce(events, touched);
});

/** A viewer DM of an attributed live counts on its rollup row (no row: the live is not attributed). */
const countViewerMessage = (liveSessionId: string) => Prisma.sql`
  UPDATE "CampaignLive" SET "viewerMessages" = "viewerMessages" + 1 WHERE "liveSessionId" = ${liveSessionId}::uuid
  RETURNING "campaignId"::text AS "campaignId", "organizationId"::text AS "organizationId"`;

registerInboundHook(
  async (tx, { message, events }) => {
    if (!message.liveSessionId) return;
    announce(events, await tx.$queryRaw<Touched>(countViewerMessage(message.liveSessionId)));
  },
  {
    // on the one-statement path: the same UPDATE as a CTE, its rows returned as JSON
    inStatement: ({ message, events }) =>
      message.liveSessionId
        ? {
            ctes: Prisma.sql`"campaign_dm" AS (${countViewerMessage(message.liveSessionId)})`,
            result: Prisma.sql`(SELECT coalesce(json_agg("campaign_dm"), '[]'::json) FROM "campaign_dm")`,
            after: (rows) => announce(events, (typeof rows === 'string' ? JSON.parse(rows) : rows) as Touched),
          }
        : null,
  },
);

registerLeadHook(async (tx, { lead, events }) => {
  if (!lead.liveSessionId) return;
  announce(
    events,
    await tx.$queryRaw<Touched>`
      UPDATE "CampaignLive" SET "leads" = "leads" + 1 WHERE "liveSessionId" = ${lead.liveSessionId}::uuid
      RETURNING "campaignId"::text AS "campaignId", "organizationId"::text AS "organizationId"`,
  );
});
