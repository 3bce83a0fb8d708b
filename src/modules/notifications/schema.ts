// GraphQL surface of notifications: the viewer's mail, marking read, and a live feed.
import { encodeGlobalID } from '@pothos/plugin-relay';
import { builder } from '../../platform/builder.ts';
import type { Context } from '../../platform/context.ts';
import { attempt, payloadType } from '../../platform/payload.ts';
import { refuse } from '../../platform/errors.ts';
import { OrganizationRef } from '../accounts/schema.ts';
import * as notifications from './service.ts';

/** A notification is its addressee's only. */
const addressee = (n: { userId: string }, ctx: Context) => n.userId === ctx.viewer?.userId;

export const NotificationRef = builder.prismaNode('Notification', {
  description: 'A message of the internal mail (e.g. a review decision), sent to each member who works on the account concerned. Only its recipient may see it.',
  id: { field: 'id' },
  authScopes: addressee,
  loadableBy: addressee,
  fields: (t) => ({
    kind: t.exposeString('kind', { description: 'e.g. REVIEW_APPROVED, REVIEW_REJECTED.' }),
    title: t.exposeString('title', { description: 'One-line summary, e.g. which lead form was approved.' }),
    body: t.exposeString('body', { description: 'The text; for a rejection, the reviewer’s reasons per area.' }),
    subjectType: t.exposeString('subjectType', { description: 'GraphQL type of the subject.' }),
    subjectId: t.id({ description: 'Global id of the subject: open it with node(id:).', resolve: (n) => encodeGlobalID(n.subjectType, n.subjectId) }),
    organizationId: t.id({ description: 'Global id of the organization the notification is about.', resolve: (n) => encodeGlobalID('Organization', n.organizationId) }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When it was sent.' }),
    readAt: t.expose('readAt', { type: 'DateTime', nullable: true, description: 'When you marked it read; null while unread.' }),
    read: t.exposeBoolean('read', { description: 'Whether you marked it read.' }),
  }),
});

builder.queryField('notifications', (t) =>
  t.prismaConnection({
    type: 'Notification',
    cursor: 'id',
    description: 'Your internal mail, unread first, then newest first. Needs a token; only your own notifications.',
    authScopes: { authenticated: true },
    args: {
      organizationId: t.arg.globalID({ for: OrganizationRef, description: 'Only this organization’s notifications; omit for all.' }),
      unreadOnly: t.arg.boolean({ defaultValue: false, description: 'Only unread notifications.' }),
    },
    resolve: (query, _root, args, ctx) =>
      ctx.db.notification.findMany({
        ...query,
        where: { userId: ctx.viewer!.userId, organizationId: args.organizationId?.id, ...(args.unreadOnly ? { read: false } : {}) },
        orderBy: [{ read: 'asc' }, { createdAt: 'desc' }, { id: 'desc' }],
      }),
  }),
);

builder.queryField('notificationsUnreadCount', (t) =>
  t.int({
    description: 'How many of your notifications are unread. Needs a token.',
    authScopes: { authenticated: true },
    args: { organizationId: t.arg.globalID({ for: OrganizationRef, description: 'Count only this organization’s; omit for all.' }) },
    resolve: (_root, args, ctx) => ctx.db.notification.count({ where: { userId: ctx.viewer!.userId, organizationId: args.organizationId?.id, read: false } }),
  }),
);

const NotificationPayload = payloadType<{ notificationId: string }>('NotificationPayload', (t) => ({
  notification: t.prismaField({
    type: 'Notification',
    nullable: true,
    description: 'The notification, now read.',
    resolve: (q, p, _a, ctx) => (p.notificationId ? ctx.db.notification.findUnique({ ...q, where: { id: p.notificationId } }) : null),
  }),
}));

const NotificationsMarkAllReadPayload = payloadType<{ count: number }>('NotificationsMarkAllReadPayload', (t) => ({
  count: t.int({ nullable: true, description: 'How many were marked read.', resolve: (p) => p.count ?? null }),
}));

builder.mutationFields((t) => ({
  notificationMarkRead: t.field({
    type: NotificationPayload,
    description: 'Marks one of your notifications read (again is harmless).',
    authScopes: { authenticated: true },
    args: { id: t.arg.globalID({ required: true, for: NotificationRef, description: 'The notification; it must be yours (NOT_FOUND otherwise).' }) },
    resolve: (_root, args, ctx) =>
      attempt(async () => {
        const own = await ctx.db.notification.findFirst({ where: { id: args.id.id, userId: ctx.viewer!.userId }, select: { id: true } });
        if (!own) refuse('NOT_FOUND', ['id'], 'No notification of yours has this id.');
        return { notificationId: (await notifications.markRead(ctx.db, ctx.viewer!.userId, own.id, ctx.clock.now())).id };
      }),
  }),
  notificationsMarkAllRead: t.field({
    type: NotificationsMarkAllReadPayload,
    description: 'Marks all your unread notifications read.',
    authScopes: { authenticated: true },
    args: { organizationId: t.arg.globalID({ for: OrganizationRef, description: 'Only this organization’s; omit for all.' }) },
    resolve: (_root, args, ctx) =>
      attempt(async () => ({ count: await notifications.markAllRead(ctx.db, ctx.viewer!.userId, args.organizationId?.id, ctx.clock.now()) })),
  }),
}));

builder.subscriptionField('notificationAdded', (t) =>
  t.prismaField({
    type: 'Notification',
    description: 'Each new notification addressed to you (optionally only one organization’s). Needs a token.',
    authScopes: { authenticated: true },
    args: { organizationId: t.arg.globalID({ for: OrganizationRef, description: 'Only this organization’s; omit for all.' }) },
    subscribe: async function* (_root, args, ctx) {
      for await (const event of ctx.pubsub.subscribe('notification', ctx.viewer!.userId)) {
        if (!args.organizationId || args.organizationId.id === event.organizationId) yield event;
      }
    },
    resolve: (query, event, _args, ctx) => ctx.db.notification.findUniqueOrThrow({ ...query, where: { id: event.notificationId } }),
  }),
);
