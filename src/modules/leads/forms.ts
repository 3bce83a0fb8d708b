// Lead forms (create, edit, submit for review, the Get Leads switch) and Get Leads entries
// on short videos. Reviews go through the shared review queue.
import type { LeadFormCallToAction, LeadQuestion } from '../../generated/prisma/enums.ts';
import type { LeadForm, Prisma } from '../../generated/prisma/client.ts';
import type { Clock } from '../../platform/clock.ts';
import type { Db, Tx } from '../../platform/db.ts';
import { refuse, refuseIfAny, userError, type UserError } from '../../platform/errors.ts';
import { PendingEvents } from '../../platform/events.ts';
import type { PubSub } from '../../platform/pubsub.ts';
import { registerReviewable } from '../reviews/registry.ts';
import { submitForReview } from '../reviews/service.ts';
import { checkLeadFormFields, checkSubmittable, questionOrder, type LeadFormFields } from './rules.ts';

registerReviewable({
  kind: 'LEAD_FORM',
  subjectType: 'LeadForm',
  label: 'lead form',
  dueWithinHours: 24,
  areas: ['INTRODUCTION', 'QUESTIONS', 'PRIVACY_POLICY'],
  describe: async (tx, id) => (await tx.leadForm.findUniqueOrThrow({ where: { id }, select: { name: true } })).name,
  // approval turns the Get Leads switch on
  onApproved: async (tx, id, at) => {
    await tx.leadForm.update({ where: { id }, data: { status: 'APPROVED', getLeadsEnabled: true, approvedAt: at } });
  },
  onRejected: async (tx, id) => {
    await tx.leadForm.update({ where: { id }, data: { status: 'REJECTED', getLeadsEnabled: false } });
  },
});

export interface LeadFormInput extends LeadFormFields {
  callToAction?: LeadFormCallToAction;
}

const sortQuestions = (questions: LeadQuestion[]) => [...questions].sort((a, b) => questionOrder.indexOf(a) - questionOrder.indexOf(b));

export async function createLeadForm(db: Db, accountId: string, input: LeadFormInput & { name: string }) {
  const errors: UserError[] = [];
  checkLeadFormFields({ ...input, questions: input.questions ?? undefined }, errors);
  refuseIfAny(errors);
  return db.leadForm.create({
    data: {
      accountId,
      name: input.name.trim(),
      introduction: input.introduction?.trim() ?? '',
      questions: sortQuestions(input.questions ?? ['ENQUIRY']),
      privacyPolicyText: input.privacyPolicyText?.trim() || null,
      privacyPolicyUrl: input.privacyPolicyUrl?.trim() || null,
      callToAction: input.callToAction,
    },
  });
}

async function lockForm(tx: Tx, id: string) {
  await tx.$queryRaw`SELECT id FROM "LeadForm" WHERE id = ${id}::uuid FOR UPDATE`;
  return tx.leadForm.findUniqueOrThrow({ where: { id } });
}

/** Edits a form. Refused while the Get Leads switch is on or while it is under review. */
export async function updateLeadForm(db: Db, id: string, input: LeadFormInput) {
  return db.$transaction(async (tx) => {
    const form = await lockForm(tx, id);
    if (form.getLeadsEnabled) refuse('GET_LEADS_ON', ['id']);
    if (form.status === 'PENDING') refuse('REVIEW_PENDING', ['id'], 'The form is under review; edit it after the decision.');
    const merged = {
      privacyPolicyText: input.privacyPolicyText !== undefined ? input.privacyPolicyText : input.privacyPolicyUrl ? null : form.privacyPolicyText,
      privacyPolicyUrl: input.privacyPolicyUrl !== undefined ? input.privacyPolicyUrl : input.privacyPolicyText ? null : form.privacyPolicyUrl,
    };
    const errors: UserError[] = [];
    checkLeadFormFields({ ...input, ...merged }, errors);
    refuseIfAny(errors);
    return tx.leadForm.update({
      where: { id },
      data: {
        name: input.name?.trim(),
        introduction: input.introduction?.trim(),
        questions: input.questions ? sortQuestions(input.questions) : undefined,
        privacyPolicyText: merged.privacyPolicyText?.trim() || null,
        privacyPolicyUrl: merged.privacyPolicyUrl?.trim() || null,
        callToAction: input.callToAction,
        // an approved form that changes must be reviewed again; a rejected one keeps its reasons until resubmitted
        status: form.status === 'APPROVED' ? 'DRAFT' : undefined,
      },
    });
  });
}

export async function submitLeadForm(db: Db, clock: Clock, id: string, submittedById: string) {
  return db.$transaction(async (tx) => {
    const form = await lockForm(tx, id);
    if (form.status !== 'DRAFT' && form.status !== 'REJECTED') {
      refuse('LEAD_FORM_NOT_SUBMITTABLE', ['id'], form.status === 'PENDING' ? 'The form is already under review.' : 'The form is approved; edit it (switch off first) to submit a new version.');
    }
    refuseIfAny(checkSubmittable(form));
    const now = clock.now();
    const snapshot = {
      name: form.name,
      introduction: form.introduction,
      questions: form.questions,
      privacyPolicyText: form.privacyPolicyText,
      privacyPolicyUrl: form.privacyPolicyUrl,
      callToAction: form.callToAction,
    } satisfies Prisma.InputJsonValue;
    await submitForReview(tx, clock, { kind: 'LEAD_FORM', subjectId: id, accountId: form.accountId, snapshot, submittedById });
    return tx.leadForm.update({ where: { id }, data: { status: 'PENDING', submittedAt: now } });
  });
}

export interface GetLeadsSwitchedOff {
  form: LeadForm;
  events: PendingEvents;
  now: Date;
}

/** Reactions to a form's Get Leads switch turning off, inside its transaction (e.g. live rooms hide its entry). */
export type GetLeadsOffHook = (tx: Tx, event: GetLeadsSwitchedOff) => Promise<void>;
const getLeadsOffHooks: GetLeadsOffHook[] = [];
export function registerGetLeadsOffHook(hook: GetLeadsOffHook): void {
  getLeadsOffHooks.push(hook);
}

/**
 * The Get Leads switch. The form row stays locked until commit, so whatever shows the form
 * elsewhere (holdGetLeadsSwitch) either finishes first, and the hooks see it, or waits and
 * then finds the switch off.
 */
export async function setGetLeads(deps: { db: Db; clock: Clock; pubsub: PubSub }, id: string, enabled: boolean) {
  const events = new PendingEvents();
  const updated = await deps.db.$transaction(async (tx) => {
    const form = await lockForm(tx, id);
    if (enabled && form.status !== 'APPROVED') refuse('LEAD_FORM_NOT_APPROVED', ['id'], 'Only an approved form can collect leads.');
    const changed = await tx.leadForm.update({ where: { id }, data: { getLeadsEnabled: enabled } });
    if (!enabled) for (const hook of getLeadsOffHooks) await hook(tx, { form: changed, events, now: deps.clock.now() });
    return changed;
  });
  events.publishTo(deps.pubsub);
  return updated;
}

/**
 * Keeps a form's Get Leads switch as it is until the transaction ends, for a change that
 * shows the form (switching it off waits). Take it before locking anything the switch's hooks
 * lock (a live session), so both take their locks in the same order.
 */
export async function holdGetLeadsSwitch(tx: Tx, formId: string): Promise<void> {
  await tx.$queryRaw`SELECT id FROM "LeadForm" WHERE id = ${formId}::uuid FOR SHARE`;
}

/** Why a form cannot be used as a Get Leads entry (empty when it can). Used for videos and live rooms. */
export function entryRefusals(form: { status: string; getLeadsEnabled: boolean } | null, field: string[]): UserError[] {
  if (!form) return [userError('NOT_FOUND', field, 'No lead form of this account has this id.')];
  const errors: UserError[] = [];
  if (form.status !== 'APPROVED') errors.push(userError('LEAD_FORM_NOT_APPROVED', field));
  if (!form.getLeadsEnabled) errors.push(userError('GET_LEADS_OFF', field));
  return errors;
}

/** For the live-room issue: checks that `formId` can be the GET_LEADS entry of `accountId`. */
export async function checkAttachableForm(db: Db | Tx, accountId: string, formId: string, field: string[]): Promise<UserError[]> {
  const form = await db.leadForm.findFirst({ where: { id: formId, accountId }, select: { status: true, getLeadsEnabled: true } });
  return entryRefusals(form, field);
}

export async function createPost(db: Db, accountId: string, input: { caption?: string | null; commercialMusic?: boolean | null }) {
  const errors: UserError[] = [];
  if (input.caption && [...input.caption].length > 2200) errors.push(userError('TOO_LONG', ['input', 'caption'], 'Captions are at most 2200 characters.'));
  refuseIfAny(errors);
  return db.post.create({ data: { accountId, caption: input.caption ?? '', commercialMusic: input.commercialMusic ?? false } });
}

/** Attaches a Get Leads link to a short video; every failing condition is reported. */
export async function attachLeadFormToPost(db: Db, postId: string, formId: string) {
  return db.$transaction(async (tx) => {
    const post = await tx.post.findUniqueOrThrow({ where: { id: postId } });
    // the form cannot be switched off or edited until the link is stored
    await tx.$queryRaw`SELECT id FROM "LeadForm" WHERE id = ${formId}::uuid AND "accountId" = ${post.accountId}::uuid FOR SHARE`;
    const errors: UserError[] = [];
    if (post.commercialMusic) errors.push(userError('COMMERCIAL_MUSIC', ['postId']));
    errors.push(...(await checkAttachableForm(tx, post.accountId, formId, ['leadFormId'])));
    refuseIfAny(errors);
    return tx.post.update({ where: { id: postId }, data: { leadFormId: formId } });
  });
}

export async function detachLeadFormFromPost(db: Db, postId: string) {
  return db.post.update({ where: { id: postId }, data: { leadFormId: null } });
}
