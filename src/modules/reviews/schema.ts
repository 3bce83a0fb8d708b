// GraphQL surface of the review queue: reviewers list and decide; teams see their items.
import type { ObjectRef } from '@pothos/core';
import { ReviewKind, ReviewState } from '../../generated/prisma/enums.ts';
import { allRoles } from '../../platform/access.ts';
import { builder } from '../../platform/builder.ts';
import type { Context } from '../../platform/context.ts';
import { attempt, payloadType } from '../../platform/payload.ts';
import { reviewAreas, type ReviewReason } from './registry.ts';
import * as reviews from './service.ts';

export const ReviewKindEnum = builder.enumType(ReviewKind, { name: 'ReviewKind' });
export const ReviewStateEnum = builder.enumType(ReviewState, { name: 'ReviewState' });
export const ReviewAreaEnum = builder.enumType('ReviewArea', { values: reviewAreas, description: 'An area a rejection highlights.' });

/** Each reviewable module adds its subject's GraphQL type here, with how to load it. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const subjects: { kind: ReviewKind; ref: ObjectRef<any, any>; load(ctx: Context, id: string): Promise<unknown> }[] = [];
export function registerReviewSubject(entry: (typeof subjects)[number]): void {
  subjects.push(entry);
}

const ReviewSubject = builder.unionType('ReviewSubject', {
  description: 'What a review item is about.',
  types: () => subjects.map((s) => s.ref),
  resolveType: (value) => (value as { __reviewKind: ReviewKind }).__reviewKind && subjects.find((s) => s.kind === (value as { __reviewKind: ReviewKind }).__reviewKind)!.ref,
});

const ReviewReasonRef = builder.objectRef<ReviewReason>('ReviewReason').implement({
  fields: (t) => ({
    area: t.field({ type: ReviewAreaEnum, resolve: (r) => r.area }),
    message: t.exposeString('message'),
  }),
});

const reviewersAndTeam = (item: { accountId: string }) => ({ $any: { reviewer: true, account: { id: item.accountId, roles: allRoles } } });

export const ReviewItemRef = builder.prismaNode('ReviewItem', {
  id: { field: 'id' },
  description: 'One submission of a subject to platform review, and its decision.',
  authScopes: reviewersAndTeam,
  loadableBy: reviewersAndTeam,
  fields: (t) => ({
    kind: t.expose('kind', { type: ReviewKindEnum }),
    state: t.expose('state', { type: ReviewStateEnum }),
    subject: t.field({
      type: ReviewSubject,
      nullable: true,
      resolve: async (item, _args, ctx) => {
        const entry = subjects.find((s) => s.kind === item.kind);
        const subject = entry ? await entry.load(ctx, item.subjectId) : null;
        return (subject ? Object.assign(subject as object, { __reviewKind: item.kind }) : null) as never;
      },
    }),
    snapshot: t.expose('snapshot', { type: 'JSON', description: 'The content exactly as submitted.' }),
    account: t.prismaField({ type: 'BusinessAccount', resolve: (q, item, _a, ctx) => ctx.db.businessAccount.findUniqueOrThrow({ ...q, where: { id: item.accountId } }) }),
    submittedAt: t.expose('submittedAt', { type: 'DateTime' }),
    dueBy: t.expose('dueBy', { type: 'DateTime', description: 'When the review is expected by.' }),
    overdue: t.boolean({ resolve: (item, _a, ctx) => item.state === 'PENDING' && ctx.clock.now() > item.dueBy }),
    decidedAt: t.expose('decidedAt', { type: 'DateTime', nullable: true }),
    reviewer: t.prismaField({
      type: 'User',
      nullable: true,
      description: 'Visible to platform reviewers only (null for others).',
      authScopes: { reviewer: true },
      unauthorizedResolver: () => null,
      resolve: (q, item, _a, ctx) => (item.reviewerId ? ctx.db.user.findUnique({ ...q, where: { id: item.reviewerId } }) : null),
    }),
    reasons: t.field({ type: [ReviewReasonRef], resolve: (item) => (item.reasons as ReviewReason[] | null) ?? [] }),
  }),
});

builder.queryField('reviewQueue', (t) =>
  t.prismaConnection({
    type: 'ReviewItem',
    cursor: 'id',
    description: 'For platform reviewers: review items, oldest submission first.',
    authScopes: { reviewer: true },
    args: {
      kind: t.arg({ type: ReviewKindEnum }),
      state: t.arg({ type: ReviewStateEnum, defaultValue: 'PENDING' }),
    },
    resolve: (query, _root, args, ctx) =>
      ctx.db.reviewItem.findMany({
        ...query,
        where: { kind: args.kind ?? undefined, state: args.state ?? undefined },
        orderBy: [{ submittedAt: 'asc' }, { id: 'asc' }],
      }),
  }),
);

const ReviewReasonInput = builder.inputType('ReviewReasonInput', {
  fields: (t) => ({
    area: t.field({ type: ReviewAreaEnum, required: true }),
    message: t.string({ required: true, description: `What must change, at most ${reviews.MAX_REASON_LENGTH} characters.` }),
  }),
});

const ReviewDecisionPayload = payloadType<{ itemId: string }>('ReviewDecisionPayload', (t) => ({
  reviewItem: t.prismaField({
    type: 'ReviewItem',
    nullable: true,
    resolve: (q, p, _a, ctx) => (p.itemId ? ctx.db.reviewItem.findUnique({ ...q, where: { id: p.itemId } }) : null),
  }),
}));

builder.mutationFields((t) => ({
  reviewApprove: t.field({
    type: ReviewDecisionPayload,
    authScopes: { reviewer: true },
    args: { id: t.arg.globalID({ required: true, for: ReviewItemRef }) },
    resolve: (_root, args, ctx) => attempt(async () => ({ itemId: (await reviews.decide(ctx, ctx.viewer!.userId, args.id.id, { approve: true })).id })),
  }),
  reviewReject: t.field({
    type: ReviewDecisionPayload,
    description: 'Rejects with at least one reason per highlighted area.',
    authScopes: { reviewer: true },
    args: { id: t.arg.globalID({ required: true, for: ReviewItemRef }), reasons: t.arg({ type: [ReviewReasonInput], required: true }) },
    resolve: (_root, args, ctx) =>
      attempt(async () => ({ itemId: (await reviews.decide(ctx, ctx.viewer!.userId, args.id.id, { approve: false, reasons: args.reasons })).id })),
  }),
}));
