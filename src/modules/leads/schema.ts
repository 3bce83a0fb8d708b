// GraphQL surface of lead generation: lead forms and their review, Get Leads entries on
// videos and the profile, lead capture by viewers, lead management and CSV export.
import { encodeGlobalID } from '@pothos/plugin-relay';
import type { LeadForm } from '../../generated/prisma/client.ts';
import { LeadFormCallToAction, LeadFormStatus, LeadQuestion, LeadSource, LeadStatus } from '../../generated/prisma/enums.ts';
import { allRoles, managerRoles, operatorRoles } from '../../platform/access.ts';
import { builder } from '../../platform/builder.ts';
import { everyone } from '../../platform/nodes.ts';
import type { Context } from '../../platform/context.ts';
import { attempt, payloadType } from '../../platform/payload.ts';
import { accountScope, byAccountIdArg } from '../../platform/scopes.ts';
import { BusinessAccountRef, UserRef } from '../accounts/schema.ts';
import { registerReviewSubject } from '../reviews/schema.ts';
import { createExportLink } from './export.ts';
import * as forms from './forms.ts';
import { countWords, INTRODUCTION_MAX_WORDS, questionLabels, type Answer } from './rules.ts';
import * as leads from './service.ts';

export const LeadQuestionEnum = builder.enumType(LeadQuestion, {
  name: 'LeadQuestion',
  description: 'A question a lead form can ask; forms show them in this order: ENQUIRY, NAME, PHONE, EMAIL, COUNTRY_CITY. Every answer is required, at most 500 characters.',
  values: {
    ENQUIRY: { description: '"How can we help you?" (free text).' },
    NAME: { description: '"Name".' },
    PHONE: { description: '"Phone number", validated as a phone number.' },
    EMAIL: { description: '"Email", validated as an email address.' },
    COUNTRY_CITY: { description: '"Country / city" (free text).' },
  },
});
export const LeadFormStatusEnum = builder.enumType(LeadFormStatus, {
  name: 'LeadFormStatus',
  description: 'Where a lead form stands in platform review.',
  values: {
    DRAFT: { description: 'Being edited; never submitted, or edited after approval. Submit it for review.' },
    PENDING: { description: 'Submitted; waiting for a reviewer (expected within 24 hours). Cannot be edited meanwhile.' },
    APPROVED: { description: 'Approved: the Get Leads switch can be on and the form can collect leads.' },
    REJECTED: { description: 'Rejected with reasons (see `reviews`); edit and resubmit.' },
  },
});
export const LeadFormCallToActionEnum = builder.enumType(LeadFormCallToAction, {
  name: 'LeadFormCallToAction',
  description: 'The label of the Get Leads button.',
  values: {
    LEARN_MORE: { description: '"Learn more".' },
    SIGN_UP: { description: '"Sign up".' },
    CONTACT_US: { description: '"Contact us".' },
    GET_QUOTE: { description: '"Get quote".' },
    APPLY_NOW: { description: '"Apply now".' },
  },
});
export const LeadSourceEnum = builder.enumType(LeadSource, {
  name: 'LeadSource',
  description: 'Where a viewer opened the lead form they submitted.',
  values: {
    PROFILE: { description: 'The Get Leads entry on the account’s profile.' },
    SHORT_VIDEO: { description: 'A short video’s Get Leads link (the lead names the post).' },
    LIVE: { description: 'A live room’s Get Leads entry (the lead names the live session).' },
    AD: { description: 'A messaging ad (the lead names the ad).' },
    DIRECT_MESSAGE: { description: 'A direct-message conversation (the lead names the conversation).' },
  },
});
export const LeadStatusEnum = builder.enumType(LeadStatus, {
  name: 'LeadStatus',
  description: 'Any status but NEW counts as completed.',
  values: {
    NEW: { description: 'Not handled yet (every lead starts here).' },
    CONTACTED: { description: 'The team contacted the person.' },
    QUALIFIED: { description: 'A real prospect.' },
    UNQUALIFIED: { description: 'Not a prospect.' },
    CONVERTED: { description: 'Became a customer.' },
  },
});

const teamOf = (accountId: string) => ({ $any: { account: { id: accountId, roles: allRoles }, reviewer: true } });
/** Leads are the submitters' personal data: the account's team only (platform reviewers review forms, not leads). */
const leadTeamOf = (accountId: string) => ({ account: { id: accountId, roles: allRoles } });
const isLive = (form: Pick<LeadForm, 'status' | 'getLeadsEnabled'>) => form.status === 'APPROVED' && form.getLeadsEnabled;

const QuestionRef = builder.objectRef<{ question: LeadQuestion }>('LeadFormQuestion').implement({
  description: 'A question of a lead form, with the label viewers see.',
  fields: (t) => ({
    question: t.field({ type: LeadQuestionEnum, description: 'Which question.', resolve: (q) => q.question }),
    label: t.string({ description: 'The question as viewers read it, e.g. "How can we help you?".', resolve: (q) => questionLabels[q.question] }),
  }),
});

/** What a viewer sees of a form: used for previews, profile and video entries. */
export const PublicLeadFormRef = builder.objectRef<LeadForm>('PublicLeadForm').implement({
  description: 'A lead form as a viewer sees it. Public wherever the form is shown (profile, video, live room) and to its team as a preview.',
  fields: (t) => ({
    id: t.id({ description: 'Global id of the LeadForm: pass it to `leadSubmit(formId:)`.', resolve: (form) => encodeGlobalID('LeadForm', form.id) }),
    name: t.exposeString('name', { description: 'The form’s name, at most 80 characters.' }),
    introduction: t.exposeString('introduction', { description: 'Text shown above the questions, at most 200 words; may be empty.' }),
    questions: t.field({ type: [QuestionRef], description: 'The questions to answer, in display order; all required.', resolve: (form) => form.questions.map((question) => ({ question })) }),
    privacyPolicyText: t.exposeString('privacyPolicyText', { nullable: true, description: 'The privacy policy as text (at most 5000 characters); null when given as a URL.' }),
    privacyPolicyUrl: t.exposeString('privacyPolicyUrl', { nullable: true, description: 'An https link to the privacy policy; null when given as text.' }),
    callToAction: t.expose('callToAction', { type: LeadFormCallToActionEnum, description: 'The label of the Get Leads button.' }),
    account: t.prismaField({ type: 'BusinessAccount', description: 'The business account collecting the leads.', resolve: (q, form, _a, ctx) => ctx.db.businessAccount.findUniqueOrThrow({ ...q, where: { id: form.accountId } }) }),
  }),
});

const formTeam = (form: { accountId: string }) => teamOf(form.accountId);

export const LeadFormRef = builder.prismaNode('LeadForm', {
  id: { field: 'id' },
  description: 'A lead form as its team edits it. The account’s team and platform reviewers may see it.',
  authScopes: formTeam,
  loadableBy: formTeam,
  fields: (t) => ({
    name: t.exposeString('name', { description: 'The form’s name, 1–80 characters.' }),
    introduction: t.exposeString('introduction', { description: `Text shown above the questions, at most ${INTRODUCTION_MAX_WORDS} words; may be empty.` }),
    introductionWordCount: t.int({ description: `Words in the introduction as the limit counts them (each Chinese/Japanese character is a word); at most ${INTRODUCTION_MAX_WORDS}.`, resolve: (form) => countWords(form.introduction) }),
    questions: t.field({ type: [LeadQuestionEnum], description: 'The questions asked, in display order (at least one).', resolve: (form) => form.questions }),
    privacyPolicyText: t.exposeString('privacyPolicyText', { nullable: true, description: 'The privacy policy as text (at most 5000 characters); null when given as a URL.' }),
    privacyPolicyUrl: t.exposeString('privacyPolicyUrl', { nullable: true, description: 'An https link to the privacy policy page; null when given as text.' }),
    callToAction: t.expose('callToAction', { type: LeadFormCallToActionEnum, description: 'The label of the Get Leads button.' }),
    status: t.expose('status', { type: LeadFormStatusEnum, description: 'Where the form stands in review.' }),
    getLeadsEnabled: t.exposeBoolean('getLeadsEnabled', { description: 'The Get Leads switch. While on, the form cannot be edited.' }),
    acceptingLeads: t.boolean({ description: 'Approved and switched on.', resolve: isLive }),
    submittedAt: t.expose('submittedAt', { type: 'DateTime', nullable: true, description: 'When the latest version went to review.' }),
    approvedAt: t.expose('approvedAt', { type: 'DateTime', nullable: true, description: 'When a version was last approved; null if never.' }),
    account: t.relation('account', { description: 'The business account the form belongs to.' }),
    preview: t.field({ type: PublicLeadFormRef, description: 'What a viewer would see.', resolve: (form) => form }),
    reviews: t.prismaField({
      type: ['ReviewItem'],
      description: 'Every submission and decision, newest first.',
      resolve: (q, form, _a, ctx) => ctx.db.reviewItem.findMany({ ...q, where: { kind: 'LEAD_FORM', subjectId: form.id }, orderBy: [{ submittedAt: 'desc' }, { id: 'desc' }] }),
    }),
    leads: t.relationCount('leads', { description: 'How many leads the form has collected.' }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When the form was created.' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime', description: 'When the form last changed (edit, submission, decision or switch).' }),
  }),
});

registerReviewSubject({ kind: 'LEAD_FORM', ref: LeadFormRef, load: (ctx, id) => ctx.db.leadForm.findUnique({ where: { id } }) });

export const PostRef = builder.prismaNode('Post', {
  id: { field: 'id' },
  description: 'A short video of a business account. Public.',
  // short videos are public; the attached form's team-only view has its own scope
  loadableBy: everyone,
  fields: (t) => ({
    caption: t.exposeString('caption', { description: 'The video’s caption, at most 2200 characters; may be empty.' }),
    commercialMusic: t.exposeBoolean('commercialMusic', { description: 'Uses commercial music: such a video cannot carry a Get Leads link.' }),
    account: t.relation('account', { description: 'The business account that posted it.' }),
    getLeadsLink: t.field({
      type: PublicLeadFormRef,
      nullable: true,
      description: 'The Get Leads link viewers can open: shown only while its form accepts leads.',
      select: { leadForm: true },
      resolve: (post) => (post.leadForm && isLive(post.leadForm) ? post.leadForm : null),
    }),
    leadForm: t.relation('leadForm', { nullable: true, description: 'The attached form, whatever its state (team only).', authScopes: (post) => teamOf(post.accountId) }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When it was posted.' }),
  }),
});

const LeadAnswerRef = builder.objectRef<Answer>('LeadAnswer').implement({
  description: 'A lead’s answer to one question.',
  fields: (t) => ({
    question: t.field({ type: LeadQuestionEnum, description: 'Which question.', resolve: (a) => a.question }),
    label: t.string({ description: 'The question as the viewer read it.', resolve: (a) => questionLabels[a.question] }),
    answer: t.exposeString('answer', { description: 'The answer, trimmed, at most 500 characters.' }),
  }),
});

const LeadNoteRef = builder.prismaNode('LeadNote', {
  description: 'A note a team member added to a lead; part of the team’s view of the lead (`Lead.notes`).',
  id: { field: 'id' },
  // notes are the team's working notes: never the submitter's
  loadableBy: async (note, ctx) => {
    const accountId = await leadAccount({ id: { id: note.leadId } }, ctx);
    return accountId ? leadTeamOf(accountId) : false;
  },
  fields: (t) => ({
    body: t.exposeString('body', { description: 'The note, 1–2000 characters.' }),
    author: t.relation('author', { description: 'The team member who wrote it.' }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When it was added.' }),
  }),
});

const submitterOrTeam = (lead: { userId: string; accountId: string }, ctx: Context) => (lead.userId === ctx.viewer?.userId ? true : leadTeamOf(lead.accountId));

export const LeadRef = builder.prismaNode('Lead', {
  id: { field: 'id' },
  description: 'A submitted lead form. Its team sees everything; the viewer who sent it sees their answers.',
  authScopes: submitterOrTeam,
  loadableBy: submitterOrTeam,
  fields: (t) => {
    const team = (lead: { accountId: string }) => leadTeamOf(lead.accountId);
    return {
      form: t.field({ type: PublicLeadFormRef, description: 'The form that was filled in, as it reads now.', select: { form: true }, resolve: (lead) => lead.form }),
      account: t.relation('account', { description: 'The business account that collected it.' }),
      source: t.expose('source', { type: LeadSourceEnum, description: 'Where the viewer opened the form.' }),
      post: t.relation('post', { nullable: true, description: 'For SHORT_VIDEO leads: the video.' }),
      liveSessionId: t.id({ nullable: true, description: 'For LIVE leads: global id of the live session.', resolve: (lead) => (lead.liveSessionId ? encodeGlobalID('LiveSession', lead.liveSessionId) : null) }),
      adId: t.id({ nullable: true, description: 'For AD leads: global id of the ad.', resolve: (lead) => (lead.adId ? encodeGlobalID('MessagingAd', lead.adId) : null) }),
      conversationId: t.id({ nullable: true, description: 'For DIRECT_MESSAGE leads: global id of the conversation.', resolve: (lead) => (lead.conversationId ? encodeGlobalID('Conversation', lead.conversationId) : null) }),
      answers: t.field({ type: [LeadAnswerRef], description: 'One answer per question, in the form’s order.', resolve: (lead) => lead.answers as unknown as Answer[] }),
      submittedAt: t.expose('createdAt', { type: 'DateTime', description: 'When it was submitted.' }),
      submitter: t.relation('submitter', { authScopes: team, description: 'The viewer who submitted it. Team only.' }),
      status: t.expose('status', { type: LeadStatusEnum, authScopes: team, description: 'Where the team is with this lead. Team only.' }),
      assignee: t.relation('assignee', { nullable: true, authScopes: team, description: 'The team member handling it; null when unassigned. Team only.' }),
      notes: t.relation('notes', { authScopes: team, description: 'The team’s notes, oldest first. Team only.', query: { orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] } }),
    };
  },
});

// ───────────── queries ─────────────

const LeadFilterInput = builder.inputType('LeadFilter', {
  description: 'Narrows a list of leads; every given condition must hold. Omitted or empty conditions do not filter.',
  fields: (t) => ({
    sources: t.field({ type: [LeadSourceEnum], description: 'Only leads from one of these sources.' }),
    statuses: t.field({ type: [LeadStatusEnum], description: 'Only leads in one of these statuses.' }),
    completed: t.boolean({ description: 'true: any status but NEW; false: NEW only.' }),
    formId: t.globalID({ for: LeadFormRef, description: 'Only leads of this form.' }),
    assigneeId: t.globalID({ for: UserRef, description: 'Only leads assigned to this user.' }),
    submittedAfter: t.field({ type: 'DateTime', description: 'Submitted at or after this instant (inclusive).' }),
    submittedBefore: t.field({ type: 'DateTime', description: 'Submitted before this instant (exclusive).' }),
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
    description: 'The account’s lead forms, newest first. Its team and platform reviewers only.',
    authScopes: (account) => teamOf(account.id),
    query: { orderBy: [{ createdAt: 'desc' }, { id: 'desc' }] },
  }),
  posts: t.relatedConnection('posts', {
    cursor: 'id',
    description: 'The profile’s posts, newest first. Public. A post shown only as an ad is left out while that ad is active or paused.',
    query: { where: { ads: { none: { showOnlyAsAd: true, state: { in: ['ACTIVE', 'PAUSED'] } } } }, orderBy: [{ createdAt: 'desc' }, { id: 'desc' }] },
  }),
  getLeadsEntry: t.field({
    type: PublicLeadFormRef,
    nullable: true,
    description: 'The Get Leads entry on the profile: the most recently approved form that accepts leads; null when none does. Public.',
    resolve: (account, _args, ctx) =>
      ctx.db.leadForm.findFirst({ where: { accountId: account.id, status: 'APPROVED', getLeadsEnabled: true }, orderBy: [{ approvedAt: 'desc' }, { id: 'desc' }] }),
  }),
}));

builder.queryFields((t) => ({
  leads: t.prismaConnection({
    type: 'Lead',
    cursor: 'id',
    description: 'The account’s leads, newest first. Any member who works on the account (analysts included).',
    authScopes: accountScope(allRoles, byAccountIdArg),
    args: { accountId: t.arg.globalID({ required: true, for: BusinessAccountRef, description: 'The account.' }), filter: t.arg({ type: LeadFilterInput, description: 'Which leads; omit for all.' }) },
    resolve: (query, _root, args, ctx) =>
      ctx.db.lead.findMany({ ...query, where: leads.leadWhere(args.accountId.id, toLeadFilter(args.filter)), orderBy: [{ createdAt: 'desc' }, { id: 'desc' }] }),
  }),
  publicLeadForm: t.field({
    type: PublicLeadFormRef,
    nullable: true,
    description: 'A form viewers can fill in; null unless it accepts leads (approved and switched on). No token needed.',
    args: { id: t.arg.globalID({ required: true, for: LeadFormRef, description: 'The lead form’s global id.' }) },
    resolve: async (_root, args, ctx) => {
      const form = await ctx.db.leadForm.findUnique({ where: { id: args.id.id } });
      return form && isLive(form) ? form : null;
    },
  }),
  myLeadSubmissions: t.prismaConnection({
    type: 'Lead',
    cursor: 'id',
    description: 'The leads you submitted, newest first. Needs a token; you see your answers, not the team’s status, assignee or notes.',
    authScopes: { authenticated: true },
    resolve: (query, _root, _args, ctx) => ctx.db.lead.findMany({ ...query, where: { userId: ctx.viewer!.userId }, orderBy: [{ createdAt: 'desc' }, { id: 'desc' }] }),
  }),
}));

// ───────────── mutations ─────────────

const LeadFormInputFields = (t: PothosSchemaTypes.InputFieldBuilder<typeof builder.$inferSchemaTypes, 'InputObject'>) => ({
  introduction: t.string({ description: `At most ${INTRODUCTION_MAX_WORDS} words (each Chinese/Japanese character counts as one).` }),
  questions: t.field({ type: [LeadQuestionEnum], description: 'At least one; shown in the canonical order.' }),
  privacyPolicyText: t.string({ description: 'The policy as text, at most 5000 characters; or give privacyPolicyUrl (not both). null removes it.' }),
  privacyPolicyUrl: t.string({ description: 'An https link to the policy page itself (not a home page); or give privacyPolicyText (not both). null removes it.' }),
  callToAction: t.field({ type: LeadFormCallToActionEnum, description: 'The label of the Get Leads button.' }),
});
const LeadFormCreateInput = builder.inputType('LeadFormCreateInput', {
  description: 'A new lead form (created as a DRAFT; questions default to ENQUIRY). A privacy policy and at least one question are needed before submitting.',
  fields: (t) => ({ name: t.string({ required: true, description: 'The form’s name, 1–80 characters.' }), ...LeadFormInputFields(t) }),
});
const LeadFormUpdateInput = builder.inputType('LeadFormUpdateInput', {
  description: 'Omitted fields stay; a privacy policy given one way replaces the other.',
  fields: (t) => ({ name: t.string({ description: 'The form’s name, 1–80 characters.' }), ...LeadFormInputFields(t) }),
});

const LeadFormPayload = payloadType<{ formId: string }>('LeadFormPayload', (t) => ({
  leadForm: t.prismaField({ type: 'LeadForm', nullable: true, description: 'The form created or changed.', resolve: (q, p, _a, ctx) => (p.formId ? ctx.db.leadForm.findUnique({ ...q, where: { id: p.formId } }) : null) }),
}));
const PostPayload = payloadType<{ postId: string }>('PostPayload', (t) => ({
  post: t.prismaField({ type: 'Post', nullable: true, description: 'The video created or changed.', resolve: (q, p, _a, ctx) => (p.postId ? ctx.db.post.findUnique({ ...q, where: { id: p.postId } }) : null) }),
}));
const LeadPayload = payloadType<{ leadId: string }>('LeadPayload', (t) => ({
  lead: t.prismaField({ type: 'Lead', nullable: true, description: 'The lead submitted or changed (a retried submission returns the first one).', resolve: (q, p, _a, ctx) => (p.leadId ? ctx.db.lead.findUnique({ ...q, where: { id: p.leadId } }) : null) }),
}));
const LeadNotePayload = payloadType<{ noteId: string }>('LeadNotePayload', (t) => ({
  note: t.prismaField({ type: 'LeadNote', nullable: true, description: 'The note added.', resolve: (q, p, _a, ctx) => (p.noteId ? ctx.db.leadNote.findUnique({ ...q, where: { id: p.noteId } }) : null) }),
}));
const LeadsExportPayload = payloadType<{ url: string; expiresAt: Date; from: Date; to: Date | null }>('LeadsExportPayload', (t) => ({
  url: t.string({ nullable: true, description: 'GET it (no header needed) before it expires to download the CSV.', resolve: (p) => p.url ?? null }),
  expiresAt: t.field({ type: 'DateTime', nullable: true, description: 'When the link stops working (10 minutes after it was made).', resolve: (p) => p.expiresAt ?? null }),
  from: t.field({ type: 'DateTime', nullable: true, description: 'Start of the exported range (inclusive).', resolve: (p) => p.from ?? null }),
  to: t.field({ type: 'DateTime', nullable: true, description: 'null: up to the moment of download.', resolve: (p) => p.to ?? null }),
}));

const formAccount = async (args: { id: { id: string } }, ctx: Context) => (await ctx.db.leadForm.findUnique({ where: { id: args.id.id }, select: { accountId: true } }))?.accountId;
const postAccount = async (args: { postId: { id: string } }, ctx: Context) => (await ctx.db.post.findUnique({ where: { id: args.postId.id }, select: { accountId: true } }))?.accountId;
const leadAccount = async (args: { id: { id: string } }, ctx: Context) => (await ctx.db.lead.findUnique({ where: { id: args.id.id }, select: { accountId: true } }))?.accountId;

const LeadAnswerInput = builder.inputType('LeadAnswerInput', {
  description: 'The answer to one question of the form.',
  fields: (t) => ({
    question: t.field({ type: LeadQuestionEnum, required: true, description: 'A question the form asks, answered once.' }),
    answer: t.string({ required: true, description: 'Non-blank, at most 500 characters; EMAIL and PHONE answers are validated.' }),
  }),
});
const LeadSubmitInput = builder.inputType('LeadSubmitInput', {
  description: 'A viewer’s submission of a lead form.',
  fields: (t) => ({
    answers: t.field({ type: [LeadAnswerInput], required: true, description: "One per question the form asks, no more. PHONE: + and the country code, or as dialled in the form's account region (06 12 34 56 78 in FR); stored in E.164." }),
    source: t.field({ type: LeadSourceEnum, required: true, description: 'Where the form was opened; names the id field that goes with it.' }),
    postId: t.globalID({ for: PostRef, description: 'With source SHORT_VIDEO (required then, refused otherwise): the video carrying this form.' }),
    liveSessionId: t.id({ description: 'With source LIVE (required then, refused otherwise): the live session.' }),
    adId: t.id({ description: 'With source AD (required then, refused otherwise): the ad.' }),
    conversationId: t.id({ description: 'With source DIRECT_MESSAGE (required then, refused otherwise): the conversation.' }),
    idempotencyKey: t.string({ description: '1–128 characters of your choice: retries with the same key return the first lead instead of creating another.' }),
  }),
});
const LeadUpdateInput = builder.inputType('LeadUpdateInput', {
  description: 'Changes to a lead; omitted fields stay.',
  fields: (t) => ({
    status: t.field({ type: LeadStatusEnum, description: 'The new status (cannot be null).' }),
    assigneeId: t.globalID({ for: UserRef, description: 'An owner, admin or agent who works on the account; null unassigns.' }),
  }),
});
const LeadsExportInput = builder.inputType('LeadsExportInput', {
  description: 'Which leads to export: a range within the last 90 days, optionally filtered.',
  fields: (t) => ({
    from: t.field({ type: 'DateTime', description: 'Defaults to 90 days ago; cannot be earlier.' }),
    to: t.field({ type: 'DateTime', description: 'End of the range (exclusive), after `from`; defaults to the moment of download.' }),
    filter: t.field({ type: LeadFilterInput, description: 'Which leads; its time range can only narrow the export.' }),
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
    description: 'Creates a lead form as a DRAFT. Owners and admins who work on the account.',
    authScopes: accountScope(managerRoles, byAccountIdArg),
    args: { accountId: t.arg.globalID({ required: true, for: BusinessAccountRef, description: 'The account collecting the leads.' }), input: t.arg({ type: LeadFormCreateInput, required: true, description: 'The form.' }) },
    resolve: (_root, { accountId, input }, ctx) =>
      attempt(async () => ({
        formId: (await forms.createLeadForm(ctx.db, accountId.id, { ...input, questions: input.questions ?? undefined, introduction: input.introduction ?? undefined, callToAction: input.callToAction ?? undefined })).id,
      })),
  }),
  leadFormUpdate: t.field({
    type: LeadFormPayload,
    description: 'Edits a form. Refused with GET_LEADS_ON while the Get Leads switch is on and with REVIEW_PENDING while in review; an approved form goes back to DRAFT. Owners and admins who work on the account.',
    authScopes: accountScope(managerRoles, formAccount),
    args: { id: t.arg.globalID({ required: true, for: LeadFormRef, description: 'The form.' }), input: t.arg({ type: LeadFormUpdateInput, required: true, description: 'The changes.' }) },
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
    description: 'Sends a draft or rejected form (with a privacy policy and at least one question) to platform review, expected within 24 hours. Owners and admins who work on the account.',
    authScopes: accountScope(managerRoles, formAccount),
    args: { id: t.arg.globalID({ required: true, for: LeadFormRef, description: 'The form.' }) },
    resolve: (_root, { id }, ctx) => attempt(async () => ({ formId: (await forms.submitLeadForm(ctx.db, ctx.clock, id.id, ctx.viewer!.userId)).id })),
  }),
  leadFormSetGetLeads: t.field({
    type: LeadFormPayload,
    description: 'The Get Leads switch: on only for approved forms (approval turns it on); off to edit. Turning it off hides the form’s entries in live rooms. Owners and admins who work on the account.',
    authScopes: accountScope(managerRoles, formAccount),
    args: { id: t.arg.globalID({ required: true, for: LeadFormRef, description: 'The form.' }), enabled: t.arg.boolean({ required: true, description: 'true: collect leads and show the entry; false: stop.' }) },
    resolve: (_root, { id, enabled }, ctx) => attempt(async () => ({ formId: (await forms.setGetLeads(ctx, id.id, enabled)).id })),
  }),
  postCreate: t.field({
    type: PostPayload,
    description: 'Records a short video of the account. Owners, admins and agents who work on the account.',
    authScopes: accountScope(operatorRoles, byAccountIdArg),
    args: {
      accountId: t.arg.globalID({ required: true, for: BusinessAccountRef, description: 'The account posting it.' }),
      input: t.arg({
        type: builder.inputType('PostCreateInput', {
          description: 'A new short video.',
          fields: (f) => ({
            caption: f.string({ description: 'At most 2200 characters; defaults to empty.' }),
            commercialMusic: f.boolean({ description: 'Uses commercial music (then it cannot carry a Get Leads link); defaults to false.' }),
          }),
        }),
        required: true,
        description: 'The video.',
      }),
    },
    resolve: (_root, { accountId, input }, ctx) => attempt(async () => ({ postId: (await forms.createPost(ctx.db, accountId.id, input)).id })),
  }),
  postAttachLeadForm: t.field({
    type: PostPayload,
    description: 'Adds a Get Leads link to a short video, replacing any. Refused, naming every reason, for commercial music, unapproved forms and forms switched off. Owners and admins who work on the account.',
    authScopes: accountScope(managerRoles, postAccount),
    args: { postId: t.arg.globalID({ required: true, for: PostRef, description: 'The video.' }), leadFormId: t.arg.globalID({ required: true, for: LeadFormRef, description: 'An approved form of the same account with Get Leads on.' }) },
    resolve: (_root, args, ctx) => attempt(async () => ({ postId: (await forms.attachLeadFormToPost(ctx.db, args.postId.id, args.leadFormId.id)).id })),
  }),
  postDetachLeadForm: t.field({
    type: PostPayload,
    description: 'Removes the Get Leads link from a short video. Owners and admins who work on the account.',
    authScopes: accountScope(managerRoles, postAccount),
    args: { postId: t.arg.globalID({ required: true, for: PostRef, description: 'The video.' }) },
    resolve: (_root, args, ctx) => attempt(async () => ({ postId: (await forms.detachLeadFormFromPost(ctx.db, args.postId.id)).id })),
  }),
  leadSubmit: t.field({
    type: LeadPayload,
    description: 'A viewer fills in a form that accepts leads (LEAD_FORM_NOT_LIVE otherwise). Any signed-in user.',
    authScopes: { authenticated: true },
    args: { formId: t.arg.globalID({ required: true, for: LeadFormRef, description: 'The form (PublicLeadForm.id).' }), input: t.arg({ type: LeadSubmitInput, required: true, description: 'The answers and where they come from.' }) },
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
    description: 'Changes status and/or assignee. Owners, admins and agents who work on the account.',
    authScopes: accountScope(operatorRoles, leadAccount),
    args: { id: t.arg.globalID({ required: true, for: LeadRef, description: 'The lead.' }), input: t.arg({ type: LeadUpdateInput, required: true, description: 'The changes.' }) },
    resolve: (_root, { id, input }, ctx) =>
      attempt(async () => ({
        leadId: (await leads.updateLead(ctx.db, id.id, { status: input.status, assigneeId: input.assigneeId === undefined ? undefined : (input.assigneeId?.id ?? null) })).id,
      })),
  }),
  leadNoteAdd: t.field({
    type: LeadNotePayload,
    description: 'Adds a note to a lead. Owners, admins and agents who work on the account.',
    authScopes: accountScope(operatorRoles, leadAccount),
    args: { id: t.arg.globalID({ required: true, for: LeadRef, description: 'The lead.' }), body: t.arg.string({ required: true, description: 'The note, 1–2000 characters (trimmed).' }) },
    resolve: (_root, { id, body }, ctx) => attempt(async () => ({ noteId: (await leads.addLeadNote(ctx.db, ctx.clock, id.id, ctx.viewer!.userId, body)).id })),
  }),
  leadsExport: t.field({
    type: LeadsExportPayload,
    description: 'A link, valid 10 minutes, to a streamed UTF-8 CSV of leads from at most the last 90 days. Owners and admins who work on the account.',
    authScopes: accountScope(managerRoles, byAccountIdArg),
    args: { accountId: t.arg.globalID({ required: true, for: BusinessAccountRef, description: 'The account.' }), input: t.arg({ type: LeadsExportInput, description: 'Range and filter; omit for the last 90 days up to the download.' }) },
    resolve: (_root, { accountId, input }, ctx) =>
      attempt(() => createExportLink(ctx, ctx.viewer!.userId, { accountId: accountId.id, from: input?.from, to: input?.to, filter: toLeadFilter(input?.filter) })),
  }),
}));
