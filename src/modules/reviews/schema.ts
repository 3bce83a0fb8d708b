// GraphQL surface of the review queue: reviewers list and decide; teams see their items.
import type { ObjectRef } from '@pothos/core';
import { ReviewKind, ReviewState } from '../../generated/prisma/enums.ts';
import { allRoles } from '../../platform/access.ts';
import { builder } from '../../platform/builder.ts';
import type { Context } from '../../platform/context.ts';
import { attempt, payloadType } from '../../platform/payload.ts';
import { reviewAreas, type ReviewReason } from './registry.ts';
import * as reviews from './service.ts';

export const ReviewKindEnum = builder.enumType(ReviewKind, {
  name: 'ReviewKind',
  description: 'What kind of content a review item is about.',
  values: {
    LEAD_FORM: { description: 'A lead form (areas INTRODUCTION, QUESTIONS, PRIVACY_POLICY; due within 24 hours).' },
    AUTO_MESSAGE: { description: 'A welcome message, suggested question, chat prompt or keyword reply (area CONTENT; due within 24 hours).' },
    CHAT_LINK_PREFILL: { description: 'A chat link’s prefilled message (area CONTENT; due within 24 hours).' },
    CAMPAIGN_REGISTRATION: { description: 'A registration to a REVIEWED campaign, with its LIVE sessions (areas ACCOUNT, SESSIONS, CONTENT; due within 72 hours).' },
  },
});
export const ReviewStateEnum = builder.enumType(ReviewState, {
  name: 'ReviewState',
  description: 'Where a review item stands.',
  values: {
    PENDING: { description: 'Waiting for a reviewer.' },
    APPROVED: { description: 'A reviewer approved it.' },
    REJECTED: { description: 'A reviewer rejected it, with reasons.' },
    WITHDRAWN: { description: 'Superseded before a decision: the subject was edited, resubmitted or deleted.' },
  },
});
const reviewAreaValues: Record<(typeof reviewAreas)[number], { description: string }> = {
  INTRODUCTION: { description: 'A lead form’s introduction.' },
  QUESTIONS: { description: 'A lead form’s questions.' },
  PRIVACY_POLICY: { description: 'A lead form’s privacy policy.' },
  CONTENT: { description: 'The content of an auto-message or chat-link prefill.' },
  ACCOUNT: { description: 'A campaign registration’s account (its eligibility).' },
  SESSIONS: { description: 'A campaign registration’s LIVE sessions.' },
};
export const ReviewAreaEnum = builder.enumType('ReviewArea', { values: reviewAreaValues, description: 'An area a rejection highlights.' });

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
  description: 'Why a reviewer rejected a submission, for one area.',
  fields: (t) => ({
    area: t.field({ type: ReviewAreaEnum, description: 'The area that must change.', resolve: (r) => r.area }),
    message: t.exposeString('message', { description: 'What must change, at most 500 characters.' }),
  }),
});

const reviewersAndTeam = (item: { accountId: string }) => ({ $any: { reviewer: true, account: { id: item.accountId, roles: allRoles } } });

export const ReviewItemRef = builder.prismaNode('ReviewItem', {
  id: { field: 'id' },
  description: 'One submission of a subject to platform review, and its decision. Platform reviewers and the team of its account may see it.',
  authScopes: reviewersAndTeam,
  loadableBy: reviewersAndTeam,
  fields: (t) => ({
    kind: t.expose('kind', { type: ReviewKindEnum, description: 'What kind of content is reviewed.' }),
    state: t.expose('state', { type: ReviewStateEnum, description: 'Pending, decided or withdrawn.' }),
    subject: t.field({
      type: ReviewSubject,
      nullable: true,
      description: 'The reviewed object as it is now (it may have changed since); null when it was deleted.',
      resolve: async (item, _args, ctx) => {
        const entry = subjects.find((s) => s.kind === item.kind);
        const subject = entry ? await entry.load(ctx, item.subjectId) : null;
        return (subject ? Object.assign(subject as object, { __reviewKind: item.kind }) : null) as never;
      },
    }),
    snapshot: t.expose('snapshot', { type: 'JSON', description: 'The content exactly as submitted.' }),
    account: t.prismaField({ type: 'BusinessAccount', description: 'The business account the content belongs to.', resolve: (q, item, _a, ctx) => ctx.db.businessAccount.findUniqueOrThrow({ ...q, where: { id: item.accountId } }) }),
    submittedAt: t.expose('submittedAt', { type: 'DateTime', description: 'When it was submitted for review.' }),
    dueBy: t.expose('dueBy', { type: 'DateTime', description: 'When the review is expected by (24 hours after submission).' }),
    overdue: t.boolean({ description: 'Still pending after `dueBy`.', resolve: (item, _a, ctx) => item.state === 'PENDING' && ctx.clock.now() > item.dueBy }),
    decidedAt: t.expose('decidedAt', { type: 'DateTime', nullable: true, description: 'When it was decided or withdrawn; null while pending.' }),
    reviewer: t.prismaField({
      type: 'User',
      nullable: true,
      description: 'Visible to platform reviewers only (null for others).',
      authScopes: { reviewer: true },
      unauthorizedResolver: () => null,
      resolve: (q, item, _a, ctx) => (item.reviewerId ? ctx.db.user.findUnique({ ...q, where: { id: item.reviewerId } }) : null),
    }),
    reasons: t.field({ type: [ReviewReasonRef], description: 'For a rejection, what must change per area; empty otherwise.', resolve: (item) => (item.reasons as ReviewReason[] | null) ?? [] }),
  }),
});

builder.queryField('reviewQueue', (t) =>
  t.prismaConnection({
    type: 'ReviewItem',
    cursor: 'id',
    description: 'For platform reviewers: review items, oldest submission first.',
    authScopes: { reviewer: true },
    args: {
      kind: t.arg({ type: ReviewKindEnum, description: 'Only items of this kind; omit for all kinds.' }),
      state: t.arg({ type: ReviewStateEnum, defaultValue: 'PENDING', description: 'Only items in this state; null for every state.' }),
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
  description: 'One reason for a rejection.',
  fields: (t) => ({
    area: t.field({ type: ReviewAreaEnum, required: true, description: 'An area the item’s kind has (see ReviewKind).' }),
    message: t.string({ required: true, description: `What must change, at most ${reviews.MAX_REASON_LENGTH} characters.` }),
  }),
});

const ReviewDecisionPayload = payloadType<{ itemId: string }>('ReviewDecisionPayload', (t) => ({
  reviewItem: t.prismaField({
    type: 'ReviewItem',
    nullable: true,
    description: 'The item, decided.',
    resolve: (q, p, _a, ctx) => (p.itemId ? ctx.db.reviewItem.findUnique({ ...q, where: { id: p.itemId } }) : null),
  }),
}));

builder.mutationFields((t) => ({
  reviewApprove: t.field({
    type: ReviewDecisionPayload,
    description: 'Approves a pending item: the subject becomes approved and its team is notified. Platform reviewers only.',
    authScopes: { reviewer: true },
    args: { id: t.arg.globalID({ required: true, for: ReviewItemRef, description: 'A pending review item.' }) },
    resolve: (_root, args, ctx) => attempt(async () => ({ itemId: (await reviews.decide(ctx, ctx.viewer!.userId, args.id.id, { approve: true })).id })),
  }),
  reviewReject: t.field({
    type: ReviewDecisionPayload,
    description: 'Rejects a pending item with at least one reason, each for an area its kind has; its team is notified. Platform reviewers only.',
    authScopes: { reviewer: true },
    args: { id: t.arg.globalID({ required: true, for: ReviewItemRef, description: 'A pending review item.' }), reasons: t.arg({ type: [ReviewReasonInput], required: true, description: 'At least one.' }) },
    resolve: (_root, args, ctx) =>
      attempt(async () => ({ itemId: (await reviews.decide(ctx, ctx.viewer!.userId, args.id.id, { approve: false, reasons: args.reasons })).id })),
  }),
}));
