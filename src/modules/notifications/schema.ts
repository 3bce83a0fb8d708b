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
  id: { field: 'id' },
  authScopes: addressee,
  loadableBy: addressee,
  fields: (t) => ({
    kind: t.exposeString('kind', { description: 'e.g. REVIEW_APPROVED, REVIEW_REJECTED.' }),
    title: t.exposeString('title'),
    body: t.exposeString('body'),
    subjectType: t.exposeString('subjectType', { description: 'GraphQL type of the subject.' }),
    subjectId: t.id({ description: 'Global id of the subject: open it with node(id:).', resolve: (n) => encodeGlobalID(n.subjectType, n.subjectId) }),
    organizationId: t.id({ resolve: (n) => encodeGlobalID('Organization', n.organizationId) }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    readAt: t.expose('readAt', { type: 'DateTime', nullable: true }),
    read: t.exposeBoolean('read'),
  }),
});

builder.queryField('notifications', (t) =>
  t.prismaConnection({
    type: 'Notification',
    cursor: 'id',
    description: 'Your internal mail, unread first, then newest first.',
    authScopes: { authenticated: true },
    args: {
      organizationId: t.arg.globalID({ for: OrganizationRef }),
      unreadOnly: t.arg.boolean({ defaultValue: false }),
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
    authScopes: { authenticated: true },
    args: { organizationId: t.arg.globalID({ for: OrganizationRef }) },
    resolve: (_root, args, ctx) => ctx.db.notification.count({ where: { userId: ctx.viewer!.userId, organizationId: args.organizationId?.id, read: false } }),
  }),
);

const NotificationPayload = payloadType<{ notificationId: string }>('NotificationPayload', (t) => ({
  notification: t.prismaField({
    type: 'Notification',
    nullable: true,
    resolve: (q, p, _a, ctx) => (p.notificationId ? ctx.db.notification.findUnique({ ...q, where: { id: p.notificationId } }) : null),
  }),
}));

const NotificationsMarkAllReadPayload = payloadType<{ count: number }>('NotificationsMarkAllReadPayload', (t) => ({
  count: t.int({ nullable: true, description: 'How many were marked read.', resolve: (p) => p.count ?? null }),
}));

builder.mutationFields((t) => ({
  notificationMarkRead: t.field({
    type: NotificationPayload,
    authScopes: { authenticated: true },
    args: { id: t.arg.globalID({ required: true, for: NotificationRef }) },
    resolve: (_root, args, ctx) =>
      attempt(async () => {
        const own = await ctx.db.notification.findFirst({ where: { id: args.id.id, userId: ctx.viewer!.userId }, select: { id: true } });
        if (!own) refuse('NOT_FOUND', ['id'], 'No notification of yours has this id.');
        return { notificationId: (await notifications.markRead(ctx.db, ctx.viewer!.userId, own.id, ctx.clock.now())).id };
      }),
  }),
  notificationsMarkAllRead: t.field({
    type: NotificationsMarkAllReadPayload,
    authScopes: { authenticated: true },
    args: { organizationId: t.arg.globalID({ for: OrganizationRef }) },
    resolve: (_root, args, ctx) =>
      attempt(async () => ({ count: await notifications.markAllRead(ctx.db, ctx.viewer!.userId, args.organizationId?.id, ctx.clock.now()) })),
  }),
}));

builder.subscriptionField('notificationAdded', (t) =>
  t.prismaField({
    type: 'Notification',
    description: 'Each new notification addressed to you (optionally only one organization’s).',
    authScopes: { authenticated: true },
    args: { organizationId: t.arg.globalID({ for: OrganizationRef }) },
    subscribe: async function* (_root, args, ctx) {
      for await (const event of ctx.pubsub.subscribe('notification', ctx.viewer!.userId)) {
        if (!args.organizationId || args.organizationId.id === event.organizationId) yield event;
      }
    },
    resolve: (query, event, _args, ctx) => ctx.db.notification.findUniqueOrThrow({ ...query, where: { id: event.notificationId } }),
  }),
);
