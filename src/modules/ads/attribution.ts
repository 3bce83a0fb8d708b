// Which ad a lead came from, for the leads module: an ad the submitter clicked, or the ad
// behind the conversation a DM lead names.
import type { Db } from '../../platform/db.ts';

/** Whether the user reached this account through this ad (a recorded click). */
export async function clickedAd(db: Db, userId: string, accountId: string, adId: string): Promise<boolean> {
  const click = await db.adClick.findFirst({ where: { adId, userId, ad: { accountId } }, select: { id: true } });
  return click !== null;
}

/** The ad behind the user's own conversation with the account (last touch), or null. */
export async function adOfConversation(db: Db, userId: string, accountId: string, conversationId: string): Promise<string | null> {
  const conversation = await db.conversation.findFirst({ where: { id: conversationId, userId, accountId, lastAdClickId: { not: null } }, select: { adId: true } });
  return conversation?.adId ?? null;
}
