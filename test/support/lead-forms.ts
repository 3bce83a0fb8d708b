// Shared setup for the lead-form, review and notification API tests: a team with one
// member of each role, forms taken through review, and what those modules store.
import { encodeGlobalID } from '@pothos/plugin-relay';
import { expect } from 'vitest';
import type { MemberRole } from '../../src/generated/prisma/enums.ts';
import {
  LeadFormCreateDocument,
  LeadFormSubmitDocument,
  PostCreateDocument,
  ReviewApproveDocument,
  ReviewRejectDocument,
  type LeadFormCreateInput,
  type ReviewReasonInput,
} from '../generated/graphql.ts';
import { startApp, type TestApp } from './app.ts';
import type { Api, GraphQLResponse } from './client.ts';
import { createTeam, localId, signIn, type Team } from './fixtures.ts';

export const REVIEWER = 'rita';
export const reviewer = (t: TestApp): Api => t.as(REVIEWER, ['reviewer']);

export const validForm = {
  name: 'Quote request',
  introduction: 'Tell us what you need and we will call you back.',
  questions: ['NAME', 'EMAIL'],
  privacyPolicyUrl: 'https://acme.example.com/privacy',
} satisfies LeadFormCreateInput;

export interface LeadTeam extends Team {
  prefix: string;
  owner: Api;
  as(who: string): Api;
  /** the handle of a member (or account) named without the team's prefix */
  handle(who: string): string;
  /** the global id of an account named without the prefix */
  account(name: string): string;
}

let teams = 0;
/**
 * An organization `<p>_owner` with accounts `<p>_shop` and `<p>_other`, and members named
 * by role (`admin`, `agent`, `analyst`) unless told otherwise; `restrictedTo` limits members.
 */
export async function leadTeam(t: TestApp, members: Record<string, MemberRole> = { admin: 'ADMIN', agent: 'AGENT', analyst: 'ANALYST' }, restrictedTo: Record<string, string[]> = {}): Promise<LeadTeam> {
  const prefix = `lf${++teams}`;
  const handle = (who: string) => `${prefix}_${who}`;
  const team = await createTeam(t, {
    owner: handle('owner'),
    accounts: [handle('shop'), handle('other')],
    members: Object.fromEntries(Object.entries(members).map(([who, role]) => [handle(who), role])),
    restrictedTo: Object.fromEntries(Object.entries(restrictedTo).map(([who, accounts]) => [handle(who), accounts.map(handle)])),
  });
  return { ...team, prefix, owner: t.as(handle('owner')), as: (who) => t.as(handle(who)), handle, account: (name) => team.accountIds[handle(name)] };
}

export const OUTSIDER = 'outsider';

/**
 * A fresh app (its clock at `now`) with `org` (see leadTeam), `foreign` (another organization,
 * owner only) and a signed-in user `outsider` who belongs to neither.
 */
export async function startLeadApp(now?: string, members?: Record<string, MemberRole>, restrictedTo?: Record<string, string[]>) {
  const t = await startApp({ now });
  const org = await leadTeam(t, members, restrictedTo);
  const foreign = await leadTeam(t, {});
  await signIn(t, OUTSIDER);
  return { t, org, foreign };
}

type Payload = { userErrors: { code: string; field?: string[] | null }[] };
function accepted<P extends Payload>(payload: P, what: string): P {
  if (payload.userErrors.length > 0) throw new Error(`${what} refused: ${JSON.stringify(payload.userErrors)}`);
  return payload;
}

/** A draft form created by `api`; returns its global id. */
export async function createForm(api: Api, accountId: string, input: Partial<LeadFormCreateInput> = {}): Promise<string> {
  const { leadFormCreate } = await api.request(LeadFormCreateDocument, { accountId, input: { ...validForm, ...input } });
  return accepted(leadFormCreate, 'leadFormCreate').leadForm!.id;
}

export async function submitForm(api: Api, formId: string): Promise<void> {
  accepted((await api.request(LeadFormSubmitDocument, { id: formId })).leadFormSubmit, 'leadFormSubmit');
}

/** The global id of the form's pending review item. */
export async function pendingReview(t: TestApp, formId: string): Promise<string> {
  const item = await t.db.reviewItem.findFirstOrThrow({ where: { subjectId: localId(formId), state: 'PENDING' } });
  return encodeGlobalID('ReviewItem', item.id);
}

export async function approve(t: TestApp, formId: string): Promise<void> {
  accepted((await reviewer(t).request(ReviewApproveDocument, { id: await pendingReview(t, formId) })).reviewApprove, 'reviewApprove');
}

export async function reject(t: TestApp, formId: string, reasons: ReviewReasonInput[] = [{ area: 'PRIVACY_POLICY', message: 'The link does not open a privacy policy.' }]): Promise<void> {
  accepted((await reviewer(t).request(ReviewRejectDocument, { id: await pendingReview(t, formId), reasons })).reviewReject, 'reviewReject');
}

/** A form created, submitted and approved: its Get Leads switch is on. */
export async function liveForm(t: TestApp, api: Api, accountId: string, input: Partial<LeadFormCreateInput> = {}): Promise<string> {
  const formId = await createForm(api, accountId, input);
  await submitForm(api, formId);
  await approve(t, formId);
  return formId;
}

export async function createPost(api: Api, accountId: string, input: { caption?: string; commercialMusic?: boolean } = {}): Promise<string> {
  const { postCreate } = await api.request(PostCreateDocument, { accountId, input: { caption: 'Our new menu', ...input } });
  return accepted(postCreate, 'postCreate').post!.id;
}

// ───────────── stored state ─────────────

/** Everything lead forms, posts, reviews and notifications store, in a stable order. */
export async function storedLeadForms(t: TestApp) {
  const [forms, posts, reviews, notifications] = await Promise.all([
    t.db.leadForm.findMany({ orderBy: { id: 'asc' } }),
    t.db.post.findMany({ orderBy: { id: 'asc' } }),
    t.db.reviewItem.findMany({ orderBy: { id: 'asc' } }),
    t.db.notification.findMany({ orderBy: { id: 'asc' } }),
  ]);
  return { forms, posts, reviews, notifications };
}

/** Runs a refused operation and asserts that no form, post, review or notification changed. */
export async function expectLeadFormsUnchanged<T>(t: TestApp, operation: () => Promise<T>): Promise<T> {
  const before = await storedLeadForms(t);
  const result = await operation();
  expect(await storedLeadForms(t)).toEqual(before);
  return result;
}

/** A query refused by authorization: every error carries `code` (one per hidden field). */
export function expectReadRefused(response: GraphQLResponse<unknown>, code: 'FORBIDDEN' | 'UNAUTHENTICATED'): void {
  expect(response.errors?.length).toBeGreaterThan(0);
  expect(new Set(response.errors?.map((e) => e.extensions?.code))).toEqual(new Set([code]));
}

export const formRow = (t: TestApp, formId: string) => t.db.leadForm.findUniqueOrThrow({ where: { id: localId(formId) } });
