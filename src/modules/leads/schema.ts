// GraphQL surface of lead generation: lead forms and their review, Get Leads entries on
// videos and the profile, lead capture by viewers, lead management and CSV export.
import { encodeGlobalID } from '@pothos/plugin-relay';
import type { LeadForm } from '../../generated/prisma/client.ts';
import { LeadFormCallToAction, LeadFormStatus, LeadQuestion, LeadSource, LeadStatus } from '../../generated/prisma/enums.ts';
import { allRoles, managerRoles, operatorRoles } from '../../platform/access.ts';
import { builder } from '../../platform/builder.ts';
import type { Context } from '../../platform/context.ts';
import { attempt, payloadType } from '../../platform/payload.ts';
import { accountScope, byAccountIdArg } from '../../platform/scopes.ts';
import { BusinessAccountRef, UserRef } from '../accounts/schema.ts';
import { registerReviewSubject } from '../reviews/schema.ts';
import { createExportLink } from './export.ts';
import * as forms from './forms.ts';
import { countWords, INTRODUCTION_MAX_WORDS, questionLabels, type Answer } from './rules.ts';
import * as leads from './service.ts';

export const LeadQuestionEnum = builder.enumType(LeadQuestion, { name: 'LeadQuestion', description: 'ENQUIRY asks "How can we help you?".' });
export const LeadFormStatusEnum = builder.enumType(LeadFormStatus, { name: 'LeadFormStatus' });
export const LeadFormCallToActionEnum = builder.enumType(LeadFormCallToAction, { name: 'LeadFormCallToAction', description: 'The label of the Get Leads button.' });
export const LeadSourceEnum = builder.enumType(LeadSource, { name: 'LeadSource' });
export const LeadStatusEnum = builder.enumType(LeadStatus, { name: 'LeadStatus', description: 'Any status but NEW counts as completed.' });

const teamOf = (accountId: string) => ({ $any: { account: { id: accountId, roles: allRoles }, reviewer: true } });
/** Leads are the submitters' personal data: the account's team only (platform reviewers review forms, not leads). */
const leadTeamOf = (accountId: string) => ({ account: { id: accountId, roles: allRoles } });
const isLive = (form: Pick<LeadForm, 'status' | 'getLeadsEnabled'>) => form.status === 'APPROVED' && form.getLeadsEnabled;

const QuestionRef = builder.objectRef<{ question: LeadQuestion }>('LeadFormQuestion').implement({
  fields: (t) => ({
    question: t.field({ type: LeadQuestionEnum, resolve: (q) => q.question }),
    label: t.string({ resolve: (q) => questionLabels[q.question] }),
  }),
});

/** What a viewer sees of a form: used for previews, profile and video entries. */
export const PublicLeadFormRef = builder.objectRef<LeadForm>('PublicLeadForm').implement({
  description: 'A lead form as a viewer sees it.',
  fields: (t) => ({
    id: t.id({ resolve: (form) => encodeGlobalID('LeadForm', form.id) }),
    name: t.exposeString('name'),
    introduction: t.exposeString('introduction'),
    questions: t.field({ type: [QuestionRef], resolve: (form) => form.questions.map((question) => ({ question })) }),
    privacyPolicyText: t.exposeString('privacyPolicyText', { nullable: true }),
    privacyPolicyUrl: t.exposeString('privacyPolicyUrl', { nullable: true }),
    callToAction: t.expose('callToAction', { type: LeadFormCallToActionEnum }),
    account: t.prismaField({ type: 'BusinessAccount', resolve: (q, form, _a, ctx) => ctx.db.businessAccount.findUniqueOrThrow({ ...q, where: { id: form.accountId } }) }),
  }),
});

export const LeadFormRef = builder.prismaNode('LeadForm', {
  id: { field: 'id' },
  description: 'A lead form as its team edits it.',
  authScopes: (form) => teamOf(form.accountId),
  fields: (t) => ({
    name: t.exposeString('name'),
    introduction: t.exposeString('introduction'),
    introductionWordCount: t.int({ description: `At most ${INTRODUCTION_MAX_WORDS}.`, resolve: (form) => countWords(form.introduction) }),
    questions: t.field({ type: [LeadQuestionEnum], resolve: (form) => form.questions }),
    privacyPolicyText: t.exposeString('privacyPolicyText', { nullable: true }),
    privacyPolicyUrl: t.exposeString('privacyPolicyUrl', { nullable: true }),
    callToAction: t.expose('callToAction', { type: LeadFormCallToActionEnum }),
    status: t.expose('status', { type: LeadFormStatusEnum }),
    getLeadsEnabled: t.exposeBoolean('getLeadsEnabled', { description: 'The Get Leads switch. While on, the form cannot be edited.' }),
    acceptingLeads: t.boolean({ description: 'Approved and switched on.', resolve: isLive }),
    submittedAt: t.expose('submittedAt', { type: 'DateTime', nullable: true, description: 'When the latest version went to review.' }),
    approvedAt: t.expose('approvedAt', { type: 'DateTime', nullable: true }),
    account: t.relation('account'),
    preview: t.field({ type: PublicLeadFormRef, description: 'What a viewer would see.', resolve: (form) => form }),
    reviews: t.prismaField({
      type: ['ReviewItem'],
      description: 'Every submission and decision, newest first.',
      resolve: (q, form, _a, ctx) => ctx.db.reviewItem.findMany({ ...q, where: { kind: 'LEAD_FORM', subjectId: form.id }, orderBy: [{ submittedAt: 'desc' }, { id: 'desc' }] }),
    }),
    leads: t.relationCount('leads'),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime' }),
  }),
});

registerReviewSubject({ kind: 'LEAD_FORM', ref: LeadFormRef, load: (ctx, id) => ctx.db.leadForm.findUnique({ where: { id } }) });

export const PostRef = builder.prismaNode('Post', {
  id: { field: 'id' },
  description: 'A short video of a business account.',
  fields: (t) => ({
    caption: t.exposeString('caption'),
    commercialMusic: t.exposeBoolean('commercialMusic'),
    account: t.relation('account'),
    getLeadsLink: t.field({
      type: PublicLeadFormRef,
      nullable: true,
      description: 'The Get Leads link viewers can open: shown only while its form accepts leads.',
      select: { leadForm: true },
      resolve: (post) => (post.leadForm && isLive(post.leadForm) ? post.leadForm : null),
    }),
    leadForm: t.relation('leadForm', { nullable: true, description: 'The attached form, whatever its state (team only).', authScopes: (post) => teamOf(post.accountId) }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
  }),
});

const LeadAnswerRef = builder.objectRef<Answer>('LeadAnswer').implement({
  fields: (t) => ({
    question: t.field({ type: LeadQuestionEnum, resolve: (a) => a.question }),
    label: t.string({ resolve: (a) => questionLabels[a.question] }),
    answer: t.exposeString('answer'),
  }),
});

const LeadNoteRef = builder.prismaNode('LeadNote', {
  id: { field: 'id' },
  fields: (t) => ({
    body: t.exposeString('body'),
    author: t.relation('author'),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
  }),
});

export const LeadRef = builder.prismaNode('Lead', {
  id: { field: 'id' },
  description: 'A submitted lead form. Its team sees everything; the viewer who sent it sees their answers.',
  authScopes: (lead, ctx) => (lead.userId === ctx.viewer?.userId ? true : leadTeamOf(lead.accountId)),
  fields: (t) => {
    const team = (lead: { accountId: string }) => leadTeamOf(lead.accountId);
    return {
      form: t.field({ type: PublicLeadFormRef, select: { form: true }, resolve: (lead) => lead.form }),
      account: t.relation('account'),
      source: t.expose('source', { type: LeadSourceEnum }),
      post: t.relation('post', { nullable: true }),
      liveSessionId: t.id({ nullable: true, resolve: (lead) => (lead.liveSessionId ? encodeGlobalID('LiveSession', lead.liveSessionId) : null) }),
      adId: t.id({ nullable: true, resolve: (lead) => (lead.adId ? encodeGlobalID('MessagingAd', lead.adId) : null) }),
      conversationId: t.id({ nullable: true, resolve: (lead) => (lead.conversationId ? encodeGlobalID('Conversation', lead.conversationId) : null) }),
      answers: t.field({ type: [LeadAnswerRef], resolve: (lead) => lead.answers as unknown as Answer[] }),
      submittedAt: t.expose('createdAt', { type: 'DateTime' }),
      submitter: t.relation('submitter', { authScopes: team }),
      status: t.expose('status', { type: LeadStatusEnum, authScopes: team }),
      assignee: t.relation('assignee', { nullable: true, authScopes: team }),
      notes: t.relation('notes', { authScopes: team, query: { orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] } }),
    };
  },
});

// ───────────── queries ─────────────

const LeadFilterInput = builder.inputType('LeadFilter', {
  fields: (t) => ({
    sources: t.field({ type: [LeadSourceEnum] }),
    statuses: t.field({ type: [LeadStatusEnum] }),
    completed: t.boolean({ description: 'true: any status but NEW; false: NEW only.' }),
    formId: t.globalID({ for: LeadFormRef }),
    assigneeId: t.globalID({ for: UserRef }),
    submittedAfter: t.field({ type: 'DateTime', description: 'Inclusive.' }),
    submittedBefore: t.field({ type: 'DateTime', description: 'Exclusive.' }),
  }),
});

type LeadFilterArg = typeof LeadFilterInput.$inferInput;
const toLeadFilter = (filter: LeadFilterArg | null | undefined): leads.LeadFilter => ({
  ...filter,
  formId: filter?.formId?.id,
  assigneeId: filter?.assigneeId?.id,
});

builder.prismaObjectFields('BusinessAccount', (t) => ({
  leadForms: t.relatedConnection('leadForms', {
    cursor: 'id',
    authScopes: (account) => teamOf(account.id),
    query: { orderBy: [{ createdAt: 'desc' }, { id: 'desc' }] },
  }),
  posts: t.relatedConnection('posts', { cursor: 'id', query: { orderBy: [{ createdAt: 'desc' }, { id: 'desc' }] } }),
  getLeadsEntry: t.field({
    type: PublicLeadFormRef,
    nullable: true,
    description: 'The Get Leads entry on the profile: the most recently approved form that accepts leads.',
    resolve: (account, _args, ctx) =>
      ctx.db.leadForm.findFirst({ where: { accountId: account.id, status: 'APPROVED', getLeadsEnabled: true }, orderBy: [{ approvedAt: 'desc' }, { id: 'desc' }] }),
  }),
}));

builder.queryFields((t) => ({
  leads: t.prismaConnection({
    type: 'Lead',
    cursor: 'id',
    description: 'The account’s leads, newest first.',
    authScopes: accountScope(allRoles, byAccountIdArg),
    args: { accountId: t.arg.globalID({ required: true, for: BusinessAccountRef }), filter: t.arg({ type: LeadFilterInput }) },
    resolve: (query, _root, args, ctx) =>
      ctx.db.lead.findMany({ ...query, where: leads.leadWhere(args.accountId.id, toLeadFilter(args.filter)), orderBy: [{ createdAt: 'desc' }, { id: 'desc' }] }),
  }),
  publicLeadForm: t.field({
    type: PublicLeadFormRef,
    nullable: true,
    description: 'A form viewers can fill in; null unless it accepts leads.',
    args: { id: t.arg.globalID({ required: true, for: LeadFormRef }) },
    resolve: async (_root, args, ctx) => {
      const form = await ctx.db.leadForm.findUnique({ where: { id: args.id.id } });
      return form && isLive(form) ? form : null;
    },
  }),
  myLeadSubmissions: t.prismaConnection({
    type: 'Lead',
    cursor: 'id',
    description: 'The leads you submitted, newest first.',
    authScopes: { authenticated: true },
    resolve: (query, _root, _args, ctx) => ctx.db.lead.findMany({ ...query, where: { userId: ctx.viewer!.userId }, orderBy: [{ createdAt: 'desc' }, { id: 'desc' }] }),
  }),
}));

// ───────────── mutations ─────────────

const LeadFormInputFields = (t: PothosSchemaTypes.InputFieldBuilder<typeof builder.$inferSchemaTypes, 'InputObject'>) => ({
  introduction: t.string({ description: `At most ${INTRODUCTION_MAX_WORDS} words.` }),
  questions: t.field({ type: [LeadQuestionEnum], description: 'At least one; shown in the canonical order.' }),
  privacyPolicyText: t.string({ description: 'The policy as text; or give privacyPolicyUrl.' }),
  privacyPolicyUrl: t.string({ description: 'An https link to the policy itself.' }),
  callToAction: t.field({ type: LeadFormCallToActionEnum }),
});
const LeadFormCreateInput = builder.inputType('LeadFormCreateInput', {
  fields: (t) => ({ name: t.string({ required: true }), ...LeadFormInputFields(t) }),
});
const LeadFormUpdateInput = builder.inputType('LeadFormUpdateInput', {
  description: 'Omitted fields stay; a privacy policy given one way replaces the other.',
  fields: (t) => ({ name: t.string(), ...LeadFormInputFields(t) }),
});

const LeadFormPayload = payloadType<{ formId: string }>('LeadFormPayload', (t) => ({
  leadForm: t.prismaField({ type: 'LeadForm', nullable: true, resolve: (q, p, _a, ctx) => (p.formId ? ctx.db.leadForm.findUnique({ ...q, where: { id: p.formId } }) : null) }),
}));
const PostPayload = payloadType<{ postId: string }>('PostPayload', (t) => ({
  post: t.prismaField({ type: 'Post', nullable: true, resolve: (q, p, _a, ctx) => (p.postId ? ctx.db.post.findUnique({ ...q, where: { id: p.postId } }) : null) }),
}));
const LeadPayload = payloadType<{ leadId: string }>('LeadPayload', (t) => ({
  lead: t.prismaField({ type: 'Lead', nullable: true, resolve: (q, p, _a, ctx) => (p.leadId ? ctx.db.lead.findUnique({ ...q, where: { id: p.leadId } }) : null) }),
}));
const LeadNotePayload = payloadType<{ noteId: string }>('LeadNotePayload', (t) => ({
  note: t.prismaField({ type: 'LeadNote', nullable: true, resolve: (q, p, _a, ctx) => (p.noteId ? ctx.db.leadNote.findUnique({ ...q, where: { id: p.noteId } }) : null) }),
}));
const LeadsExportPayload = payloadType<{ url: string; expiresAt: Date; from: Date; to: Date | null }>('LeadsExportPayload', (t) => ({
  url: t.string({ nullable: true, description: 'GET it (no header needed) before it expires to download the CSV.', resolve: (p) => p.url ?? null }),
  expiresAt: t.field({ type: 'DateTime', nullable: true, resolve: (p) => p.expiresAt ?? null }),
  from: t.field({ type: 'DateTime', nullable: true, resolve: (p) => p.from ?? null }),
  to: t.field({ type: 'DateTime', nullable: true, description: 'null: up to the moment of download.', resolve: (p) => p.to ?? null }),
}));

const formAccount = async (args: { id: { id: string } }, ctx: Context) => (await ctx.db.leadForm.findUnique({ where: { id: args.id.id }, select: { accountId: true } }))?.accountId;
const postAccount = async (args: { postId: { id: string } }, ctx: Context) => (await ctx.db.post.findUnique({ where: { id: args.postId.id }, select: { accountId: true } }))?.accountId;
const leadAccount = async (args: { id: { id: string } }, ctx: Context) => (await ctx.db.lead.findUnique({ where: { id: args.id.id }, select: { accountId: true } }))?.accountId;

const LeadAnswerInput = builder.inputType('LeadAnswerInput', {
  fields: (t) => ({ question: t.field({ type: LeadQuestionEnum, required: true }), answer: t.string({ required: true }) }),
});
const LeadSubmitInput = builder.inputType('LeadSubmitInput', {
  fields: (t) => ({
    answers: t.field({ type: [LeadAnswerInput], required: true, description: 'One per question the form asks.' }),
    source: t.field({ type: LeadSourceEnum, required: true }),
    postId: t.globalID({ for: PostRef, description: 'With source SHORT_VIDEO.' }),
    liveSessionId: t.id({ description: 'With source LIVE.' }),
    adId: t.id({ description: 'With source AD.' }),
    conversationId: t.id({ description: 'With source DIRECT_MESSAGE.' }),
    idempotencyKey: t.string({ description: 'Retries with the same key create one lead.' }),
  }),
});
const LeadUpdateInput = builder.inputType('LeadUpdateInput', {
  fields: (t) => ({
    status: t.field({ type: LeadStatusEnum }),
    assigneeId: t.globalID({ for: UserRef, description: 'null unassigns.' }),
  }),
});
const LeadsExportInput = builder.inputType('LeadsExportInput', {
  fields: (t) => ({
    from: t.field({ type: 'DateTime', description: 'Defaults to 90 days ago; cannot be earlier.' }),
    to: t.field({ type: 'DateTime', description: 'Defaults to now.' }),
    filter: t.field({ type: LeadFilterInput }),
  }),
});

/**
 * Later modules' objects arrive as their global id (`<type>:<uuid>`) or as the raw uuid; store
 * the uuid. Anything else is passed on unchanged for the service to refuse.
 */
function rawId(id: string | null | undefined, type: string): string | null {
  if (!id || leads.isUuid(id)) return id ?? null;
  const decoded = Buffer.from(id, 'base64').toString('utf8');
  return decoded.startsWith(`${type}:`) && leads.isUuid(decoded.slice(type.length + 1)) ? decoded.slice(type.length + 1) : id;
}

builder.mutationFields((t) => ({
  leadFormCreate: t.field({
    type: LeadFormPayload,
    authScopes: accountScope(managerRoles, byAccountIdArg),
    args: { accountId: t.arg.globalID({ required: true, for: BusinessAccountRef }), input: t.arg({ type: LeadFormCreateInput, required: true }) },
    resolve: (_root, { accountId, input }, ctx) =>
      attempt(async () => ({
        formId: (await forms.createLeadForm(ctx.db, accountId.id, { ...input, questions: input.questions ?? undefined, introduction: input.introduction ?? undefined, callToAction: input.callToAction ?? undefined })).id,
      })),
  }),
  leadFormUpdate: t.field({
    type: LeadFormPayload,
    description: 'Refused with GET_LEADS_ON while the Get Leads switch is on.',
    authScopes: accountScope(managerRoles, formAccount),
    args: { id: t.arg.globalID({ required: true, for: LeadFormRef }), input: t.arg({ type: LeadFormUpdateInput, required: true }) },
    resolve: (_root, { id, input }, ctx) =>
      attempt(async () => ({
        formId: (
          await forms.updateLeadForm(ctx.db, id.id, {
            name: input.name ?? undefined,
            introduction: input.introduction ?? undefined,
            questions: input.questions ?? undefined,
            privacyPolicyText: input.privacyPolicyText,
            privacyPolicyUrl: input.privacyPolicyUrl,
            callToAction: input.callToAction ?? undefined,
          })
        ).id,
      })),
  }),
  leadFormSubmit: t.field({
    type: LeadFormPayload,
    description: 'Sends a draft or rejected form to platform review (expected within 24 hours).',
    authScopes: accountScope(managerRoles, formAccount),
    args: { id: t.arg.globalID({ required: true, for: LeadFormRef }) },
    resolve: (_root, { id }, ctx) => attempt(async () => ({ formId: (await forms.submitLeadForm(ctx.db, ctx.clock, id.id, ctx.viewer!.userId)).id })),
  }),
  leadFormSetGetLeads: t.field({
    type: LeadFormPayload,
    description: 'The Get Leads switch: on only for approved forms; off to edit. Turning it off hides the form’s entries in live rooms.',
    authScopes: accountScope(managerRoles, formAccount),
    args: { id: t.arg.globalID({ required: true, for: LeadFormRef }), enabled: t.arg.boolean({ required: true }) },
    resolve: (_root, { id, enabled }, ctx) => attempt(async () => ({ formId: (await forms.setGetLeads(ctx, id.id, enabled)).id })),
  }),
  postCreate: t.field({
    type: PostPayload,
    authScopes: accountScope(operatorRoles, byAccountIdArg),
    args: {
      accountId: t.arg.globalID({ required: true, for: BusinessAccountRef }),
      input: t.arg({ type: builder.inputType('PostCreateInput', { fields: (f) => ({ caption: f.string(), commercialMusic: f.boolean() }) }), required: true }),
    },
    resolve: (_root, { accountId, input }, ctx) => attempt(async () => ({ postId: (await forms.createPost(ctx.db, accountId.id, input)).id })),
  }),
  postAttachLeadForm: t.field({
    type: PostPayload,
    description: 'Adds a Get Leads link to a short video. Refused for commercial music, unapproved forms and forms switched off.',
    authScopes: accountScope(managerRoles, postAccount),
    args: { postId: t.arg.globalID({ required: true, for: PostRef }), leadFormId: t.arg.globalID({ required: true, for: LeadFormRef }) },
    resolve: (_root, args, ctx) => attempt(async () => ({ postId: (await forms.attachLeadFormToPost(ctx.db, args.postId.id, args.leadFormId.id)).id })),
  }),
  postDetachLeadForm: t.field({
    type: PostPayload,
    authScopes: accountScope(managerRoles, postAccount),
    args: { postId: t.arg.globalID({ required: true, for: PostRef }) },
    resolve: (_root, args, ctx) => attempt(async () => ({ postId: (await forms.detachLeadFormFromPost(ctx.db, args.postId.id)).id })),
  }),
  leadSubmit: t.field({
    type: LeadPayload,
    description: 'A viewer fills in a form that accepts leads.',
    authScopes: { authenticated: true },
    args: { formId: t.arg.globalID({ required: true, for: LeadFormRef }), input: t.arg({ type: LeadSubmitInput, required: true }) },
    resolve: (_root, { formId, input }, ctx) =>
      attempt(async () => ({
        leadId: (
          await leads.submitLead(ctx, ctx.viewer!.userId, {
            formId: formId.id,
            answers: input.answers,
            source: input.source,
            postId: input.postId?.id,
            liveSessionId: rawId(input.liveSessionId, 'LiveSession'),
            adId: rawId(input.adId, 'MessagingAd'),
            conversationId: rawId(input.conversationId, 'Conversation'),
            idempotencyKey: input.idempotencyKey,
          })
        ).id,
      })),
  }),
  leadUpdate: t.field({
    type: LeadPayload,
    description: 'Changes status and/or assignee (owners, admins, agents).',
    authScopes: accountScope(operatorRoles, leadAccount),
    args: { id: t.arg.globalID({ required: true, for: LeadRef }), input: t.arg({ type: LeadUpdateInput, required: true }) },
    resolve: (_root, { id, input }, ctx) =>
      attempt(async () => ({
        leadId: (await leads.updateLead(ctx.db, id.id, { status: input.status, assigneeId: input.assigneeId === undefined ? undefined : (input.assigneeId?.id ?? null) })).id,
      })),
  }),
  leadNoteAdd: t.field({
    type: LeadNotePayload,
    authScopes: accountScope(operatorRoles, leadAccount),
    args: { id: t.arg.globalID({ required: true, for: LeadRef }), body: t.arg.string({ required: true }) },
    resolve: (_root, { id, body }, ctx) => attempt(async () => ({ noteId: (await leads.addLeadNote(ctx.db, ctx.clock, id.id, ctx.viewer!.userId, body)).id })),
  }),
  leadsExport: t.field({
    type: LeadsExportPayload,
    description: 'A short-lived link to a CSV of the last 90 days of leads at most (owners and admins).',
    authScopes: accountScope(managerRoles, byAccountIdArg),
    args: { accountId: t.arg.globalID({ required: true, for: BusinessAccountRef }), input: t.arg({ type: LeadsExportInput }) },
    resolve: (_root, { accountId, input }, ctx) =>
      attempt(() => createExportLink(ctx, ctx.viewer!.userId, { accountId: accountId.id, from: input?.from, to: input?.to, filter: toLeadFilter(input?.filter) })),
  }),
}));
