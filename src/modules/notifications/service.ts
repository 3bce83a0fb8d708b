// The team's internal mail: one row per recipient, so read state is personal and a member
// limited to some accounts receives mail only about those accounts.
import type { Db, Tx } from '../../platform/db.ts';
import type { PendingEvents } from '../../platform/events.ts';
import './events.ts';

export interface NotificationDraft {
  accountId: string;
  kind: string;
  title: string;
  body: string;
  subjectType: string;
  subjectId: string;
  /** when it happened, from the app clock */
  createdAt: Date;
}

/** Mails every member who works on the account; publish `events` after the transaction commits. */
export async function notifyAccountTeam(tx: Tx, events: PendingEvents, draft: NotificationDraft): Promise<number> {
  const account = await tx.businessAccount.findUniqueOrThrow({ where: { id: draft.accountId }, select: { organizationId: true } });
  const members = await tx.membership.findMany({
    where: { organizationId: account.organizationId, OR: [{ restricted: false }, { accounts: { some: { accountId: draft.accountId } } }] },
    select: { userId: true },
  });
  for (const { userId } of members) {
    const row = await tx.notification.create({ data: { ...draft, userId, organizationId: account.organizationId }, select: { id: true } });
    events.add('notification', userId, { notificationId: row.id, organizationId: account.organizationId });
  }
  return members.length;
}

export async function markRead(db: Db, userId: string, notificationId: string, at: Date) {
  await db.notification.updateMany({ where: { id: notificationId, userId, read: false }, data: { read: true, readAt: at } });
  return db.notification.findUniqueOrThrow({ where: { id: notificationId } });
}

export async function markAllRead(db: Db, userId: string, organizationId: string | undefined, at: Date): Promise<number> {
  const result = await db.notification.updateMany({ where: { userId, organizationId, read: false }, data: { read: true, readAt: at } });
  return result.count;
}

/** Mails the organization's owners and admins (organization-wide matters, e.g. a disabled webhook). */
export async function notifyOrganizationManagers(tx: Tx, events: PendingEvents, draft: Omit<NotificationDraft, 'accountId'> & { organizationId: string }): Promise<number> {
  const { organizationId, ...rest } = draft;
  const members = await tx.membership.findMany({ where: { organizationId, role: { in: ['OWNER', 'ADMIN'] } }, select: { userId: true } });
  for (const { userId } of members) {
    const row = await tx.notification.create({ data: { ...rest, userId, organizationId, accountId: null }, select: { id: true } });
    events.add('notification', userId, { notificationId: row.id, organizationId });
  }
  return members.length;
}
